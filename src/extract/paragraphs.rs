//! Stage 1: paragraphs with byte offsets. Articles arrive as plain text with one paragraph per
//! line; every later stage works on these ranges so spans stay valid in the original article.

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
    fn empty_input() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n \n\t").is_empty());
    }
}
