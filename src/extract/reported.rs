//! Stage 4: reported speech. A narrative sentence is attributed when it has the shape
//! `<Subject>[, apposition,] <cue verb> ...`, `<clause>, <subject> <cue verb> ...`,
//! "According to X, ..." or "In his opinion, ...". This stage only finds the subject phrase and
//! classifies it; who it refers to is decided by the speaker registry in article order.

use super::lexicon;
use super::narrative::is_month;
use super::speakers::{classify, Mention};
use super::words::{clean, is_name_word, is_particle, lower, tokens};

/// A narrative sentence that reports speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Who speaks.
    pub mention: Mention,
    /// "In his opinion, ..." / "According to X, ...": the speaker's argument may go on in the
    /// following unattributed sentences of the paragraph.
    pub opener: bool,
    /// The attribution closes the sentence ("..., Jafarli believes." / "..., said Professor X."):
    /// it may also cover the unattributed sentences before it in the paragraph.
    pub trailing: bool,
    /// Only the attribution: "Jo Lee, head of the port, said:" introduces a quote and says
    /// nothing of its own, so it is not the speaker's sentence.
    pub lead_in: bool,
    /// Only who spoke and where: "Jo Lee said at a conference in Oslo." gives the preceding
    /// unattributed sentences of its paragraph their speaker and is not a sentence of hers.
    pub bare: bool,
}

/// The subject of a reported-speech sentence, or `None` if the sentence reports no speech.
/// `Some(Mention::Nobody)` means speech by an institution or anonymous group.
pub fn cue_subject(sentence: &str) -> Option<Mention> {
    report(sentence).map(|r| r.mention)
}

/// The reported-speech reading of a sentence, if it has one (see [`Report`]).
pub fn report(sentence: &str) -> Option<Report> {
    let toks: Vec<(usize, &str)> = tokens(sentence).collect();
    if let Some((mention, at)) = according_to(sentence, &toks) {
        return Some(Report {
            mention,
            opener: at == 0,
            trailing: at > 0,
            lead_in: false,
            bare: false,
        });
    }
    if let Some(mention) = opinion_opener(&toks) {
        return Some(Report {
            mention,
            opener: true,
            trailing: false,
            lead_in: false,
            bare: false,
        });
    }
    // A person's reading wins over an institution's ("..., when the port is expected to ...").
    let mut nobody = None;
    for k in speaker_cues(&toks) {
        let Some((mention, trailing)) = cue_reading(sentence, &toks, k) else {
            continue;
        };
        let after = &toks[k + 1..];
        let lead_in = !trailing
            && sentence.trim_end().ends_with(':')
            && after.len() <= 4
            && !after.iter().any(|(_, t)| lower(clean(t)) == "that");
        let report = Report {
            mention,
            opener: lexicon::has(lexicon::ARGUMENT_CUES, &lower(clean(toks[k].1))),
            trailing,
            lead_in,
            bare: !trailing
                && !lead_in
                && opens_with_subject(&sentence[..toks[k].0])
                && is_bare(sentence, toks[k].1, after),
        };
        if report.mention != Mention::Nobody {
            return Some(report);
        }
        nobody = nobody.or(Some(report));
    }
    nobody
}

/// True if what follows the cue verb only says where or to whom ("at a conference in Paris,
/// Wire reports.", "told the Daily Times."), not what was said.
fn is_bare(sentence: &str, cue: &str, after: &[(usize, &str)]) -> bool {
    const MAX_AFTER: usize = 12;
    const MAX_TOLD: usize = 5;
    const SETTINGS: &[&str] = &[
        "at",
        "in",
        "on",
        "during",
        "after",
        "before",
        "yesterday",
        "today",
        "last",
        "this",
    ];
    let first = after.first().map(|(_, t)| lower(clean(t)));
    // "said on Monday" sets the scene; "calls on the allies" says something.
    let dated = after.get(1).is_some_and(|(_, t)| {
        let w = lower(clean(t));
        t.starts_with(|c: char| c.is_ascii_digit())
            || is_month(&w)
            || w.ends_with("day") && w.len() > 5
    });
    if first.as_deref() == Some("on") && !dated {
        return false;
    }
    let told = matches!(lower(clean(cue)).as_str(), "told" | "tells") && after.len() <= MAX_TOLD;
    let settles = told || first.is_none_or(|w| SETTINGS.contains(&w.as_str()));
    settles
        && after.len() <= MAX_AFTER
        && !after.iter().any(|(_, t)| lower(clean(t)) == "that")
        && !sentence.contains(['“', '"', '«'])
}

/// True if a token ends with a comma, also inside a closing quote mark (`power,”`).
fn ends_with_comma(token: &str) -> bool {
    token.trim_end_matches(['”', '"', '’', '»']).ends_with(',')
}

/// True if the sentence opens with its speaker ("Jo Lee, an economist, said ..."), not with a
/// clause of content before a trailing "..., he noted."
fn opens_with_subject(prefix: &str) -> bool {
    let head = prefix.split(',').next().unwrap_or(prefix);
    match classify(head) {
        Mention::Name { name, titled } => titled || name.contains(' '),
        Mention::Pronoun | Mention::Role => true,
        _ => false,
    }
}

/// Who speaks through the cue verb at token `k`, and whether the attribution closes the
/// sentence. A lone capitalised word before `, said` is usually the end of a list of places
/// ("Iran, Azerbaijan, and Russia, said Jo Lee"), so the name after the verb wins over it.
fn cue_reading(sentence: &str, toks: &[(usize, &str)], k: usize) -> Option<(Mention, bool)> {
    let before = subject_before(&sentence[..toks[k].0]);
    let weak = match &before {
        None | Some(Mention::Nobody) => true,
        Some(Mention::Name { name, titled }) => !titled && !name.contains(' '),
        Some(_) => false,
    };
    if weak && ends_with_comma(toks[k - 1].1) {
        if let Some(after @ Mention::Name { .. }) = inverted(sentence, toks, k) {
            return Some((after, true));
        }
    }
    match before {
        Some(m) => Some((m, is_trailing(sentence, toks, k))),
        None => Some((inverted(sentence, toks, k)?, ends_with_comma(toks[k - 1].1))),
    }
}

/// Indices of the cue verbs that may attribute the sentence, in order: lowercase cues after
/// the first word, skipping those inside a cited clause ("As the President noted, ..., Roe
/// said.": the sentence belongs to the speaker who cites).
fn speaker_cues(toks: &[(usize, &str)]) -> Vec<usize> {
    const MAX_CUES: usize = 4;
    let mut clause_start = 0;
    let mut out = Vec::new();
    let mut cited_cues = Vec::new();
    for (i, (_, t)) in toks.iter().enumerate() {
        let word = |j: usize| toks.get(j).map(|(_, w)| lower(clean(w)));
        let cited = word(clause_start).is_some_and(|w| w == "as")
            && !word(clause_start + 1).is_some_and(|w| lexicon::has(lexicon::PERSON_PRONOUNS, &w));
        if i > 0 && is_lowercase_cue(t) {
            if cited {
                cited_cues.push(i);
                continue;
            }
            out.push(i);
            if out.len() == MAX_CUES {
                break;
            }
        }
        if t.ends_with(',') {
            clause_start = i + 1;
        }
    }
    // "As Jo Lee pointed out, the port is ready.": with no other speaker, the cited one speaks.
    out.extend(cited_cues.into_iter().take(1));
    out
}

/// True if the subject and cue verb at token `k` close the sentence after a clause of content:
/// "Trade will grow, Jafarli believes." / "..., Pavel Roe, a researcher, told TASS."
fn is_trailing(sentence: &str, toks: &[(usize, &str)], k: usize) -> bool {
    const MAX_AFTER_CUE: usize = 8;
    let words_before_comma = sentence[..toks[k].0]
        .split_once(',')
        .map_or(0, |(head, _)| head.split_whitespace().count());
    let after = &toks[k + 1..];
    words_before_comma >= 3
        && after.len() <= MAX_AFTER_CUE
        && !after.iter().any(|(_, t)| lower(clean(t)) == "that")
}

/// "..., claims economist Ken Doe." / "..., said Professor Ann Roe of the Institute.": a cue verb
/// right after a comma, then the subject up to the end of the sentence. Without the comma only
/// a titled name is taken ("... on time claims economist Ken Doe of Delta Research.").
fn inverted(sentence: &str, toks: &[(usize, &str)], k: usize) -> Option<Mention> {
    const MAX_SUBJECT: usize = 14;
    if toks.len() - k - 1 > MAX_SUBJECT {
        return None;
    }
    let comma = ends_with_comma(toks[k - 1].1);
    let start = toks.get(k + 1)?.0;
    let rest = &sentence[start..];
    let subject = rest.split(',').next().unwrap_or(rest);
    match classify(subject) {
        m @ Mention::Name { titled: true, .. } => Some(m),
        m @ (Mention::Name { .. } | Mention::Role | Mention::Nobody) if comma => Some(m),
        _ => None,
    }
}

/// Subject of the clause ending at a cue verb: the words after the last comma; when the
/// prefix ends in a comma, the name before one or two appositions (`..., Pavel Roe, leading
/// researcher at the Institute, told TASS`); else the sentence-initial words before the first
/// comma (`Kyle Inan, Chief Strategist ..., noted`).
pub fn subject_before(prefix: &str) -> Option<Mention> {
    const MAX_APPOSITIONS: usize = 3;
    let prefix = without_dashed_aside(prefix);
    let trimmed = prefix.trim_end();
    if let Some(inner) = trimmed.strip_suffix(',') {
        let named = inner
            .rsplit(',')
            .take(MAX_APPOSITIONS)
            .map(classify)
            .find(|m| matches!(m, Mention::Name { .. } | Mention::Pronoun));
        if named.is_some() {
            return named;
        }
    } else {
        let after_last_comma = prefix.rsplit(',').next().unwrap_or(prefix);
        let near = classify(after_last_comma);
        if near == Mention::Nobody {
            // "In an interview to a magazine Sheikh Ali al-Roe said": the name at the verb wins.
            if let Some(run) = name_run_before(prefix) {
                return Some(run);
            }
        }
        if near != Mention::NotSubject {
            return Some(near);
        }
    }
    if let Some(run) = name_run_before(prefix) {
        return Some(run);
    }
    let (head, _) = prefix.split_once(',')?;
    let far = classify(head);
    (far != Mention::NotSubject).then_some(far)
}

/// The prefix without a closing aside between dashes ("Jo Lee -- who heads the port -- said"
/// reads as "Jo Lee said").
fn without_dashed_aside(prefix: &str) -> &str {
    let trimmed = prefix.trim_end();
    for dash in ["--", "—", "–"] {
        if let Some(inner) = trimmed.strip_suffix(dash) {
            if let Some(open) = inner.rfind(dash) {
                return &prefix[..open];
            }
        }
    }
    prefix
}

/// The name written right before the cue verb, after a subject phrase too long or too odd to
/// classify ("In an interview to a weekly His Highness Sheikh Ali bin Saud Al Roe said"):
/// up to five name words and particles, without leading titles, roles and places.
fn name_run_before(prefix: &str) -> Option<Mention> {
    const MAX_RUN: usize = 5;
    let words: Vec<&str> = prefix
        .split_whitespace()
        .rev()
        .map(clean)
        .skip_while(|w| lexicon::has(lexicon::ADVERBS, &lower(w)))
        .take_while(|w| is_name_word(w) || is_particle(w))
        .take(MAX_RUN + 1)
        .collect();
    if words.len() > MAX_RUN {
        return None;
    }
    let mut run: Vec<&str> = words.into_iter().rev().collect();
    while run.len() > 1 && {
        let low = lower(run[0].trim_end_matches('.'));
        lexicon::is_role(&low)
            || lexicon::has(lexicon::TITLES, &low)
            || lexicon::is_modifier(&low)
            || lexicon::has(lexicon::PLACE_WORDS, &low)
            || lexicon::has(lexicon::PORTFOLIO_WORDS, &low)
            || is_particle(run[0])
    } {
        run.remove(0);
    }
    let nobody = run.iter().any(|w| {
        let low = lower(w);
        lexicon::has(lexicon::NOBODY_NOUNS, &low) || lexicon::is_role(&low)
    });
    if run.is_empty() || nobody || lexicon::is_place_name(&run) || !is_name_word(run[0]) {
        return None;
    }
    Some(Mention::Name {
        name: run.join(" "),
        titled: false,
    })
}

/// True for a cue verb written in lowercase (capitalised "States" is not "states").
fn is_lowercase_cue(tok: &str) -> bool {
    let w = clean(tok);
    w.chars().all(|c| !c.is_uppercase()) && lexicon::is_cue(w, false)
}

/// "According to him, ...", "..., according to political analyst John Doe."; returns the
/// mention and the token index of "according".
fn according_to(sentence: &str, toks: &[(usize, &str)]) -> Option<(Mention, usize)> {
    let at = toks
        .windows(2)
        .position(|w| lower(clean(w[0].1)) == "according" && lower(w[1].1) == "to")?;
    let start = toks.get(at + 2)?.0;
    let rest = &toks[at + 2..];
    let rest = &rest[..rest.len().min(8)];
    let last = rest
        .iter()
        .position(|(_, t)| t.ends_with([',', '.', ';', ':']))
        .or(rest.len().checked_sub(1));
    let end = last.map_or(start, |i| rest[i].0 + rest[i].1.len());
    let m = classify(&sentence[start..end]);
    (m != Mention::NotSubject).then_some((m, at))
}

/// "In his opinion, ...", "In her view, ...".
fn opinion_opener(toks: &[(usize, &str)]) -> Option<Mention> {
    let [a, b, c, ..] = toks else {
        return None;
    };
    let (a, b, c) = (lower(clean(a.1)), lower(clean(b.1)), lower(clean(c.1)));
    let opener =
        a == "in" && (b == "his" || b == "her") && lexicon::has(lexicon::OPINION_NOUNS, &c);
    if opener {
        return Some(Mention::Pronoun);
    }
    for_opener(toks)
}

/// "For him, ...", "In addition, for the chief economist of the bank, ...": whose view the
/// sentence gives, in the translated press's idiom.
fn for_opener(toks: &[(usize, &str)]) -> Option<Mention> {
    const MAX_LEAD: usize = 3;
    const MAX_PHRASE: usize = 8;
    let at = toks
        .iter()
        .take(MAX_LEAD + 1)
        .position(|(_, t)| lower(t) == "for")?;
    if at > 0 && !toks[at - 1].1.ends_with(',') {
        return None;
    }
    let phrase = &toks[at + 1..toks.len().min(at + 1 + MAX_PHRASE)];
    let end = phrase.iter().position(|(_, t)| t.ends_with(','))?;
    let words: Vec<String> = phrase[..=end]
        .iter()
        .map(|(_, t)| lower(clean(t)))
        .collect();
    match words.as_slice() {
        [w] if w == "him" || w == "her" => Some(Mention::Pronoun),
        [the, rest @ ..] if the == "the" && rest.iter().take(3).any(|w| lexicon::is_role(w)) => {
            Some(Mention::Role)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Option<Mention> {
        Some(Mention::Name {
            name: n.to_string(),
            titled: false,
        })
    }

    #[test]
    fn subject_with_apposition() {
        let s =
            "Kyle Inan, Chief Global Strategist at KI Asset Management Co. (USA), noted that x.";
        assert_eq!(cue_subject(s), name("Kyle Inan"));
    }

    #[test]
    fn trailing_and_inverted_attributions() {
        let r = report("Rates will fall soon, claims economist Ken Doe of Delta Research.");
        let r = r.expect("inverted cue");
        assert!(r.trailing && !r.opener);
        assert_eq!(
            r.mention,
            Mention::Name {
                name: "Ken Doe".into(),
                titled: true
            }
        );
        assert!(report("Rates will fall soon, Doe believes.").is_some_and(|r| r.trailing));
        let bare = report("Rates will fall soon claims economist Ken Doe.");
        assert!(bare.is_some_and(|r| !r.trailing));
        assert_eq!(report("Rates will fall soon claims Ken Doe."), None);
        let lead = report("Regarding rates, he noted that they will fall.");
        assert!(lead.is_some_and(|r| !r.trailing));
        assert!(report("In his view, rates will fall.").is_some_and(|r| r.opener));
    }

    #[test]
    fn cited_speech_belongs_to_the_citing_speaker() {
        let s = "As the minister noted, tea will stay dear, Ona Vik said.";
        assert_eq!(cue_subject(s), name("Ona Vik"));
        let s = "As she noted, tea will stay dear.";
        assert_eq!(cue_subject(s), Some(Mention::Pronoun));
        let s = "Ona Vik believes tea will stay dear.";
        assert!(report(s).is_some_and(|r| r.opener));
    }

    #[test]
    fn subject_before_a_closing_apposition() {
        let s = "Tea will stay dear, Lina Moor, senior fellow at the Tea Institute, told us.";
        assert_eq!(cue_subject(s), name("Lina Moor"));
    }

    #[test]
    fn subject_after_intro_clause() {
        assert_eq!(
            cue_subject("Regarding trade, he noted that it grows."),
            Some(Mention::Pronoun)
        );
        assert_eq!(
            cue_subject("He also believes that it grows."),
            Some(Mention::Pronoun)
        );
        assert_eq!(
            cue_subject("Trade will grow, Jafarli believes."),
            name("Jafarli")
        );
    }

    #[test]
    fn institutions_and_narrative() {
        assert_eq!(
            cue_subject("They met in Paris, the U.S. Embassy reported."),
            Some(Mention::Nobody)
        );
        assert_eq!(cue_subject("The United States unveiled a plan."), None);
        assert_eq!(cue_subject("The Outlet invited analysts to comment."), None);
        assert_eq!(cue_subject("The first meeting noted progress."), None);
    }

    #[test]
    fn real_page_subjects() {
        let titled = |n: &str| {
            Some(Mention::Name {
                name: n.into(),
                titled: true,
            })
        };
        assert_eq!(
            cue_subject("European Commissioner for Trade Affairs Lea Vos said that it holds."),
            titled("Lea Vos")
        );
        assert_eq!(
            cue_subject("In a talk on Monday the Emir Sheikh Ali bin Saud al-Roe said it works."),
            titled("Sheikh Ali bin Saud al-Roe")
        );
        assert_eq!(
            cue_subject("Ivo Lund -- who heads the port, the largest in Norway -- said it works."),
            name("Ivo Lund")
        );
        assert_eq!(
            cue_subject("Trade links Iran, Azerbaijan, and Russia, said Ana Duarte, the mayor."),
            name("Ana Duarte")
        );
        assert_eq!(
            cue_subject("The port is a link for Iran, said Ana Duarte, the mayor, Wire reports."),
            name("Ana Duarte")
        );
        assert_eq!(
            cue_subject("What could hurt is “the cost of living,” argued Ana Duarte."),
            name("Ana Duarte")
        );
        assert_eq!(
            cue_subject("As Jo Lee pointed out, the port is ready."),
            name("Jo Lee")
        );
        assert_eq!(
            cue_subject("In a talk to a weekly magazine Jo Lee said it works."),
            name("Jo Lee")
        );
        assert_eq!(
            cue_subject("His Highness the Emir said it works."),
            Some(Mention::Role)
        );
        assert_eq!(
            cue_subject("As Jo Lee pointed out, ships are expected in May."),
            name("Jo Lee")
        );
        let r =
            report("Jo Lee, an economist, said at a forum in Oslo, Wire reports.").expect("bare");
        assert!(r.bare);
        assert!(
            !report("Jo Lee said at the forum that it works.")
                .expect("x")
                .bare
        );
        assert!(
            !report("She also calls on the allies to act.")
                .expect("x")
                .bare
        );
        assert!(
            !report("New, young leaders have emerged, he noted.")
                .expect("x")
                .bare
        );
        let r = report("Jo Lee, head of the port, said:").expect("lead-in");
        assert!(r.lead_in);
        assert!(
            !report("Jo Lee said that the port is ready:")
                .expect("report")
                .lead_in
        );
    }

    #[test]
    fn for_openers() {
        assert_eq!(
            cue_subject("For him, prices will rise."),
            Some(Mention::Pronoun)
        );
        assert_eq!(
            cue_subject("In addition, for the chief economist of the bank, gas matters."),
            Some(Mention::Role)
        );
        assert_eq!(cue_subject("For the first time, prices rose."), None);
    }

    #[test]
    fn openers() {
        assert_eq!(
            cue_subject("According to him, prices will rise."),
            Some(Mention::Pronoun)
        );
        assert_eq!(
            cue_subject("Prices will rise, according to Jane Roe."),
            name("Jane Roe")
        );
        assert_eq!(
            cue_subject("In her view, prices will rise."),
            Some(Mention::Pronoun)
        );
    }
}
