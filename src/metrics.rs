//! Evaluation metrics: accuracy, per-label precision / recall / F1, macro-F1 and the confusion
//! matrix for the stance; micro- and macro-F1 for the multi-label topics. A metric with a zero
//! denominator is 0, as scikit-learn reports it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Index of the largest value (the first on ties).
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// The harmonic mean of precision and recall; 0 when both are 0.
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    }
}

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Number of true examples of the label.
    pub support: usize,
}

impl LabelScores {
    fn from_counts(tp: usize, fp: usize, fn_: usize) -> Self {
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        LabelScores {
            precision,
            recall,
            f1: f1(precision, recall),
            support: tp + fn_,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Rows are true labels, columns predicted labels, both in `labels` order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<usize>>,
}

/// Stance metrics of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceReport {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_label: BTreeMap<String, LabelScores>,
    pub confusion: Confusion,
}

impl StanceReport {
    /// Scores predicted against true class indices into `labels`.
    pub fn new(labels: &[String], truth: &[usize], predicted: &[usize]) -> Self {
        let k = labels.len();
        let mut matrix = vec![vec![0usize; k]; k];
        for (&t, &p) in truth.iter().zip(predicted) {
            matrix[t][p] += 1;
        }
        let correct: usize = (0..k).map(|i| matrix[i][i]).sum();
        let per_label: BTreeMap<String, LabelScores> = labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let tp = matrix[i][i];
                let fp = (0..k).map(|r| matrix[r][i]).sum::<usize>() - tp;
                let fn_ = matrix[i].iter().sum::<usize>() - tp;
                (label.clone(), LabelScores::from_counts(tp, fp, fn_))
            })
            .collect();
        let macro_f1 = mean(per_label.values().map(|s| s.f1));
        StanceReport {
            n: truth.len(),
            accuracy: ratio(correct, truth.len()),
            macro_f1,
            per_label,
            confusion: Confusion {
                labels: labels.to_vec(),
                matrix,
            },
        }
    }
}

/// Topic (multi-label) metrics of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicReport {
    pub n: usize,
    pub micro_f1: f64,
    pub macro_f1: f64,
    pub per_topic: BTreeMap<String, LabelScores>,
}

impl TopicReport {
    /// Scores predicted topic sets against true ones, over the `topics` the model knows.
    pub fn new(topics: &[String], truth: &[Vec<String>], predicted: &[Vec<String>]) -> Self {
        let (mut tp_all, mut fp_all, mut fn_all) = (0, 0, 0);
        let mut per_topic = BTreeMap::new();
        for topic in topics {
            let (mut tp, mut fp, mut fn_) = (0, 0, 0);
            for (t, p) in truth.iter().zip(predicted) {
                match (t.contains(topic), p.contains(topic)) {
                    (true, true) => tp += 1,
                    (false, true) => fp += 1,
                    (true, false) => fn_ += 1,
                    (false, false) => {}
                }
            }
            tp_all += tp;
            fp_all += fp;
            fn_all += fn_;
            per_topic.insert(topic.clone(), LabelScores::from_counts(tp, fp, fn_));
        }
        TopicReport {
            n: truth.len(),
            micro_f1: LabelScores::from_counts(tp_all, fp_all, fn_all).f1,
            macro_f1: mean(per_topic.values().map(|s| s.f1)),
            per_topic,
        }
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["optimistic", "cautionary", "neutral"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn stance_metrics_match_hand_computed_values() {
        // truth:     o o o c c n
        // predicted: o o c c n n
        let r = StanceReport::new(&labels(), &[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 2, 2]);
        assert_eq!(r.accuracy, 4.0 / 6.0);
        let o = &r.per_label["optimistic"];
        assert_eq!((o.precision, o.recall, o.support), (1.0, 2.0 / 3.0, 3));
        assert!((o.f1 - 0.8).abs() < 1e-12);
        let c = &r.per_label["cautionary"]; // p 1/2, r 1/2
        assert!((c.f1 - 0.5).abs() < 1e-12);
        let n = &r.per_label["neutral"]; // p 1/2, r 1
        assert!((n.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.macro_f1 - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert_eq!(
            r.confusion.matrix,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]
        );
    }

    #[test]
    fn absent_label_scores_zero() {
        let r = StanceReport::new(&labels(), &[0, 0], &[0, 0]);
        assert_eq!(r.per_label["cautionary"].f1, 0.0);
        assert!((r.macro_f1 - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn topic_micro_and_macro() {
        let topics: Vec<String> = vec!["energy".into(), "security".into()];
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let truth = vec![s(&["energy"]), s(&["energy", "security"]), s(&[])];
        let pred = vec![s(&["energy"]), s(&["energy"]), s(&["security"])];
        let r = TopicReport::new(&topics, &truth, &pred);
        // energy tp 2; security tp 0 fp 1 fn 1. micro: tp 2 fp 1 fn 1 -> 2/3.
        assert_eq!(r.per_topic["energy"].f1, 1.0);
        assert_eq!(r.per_topic["security"].f1, 0.0);
        assert!((r.micro_f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.macro_f1 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn argmax_takes_first_on_ties() {
        assert_eq!(argmax(&[0.2, 0.4, 0.4]), 1);
    }
}
