//! People introduced in narrative without a cue verb: by a role or title right before the name
//! ("political analyst Hrant Roe", "Caliber.Az interviewed Jane Roe") or by an apposition at the
//! start of a sentence ("The head of the Centre, Ann Roe, takes a more cautious view." / "Ann
//! Roe, head of the Centre, ..."). Registering them lets a later pronoun, role noun or interview
//! answer find them. Each sentence is read once, in a bounded prefix.

use super::lexicon::{self, has};
use super::speakers::{classify, Mention, Speakers};
use super::words::{clean, is_name_word, is_particle, lower, tokens};

/// Registers people introduced in narrative by a role noun, a title or an interview verb
/// ("political analyst Hrant Mikaelian", "Caliber.Az interviewed Jane Roe"); returns how many.
pub fn scan_mentions(sentence: &str, speakers: &mut Speakers) -> usize {
    let words: Vec<&str> = tokens(sentence).map(|(_, t)| t).take(400).collect();
    let mut found = 0;
    for (i, raw) in words.iter().enumerate() {
        let w = clean(raw);
        let low = lower(w.trim_end_matches('.'));
        let lowercase_role =
            lexicon::is_role(&low) && (i == 0 || w.chars().next().is_some_and(char::is_lowercase));
        let trigger =
            lowercase_role || has(lexicon::TITLES, &low) || has(lexicon::INTERVIEW_WORDS, &low);
        if !trigger || raw.ends_with(',') {
            continue;
        }
        let name: Vec<&str> = words[i + 1..]
            .iter()
            .take(4)
            .scan(false, |stop, t| {
                (!*stop).then(|| {
                    *stop = t.ends_with([',', '.', ';', ':']) && !clean(t).ends_with('.');
                    clean(t)
                })
            })
            .take_while(|t| is_name_word(t) && !is_role_word(t))
            .collect();
        if (2..=4).contains(&name.len()) {
            speakers.resolve(&Mention::Name {
                name: name.join(" "),
                titled: true,
            });
            found += 1;
        }
    }
    found
}

/// Phrases that announce an interview or a conversation with the person named in the sentence.
const INTRODUCTIONS: &[&str] = &[
    "interview",
    "talked",
    "spoke with",
    "spoke to",
    "sat down with",
    "conversation with",
    "in conversation",
    "asked",
];

/// Registers the interviewee of a sentence that announces an interview ("Interview with a
/// Mongolian economist, Professor of ..., member of ... Bat Erdene."): the last name of two to
/// five words in the sentence, places before it dropped. Returns how many (0 or 1).
pub fn scan_introduction(sentence: &str, speakers: &mut Speakers) -> usize {
    let low = sentence.to_lowercase();
    if !INTRODUCTIONS.iter().any(|p| low.contains(p)) {
        return 0;
    }
    let words: Vec<&str> = tokens(sentence).map(|(_, t)| t).take(400).collect();
    let mut best: Option<String> = None;
    let mut run: Vec<&str> = Vec::new();
    for raw in words.iter().chain(std::iter::once(&"")) {
        let w = clean(raw);
        let fits = is_name_word(w) || !run.is_empty() && is_particle(w);
        if fits && (has(lexicon::NOBODY_NOUNS, &lower(w)) || is_role_word(w)) {
            run.clear();
            continue;
        }
        if fits && !is_role_word(w) && !has(lexicon::TITLES, &lower(w.trim_end_matches('.'))) {
            run.push(w);
            let closes = raw.ends_with([',', ';', ':', ')'])
                || raw.ends_with('.') && w.len() + 1 == raw.len();
            if !closes {
                continue;
            }
        }
        if let Some(name) = person_run(&run) {
            best = Some(name);
        }
        run.clear();
    }
    let Some(name) = best else { return 0 };
    usize::from(
        speakers
            .resolve(&Mention::Name { name, titled: true })
            .is_some(),
    )
}

/// A run of capitalised words as a person's name: places in front dropped, two to five words
/// left, none of them an institution.
fn person_run(run: &[&str]) -> Option<String> {
    let mut run = run;
    while run.len() > 2 && {
        let low = lower(run[0]);
        has(lexicon::PLACE_WORDS, &low) || has(lexicon::PORTFOLIO_WORDS, &low)
    } {
        run = &run[1..];
    }
    let places = lexicon::is_place_name(run);
    let nobody = run.iter().any(|w| has(lexicon::NOBODY_NOUNS, &lower(w)));
    ((2..=5).contains(&run.len()) && !places && !nobody && is_name_word(run[0]))
        .then(|| run.join(" "))
}

/// True for a capitalised word that belongs to a role phrase or an institution, not a name.
fn is_role_word(w: &str) -> bool {
    let low = lower(w);
    lexicon::is_role(&low) || lexicon::is_modifier(&low) || has(lexicon::NOBODY_NOUNS, &low)
}

/// Registers people named next to a role apposition: "<role phrase>, <Name>, ..." at the start
/// of a sentence, or "... <Name>, <role phrase>" anywhere ("ARMENPRESS spoke with Ann Roe, head
/// of the Centre."). Returns how many were registered.
pub fn scan_appositions(sentence: &str, speakers: &mut Speakers) -> usize {
    const MAX_SEGMENTS: usize = 8;
    let segments: Vec<&str> = sentence.split(',').take(MAX_SEGMENTS).collect();
    let mut found = 0;
    for (i, pair) in segments.windows(2).enumerate() {
        let name = match (i, classify(pair[1])) {
            (0, Mention::Name { name, .. }) if name.contains(' ') && has_role(pair[0], 12) => {
                Some(name)
            }
            _ if has_role(pair[1], 4) => name_at_end(pair[0]),
            _ => None,
        };
        if let Some(name) = name {
            let m = Mention::Name { name, titled: true };
            found += usize::from(speakers.resolve(&m).is_some());
        }
    }
    found
}

/// True if one of the first `n` words of `phrase` is a lowercase role noun ("head of ...",
/// "a senior fellow at ...").
fn has_role(phrase: &str, n: usize) -> bool {
    tokens(phrase).take(n).any(|(_, t)| {
        let w = clean(t);
        w.chars().next().is_some_and(char::is_lowercase) && lexicon::is_role(&lower(w))
    })
}

/// The two to four name words that close `segment` ("... spoke with Ann Roe").
fn name_at_end(segment: &str) -> Option<String> {
    let words: Vec<&str> = segment.split_whitespace().rev().take(7).collect();
    let mut run: Vec<&str> = words
        .iter()
        .map(|w| clean(w))
        .take_while(|w| (is_name_word(w) || is_particle(w)) && !is_role_word(w))
        .collect();
    // "Inés Carvajal de la Fuente": particles inside, never at the front.
    while run.last().is_some_and(|w| is_particle(w)) {
        run.pop();
    }
    let particles = run.iter().filter(|w| is_particle(w)).count();
    if !(2..=4).contains(&(run.len() - particles)) {
        return None;
    }
    Some(run.into_iter().rev().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_role_phrases() {
        let mut s = Speakers::default();
        assert_eq!(
            scan_mentions("We spoke to economist Jane Roe, a professor.", &mut s),
            1
        );
        assert_eq!(
            scan_mentions("Chief Global Strategist at KI Co.", &mut s),
            0
        );
        assert_eq!(s.name(0), "Jane Roe");
    }

    #[test]
    fn scans_appositions() {
        let mut s = Speakers::default();
        let mut scan = |t: &str| scan_appositions(t, &mut s);
        assert_eq!(
            scan("The head of the Tea Centre, Ona Vik, takes a calmer view."),
            1
        );
        assert_eq!(
            scan("Ivo Lund, director of the port, sees it otherwise."),
            1
        );
        assert_eq!(scan("In Oslo, Bergen and Tromso, prices rose."), 0);
        assert_eq!(
            scan("The outlet also spoke with Eli Moe, head of a club."),
            1
        );
        assert_eq!(s.name(0), "Ona Vik");
        assert_eq!(s.name(1), "Ivo Lund");
        assert_eq!(s.name(2), "Eli Moe");
    }
}
