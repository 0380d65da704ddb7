//! Comparing one article's extraction with its gold: matching sentences by text (after
//! whitespace normalisation) and then by speaker, the counts and ratios that follow, and the
//! missed, spurious and misattributed sentences behind them.

use super::GoldSentence;
use crate::extract::Extracted;
use serde::Serialize;
use std::collections::HashMap;

/// How well extraction matched the gold. A ratio with a zero denominator is undefined (`None`,
/// `null` in JSON): precision when nothing was extracted, recall when the gold is empty,
/// `attributed` when no gold sentence was found.
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
    /// `correct / extracted`.
    pub precision: Option<f64>,
    /// `correct / gold`.
    pub recall: Option<f64>,
    /// `2 correct / (gold + extracted)`, the harmonic mean of precision and recall: 0 when
    /// either is undefined and the other side has sentences, 1 when both sides are empty.
    pub f1: f64,
    /// Of the gold sentences found, the share given the right speaker.
    pub attributed: Option<f64>,
}

impl ExtractionScore {
    /// Compares extracted sentences of one article with its gold.
    pub fn new(gold: &[GoldSentence], extracted: &[Extracted]) -> Self {
        Comparison::new(gold, extracted).score()
    }

    /// Scores from counts; sums of per-article counts give the micro-averaged total.
    pub fn from_counts(gold: usize, extracted: usize, correct: usize, found: usize) -> Self {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        ExtractionScore {
            gold,
            extracted,
            correct,
            found,
            precision: ratio(correct, extracted),
            recall: ratio(correct, gold),
            f1: ratio(2 * correct, gold + extracted).unwrap_or(1.0),
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

/// One article's extraction set against its gold, sentence by sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison<'a> {
    /// Gold and extracted sentences that agree on text and speaker.
    pub correct: Vec<(&'a GoldSentence, &'a Extracted)>,
    /// Same text, another speaker: the gold sentence and what was extracted.
    pub misattributed: Vec<(&'a GoldSentence, &'a Extracted)>,
    /// Gold sentences whose text was not extracted, in gold order.
    pub missed: Vec<&'a GoldSentence>,
    /// Extracted sentences whose text is not in the gold, in extraction order.
    pub spurious: Vec<&'a Extracted>,
}

impl<'a> Comparison<'a> {
    /// Matches extracted sentences to gold ones with the same text (after whitespace
    /// normalisation), those with the same speaker first.
    pub fn new(gold: &'a [GoldSentence], extracted: &'a [Extracted]) -> Self {
        let mut open: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, g) in gold.iter().enumerate() {
            open.entry(normalize(&g.text)).or_default().push(i);
        }
        let mut out = Comparison::default();
        let mut unmatched = Vec::new();
        for e in extracted {
            let same_text = open.get_mut(&normalize(&e.text));
            let speaker = normalize(&e.speaker);
            match same_text.and_then(|v| {
                let at = v
                    .iter()
                    .position(|&i| normalize(&gold[i].speaker) == speaker)?;
                Some(v.remove(at))
            }) {
                Some(i) => out.correct.push((&gold[i], e)),
                None => unmatched.push(e),
            }
        }
        for e in unmatched {
            match open.get_mut(&normalize(&e.text)).filter(|v| !v.is_empty()) {
                Some(v) => out.misattributed.push((&gold[v.remove(0)], e)),
                None => out.spurious.push(e),
            }
        }
        let mut missed: Vec<usize> = open.into_values().flatten().collect();
        missed.sort_unstable();
        out.missed = missed.into_iter().map(|i| &gold[i]).collect();
        out
    }

    /// The counts and ratios.
    pub fn score(&self) -> ExtractionScore {
        let correct = self.correct.len();
        let found = correct + self.misattributed.len();
        ExtractionScore::from_counts(
            found + self.missed.len(),
            found + self.spurious.len(),
            correct,
            found,
        )
    }
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
        // one right, one with the wrong speaker, two extra ("two  ." is not "two."), two missed.
        let e = [
            got("A", "one."),
            got("A", "three."),
            got("C", "noise."),
            got("A", "two  ."),
        ];
        let s = ExtractionScore::new(&g, &e);
        assert_eq!((s.correct, s.found), (1, 2));
        assert_eq!((s.precision, s.recall), (Some(0.25), Some(0.25)));
        assert_eq!(s.attributed, Some(0.5));
        let c = Comparison::new(&g, &e);
        let texts = |v: &[&GoldSentence]| v.iter().map(|g| g.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&c.missed), ["two.", "four."]);
        assert_eq!(c.spurious, [&e[2], &e[3]]);
        assert_eq!(c.misattributed, [(&g[2], &e[1])]);
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
        let s = ExtractionScore::new(&[], &[]);
        assert_eq!((s.f1, s.precision, s.recall), (1.0, None, None));
    }

    #[test]
    fn nothing_extracted_leaves_precision_undefined() {
        let s = ExtractionScore::new(&[gold("A", "one.")], &[]);
        assert_eq!((s.precision, s.recall, s.f1), (None, Some(0.0), 0.0));
        assert_eq!(s.attributed, None);
    }

    #[test]
    fn a_repeated_sentence_matches_its_own_speaker_first() {
        let g = [gold("A", "Yes."), gold("B", "Yes.")];
        let e = [got("B", "Yes."), got("C", "Yes."), got("A", "Yes.")];
        let c = Comparison::new(&g, &e);
        assert_eq!(c.correct, [(&g[1], &e[0]), (&g[0], &e[2])]);
        assert_eq!((c.misattributed.len(), c.spurious), (0, vec![&e[1]]));
    }
}
