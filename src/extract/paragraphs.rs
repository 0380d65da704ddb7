//! Stage 1: paragraphs with byte offsets. Articles arrive as plain text with one paragraph per
//! line; every later stage works on these ranges so spans stay valid in the original article.
//! Photo captions are dropped here: they sit between the paragraphs of a running quote or an
//! interview and would otherwise end the quote or pass for an answer.

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

/// Paragraphs that are not photo captions.
pub fn body_paragraphs(text: &str) -> Vec<Range<usize>> {
    paragraphs(text)
        .into_iter()
        .filter(|p| !is_caption(&text[p.clone()]))
        .collect()
}

/// Words that mark a photo caption or credit.
const CAPTION_MARKS: &[&str] = &[
    "Photo:",
    "Photo by",
    "Photo credit",
    "PHOTO:",
    "Image:",
    "©",
];

/// True for a short paragraph that is a photo caption or credit ("Dr. Jane Roe. Photo: press
/// service", "Photo: AP"). Long paragraphs never are, so a sentence that mentions a photo stays.
pub fn is_caption(paragraph: &str) -> bool {
    const MAX_WORDS: usize = 25;
    let short = paragraph.split_whitespace().nth(MAX_WORDS).is_none();
    short && CAPTION_MARKS.iter().any(|m| paragraph.contains(m))
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
        assert!(is_caption("Photo: AP"));
        assert!(!is_caption("He said the talks went well."));
    }

    #[test]
    fn empty_input() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n \n\t").is_empty());
    }
}
