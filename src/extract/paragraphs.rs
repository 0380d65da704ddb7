//! Stage 1: paragraphs with byte offsets. Articles arrive as plain text with one paragraph per
//! line; every later stage works on these ranges so spans stay valid in the original article.
//! Noise is dropped here: site navigation, title and subtitle before the body (headlines are
//! never labelled, yet a title such as `Jane Roe: "Peace needs villages"` looks like a quote),
//! photo captions and credit lines, which sit between the paragraphs of a running quote or an
//! interview and would otherwise end the quote or pass for an answer, and agency codes.

use std::ops::Range;

/// Non-empty lines of `text`, trimmed of surrounding whitespace, as byte ranges.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        if let Some(range) = trimmed(text, start..end) {
            out.push(range);
        }
        start = end + 1;
    }
    out
}

/// The article's body: paragraphs after the leading headings, without captions, credit lines
/// and agency codes.
pub fn body_paragraphs(text: &str) -> Vec<Range<usize>> {
    const MAX_HEADINGS: usize = 6;
    let all = paragraphs(text);
    let headings = all
        .iter()
        .take(MAX_HEADINGS + 1)
        .position(|p| !is_heading(&text[p.clone()]))
        .filter(|&n| n <= MAX_HEADINGS)
        .unwrap_or(0);
    all.into_iter()
        .skip(headings)
        .filter(|p| !is_noise(&text[p.clone()]) && !is_subheading(&text[p.clone()]))
        .collect()
}

/// True for a short paragraph inside the body with no sentence end at all: a subheading, a
/// repeated title or a kicker ("Step forward", "Ports reopen, says minister Jo Lee"). A
/// quote or a sentence that runs on into the next paragraph has more words or ends with a
/// comma, a colon or a dash.
fn is_subheading(paragraph: &str) -> bool {
    const MAX_WORDS: usize = 30;
    const MAX_QUOTED_WORDS: usize = 5;
    let words = paragraph.split_whitespace().count();
    let quoted = paragraph.starts_with(['“', '"', '«', '‘']);
    if quoted && words > MAX_QUOTED_WORDS {
        // A quoted paragraph without a full stop is speech ("“We will hold”"), unless it is
        // as short as a pull-quote heading ("“Step forward”").
        return false;
    }
    let bare = paragraph.trim_matches(['”', '"', '“', '’', '‘', '»', '«', ' ']);
    let ends_open = bare.ends_with([',', ':', ';', '-', '–', '—']);
    let starts_marked = paragraph.starts_with(['-', '–', '—', '•']) || paragraph.contains(':');
    words <= MAX_WORDS
        && !bare.contains(['.', '!', '?', '…'])
        && !ends_open
        && !starts_marked
        && bare.chars().next().is_some_and(char::is_uppercase)
}

/// True for a paragraph that does not end like a sentence (navigation, title, byline, date);
/// only leading ones, followed by a paragraph that ends like a sentence, are dropped. A long
/// paragraph is body text even when a link or a tag trails after its last full stop.
fn is_heading(paragraph: &str) -> bool {
    const MAX_HEADING_WORDS: usize = 30;
    let end = paragraph.trim_end_matches(['”', '"', '’', '»', ')', ' ']);
    let long = paragraph
        .split_whitespace()
        .nth(MAX_HEADING_WORDS)
        .is_some();
    !long && !end.ends_with(['.', '!', '?', '…'])
}

/// Words that mark a photo caption or credit.
const CAPTION_MARKS: &[&str] = &[
    "Photo:",
    "Photo by",
    "Photo credit",
    "PHOTO:",
    "Image:",
    "©",
    "Getty Images",
    "Photo credit",
    "/AFP",
    "/Reuters",
    "AP Photo",
];

/// The person a photo caption names ("Jo Lee. Photo: press service"), if it starts with a
/// name; captions often name the person an article is about before the text does.
pub fn caption_name(paragraph: &str) -> Option<&str> {
    if !is_noise(paragraph) {
        return None;
    }
    let head = paragraph.split(['.', ',', '|', '(']).next()?.trim();
    let words = head.split_whitespace().count();
    let named = (2..=4).contains(&words)
        && head
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    named.then_some(head)
}

/// Openings of credit lines closing an interview.
const CREDIT_OPENINGS: &[&str] = &["Interview by", "Interviewed by", "Prepared by", "Author:"];

/// True for a short paragraph that is a photo caption or credit ("Dr. Jane Roe. Photo: press
/// service", "Interviewed by Jo Lee"), or a lone agency code ("MENAFN0204...ID1109"). Long
/// paragraphs never are, so a sentence that mentions a photo stays.
pub fn is_noise(paragraph: &str) -> bool {
    const MAX_WORDS: usize = 25;
    let short = paragraph.split_whitespace().nth(MAX_WORDS).is_none();
    let code = !paragraph.contains(char::is_whitespace)
        && paragraph.chars().filter(char::is_ascii_digit).count() >= 6;
    code || short
        && (CAPTION_MARKS.iter().any(|m| paragraph.contains(m))
            || CREDIT_OPENINGS.iter().any(|m| paragraph.starts_with(m)))
        || is_byline(paragraph)
}

/// "By Jo Lee", "Jo Lee reports.", "Jo Lee, Oslo": the reporter's credit, not a sentence.
fn is_byline(paragraph: &str) -> bool {
    const MAX_WORDS: usize = 5;
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    let named = |ws: &[&str]| {
        (2..=4).contains(&ws.len())
            && ws
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    };
    words.len() <= MAX_WORDS
        && match words.as_slice() {
            ["By", rest @ ..] => named(rest),
            [name @ .., last] if matches!(*last, "reports." | "reports" | "reporting") => {
                named(name)
            }
            _ => false,
        }
}

/// `range` without leading and trailing whitespace, or `None` if nothing is left.
pub fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    let out = range.start + lead..range.end - trail;
    (out.start < out.end).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_and_trims() {
        let text = "Title\r\n\n  First one.  \nSecond ç.\n";
        let got: Vec<&str> = paragraphs(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, vec!["Title", "First one.", "Second ç."]);
    }

    #[test]
    fn captions_are_dropped() {
        let text = "“We stay.\nJane Roe at the forum. Photo: press service\nWe go,” she said.";
        let got: Vec<&str> = body_paragraphs(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, vec!["“We stay.", "We go,” she said."]);
        assert!(is_noise("Photo: AP"));
        assert!(is_noise("Interviewed by Jo Lee"));
        assert!(is_noise("WIRE0204202500023ID11093"));
        assert!(!is_noise("He said the talks went well."));
        assert!(is_noise("By Jo Lee"));
        assert!(is_noise("Jo Lee reports."));
        assert!(!is_noise("Jo Lee said."));
        assert!(is_subheading("Step forward"));
        assert!(is_subheading("“Step forward”"));
        assert!(!is_subheading("“The second half of the year will tell”"));
        assert!(is_subheading("Ports reopen, says minister Jo Lee"));
        assert!(!is_subheading("“The port will open in May and the"));
        assert!(!is_subheading("Jo Lee, chief economist at Delta Bank:"));
    }

    #[test]
    fn headings_are_dropped() {
        let text =
            "Home News Share\nJo Lee: \"Peace needs villages\"\nOSLO, May 2. Jo Lee said it.\nEnd.";
        let got: Vec<&str> = body_paragraphs(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, vec!["OSLO, May 2. Jo Lee said it.", "End."]);
        let long = "Jo Lee said on Monday that the port of the city will be ready for ships from \
                    the north by the end of the year and that rail will follow soon after that \
                    (Port news)\nShips came.";
        assert_eq!(body_paragraphs(long).len(), 2);
    }

    #[test]
    fn empty_input() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n \n\t").is_empty());
    }
}
