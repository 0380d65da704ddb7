//! The topic keyword lexicon: a data file of `topic<TAB>keyword` lines (`data/lexicon/topics.tsv`)
//! that tags topics with little or no training data. The lexicon is copied into the model file at
//! training time, so a model always predicts with the lexicon it was evaluated with.

use crate::error::{Error, Result};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// The cue lexicon shipped with stance (hedges, necessity, risk, opportunity, rebuttal).
pub const CUE_LEXICON: &str = include_str!("../../data/lexicon/cues.tsv");

/// Words that negate a cue standing within [`NEGATION_WINDOW`] words after them, in the same
/// clause.
const NEGATORS: [&str; 16] = [
    "not", "no", "never", "without", "neither", "nor", "hardly", "cannot", "isn", "aren", "wasn",
    "weren", "don", "doesn", "didn", "won",
];
/// How many words before a cue a negator reaches.
const NEGATION_WINDOW: usize = 5;

/// The lexicon shipped with stance, used when `train` is given no `--lexicon`.
pub const DEFAULT_LEXICON: &str = include_str!("../../data/lexicon/topics.tsv");

/// Keywords per topic. A keyword is a sequence of lowercase word patterns; a pattern ending in
/// `*` matches any word with that prefix.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lexicon {
    topics: BTreeMap<String, Vec<String>>,
    #[serde(skip)]
    index: LazyIndex,
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
        Ok(Lexicon {
            topics,
            index: LazyIndex::default(),
        })
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
        self.matches_all(words).remove(topic).unwrap_or_default()
    }

    /// The keywords of every topic found in `words`, by topic; topics without a match are absent.
    pub fn matches_all(&self, words: &LexiconWords) -> BTreeMap<&str, Vec<String>> {
        let index = self.index();
        let mut found: Vec<Vec<usize>> = vec![Vec::new(); index.keywords.len()];
        index.each_match(words, |topic, keyword, _| found[topic].push(keyword));
        index
            .keywords
            .iter()
            .zip(found)
            .filter(|(_, f)| !f.is_empty())
            .map(|((topic, keywords), mut f)| {
                f.sort_unstable();
                f.dedup();
                (
                    topic.as_str(),
                    f.into_iter().map(|k| keywords[k].clone()).collect(),
                )
            })
            .collect()
    }

    /// For every category (in sorted order): how often its phrases occur in `words`, and how
    /// many of those occurrences follow a negator within [`NEGATION_WINDOW`] words.
    pub fn cue_counts(&self, words: &LexiconWords) -> Vec<(usize, usize)> {
        let index = self.index();
        // Start positions, so that two phrases matching one word ("growth", "grow*") count once.
        let mut found: Vec<Vec<usize>> = vec![Vec::new(); index.keywords.len()];
        index.each_match(words, |topic, _, at| found[topic].push(at));
        found
            .into_iter()
            .map(|mut starts| {
                starts.sort_unstable();
                starts.dedup();
                let negated = starts.iter().filter(|&&i| words.negated(i)).count();
                (starts.len() - negated, negated)
            })
            .collect()
    }

    fn index(&self) -> &Index {
        self.index.0.get_or_init(|| Index::new(&self.topics))
    }
}

/// The lexicon compiled for matching: phrases filed under their first word (exact words in one
/// map, prefixes in another), so a sentence costs a few lookups per word rather than a
/// comparison with every phrase.
#[derive(Debug)]
struct Index {
    /// Topics in sorted order with their keywords.
    keywords: Vec<(String, Vec<String>)>,
    exact: HashMap<String, Vec<Phrase>>,
    prefix: HashMap<String, Vec<Phrase>>,
    /// The lengths of the prefixes, in bytes, ascending.
    prefix_lengths: Vec<usize>,
}

#[derive(Debug)]
struct Phrase {
    topic: usize,
    keyword: usize,
    /// The patterns after the first.
    rest: Vec<String>,
}

impl Index {
    fn new(topics: &BTreeMap<String, Vec<String>>) -> Self {
        let mut index = Index {
            keywords: topics.iter().map(|(t, k)| (t.clone(), k.clone())).collect(),
            exact: HashMap::default(),
            prefix: HashMap::default(),
            prefix_lengths: Vec::new(),
        };
        for (topic, (_, keywords)) in topics.iter().enumerate() {
            for (keyword, phrase) in keywords.iter().enumerate() {
                let mut patterns = phrase.split(' ').map(String::from);
                let first = patterns.next().unwrap_or_default();
                let entry = Phrase {
                    topic,
                    keyword,
                    rest: patterns.collect(),
                };
                match first.strip_suffix('*') {
                    Some(p) => {
                        index.prefix_lengths.push(p.len());
                        index.prefix.entry(p.to_string()).or_default().push(entry);
                    }
                    None => index.exact.entry(first).or_default().push(entry),
                }
            }
        }
        index.prefix_lengths.sort_unstable();
        index.prefix_lengths.dedup();
        index
    }

    /// Calls `f(topic, keyword, start)` for every occurrence of every phrase in `words`.
    fn each_match(&self, words: &LexiconWords, mut f: impl FnMut(usize, usize, usize)) {
        for i in 0..words.len() {
            let word = words.word(i);
            let prefixes = self
                .prefix_lengths
                .iter()
                .take_while(|&&n| n <= word.len())
                .filter(|&&n| word.is_char_boundary(n))
                .filter_map(|&n| self.prefix.get(&word[..n]));
            for phrase in self.exact.get(word).into_iter().chain(prefixes).flatten() {
                let rest_matches = phrase.rest.iter().enumerate().all(|(k, p)| {
                    i + 1 + k < words.len() && word_matches(words.word(i + 1 + k), p)
                });
                if rest_matches {
                    f(phrase.topic, phrase.keyword, i);
                }
            }
        }
    }
}

/// The compiled index, built on first use; not part of the lexicon's identity.
#[derive(Debug, Default)]
struct LazyIndex(OnceLock<Index>);

impl Clone for LazyIndex {
    fn clone(&self) -> Self {
        LazyIndex::default()
    }
}

impl PartialEq for LazyIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The lowercase words of a sentence, as the lexicon matches them.
pub struct LexiconWords {
    lower: String,
    /// Byte range in `lower` and clause number of every word.
    words: Vec<(usize, usize, usize)>,
}

impl LexiconWords {
    /// Splits `text` once, remembering the clause (between punctuation marks) of every word.
    pub fn new(text: &str) -> Self {
        if !text.is_ascii() {
            return Self::split_any(text.to_lowercase());
        }
        // ASCII: one pass over the bytes, doing what `split_any` does (a unit test compares).
        let lower = text.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let in_word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'*';
        let mut list = Vec::with_capacity(bytes.len() / 5);
        let (mut i, mut clause) = (0, 0);
        while i < bytes.len() {
            if in_word(bytes[i]) {
                let (mut start, mut end) = (i, i);
                while end < bytes.len() && in_word(bytes[end]) {
                    end += 1;
                }
                i = end;
                while start < end && bytes[start] == b'-' {
                    start += 1;
                }
                while end > start && bytes[end - 1] == b'-' {
                    end -= 1;
                }
                if start < end {
                    list.push((start, end, clause));
                }
            } else {
                clause += usize::from(CLAUSE_MARKS.contains(&char::from(bytes[i])));
                i += 1;
            }
        }
        LexiconWords { lower, words: list }
    }

    /// Splits lowercased text of any script.
    fn split_any(lower: String) -> Self {
        let base = lower.as_ptr() as usize;
        let mut list = Vec::new();
        for (clause, part) in lower.split(CLAUSE_MARKS).enumerate() {
            for w in words(part) {
                let start = w.as_ptr() as usize - base;
                list.push((start, start + w.len(), clause));
            }
        }
        LexiconWords { lower, words: list }
    }

    /// Number of words.
    fn len(&self) -> usize {
        self.words.len()
    }

    /// Word `i`.
    fn word(&self, i: usize) -> &str {
        let (start, end, _) = self.words[i];
        &self.lower[start..end]
    }

    /// Whether a negator precedes word `i` within [`NEGATION_WINDOW`] words of its clause.
    fn negated(&self, i: usize) -> bool {
        let start = i.saturating_sub(NEGATION_WINDOW);
        (start..i)
            .filter(|&j| self.words[j].2 == self.words[i].2)
            .any(|j| NEGATORS.contains(&self.word(j)))
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

fn word_matches(word: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition the index must agree with: does `keyword` occur in `tokens`?
    fn contains_phrase(tokens: &[&str], keyword: &str) -> bool {
        let patterns: Vec<&str> = keyword.split(' ').collect();
        tokens.windows(patterns.len()).any(|window| {
            window
                .iter()
                .zip(&patterns)
                .all(|(w, p)| word_matches(w, p))
        })
    }

    /// The plain definition of [`Lexicon::cue_counts`].
    fn cue_counts_by_scanning(lex: &Lexicon, words: &LexiconWords) -> Vec<(usize, usize)> {
        let tokens: Vec<&str> = (0..words.len()).map(|i| words.word(i)).collect();
        lex.topics
            .values()
            .map(|phrases| {
                let mut found = BTreeMap::new();
                for phrase in phrases {
                    let patterns: Vec<&str> = phrase.split(' ').collect();
                    for (i, window) in tokens.windows(patterns.len()).enumerate() {
                        if window
                            .iter()
                            .zip(&patterns)
                            .all(|(w, p)| word_matches(w, p))
                        {
                            found.insert(i, words.negated(i));
                        }
                    }
                }
                let negated = found.values().filter(|n| **n).count();
                (found.len() - negated, negated)
            })
            .collect()
    }

    #[test]
    fn index_agrees_with_scanning_every_phrase_on_the_corpus() {
        let topics = Lexicon::builtin();
        let cues = Lexicon::parse(CUE_LEXICON, Path::new("cues.tsv")).unwrap();
        let path = format!("{}/data/corpus/train.jsonl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let (mut keyword_hits, mut cue_hits) = (0, 0);
        for line in text.lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let words = LexiconWords::new(record["text"].as_str().unwrap());
            let tokens: Vec<&str> = (0..words.len()).map(|i| words.word(i)).collect();
            for (topic, keywords) in &topics.topics {
                let expected: Vec<String> = keywords
                    .iter()
                    .filter(|k| contains_phrase(&tokens, k))
                    .cloned()
                    .collect();
                keyword_hits += expected.len();
                assert_eq!(topics.matches_words(topic, &words), expected, "{line}");
            }
            let counts = cues.cue_counts(&words);
            cue_hits += counts.iter().map(|(a, b)| a + b).sum::<usize>();
            assert_eq!(counts, cue_counts_by_scanning(&cues, &words), "{line}");
        }
        assert!(
            keyword_hits > 1000 && cue_hits > 1000,
            "{keyword_hits} {cue_hits}"
        );
    }

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

    /// Regression (lexicon review): prefixes reached words of another meaning and common words
    /// named a statistic or a market, tagging topics the guide does not give.
    #[test]
    fn shipped_keywords_do_not_reach_words_of_another_meaning() {
        let lex = Lexicon::builtin();
        let topics = |text: &str| -> Vec<String> {
            lex.matches_all(&LexiconWords::new(text))
                .into_keys()
                .map(String::from)
                .collect()
        };
        for text in [
            "It is important to agree on a roadmap first.",
            "Official data show the share rising since spring.",
            "A partnership between two universities in the EU.",
            "The committee is in gridlock.",
        ] {
            assert!(topics(text).is_empty(), "{text}: {:?}", topics(text));
        }
        for (text, topic) in [
            ("Imports of grain doubled.", "economy"),
            ("The importers paid more.", "economy"),
            ("New roads and a roadway link the towns.", "connectivity"),
            ("The grid failed twice.", "energy"),
            ("Rules on data protection changed.", "technology"),
        ] {
            assert_eq!(topics(text), [topic], "{text}");
        }
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

    proptest::proptest! {
        #[test]
        fn ascii_split_equals_the_general_split(text in "[a-zA-Z0-9 ,;:.!?()*'\"\\-]{0,60}") {
            let fast = LexiconWords::new(&text);
            let general = LexiconWords::split_any(text.to_lowercase());
            proptest::prop_assert_eq!(fast.words, general.words);
        }
    }
}
