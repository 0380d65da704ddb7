//! Calibration: a probability of 0.8 should be right about 80% of the time. Logistic regression
//! with L2 penalty tends to be under- or over-confident, so training fits one temperature T on
//! the out-of-fold scores of its cross-validation (minimising their log-loss) and the model
//! divides its scores by T before the softmax. T leaves every decision unchanged. The expected
//! calibration error (ECE) and a reliability table show the effect.
//!
//! Out-of-fold scores come from the same kind of text as the training data; a model meant for
//! another register (real commentary rather than a written corpus) is calibrated instead on
//! held-out data in that register (`stance train --dev`), whose summary the calibration keeps.

use crate::model::linear::softmax;
use crate::model::DataSummary;
use serde::{Deserialize, Serialize};

/// Temperatures searched, as powers: from 1/20 to 20.
const LOG_T_RANGE: (f64, f64) = (-3.0, 3.0);
/// Bins of the reliability table.
pub const BINS: usize = 10;

/// The temperature fitted on cross-validation and its effect there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub temperature: f64,
    /// Expected calibration error of the out-of-fold probabilities before and after.
    pub ece_before: f64,
    pub ece_after: f64,
    /// The held-out sentences the temperature was fitted on; absent when it was fitted on the
    /// out-of-fold scores of cross-validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_out: Option<DataSummary>,
}

impl Calibration {
    /// Fits the temperature on out-of-fold `scores` (raw class scores) with true classes `truth`.
    pub fn fit(scores: &[Vec<f64>], truth: &[usize]) -> Self {
        let temperature = fit_temperature(scores, truth);
        let probabilities = |t: f64| -> Vec<Vec<f64>> {
            scores
                .iter()
                .map(|s| softmax(s.iter().map(|v| v / t).collect()))
                .collect()
        };
        Calibration {
            temperature,
            ece_before: Reliability::new(&probabilities(1.0), truth).ece,
            ece_after: Reliability::new(&probabilities(temperature), truth).ece,
            held_out: None,
        }
    }

    /// What the temperature was fitted on, for people: "335 held-out sentences" or
    /// "cross-validation folds".
    pub fn fitted_on(&self) -> String {
        match &self.held_out {
            Some(d) => format!("{} held-out sentences", d.examples),
            None => "cross-validation folds".to_string(),
        }
    }
}

/// Mean negative log-likelihood of the true classes at temperature `t`.
fn nll(scores: &[Vec<f64>], truth: &[usize], t: f64) -> f64 {
    let total: f64 = scores
        .iter()
        .zip(truth)
        .map(|(s, &y)| {
            -softmax(s.iter().map(|v| v / t).collect())[y]
                .max(1e-300)
                .ln()
        })
        .sum();
    total / scores.len().max(1) as f64
}

/// Golden-section search of ln T (the log-loss is unimodal in it for softmax scores).
fn fit_temperature(scores: &[Vec<f64>], truth: &[usize]) -> f64 {
    if scores.is_empty() {
        return 1.0;
    }
    let f = |log_t: f64| nll(scores, truth, log_t.exp());
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = LOG_T_RANGE;
    let (mut c, mut d) = (b - ratio * (b - a), a + ratio * (b - a));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            (d, fd) = (c, fc);
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            (c, fc) = (d, fd);
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    ((a + b) / 2.0).exp()
}

/// One bin of the reliability table: predictions whose confidence falls in `[lower, upper)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub lower: f64,
    pub upper: f64,
    pub n: usize,
    /// Mean probability of the predicted label.
    pub confidence: f64,
    /// Share of correct predictions.
    pub accuracy: f64,
}

/// Reliability table and expected calibration error of predicted probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    /// Sum over bins of |accuracy - confidence| weighted by the bin's share of predictions.
    pub ece: f64,
    pub bins: Vec<Bin>,
}

impl Reliability {
    /// Bins the confidence of each prediction (its highest probability) into [`BINS`] bins.
    pub fn new(probabilities: &[Vec<f64>], truth: &[usize]) -> Self {
        let mut sums = vec![(0usize, 0.0f64, 0usize); BINS];
        for (p, &y) in probabilities.iter().zip(truth) {
            let predicted = crate::metrics::argmax(p);
            let confidence = p[predicted];
            let bin = ((confidence * BINS as f64) as usize).min(BINS - 1);
            sums[bin].0 += 1;
            sums[bin].1 += confidence;
            sums[bin].2 += usize::from(predicted == y);
        }
        let total = probabilities.len().max(1) as f64;
        let mut ece = 0.0;
        let bins = sums
            .iter()
            .enumerate()
            .map(|(i, &(n, conf, correct))| {
                let (confidence, accuracy) = if n == 0 {
                    (0.0, 0.0)
                } else {
                    (conf / n as f64, correct as f64 / n as f64)
                };
                ece += n as f64 / total * (accuracy - confidence).abs();
                Bin {
                    lower: i as f64 / BINS as f64,
                    upper: (i + 1) as f64 / BINS as f64,
                    n,
                    confidence,
                    accuracy,
                }
            })
            .collect();
        Reliability { ece, bins }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_by_hand() {
        // Two predictions at 0.9 (one right), two at 0.6 (both right).
        let p = vec![
            vec![0.9, 0.1],
            vec![0.9, 0.1],
            vec![0.6, 0.4],
            vec![0.4, 0.6],
        ];
        let r = Reliability::new(&p, &[0, 1, 0, 1]);
        assert_eq!(r.bins[9].n, 2);
        assert_eq!(r.bins[6].n, 2);
        // bin 9: |0.5 - 0.9| * 2/4; bin 6: |1.0 - 0.6| * 2/4
        assert!((r.ece - 0.4).abs() < 1e-12, "{}", r.ece);
    }

    #[test]
    fn overconfident_scores_get_a_temperature_above_one() {
        // Scores claim about 99.99% confidence but are right only 3 times in 4.
        let scores: Vec<Vec<f64>> = (0..400).map(|_| vec![10.0, 0.0]).collect();
        let truth: Vec<usize> = (0..400).map(|i| usize::from(i % 4 == 0)).collect();
        let c = Calibration::fit(&scores, &truth);
        let p = softmax(vec![10.0 / c.temperature, 0.0]);
        assert!((p[0] - 0.75).abs() < 1e-3, "{} -> {:?}", c.temperature, p);
        assert!(c.ece_after < c.ece_before && c.ece_after < 0.01);
    }
}
