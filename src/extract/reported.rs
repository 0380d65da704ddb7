//! Stage 4: reported speech. A narrative sentence is attributed when it has the shape
//! `<Subject>[, apposition,] <cue verb> ...`, `<clause>, <subject> <cue verb> ...`,
//! "According to X, ..." or "In his opinion, ...". This stage only finds the subject phrase and
//! classifies it; who it refers to is decided by the speaker registry in article order.

use super::lexicon;
use super::speakers::{classify, Mention};
use super::words::{clean, lower, tokens};

/// The subject of a reported-speech sentence, or `None` if the sentence reports no speech.
/// `Some(Mention::Nobody)` means speech by an institution or anonymous group.
pub fn cue_subject(sentence: &str) -> Option<Mention> {
    let toks: Vec<(usize, &str)> = tokens(sentence).collect();
    if let Some(m) = according_to(sentence, &toks).or_else(|| opinion_opener(&toks)) {
        return Some(m);
    }
    let (cue_at, _) = toks
        .iter()
        .skip(1)
        .find(|(_, t)| is_lowercase_cue(t))
        .copied()?;
    subject_before(&sentence[..cue_at])
}

/// Subject of the clause ending at a cue verb: the words after the last comma, or else the
/// sentence-initial words before the first comma (`Kyle Inan, Chief Strategist ..., noted`).
pub fn subject_before(prefix: &str) -> Option<Mention> {
    let after_last_comma = prefix.rsplit(',').next().unwrap_or(prefix);
    let near = classify(after_last_comma);
    if near != Mention::NotSubject {
        return Some(near);
    }
    let (head, _) = prefix.split_once(',')?;
    let far = classify(head);
    (far != Mention::NotSubject).then_some(far)
}

/// True for a cue verb written in lowercase (capitalised "States" is not "states").
fn is_lowercase_cue(tok: &str) -> bool {
    let w = clean(tok);
    w.chars().all(|c| !c.is_uppercase()) && lexicon::is_cue(w, false)
}

/// "According to him, ...", "..., according to political analyst John Doe."
fn according_to(sentence: &str, toks: &[(usize, &str)]) -> Option<Mention> {
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
    (m != Mention::NotSubject).then_some(m)
}

/// "In his opinion, ...", "In her view, ...".
fn opinion_opener(toks: &[(usize, &str)]) -> Option<Mention> {
    let [a, b, c, ..] = toks else {
        return None;
    };
    let (a, b, c) = (lower(clean(a.1)), lower(clean(b.1)), lower(clean(c.1)));
    let opener =
        a == "in" && (b == "his" || b == "her") && lexicon::has(lexicon::OPINION_NOUNS, &c);
    opener.then_some(Mention::Pronoun)
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
        assert_eq!(cue_subject("The United States announced a plan."), None);
        assert_eq!(cue_subject("The Outlet invited analysts to comment."), None);
        assert_eq!(cue_subject("The first meeting noted progress."), None);
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
