//! Quote marks: which character opens or closes which kind of quote, where a quote can start
//! speech, and whether a quote left open at a paragraph end goes on in the next paragraph.
//!
//! Writers differ: some reopen every continued paragraph with a mark, some (the seed article)
//! write the middle paragraphs bare and close only in the last one, and some forget to close a
//! quote at all. A single forward pass records, per paragraph, whether its marks show it starts
//! inside a quote; a backward pass turns that into "the open quote continues here" for every
//! paragraph, so the scanner decides with one look-up and the whole stage stays linear.

use super::lexicon;
use super::reported::cue_subject;
use super::sentences::split_sentences;
use super::speakers::Mention;
use super::words::{clean, floor_boundary, lower};
use std::ops::Range;

/// Quote mark families: a block only closes on a mark of its own family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Double,
    Single,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Open,
    Close,
}

/// Classifies a quote mark by family and direction, from its neighbours for straight quotes.
pub fn mark(c: char, prev: Option<char>, next: Option<char>) -> Option<(Family, Dir)> {
    match c {
        '“' | '„' | '«' => Some((Family::Double, Dir::Open)),
        '”' | '»' => Some((Family::Double, Dir::Close)),
        '"' => {
            let space_before = prev.is_none_or(|p| p.is_whitespace() || "([{—–-/“‘".contains(p));
            let word_after = next.is_some_and(|n| !n.is_whitespace());
            let dir = if space_before && word_after {
                Dir::Open
            } else {
                Dir::Close
            };
            Some((Family::Double, dir))
        }
        '‘' => Some((Family::Single, Dir::Open)),
        '’' => {
            let after_punct = prev.is_some_and(|p| ".,!?;:…—".contains(p));
            let before_punct = next.is_none_or(|n| ",.;:!?)".contains(n));
            (after_punct || before_punct).then_some((Family::Single, Dir::Close))
        }
        _ => None,
    }
}

/// True if a quote opening right after `before` (its paragraph so far) starts speech: paragraph
/// start, after a finished sentence, a colon or a closing mark, or right after a cue verb.
pub fn speech_position(before: &str) -> bool {
    let before = before.trim_end();
    let Some(pc) = before.chars().next_back() else {
        return true;
    };
    if ".!?:…”»\"’".contains(pc) {
        return true;
    }
    let before = before.trim_end_matches([',', '—', '–', '-']).trim_end();
    let from = floor_boundary(before, before.len().saturating_sub(40));
    let word = before[from..]
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    lexicon::is_cue(&lower(clean(word)), false)
}

/// Per paragraph and family: does a quote of that family left open before this paragraph go on
/// into it? Index `[i][0]` is the double family, `[i][1]` the single family.
pub fn continuations(text: &str, paragraphs: &[Range<usize>]) -> Vec<[bool; 2]> {
    let own: Vec<[Option<bool>; 2]> = paragraphs
        .iter()
        .map(|p| {
            let slice = text.get(p.clone()).unwrap_or("");
            let bare = |f| starts_inside(slice, f).or_else(|| names_a_speaker(slice));
            [bare(Family::Double), bare(Family::Single)]
        })
        .collect();
    let mut out = vec![[false; 2]; paragraphs.len()];
    let mut later = [false; 2];
    for (i, o) in own.iter().enumerate().rev() {
        for f in 0..2 {
            later[f] = o[f].unwrap_or(later[f]);
        }
        out[i] = later;
    }
    out
}

/// `Some(false)` for a paragraph without marks that attributes speech to a named person in
/// narrative ("Jane Roe, a lawyer, objected that ..."): an unclosed quote before it had ended.
fn names_a_speaker(slice: &str) -> Option<bool> {
    split_sentences(slice)
        .into_iter()
        .any(|s| matches!(cue_subject(&slice[s]), Some(Mention::Name { .. })))
        .then_some(false)
}

/// What the marks of `family` in one paragraph say about an open quote before it: `Some(true)`
/// if the paragraph reopens it or closes a quote it never opened, `Some(false)` if its marks
/// balance (the earlier quote had ended), `None` if it has no such marks.
fn starts_inside(slice: &str, family: Family) -> Option<bool> {
    let mut depth = 0i32;
    let mut seen = false;
    let mut prev = None;
    let mut chars = slice.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some((f, dir)) = mark(c, prev, chars.peek().copied()) {
            if f == family {
                if !seen && prev.is_none() && dir == Dir::Open {
                    return Some(true);
                }
                seen = true;
                match dir {
                    Dir::Open => depth += 1,
                    Dir::Close if depth == 0 => return Some(true),
                    Dir::Close => depth -= 1,
                }
            }
        }
        prev = Some(c);
    }
    seen.then_some(false)
}

#[cfg(test)]
mod tests {
    use super::super::paragraphs::paragraphs;
    use super::*;

    fn cont(text: &str) -> Vec<bool> {
        continuations(text, &paragraphs(text))
            .into_iter()
            .map(|c| c[0])
            .collect()
    }

    #[test]
    fn bare_middle_paragraphs_continue_until_the_close() {
        let text = "“One.\nTwo.\nThree,” he said.\nNarrative.";
        assert_eq!(cont(text), vec![true, true, true, false]);
    }

    #[test]
    fn balanced_paragraph_ends_an_unclosed_quote() {
        let text = "Kim said: “never closed\nPlain text.\nLee said: “Yes.”";
        assert_eq!(cont(text), vec![false, false, false]);
    }

    #[test]
    fn narrative_attribution_ends_an_unclosed_quote() {
        let text = "‘We won.\nJo Hale, a judge, noted that it was close.\n‘It was,’ she said.";
        let got: Vec<bool> = continuations(text, &paragraphs(text))
            .into_iter()
            .map(|c| c[1])
            .collect();
        assert_eq!(got, vec![true, false, true]);
    }

    #[test]
    fn nested_quote_before_the_close() {
        assert_eq!(
            starts_inside("the “big” one,” he said.", Family::Double),
            Some(true)
        );
        assert_eq!(
            starts_inside("“Reopened. Still going", Family::Double),
            Some(true)
        );
        assert_eq!(starts_inside("no marks", Family::Double), None);
        assert_eq!(
            starts_inside("a ‘closed’, here", Family::Single),
            Some(false)
        );
    }
}
