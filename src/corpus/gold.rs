//! Judging extraction against gold files: a gold file lists, for one article, every sentence
//! attributed to a named person as `{"speaker", "text", "kind"}` lines. Extracted and gold
//! (speaker, sentence) pairs are compared after whitespace normalisation, giving precision,
//! recall and F1, and the share of gold sentences that were found with the right speaker.

use crate::corpus::data::{read_records, ReadOptions};
use crate::error::{Error, Result};
use crate::extract::Extracted;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// One gold sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldSentence {
    pub speaker: String,
    pub text: String,
    pub kind: Option<String>,
}

/// Reads a gold file (JSON Lines with `speaker` and `text`; `kind` optional).
pub fn read_gold(path: &Path) -> Result<Vec<GoldSentence>> {
    let records = read_records(path, &ReadOptions::default())?;
    records
        .into_iter()
        .map(|r| {
            let speaker = r.speaker.ok_or_else(|| Error::BadRecord {
                path: path.to_path_buf(),
                line: r.line,
                reason: "missing field \"speaker\"".into(),
            })?;
            let kind = r
                .fields
                .get("kind")
                .and_then(|k| k.as_str())
                .map(String::from);
            Ok(GoldSentence {
                speaker,
                text: r.text,
                kind,
            })
        })
        .collect()
}

/// How well extraction matched the gold.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExtractionScore {
    /// Gold sentences.
    pub gold: usize,
    /// Extracted sentences.
    pub extracted: usize,
    /// Extracted (speaker, sentence) pairs that are in the gold.
    pub correct: usize,
    /// Gold sentences whose text was extracted, whatever the speaker.
    pub found: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Of the gold sentences found, the share given the right speaker.
    pub attributed: f64,
}

impl ExtractionScore {
    /// Compares extracted sentences of one article with its gold.
    pub fn new(gold: &[GoldSentence], extracted: &[Extracted]) -> Self {
        let pairs = |items: &mut dyn Iterator<Item = (&str, &str)>| {
            let mut bag: HashMap<(String, String), usize> = HashMap::new();
            for (s, t) in items {
                *bag.entry((normalize(s), normalize(t))).or_default() += 1;
            }
            bag
        };
        let gold_pairs = pairs(&mut gold.iter().map(|g| (g.speaker.as_str(), g.text.as_str())));
        let got_pairs = pairs(
            &mut extracted
                .iter()
                .map(|e| (e.speaker.as_str(), e.text.as_str())),
        );
        let correct = overlap(&gold_pairs, &got_pairs);
        let texts = |bag: &HashMap<(String, String), usize>| {
            let mut out: HashMap<(String, String), usize> = HashMap::new();
            for ((_, t), n) in bag {
                *out.entry((String::new(), t.clone())).or_default() += n;
            }
            out
        };
        let found = overlap(&texts(&gold_pairs), &texts(&got_pairs));
        Self::from_counts(gold.len(), extracted.len(), correct, found)
    }

    /// Scores from counts; sums of per-article counts give the micro-averaged total.
    pub fn from_counts(gold: usize, extracted: usize, correct: usize, found: usize) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let (precision, recall) = (ratio(correct, extracted), ratio(correct, gold));
        let f1 = crate::metrics::f1(precision, recall);
        ExtractionScore {
            gold,
            extracted,
            correct,
            found,
            precision,
            recall,
            f1,
            attributed: ratio(correct, found),
        }
    }

    /// Adds another article's counts.
    pub fn add(&self, other: &ExtractionScore) -> Self {
        Self::from_counts(
            self.gold + other.gold,
            self.extracted + other.extracted,
            self.correct + other.correct,
            self.found + other.found,
        )
    }
}

fn overlap<K: std::hash::Hash + Eq>(a: &HashMap<K, usize>, b: &HashMap<K, usize>) -> usize {
    a.iter()
        .map(|(k, n)| (*n).min(b.get(k).copied().unwrap_or(0)))
        .sum()
}

/// Collapses runs of whitespace to one space and trims.
fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::QuoteKind;

    fn gold(speaker: &str, text: &str) -> GoldSentence {
        GoldSentence {
            speaker: speaker.into(),
            text: text.into(),
            kind: None,
        }
    }

    fn got(speaker: &str, text: &str) -> Extracted {
        Extracted {
            speaker: speaker.into(),
            text: text.into(),
            span: 0..text.len(),
            kind: QuoteKind::Direct,
            confidence: 0.95,
        }
    }

    #[test]
    fn hand_computed_scores() {
        let g = [
            gold("A", "one."),
            gold("A", "two."),
            gold("B", "three."),
            gold("B", "four."),
        ];
        // one right, one with the wrong speaker, one extra, "four." missed.
        let e = [
            got("A", "one."),
            got("A", "three."),
            got("C", "noise."),
            got("A", "two  ."),
        ];
        let s = ExtractionScore::new(&g, &e);
        assert_eq!((s.correct, s.found), (1, 2));
        assert_eq!((s.precision, s.recall), (0.25, 0.25));
        assert_eq!(s.attributed, 0.5);
        let t = s.add(&ExtractionScore::new(&g[..1], &e[..1]));
        assert_eq!((t.gold, t.extracted, t.correct), (5, 5, 2));
    }

    #[test]
    fn whitespace_differences_do_not_count() {
        let s = ExtractionScore::new(&[gold("A", "a  b\nc")], &[got("A", "a b c")]);
        assert_eq!(s.f1, 1.0);
    }

    #[test]
    fn empty_gold_and_empty_extraction_is_perfect() {
        assert_eq!(ExtractionScore::new(&[], &[]).f1, 1.0);
    }
}
