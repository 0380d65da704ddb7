//! Narrative sentences that are not anyone's speech but steer attribution: datelines glued
//! before the first sentence ("BAKU, Azerbaijan, July 24.", "/TASS/."), which must never be
//! taken for a speaker's words, and back-references that hand a quote to a person named after
//! it ("This is the view of Dr. Jane Roe, ..." / "The words were spoken at ... Their author,
//! Jane Roe, ..."). Only a bounded prefix of a sentence is read.

use super::date::month_number;
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
/// "WASHINGTON, August 1.", "/TASS/.", "YEREVAN, MARCH 3, ARMENPRESS.", "(MENAFN- Trend) BAKU",
/// "ASHGABAT.", "18 Jan 2024 12:22".
pub fn is_dateline(sentence: &str) -> bool {
    const MAX_WORDS: usize = 8;
    let sentence = &sentence[dateline_prefix(sentence)..];
    if sentence.is_empty() {
        return true;
    }
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
    let shouted = sentence.split_whitespace().count() <= 3
        && sentence.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !sentence.chars().any(char::is_lowercase);
    slash || shouted || digit && no_lowercase_word
}

/// Length of the datelines, agency codes, site names and transcript labels glued to the front
/// of a sentence, including the space after them: "(MENAFN- AzerNews) ", "date 2024-01-02 ",
/// "Baku/03.10.25/Turan: ", "BAKU, Azerbaijan, May 16. ", "Jan 18 (Wire) - ", "OSLO: ",
/// "Site.Net - ", "JO LEE, MINISTER OF TRADE: ".
pub fn dateline_prefix(sentence: &str) -> usize {
    const MAX_STEPS: usize = 4;
    let mut at = 0;
    for _ in 0..MAX_STEPS {
        let rest = &sentence[at..];
        let step = [
            metadata_date,
            agency_parens,
            slashed_dateline,
            place_and_date,
            site_name,
        ]
        .iter()
        .find_map(|f| f(rest).filter(|&n| n > 0 && n <= rest.len()));
        let Some(step) = step else { break };
        let after = &rest[step..];
        at += step + (after.len() - after.trim_start().len());
    }
    at
}

/// "date 2024-01-02": a metadata line left at the top of a page.
pub fn metadata_date(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("date ")?;
    let token = rest.split_whitespace().next()?;
    let dated = token.len() >= 8 && token.chars().all(|c| c.is_ascii_digit() || c == '-');
    dated.then(|| s.len() - rest.len() + token.len())
}

/// "(MENAFN- AzerNews)", "(Trend News Agency)", "(Interfax)": an agency in brackets.
fn agency_parens(s: &str) -> Option<usize> {
    let head = &s[..floor_boundary(s, 60)];
    let inner = head.strip_prefix('(')?;
    let close = inner.find(')')?;
    let inner = &inner[..close];
    let capitalised = !inner.is_empty()
        && inner.split_whitespace().count() <= 4
        && inner
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()));
    let agency = inner.starts_with("MENAFN") || inner.contains("News") || inner.contains("Agency");
    (agency || capitalised).then_some(close + 2)
}

/// "Baku/03.10.25/Turan:".
fn slashed_dateline(s: &str) -> Option<usize> {
    let t = s.split_whitespace().next()?;
    (t.ends_with(':') && t.matches('/').count() == 2).then_some(t.len())
}

/// Separators that close a dateline.
const DATELINE_ENDS: &[&str] = &[" - ", " – ", " — ", ": ", ". "];

/// "BAKU, Azerbaijan, May 16.", "OSLO:", "BERLIN —", "Jan 18 -", "JO LEE, MINISTER:": capitals
/// (a place in upper case, or a place, month and day) up to a separator.
fn place_and_date(s: &str) -> Option<usize> {
    const MAX_WORDS: usize = 10;
    let head = &s[..floor_boundary(s, 120)];
    let (end, sep) = DATELINE_ENDS
        .iter()
        .filter_map(|sep| head.find(sep).map(|i| (i, *sep)))
        .min()?;
    let words: Vec<&str> = head[..end].split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_WORDS {
        return None;
    }
    let letters = |w: &&str| w.chars().filter(|c| c.is_alphabetic()).count();
    let upper = |w: &&str| letters(w) > 0 && !w.chars().any(char::is_lowercase);
    let capital = |w: &&str| {
        w.chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let shouted_place = upper(&words[0]) && letters(&words[0]) >= 3;
    let dated = words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        && words.iter().any(|w| is_month(w));
    let all_capital = words.iter().all(capital);
    let ok = match sep {
        ". " => all_capital && (dated || shouted_place && words.len() == 1),
        ": " => words.iter().all(upper) && (shouted_place || words.len() > 1),
        _ => all_capital && (shouted_place || dated),
    };
    ok.then_some(end + sep.trim_end().len())
}

/// "PanNews.Net - ": a site name with a dot, then a dash.
fn site_name(s: &str) -> Option<usize> {
    let t = s.split_whitespace().next()?;
    let dotted = t.contains('.') && !t.ends_with('.') && t.chars().next()?.is_uppercase();
    let dash = s[t.len()..].trim_start().starts_with(['-', '–', '—']);
    (dotted && dash).then(|| {
        let rest = s[t.len()..].trim_start();
        s.len() - rest.len() + rest.chars().next().map_or(0, char::len_utf8)
    })
}

/// True for an English month name or its abbreviation.
pub fn is_month(word: &str) -> bool {
    month_number(word.trim_matches(|c: char| !c.is_alphabetic())).is_some()
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
        let s = "date 2024-01-02 (MENAFN- Wire) OSLO, Norway, May 2. Jo Lee said x.";
        assert_eq!(&s[dateline_prefix(s)..], "Jo Lee said x.");
        let s = "Jan 18 (Wire) - The plan failed.";
        assert_eq!(&s[dateline_prefix(s)..], "The plan failed.");
        let s = "OSLO: The plan failed.";
        assert_eq!(&s[dateline_prefix(s)..], "The plan failed.");
        let s = "Nord.Net - The leaders met.";
        assert_eq!(&s[dateline_prefix(s)..], "The leaders met.");
        let s = "JO LEE, MINISTER OF TRADE: Well, yes.";
        assert_eq!(&s[dateline_prefix(s)..], "Well, yes.");
        assert_eq!(dateline_prefix("The EU: a union."), 0);
        assert_eq!(dateline_prefix("Prices rose - a lot."), 0);
    }

    #[test]
    fn datelines() {
        assert!(is_dateline("OSLO, Norway, May 2."));
        assert!(is_dateline("/TASS/."));
        assert!(is_dateline("Oslo, 3 May, Report."));
        assert!(is_dateline("OSLO."));
        assert!(is_dateline("18 Jan 2024 12:22"));
        assert!(!is_dateline("Prices rose by 3 percent."));
        assert!(!is_dateline("He left."));
        assert!(!is_dateline("It rose 3 percent, he said."));
    }
}
