//! Word-level helpers shared by the stages: whitespace tokens with byte offsets, punctuation
//! and quote-mark trimming, name-word tests and char-boundary-safe windows. Kept apart so that
//! every stage tokenises the same way and no stage slices a string inside a character.

use super::lexicon;
use std::ops::Range;

/// Punctuation stripped from both ends of a token before it is looked up.
const EDGE_PUNCT: &[char] = &[
    '"', '“', '”', '„', '«', '»', '‘', '’', '\'', '(', ')', '[', ']', ',', ';', ':', '!', '?', '—',
    '–', '-', '…',
];

/// Whitespace-separated tokens of `s` with their byte offsets in `s`.
pub fn tokens(s: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let base = s.as_ptr() as usize;
    s.split_whitespace()
        .map(move |t| (t.as_ptr() as usize - base, t))
}

/// The token without surrounding punctuation or possessive "’s"; a final full stop is kept only
/// for initials ("J.") and dotted abbreviations ("U.S.").
pub fn clean(tok: &str) -> &str {
    let mut t = tok.trim_matches(EDGE_PUNCT);
    if let Some(stem) = t.strip_suffix('.') {
        if !stem.contains('.') && stem.chars().count() > 1 {
            t = stem.trim_matches(EDGE_PUNCT);
        }
    }
    for suffix in ["’s", "'s"] {
        if let Some(stem) = t.strip_suffix(suffix) {
            if !stem.is_empty() {
                t = stem;
            }
        }
    }
    t
}

/// Lowercase form used for list look-ups.
pub fn lower(tok: &str) -> String {
    tok.to_lowercase()
}

/// True for a word that can be part of a person's name: "Inan", "Al-Hashimi", "O’Brien", "J.".
/// Acronyms ("TASS", "KI") and words with inner full stops ("Caliber.Az") are not.
pub fn is_name_word(w: &str) -> bool {
    for particle in [
        "al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "bin-", "ibn-",
    ] {
        if let Some(rest) = w.strip_prefix(particle) {
            return is_name_word(rest);
        }
    }
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    if rest == ['.'] {
        return true;
    }
    let initials = rest.len() % 2 == 1
        && rest.iter().enumerate().all(|(i, c)| {
            if i % 2 == 0 {
                *c == '.'
            } else {
                c.is_uppercase()
            }
        });
    if initials {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        return !matches!(letters.as_str(), "US" | "UK" | "EU" | "UN" | "UAE" | "USA");
    }
    let letters_ok = rest
        .iter()
        .all(|c| c.is_alphabetic() || matches!(c, '-' | '’' | '\''));
    let acronym = !rest.is_empty() && rest.iter().all(|c| !c.is_lowercase());
    letters_ok && !acronym
}

/// True for a lowercase particle allowed inside a name ("al", "von").
pub fn is_particle(w: &str) -> bool {
    lexicon::has(lexicon::NAME_PARTICLES, w)
}

/// Largest char boundary of `s` that is `<= i`.
pub fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary of `s` that is `>= i`.
pub fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Strips whitespace and unmatched quote marks from both ends of `range`. Mark counts are taken
/// once and updated as marks are stripped, so a run of thousands of marks stays linear.
pub fn trim_marks(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = text.get(range.clone())?;
    let mut counts = MarkCounts::default();
    s.chars().for_each(|c| counts.add(c, 1));
    let (mut a, mut b) = (0, s.len());
    loop {
        let cur = &s[a..b];
        a += cur.len() - cur.trim_start().len();
        b = a + s[a..b].trim_end().len();
        let mut chars = s[a..b].chars();
        let (first, last) = (chars.next()?, chars.next_back());
        if counts.unmatched(first) {
            counts.add(first, -1);
            a += first.len_utf8();
        } else if let Some(l) = last.filter(|&l| counts.unmatched(l)) {
            counts.add(l, -1);
            b -= l.len_utf8();
        } else {
            return Some(range.start + a..range.start + b);
        }
    }
}

/// Quote marks left in the text being trimmed, by kind.
#[derive(Default)]
struct MarkCounts {
    double: isize,
    left_single: isize,
    right_single: isize,
    straight_single: isize,
}

impl MarkCounts {
    fn add(&mut self, c: char, n: isize) {
        match c {
            '"' | '“' | '”' | '„' | '«' | '»' => self.double += n,
            '‘' => self.left_single += n,
            '’' => self.right_single += n,
            '\'' => self.straight_single += n,
            _ => {}
        }
    }

    /// True if `c` is a quote mark with no possible partner among the other marks left.
    fn unmatched(&self, c: char) -> bool {
        match c {
            '"' | '“' | '”' | '„' | '«' | '»' => self.double <= 1,
            '‘' => self.right_single == 0,
            '’' => self.left_single == 0 && self.straight_single == 0,
            '\'' => self.left_single == 0 && self.straight_single <= 1,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_tokens() {
        assert_eq!(clean("“Hello,"), "Hello");
        assert_eq!(clean("Jafarli."), "Jafarli");
        assert_eq!(clean("U.S."), "U.S.");
        assert_eq!(clean("J."), "J.");
        assert_eq!(clean("Inan’s"), "Inan");
        assert_eq!(clean("—"), "");
    }

    #[test]
    fn name_words() {
        assert!(is_name_word("Inan"));
        assert!(is_name_word("Şiriyev"));
        assert!(is_name_word("J."));
        assert!(is_name_word("Al-Hashimi"));
        assert!(!is_name_word("TASS"));
        assert!(!is_name_word("Caliber.Az"));
        assert!(!is_name_word("analyst"));
    }

    #[test]
    fn tokens_have_offsets() {
        let s = " ab  çd e";
        let got: Vec<_> = tokens(s).collect();
        assert_eq!(got, vec![(1, "ab"), (5, "çd"), (9, "e")]);
        assert_eq!(floor_boundary("ç", 1), 0);
        assert_eq!(ceil_boundary("ç", 1), 2);
    }

    #[test]
    fn trims_only_unmatched_marks() {
        let text = " “Big brother” is here ’ ";
        let r = trim_marks(text, 0..text.len()).map(|r| &text[r]);
        assert_eq!(r, Some("“Big brother” is here"));
        let text = "“We’re in, ‘they’ said";
        let r = trim_marks(text, 0..text.len()).map(|r| &text[r]);
        assert_eq!(r, Some("We’re in, ‘they’ said"));
        assert_eq!(trim_marks(" “ ’ ", 0..9), None);
    }
}
