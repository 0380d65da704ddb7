//! Sentence splitting. News text is full of full stops that do not end sentences ("U.S.",
//! "Co. (USA)", "Dr.", initials, "2.5"), and quoted sentences end with the quote mark after the
//! full stop, so a plain split on ". " breaks speakers' sentences apart.
//!
//! A sentence ends after a run of `.`, `!`, `?` or `…` (plus any closing quote marks or brackets)
//! that is followed by whitespace and then by something other than a lowercase letter, unless the
//! word before a single full stop is an abbreviation. A newline always ends a sentence.

use super::lexicon;
use super::paragraphs::trimmed;
use super::words::floor_boundary;
use std::ops::Range;

/// Closing marks that stay with the sentence they close.
const CLOSERS: &[char] = &['”', '"', '’', '\'', '»', ')', ']'];

/// Sentence boundaries of `text` as trimmed byte ranges (see the module docs for the rules).
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '\n' {
            push(text, start..i, &mut out);
            start = i + 1;
            continue;
        }
        if !is_terminal(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut single_dot = c == '.';
        while let Some(&(j, d)) = iter.peek() {
            if is_terminal(d) {
                single_dot = false;
            } else if !CLOSERS.contains(&d) {
                break;
            }
            end = j + d.len_utf8();
            iter.next();
        }
        if ends_sentence(text, i, end, single_dot) {
            push(text, start..end, &mut out);
            start = end;
        }
    }
    push(text, start..text.len(), &mut out);
    out
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn push(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    if let Some(r) = trimmed(text, range) {
        out.push(r);
    }
}

/// Whether the terminal run at `mark..end` closes a sentence.
fn ends_sentence(text: &str, mark: usize, end: usize, single_dot: bool) -> bool {
    let rest = &text[end..];
    match rest.chars().next() {
        None => return true,
        Some(c) if !c.is_whitespace() => return false,
        Some(_) => {}
    }
    let Some(next) = rest.trim_start().chars().next() else {
        return true;
    };
    if next.is_lowercase() {
        return false;
    }
    !(single_dot && is_abbreviation(text, mark, next))
}

/// True if the word before the full stop at `dot` is an abbreviation, an initial or a dotted
/// acronym ("U.S"), so the full stop does not end the sentence. `next` is the following char.
fn is_abbreviation(text: &str, dot: usize, next: char) -> bool {
    let from = floor_boundary(text, dot.saturating_sub(32));
    let before = &text[from..dot];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || "–—-/(\"“‘'".contains(c))
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let low = word.to_lowercase();
    if lexicon::has(lexicon::ABBREVIATIONS, &low) {
        return true;
    }
    // "... with France and the U.K. He is ...": a dotted acronym before a pronoun ends it.
    let next_word: String = text[dot + 1..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    if word.contains('.') && lexicon::has(lexicon::SENTENCE_STARTS, &next_word.to_lowercase()) {
        return false;
    }
    if next.is_ascii_digit() && lexicon::has(lexicon::NUMBERED_ABBREVIATIONS, &low) {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    word.contains('.')
        && word.split('.').all(|seg| {
            (1..=2).contains(&seg.chars().count()) && seg.chars().all(char::is_alphabetic)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(
            split("He met Dr. Smith at Acme Ltd. in May. Then he left."),
            vec!["He met Dr. Smith at Acme Ltd. in May.", "Then he left."]
        );
        assert_eq!(
            split("Kyle Inan of KI Asset Management Co. (USA), noted it. Next."),
            vec![
                "Kyle Inan of KI Asset Management Co. (USA), noted it.",
                "Next."
            ]
        );
    }

    #[test]
    fn acronym_before_a_pronoun_ends_the_sentence() {
        assert_eq!(
            split("Ties with France and the U.K. He is firm. The U.S. Senate agreed."),
            vec![
                "Ties with France and the U.K.",
                "He is firm.",
                "The U.S. Senate agreed."
            ]
        );
    }

    #[test]
    fn us_inside_sentences() {
        let text = "It is the U.S. Deputy Secretary of State. Azerbaijan–U.S. relations grow. \
                    Senior U.S. and Azerbaijani officials met.";
        assert_eq!(
            split(text),
            vec![
                "It is the U.S. Deputy Secretary of State.",
                "Azerbaijan–U.S. relations grow.",
                "Senior U.S. and Azerbaijani officials met."
            ]
        );
    }

    #[test]
    fn initials_and_decimals() {
        assert_eq!(
            split("J. R. Smith spoke. Growth was 2.5 percent. It was Apr.8 then."),
            vec![
                "J. R. Smith spoke.",
                "Growth was 2.5 percent.",
                "It was Apr.8 then."
            ]
        );
        assert_eq!(
            split("See No. 5 above. Done."),
            vec!["See No. 5 above.", "Done."]
        );
    }

    #[test]
    fn quote_marks_stay_with_their_sentence() {
        assert_eq!(
            split("She said “Stop.” Then left. Why? “No!” he replied... Fine"),
            vec![
                "She said “Stop.”",
                "Then left.",
                "Why?",
                "“No!” he replied...",
                "Fine"
            ]
        );
        assert_eq!(
            split("It ended. \"Next,\" he said."),
            vec!["It ended.", "\"Next,\" he said."]
        );
    }

    #[test]
    fn newlines_and_lowercase_continuations() {
        assert_eq!(
            split("Title line\nBody. more text.  \n\n"),
            vec!["Title line", "Body. more text."]
        );
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n ").is_empty());
    }
}
