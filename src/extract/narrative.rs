//! Narrative sentences that are not anyone's speech but steer attribution: datelines glued
//! before the first sentence ("BAKU, Azerbaijan, July 24.", "/TASS/."), which must never be
//! taken for a speaker's words, and back-references that hand a quote to a person named after
//! it ("This is the view of Dr. Jane Roe, ..." / "The words were spoken at ... Their author,
//! Jane Roe, ..."). Only a bounded prefix of a sentence is read.

use super::speakers::{classify, Mention};
use super::words::floor_boundary;

/// Openers that name the author of the quote before them.
const NAMING_OPENERS: &[&str] = &[
    "this is the view of",
    "this is the opinion of",
    "this is the assessment of",
    "this is the position of",
    "this is the conclusion of",
    "these are the words of",
    "such is the view of",
    "such is the opinion of",
    "this view is shared by",
    "this opinion was expressed by",
    "this was stated by",
    "these words belong to",
    "the words belong to",
];

/// Phrases that say the quote before them belongs to someone named next.
const MARKERS: &[&str] = &[
    "the words were",
    "these words",
    "their author",
    "the author of these words",
    "these remarks",
    "the remarks were",
];

/// What a sentence says about the author of the quote before it.
#[derive(Debug, PartialEq, Eq)]
pub enum BackRef {
    /// "This is the view of Jane Roe": the quote before is Jane Roe's.
    Names(Mention),
    /// "The words were spoken at a round table": its author is named soon after.
    Marker,
}

/// The back-reference in `sentence`, if any.
pub fn back_reference(sentence: &str) -> Option<BackRef> {
    for opener in NAMING_OPENERS {
        let head = sentence.get(..opener.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(opener)) {
            let rest = &sentence[opener.len()..];
            let subject = rest.split([',', ';']).next().unwrap_or(rest);
            let subject = subject.trim_end_matches(['.', ' ']);
            if let m @ Mention::Name { .. } = classify(subject) {
                return Some(BackRef::Names(m));
            }
        }
    }
    let head = &sentence[..floor_boundary(sentence, 300)];
    let low = head.to_lowercase();
    MARKERS
        .iter()
        .any(|m| low.contains(m))
        .then_some(BackRef::Marker)
}

/// True for a dateline standing as its own sentence: "BAKU, Azerbaijan, July 24.",
/// "WASHINGTON, August 1.", "/TASS/.", "YEREVAN, MARCH 3, ARMENPRESS.", "(MENAFN- Trend) BAKU".
pub fn is_dateline(sentence: &str) -> bool {
    const MAX_WORDS: usize = 8;
    if sentence.split_whitespace().nth(MAX_WORDS).is_some() {
        return false;
    }
    let digit = sentence.chars().any(|c| c.is_ascii_digit());
    let slash = sentence.starts_with('/') || sentence.starts_with("(MENAFN");
    let no_lowercase_word = sentence.split_whitespace().all(|w| {
        !w.chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_lowercase)
    });
    slash || digit && no_lowercase_word
}

/// Length of a dateline glued to the front of a sentence, including the space after it:
/// "(MENAFN- AzerNews) ", "(Trend News Agency) ", "Baku/03.10.25/Turan: ".
pub fn dateline_prefix(sentence: &str) -> usize {
    const MAX: usize = 60;
    let head = &sentence[..floor_boundary(sentence, MAX)];
    let end = if head.starts_with('(') {
        head.find(')').filter(|&close| {
            let inner = &head[1..close];
            inner.starts_with("MENAFN") || inner.contains("News") || inner.contains("Agency")
        })
    } else {
        head.split_whitespace()
            .next()
            .filter(|t| t.ends_with(':') && t.matches('/').count() == 2)
            .map(|t| t.len() - 1)
    };
    end.map_or(0, |e| {
        let rest = &sentence[e + 1..];
        e + 1 + (rest.len() - rest.trim_start().len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_back_references() {
        let got = back_reference("This is the view of Dr. Ann B. Roe, a fellow at the Centre.");
        assert_eq!(
            got,
            Some(BackRef::Names(Mention::Name {
                name: "Ann B. Roe".into(),
                titled: true
            }))
        );
        assert_eq!(
            back_reference("The words were spoken at a forum in Oslo."),
            Some(BackRef::Marker)
        );
        assert_eq!(back_reference("This is the view of many."), None);
        assert_eq!(back_reference("Prices rose."), None);
    }

    #[test]
    fn glued_datelines() {
        let s = "(MENAFN- Daily Wire) In a note, Jo Lee argues that x.";
        assert_eq!(&s[dateline_prefix(s)..], "In a note, Jo Lee argues that x.");
        let s = "Oslo/03.10.25/Wire: The plan failed.";
        assert_eq!(&s[dateline_prefix(s)..], "The plan failed.");
        assert_eq!(dateline_prefix("(In brackets) it rained."), 0);
        assert_eq!(dateline_prefix("He said: yes."), 0);
    }

    #[test]
    fn datelines() {
        assert!(is_dateline("OSLO, Norway, May 2."));
        assert!(is_dateline("/TASS/."));
        assert!(is_dateline("Oslo, 3 May, Report."));
        assert!(!is_dateline("Prices rose by 3 percent."));
        assert!(!is_dateline("He left."));
        assert!(!is_dateline("It rose 3 percent, he said."));
    }
}
