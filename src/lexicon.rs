//! The topic keyword lexicon: a data file of `topic<TAB>keyword` lines (`data/lexicon/topics.tsv`)
//! that tags topics with little or no training data. The lexicon is copied into the model file at
//! training time, so a model always predicts with the lexicon it was evaluated with.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The lexicon shipped with stance, used when `train` is given no `--lexicon`.
pub const DEFAULT_LEXICON: &str = include_str!("../data/lexicon/topics.tsv");

/// Keywords per topic. A keyword is a sequence of lowercase word patterns; a pattern ending in
/// `*` matches any word with that prefix.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lexicon {
    topics: BTreeMap<String, Vec<String>>,
}

impl Lexicon {
    /// Parses lexicon text; `source` names it in errors. Blank lines and `#` comments are skipped.
    pub fn parse(text: &str, source: &Path) -> Result<Self> {
        let mut topics: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((topic, keyword)) = line.split_once('\t') else {
                return Err(Error::BadRecord {
                    path: source.to_path_buf(),
                    line: i + 1,
                    reason: "expected \"topic<TAB>keyword\"".into(),
                });
            };
            let keyword = words(keyword).collect::<Vec<_>>().join(" ");
            if topic.trim().is_empty() || keyword.is_empty() {
                return Err(Error::BadRecord {
                    path: source.to_path_buf(),
                    line: i + 1,
                    reason: "empty topic or keyword".into(),
                });
            }
            topics
                .entry(topic.trim().to_string())
                .or_default()
                .push(keyword);
        }
        topics.values_mut().for_each(|k| {
            k.sort();
            k.dedup();
        });
        Ok(Lexicon { topics })
    }

    /// Reads a lexicon file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// The lexicon shipped with stance.
    pub fn builtin() -> Self {
        Self::parse(DEFAULT_LEXICON, Path::new("data/lexicon/topics.tsv"))
            .expect("the shipped lexicon parses (checked by a unit test)")
    }

    /// Topics the lexicon knows.
    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.topics.keys().map(String::as_str)
    }

    /// The keywords of `topic` found in `text`.
    pub fn matches(&self, topic: &str, text: &str) -> Vec<String> {
        self.matches_words(topic, &LexiconWords::new(text))
    }

    /// The keywords of `topic` found in already split words (split once, match every topic).
    pub fn matches_words(&self, topic: &str, words: &LexiconWords) -> Vec<String> {
        let Some(keywords) = self.topics.get(topic) else {
            return Vec::new();
        };
        let tokens: Vec<&str> = words.0.iter().map(String::as_str).collect();
        keywords
            .iter()
            .filter(|k| contains_phrase(&tokens, k))
            .cloned()
            .collect()
    }
}

/// The lowercase words of a sentence, as the lexicon matches them.
pub struct LexiconWords(Vec<String>);

impl LexiconWords {
    /// Splits `text` once.
    pub fn new(text: &str) -> Self {
        let lower = text.to_lowercase();
        LexiconWords(words(&lower).map(String::from).collect())
    }
}

/// Lowercase-insensitive words: runs of alphanumerics, inner hyphens kept.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '*'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

fn contains_phrase(tokens: &[&str], keyword: &str) -> bool {
    let patterns: Vec<&str> = keyword.split(' ').collect();
    tokens.windows(patterns.len()).any(|window| {
        window
            .iter()
            .zip(&patterns)
            .all(|(w, p)| word_matches(w, p))
    })
}

fn word_matches(word: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lexicon_parses_and_covers_the_six_topics() {
        let lex = Lexicon::builtin();
        let topics: Vec<&str> = lex.topics().collect();
        assert_eq!(
            topics,
            [
                "connectivity",
                "diplomacy",
                "economy",
                "energy",
                "security",
                "technology"
            ]
        );
    }

    #[test]
    fn matches_words_prefixes_and_phrases() {
        let lex = Lexicon::parse(
            "energy\tpipeline*\nenergy\tgas\nsecurity\tarms control\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(
            lex.matches("energy", "New Pipelines carry GAS."),
            ["gas", "pipeline*"]
        );
        assert!(lex.matches("energy", "gasoline").is_empty());
        assert_eq!(
            lex.matches("security", "Arms-control talks"),
            Vec::<String>::new()
        );
        assert_eq!(
            lex.matches("security", "arms control talks"),
            ["arms control"]
        );
    }

    #[test]
    fn bad_line_is_an_error_with_its_number() {
        let err = Lexicon::parse("# c\nenergy gas\n", Path::new("lex.tsv")).unwrap_err();
        assert_eq!(err.to_string(), "lex.tsv:2: expected \"topic<TAB>keyword\"");
    }
}
