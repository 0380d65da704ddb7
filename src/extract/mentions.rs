//! People introduced in narrative without a cue verb: by a role or title right before the name
//! ("political analyst Hrant Roe", "Caliber.Az interviewed Jane Roe") or by an apposition at the
//! start of a sentence ("The head of the Centre, Ann Roe, takes a more cautious view." / "Ann
//! Roe, head of the Centre, ..."). Registering them lets a later pronoun, role noun or interview
//! answer find them. Each sentence is read once, in a bounded prefix.

use super::lexicon::{self, has};
use super::speakers::{classify, Mention, Speakers};
use super::words::{clean, is_name_word, lower, tokens};

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
    let words: Vec<&str> = segment.split_whitespace().rev().take(5).collect();
    let run: Vec<&str> = words
        .iter()
        .map(|w| clean(w))
        .take_while(|w| is_name_word(w) && !is_role_word(w))
        .collect();
    if !(2..=4).contains(&run.len()) {
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
