//! Stage 0: line breaks that do not end a paragraph. Plain-text wire copy is often hard-wrapped
//! at 60-80 characters, and pages copied from the web break lines inside sentences; every later
//! stage reads a line as a paragraph, so a wrapped sentence would be cut into pieces that start
//! mid-clause and lose their attribution.
//!
//! A newline is *soft* when the line before it does not end like a sentence and either the next
//! line starts in lowercase or the whole article is hard-wrapped (most lines of a similar length
//! that break mid-sentence). Soft newlines become spaces in a copy of the article with exactly
//! the same byte length, so every span found in the copy is a span of the original article.

use std::borrow::Cow;

/// Shortest and longest line that counts as a wrapped line of fixed width.
const WRAP_WIDTH: std::ops::RangeInclusive<usize> = 40..=100;

/// The article with soft newlines replaced by spaces; borrowed when there are none.
pub fn soften_line_breaks(article: &str) -> Cow<'_, str> {
    let lines: Vec<(usize, &str)> = line_starts(article).collect();
    let wrapped = is_hard_wrapped(&lines);
    let mut soft = Vec::new();
    // The last non-empty line before the current one, and the newlines since it.
    let mut previous: Option<&str> = None;
    let mut breaks: Vec<usize> = Vec::new();
    for &(start, line) in &lines {
        if start > 0 {
            breaks.push(start - 1);
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if previous.is_some_and(|b| !ends_sentence(b)) {
            let lower = text.chars().next().is_some_and(char::is_lowercase);
            let adjacent = breaks.len() == 1;
            // A lowercase start continues the line before even across a blank line ("Jo Lee,
            // chairman of the Chamber\n\nin China, in an interview:"); a wrapped article's
            // lines continue when nothing but the newline separates them.
            if lower || wrapped && adjacent && !is_marker_line(text) {
                soft.extend(breaks.iter().copied());
            }
        }
        breaks.clear();
        previous = Some(text);
    }
    if soft.is_empty() {
        return Cow::Borrowed(article);
    }
    let mut bytes = article.as_bytes().to_vec();
    for at in soft {
        bytes[at] = b' ';
    }
    // Only ASCII newlines were replaced by ASCII spaces, so the bytes stay valid UTF-8.
    Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| article.to_string()))
}

/// Each line with the byte offset where it starts.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split('\n').map(move |line| {
        let start = at;
        at += line.len() + 1;
        (start, line)
    })
}

/// True when most non-empty lines have a similar, moderate length and many of them break in
/// the middle of a sentence: a hard-wrapped plain-text article.
fn is_hard_wrapped(lines: &[(usize, &str)]) -> bool {
    const MIN_LINES: usize = 5;
    let full: Vec<&str> = lines
        .iter()
        .map(|(_, l)| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if full.len() < MIN_LINES {
        return false;
    }
    let fixed = full
        .iter()
        .filter(|l| WRAP_WIDTH.contains(&l.chars().count()))
        .count();
    let longest = full.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let open = full.iter().filter(|l| !ends_sentence(l)).count();
    longest <= *WRAP_WIDTH.end() + 20 && fixed * 10 >= full.len() * 7 && open * 5 >= full.len() * 2
}

/// True if a trimmed line ends like a sentence, a heading with a colon or a closed quote.
fn ends_sentence(line: &str) -> bool {
    let end = line.trim_end_matches(['”', '"', '’', '»', ')', ']', '\'']);
    end.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Lines that start a new unit whatever came before: a dash or bullet, or a speaker label
/// ("Q:", "KULEBA:").
fn is_marker_line(line: &str) -> bool {
    if line.starts_with(['-', '–', '—', '•', '*']) {
        return true;
    }
    let head = line.split(':').next().unwrap_or("");
    head.len() < line.len()
        && head.split_whitespace().count() <= 6
        && head.chars().any(char::is_alphabetic)
        && !head.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soft(text: &str) -> String {
        soften_line_breaks(text).into_owned()
    }

    #[test]
    fn lowercase_continuation_joins() {
        let text = "The minister said the plan\nwill work.\nNext paragraph.";
        assert_eq!(
            soft(text),
            "The minister said the plan will work.\nNext paragraph."
        );
    }

    #[test]
    fn lowercase_continuation_joins_across_a_blank_line() {
        let text = "Jo Lee, chairman of the Chamber\n\nin Oslo, on radio:\n\n\"Yes.\"";
        assert_eq!(
            soft(text),
            "Jo Lee, chairman of the Chamber  in Oslo, on radio:\n\n\"Yes.\""
        );
    }

    #[test]
    fn titles_and_sentences_keep_their_breaks() {
        let text = "Ports of the Caspian\nThe port opened today.\nShips came.";
        assert_eq!(soft(text), text);
    }

    #[test]
    fn hard_wrapped_article_joins_lines_with_capitals() {
        let text = "OSLO, May 2. The fjord ports are ready for more traffic\n\
                    and the rail link is next, Jo Lee, an analyst at Nordic\n\
                    Freight, told our agency on Tuesday afternoon in Oslo.\n\
                    \"The port is ready for the winter season and the\n\
                    ships,\" he said to the reporters gathered at the quay.\n\
                    According to him, the railway line to Sweden will\n\
                    Carry twice as much freight by the end of next year.\n";
        let out = soft(text);
        assert_eq!(out.len(), text.len());
        assert!(out.contains("traffic and the rail"));
        assert!(out.contains("Nordic Freight"));
        assert!(out.contains("the ships,\" he said"));
        assert!(out.contains("afternoon in Oslo.\n\"The port"));
    }

    #[test]
    fn marker_lines_stay_apart_in_wrapped_text() {
        assert!(is_marker_line("- What is next?"));
        assert!(is_marker_line("KULEBA: Well, yes."));
        assert!(!is_marker_line("The talks: a summary"));
    }
}
