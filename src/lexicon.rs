//! The topic keyword lexicon: a data file of `topic<TAB>keyword` lines (`data/lexicon/topics.tsv`)
//! that tags topics with little or no training data. The lexicon is copied into the model file at
//! training time, so a model always predicts with the lexicon it was evaluated with.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The cue lexicon shipped with stance (hedges, necessity, risk, opportunity, rebuttal).
pub const CUE_LEXICON: &str = include_str!("../data/lexicon/cues.tsv");

/// Words that negate a cue standing within [`NEGATION_WINDOW`] words after them, in the same
/// clause.
const NEGATORS: [&str; 16] = [
    "not", "no", "never", "without", "neither", "nor", "hardly", "cannot", "isn", "aren", "wasn",
    "weren", "don", "doesn", "didn", "won",
];
/// How many words before a cue a negator reaches.
const NEGATION_WINDOW: usize = 5;

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

impl Lexicon {
    /// For every category (in sorted order): how often its phrases occur in `words`, and how
    /// many of those occurrences follow a negator within [`NEGATION_WINDOW`] words.
    pub fn cue_counts(&self, words: &LexiconWords) -> Vec<(usize, usize)> {
        let tokens: Vec<&str> = words.0.iter().map(String::as_str).collect();
        self.topics
            .values()
            .map(|phrases| {
                // Positions, so that two phrases matching one word ("growth", "grow*") count once.
                let mut found = std::collections::BTreeMap::new();
                for phrase in phrases {
                    let patterns: Vec<&str> = phrase.split(' ').collect();
                    for (i, window) in tokens.windows(patterns.len()).enumerate() {
                        if window
                            .iter()
                            .zip(&patterns)
                            .all(|(w, p)| word_matches(w, p))
                        {
                            let start = i.saturating_sub(NEGATION_WINDOW);
                            let same_clause = |j: &usize| words.1[*j] == words.1[i];
                            let negated = (start..i)
                                .filter(same_clause)
                                .any(|j| NEGATORS.contains(&tokens[j]));
                            found.insert(i, negated);
                        }
                    }
                }
                let negated = found.values().filter(|n| **n).count();
                let plain = found.len() - negated;
                (plain, negated)
            })
            .collect()
    }
}

/// The lowercase words of a sentence, as the lexicon matches them.
pub struct LexiconWords(Vec<String>, Vec<usize>);

impl LexiconWords {
    /// Splits `text` once, remembering the clause (between punctuation marks) of every word.
    pub fn new(text: &str) -> Self {
        let lower = text.to_lowercase();
        let (mut list, mut clauses) = (Vec::new(), Vec::new());
        for (clause, part) in lower.split(CLAUSE_MARKS).enumerate() {
            for w in words(part) {
                list.push(w.to_string());
                clauses.push(clause);
            }
        }
        LexiconWords(list, clauses)
    }
}

/// Punctuation that ends a negation's scope.
const CLAUSE_MARKS: [char; 10] = [',', ';', ':', '.', '!', '?', '(', ')', '—', '–'];

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
    fn cue_counts_separate_negated_occurrences() {
        let cues =
            Lexicon::parse("opportunity\tadvantage*\nrisk\trisk*\n", Path::new("c")).unwrap();
        let words =
            LexiconWords::new("It is no longer a theoretical advantage, and the risks remain.");
        // categories in sorted order: opportunity, risk
        assert_eq!(cues.cue_counts(&words), [(0, 1), (1, 0)]);
        let shipped = Lexicon::parse(CUE_LEXICON, Path::new("cues.tsv")).unwrap();
        assert_eq!(shipped.topics().count(), 5);
    }

    #[test]
    fn bad_line_is_an_error_with_its_number() {
        let err = Lexicon::parse("# c\nenergy gas\n", Path::new("lex.tsv")).unwrap_err();
        assert_eq!(err.to_string(), "lex.tsv:2: expected \"topic<TAB>keyword\"");
    }
}
