//! Linear classifiers fitted with linfa, then kept as plain weight tables so that prediction is a
//! sparse dot product: no dense matrix, no linfa at prediction time. Three algorithms ([`Algo`]):
//! multinomial logistic regression (L-BFGS, the default), one-vs-rest logistic regression, and
//! multinomial naive Bayes (linfa-bayes). All three are linear in the features, so explanations
//! and calibration work the same way for each. The same fit serves the stance classifier
//! (k labels) and each topic (2 labels).

use crate::error::{Error, Result};
use crate::features::SparseVec;
use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// The learning algorithm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algo {
    /// linfa-logistic's multinomial logistic regression; class scores are its logits.
    #[default]
    Logistic,
    /// One 2-class logistic regression per label against all others; class scores are the
    /// log-odds of each, and probabilities their softmax.
    Ovr,
    /// linfa-bayes' multinomial naive Bayes on the (non-negative) features, with `alpha` as its
    /// additive smoothing; class scores are the joint log-likelihoods.
    Nb,
}

impl std::str::FromStr for Algo {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "logistic" => Ok(Algo::Logistic),
            "ovr" => Ok(Algo::Ovr),
            "nb" => Ok(Algo::Nb),
            _ => Err(Error::InvalidParam {
                name: "algo",
                value: s.into(),
                reason: "must be logistic, ovr or nb",
            }),
        }
    }
}

impl std::fmt::Display for Algo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Algo::Logistic => "logistic",
            Algo::Ovr => "ovr",
            Algo::Nb => "nb",
        })
    }
}

/// Settings of the linear classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticParams {
    /// L2 penalty on the weights (linfa's `alpha`); default 0.3 (chosen by 5-fold
    /// cross-validation on the training split: macro-F1 0.747 against 0.733 at 1.0).
    pub alpha: f64,
    /// Most L-BFGS iterations; default 200.
    pub max_iterations: u64,
    /// Weigh classes by the inverse of their frequency (linfa has no sample weights, so each
    /// sentence of a class is repeated round(n_largest / n_class) times); default false.
    #[serde(default)]
    pub balanced: bool,
    /// The algorithm; default multinomial logistic regression.
    #[serde(default)]
    pub algo: Algo,
}

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams {
            alpha: 0.3,
            max_iterations: 200,
            balanced: false,
            algo: Algo::Logistic,
        }
    }
}

impl LogisticParams {
    /// Checks the settings; errors name the bad value.
    pub fn validate(&self) -> Result<()> {
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(Error::InvalidParam {
                name: "alpha",
                value: self.alpha.to_string(),
                reason: "must be a positive number",
            });
        }
        if self.max_iterations == 0 {
            return Err(Error::InvalidParam {
                name: "max_iterations",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        Ok(())
    }

    /// Fits `n_classes` classes on sparse rows `x` with class indices `y`. Every class must occur
    /// in `y` (linfa silently drops absent classes), and `x` must not be empty.
    pub fn fit(
        &self,
        x: &[SparseVec],
        y: &[usize],
        n_classes: usize,
        n_features: usize,
    ) -> Result<LinearModel> {
        self.validate()?;
        check_classes(y, n_classes, x.len())?;
        let (rows, y) = if self.balanced {
            balance(x, y, n_classes)
        } else {
            (x.iter().collect(), y.to_vec())
        };
        match self.algo {
            Algo::Logistic => self.fit_multinomial(dense_rows(&rows, n_features), y, n_classes),
            Algo::Ovr => {
                let dense = dense_rows(&rows, n_features);
                let (mut weights, mut bias) = (Vec::new(), Vec::new());
                for c in 0..n_classes {
                    let ys: Vec<usize> = y.iter().map(|&l| usize::from(l == c)).collect();
                    let pair = self.fit_multinomial(dense.clone(), ys, 2)?;
                    let (rest, mine) = (&pair.weights[0], &pair.weights[1]);
                    weights.push(mine.iter().zip(rest).map(|(a, b)| a - b).collect());
                    bias.push(pair.bias[1] - pair.bias[0]);
                }
                Ok(LinearModel { weights, bias })
            }
            Algo::Nb => self.fit_naive_bayes(&rows, &y, n_classes, n_features),
        }
    }

    fn fit_multinomial(
        &self,
        dense: Array2<f32>,
        y: Vec<usize>,
        n_classes: usize,
    ) -> Result<LinearModel> {
        let dataset = Dataset::new(dense, Array1::from(y));
        let fitted = MultiLogisticRegression::default()
            .alpha(self.alpha as f32)
            .max_iterations(self.max_iterations)
            .fit(&dataset)
            .map_err(|e| Error::Classifier(e.to_string()))?;
        let params = fitted.params(); // n_features x n_classes
        let weights = (0..n_classes).map(|c| params.column(c).to_vec()).collect();
        let bias = fitted.intercept().to_vec();
        Ok(LinearModel { weights, bias })
    }

    /// Multinomial naive Bayes in closed form: the model linfa-bayes' `MultinomialNb` fits
    /// (log prior of each class; log of each feature's smoothed count over the class's smoothed
    /// total), computed here from the sparse rows. linfa-bayes 0.8.1 prints a `dbg!` dump of
    /// every class while fitting and cannot be silenced without swapping the process-wide
    /// standard error, which races with parallel folds and loses their messages, so it is used
    /// only in the test that checks these weights against it. Counts are summed in f64 in row
    /// order, so the weights do not depend on how rows are batched or threaded. A class with
    /// no row in the data (a small cross-validation fold) gets the prior of half a row.
    fn fit_naive_bayes(
        &self,
        rows: &[&SparseVec],
        y: &[usize],
        n_classes: usize,
        n_features: usize,
    ) -> Result<LinearModel> {
        if rows.is_empty() {
            return Err(Error::BadTrainingData("no rows to fit".into()));
        }
        let mut counts = vec![vec![0f64; n_features]; n_classes];
        let mut class_rows = vec![0usize; n_classes];
        for (row, &c) in rows.iter().zip(y) {
            class_rows[c] += 1;
            for &(j, v) in row.iter() {
                counts[c][j as usize] += f64::from(v);
            }
        }
        let total = rows.len() as f64;
        let bias = class_rows
            .iter()
            .map(|&n| ((n as f64).max(0.5) / total).ln() as f32)
            .collect();
        let weights = counts
            .iter()
            .map(|row| {
                let smoothed = row.iter().sum::<f64>() + self.alpha * n_features as f64;
                row.iter()
                    .map(|n| ((n + self.alpha).ln() - smoothed.ln()) as f32)
                    .collect()
            })
            .collect();
        Ok(LinearModel { weights, bias })
    }
}

/// Repeats each row of class c round(n_largest / n_c) times, in order.
fn balance<'a>(
    x: &'a [SparseVec],
    y: &[usize],
    n_classes: usize,
) -> (Vec<&'a SparseVec>, Vec<usize>) {
    let mut counts = vec![0usize; n_classes];
    y.iter().for_each(|&c| counts[c] += 1);
    let largest = counts.iter().copied().max().unwrap_or(1) as f64;
    let repeats: Vec<usize> = counts
        .iter()
        .map(|&n| ((largest / n.max(1) as f64).round() as usize).max(1))
        .collect();
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for (row, &c) in x.iter().zip(y) {
        for _ in 0..repeats[c] {
            rows.push(row);
            labels.push(c);
        }
    }
    (rows, labels)
}

/// The dense matrix linfa needs, in f32: half the memory and time of f64, and features are f32.
fn dense_rows(x: &[&SparseVec], n_features: usize) -> Array2<f32> {
    let mut dense = Array2::<f32>::zeros((x.len(), n_features));
    for (mut row, features) in dense.rows_mut().into_iter().zip(x) {
        for &(j, v) in features.iter() {
            row[j as usize] = v;
        }
    }
    dense
}

fn check_classes(y: &[usize], n_classes: usize, n_rows: usize) -> Result<()> {
    if n_rows == 0 || y.len() != n_rows {
        return Err(Error::BadTrainingData(format!(
            "{n_rows} feature rows for {} labels; need at least one of each",
            y.len()
        )));
    }
    let mut seen = vec![0usize; n_classes];
    for &c in y {
        match seen.get_mut(c) {
            Some(n) => *n += 1,
            None => {
                return Err(Error::BadTrainingData(format!(
                    "class index {c} out of range"
                )))
            }
        }
    }
    if n_classes < 2 || seen.contains(&0) {
        return Err(Error::BadTrainingData(format!(
            "need examples of every one of at least 2 classes, found counts {seen:?}"
        )));
    }
    Ok(())
}

/// Fitted weights: one row per class, one column per feature, plus a bias per class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
}

impl LinearModel {
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.bias.len()
    }

    /// Number of features each class row expects.
    pub fn n_features(&self) -> usize {
        self.weights.first().map_or(0, Vec::len)
    }

    /// The weight of feature `j` for class `c`.
    pub fn weight(&self, c: usize, j: u32) -> f32 {
        self.weights[c][j as usize]
    }

    /// The bias of class `c`.
    pub fn bias(&self, c: usize) -> f32 {
        self.bias[c]
    }

    /// Checks that the weight table is rectangular and sized for `n_features` features.
    pub fn check_shape(&self, n_features: usize) -> std::result::Result<(), String> {
        if self.weights.len() != self.bias.len() {
            return Err(format!(
                "{} weight rows, {} biases",
                self.weights.len(),
                self.bias.len()
            ));
        }
        match self.weights.iter().find(|r| r.len() != n_features) {
            Some(r) => Err(format!(
                "weight row of {} for {n_features} features",
                r.len()
            )),
            None => Ok(()),
        }
    }

    /// Raw class scores `x . w_c + b_c`.
    pub fn scores(&self, x: &SparseVec) -> Vec<f64> {
        (0..self.bias.len()).map(|k| self.score(x, k)).collect()
    }

    /// The raw score of class `k`.
    fn score(&self, x: &SparseVec, k: usize) -> f64 {
        let w = &self.weights[k];
        x.iter().fold(f64::from(self.bias[k]), |acc, &(j, v)| {
            acc + f64::from(v) * f64::from(w[j as usize])
        })
    }

    /// Class probabilities (softmax of the scores).
    pub fn probabilities(&self, x: &SparseVec) -> Vec<f64> {
        softmax(self.scores(x))
    }

    /// The probability of class `c` alone: the same arithmetic as [`Self::probabilities`],
    /// without building the vectors (topic tagging asks this of six models per sentence).
    pub fn probability(&self, x: &SparseVec, c: usize) -> f64 {
        let mut buf = [0f64; 8];
        let n = self.bias.len();
        if n > buf.len() {
            return self.probabilities(x)[c];
        }
        (0..n).for_each(|k| buf[k] = self.score(x, k));
        let sum = exponentiate(&mut buf[..n]);
        buf[c] / sum
    }
}

/// Numerically stable softmax.
pub fn softmax(mut scores: Vec<f64>) -> Vec<f64> {
    let sum = exponentiate(&mut scores);
    scores.iter_mut().for_each(|s| *s /= sum);
    scores
}

/// Replaces each score by `exp(score - max)` and returns their sum: softmax before dividing.
fn exponentiate(scores: &mut [f64]) -> f64 {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa_bayes::{MultinomialNb, NaiveBayes};

    fn toy() -> (Vec<SparseVec>, Vec<usize>) {
        let x = vec![
            vec![(0, 1.0)],
            vec![(0, 0.9), (2, 0.1)],
            vec![(1, 1.0)],
            vec![(1, 0.8), (2, 0.2)],
            vec![(2, 1.0)],
            vec![(2, 0.7), (0, 0.1)],
        ];
        (x, vec![0, 0, 1, 1, 2, 2])
    }

    #[test]
    fn sparse_prediction_matches_linfa() {
        let (x, y) = toy();
        let model = LogisticParams::default().fit(&x, &y, 3, 3).unwrap();
        let dense = dense_rows(&x.iter().collect::<Vec<_>>(), 3);
        let linfa_model = MultiLogisticRegression::default()
            .alpha(LogisticParams::default().alpha as f32)
            .max_iterations(200)
            .fit(&Dataset::new(dense.clone(), Array1::from(y.clone())))
            .unwrap();
        let expected = linfa_model.predict_probabilities(&dense);
        for (i, r) in x.iter().enumerate() {
            let p = model.probabilities(r);
            for c in 0..3 {
                assert!(
                    (p[c] - f64::from(expected[[i, c]])).abs() < 1e-5,
                    "row {i}: {p:?}"
                );
            }
        }
        assert_predicts(&model, &x, &y);
    }

    #[test]
    fn missing_class_is_an_error_not_a_silent_model() {
        let (x, _) = toy();
        let err = LogisticParams::default()
            .fit(&x, &[0; 6], 3, 3)
            .unwrap_err();
        assert!(
            err.to_string().contains("every one of at least 2 classes"),
            "{err}"
        );
        let err = LogisticParams::default().fit(&[], &[], 3, 3).unwrap_err();
        assert!(err.to_string().contains("need at least one"), "{err}");
    }

    #[test]
    fn rejects_non_positive_alpha() {
        let p = LogisticParams {
            alpha: 0.0,
            ..LogisticParams::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("alpha = 0"));
    }

    #[test]
    fn softmax_sums_to_one() {
        let p = softmax(vec![1000.0, 1000.0, -5.0]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[0] - 0.5).abs() < 1e-9);
    }

    /// `model` gives every row of `x` its label in `y`.
    fn assert_predicts(model: &LinearModel, x: &[SparseVec], y: &[usize]) {
        let predicted: Vec<usize> = x
            .iter()
            .map(|r| crate::metrics::argmax(&model.probabilities(r)))
            .collect();
        assert_eq!(predicted, y);
    }

    /// linfa-bayes fitted in one go with smoothing 0.5, the reference for our weights (its
    /// `dbg!` dump goes to the test harness's captured output).
    fn linfa_naive_bayes(dense: Array2<f32>, y: &[usize]) -> MultinomialNb<f32, usize> {
        MultinomialNb::params()
            .alpha(0.5)
            .fit(&Dataset::new(dense, Array1::from(y.to_vec())))
            .unwrap()
    }

    #[test]
    fn naive_bayes_weights_match_linfa_bayes() {
        let (x, y) = toy();
        let params = LogisticParams {
            algo: Algo::Nb,
            alpha: 0.5,
            ..LogisticParams::default()
        };
        let model = params.fit(&x, &y, 3, 3).unwrap();
        let dense = dense_rows(&x.iter().collect::<Vec<_>>(), 3);
        let linfa_model = linfa_naive_bayes(dense.clone(), &y);
        let jll = linfa_model.joint_log_likelihood(dense.view());
        for (i, r) in x.iter().enumerate() {
            let scores = model.scores(r);
            for c in 0..3 {
                assert!((scores[c] - f64::from(jll[&c][i])).abs() < 1e-4, "row {i}");
            }
        }
        // By hand: class 0's smoothed feature totals are 1.9+0.5, 0+0.5, 0.1+0.5 over 2.0+1.5.
        let expected = (2.4f64 / 3.5).ln();
        assert!((f64::from(model.weight(0, 0)) - expected).abs() < 1e-5);
        assert!((f64::from(model.bias(0)) - (1.0f64 / 3.0).ln()).abs() < 1e-6);
    }

    #[test]
    fn one_vs_rest_scores_are_the_log_odds_of_each_binary_model() {
        let (x, y) = toy();
        let params = LogisticParams {
            algo: Algo::Ovr,
            ..LogisticParams::default()
        };
        let model = params.fit(&x, &y, 3, 3).unwrap();
        let binary = LogisticParams::default();
        for c in 0..3 {
            let ys: Vec<usize> = y.iter().map(|&l| usize::from(l == c)).collect();
            let pair = binary.fit(&x, &ys, 2, 3).unwrap();
            for r in &x {
                let p = pair.probabilities(r);
                let log_odds = (p[1] / p[0]).ln();
                assert!((model.scores(r)[c] - log_odds).abs() < 1e-4, "class {c}");
            }
        }
        assert_predicts(&model, &x, &y);
    }

    #[test]
    fn naive_bayes_on_many_rows_matches_linfa_bayes() {
        let (base, labels) = toy();
        let n = 6_000;
        let x: Vec<SparseVec> = (0..n).map(|i| base[i % 6].clone()).collect();
        let y: Vec<usize> = (0..n).map(|i| labels[i % 6]).collect();
        let params = LogisticParams {
            algo: Algo::Nb,
            alpha: 0.5,
            ..LogisticParams::default()
        };
        let ours = params.fit(&x, &y, 3, 3).unwrap();
        let dense = dense_rows(&x.iter().collect::<Vec<_>>(), 3);
        let whole = linfa_naive_bayes(dense, &y);
        let probe = dense_rows(&base.iter().collect::<Vec<_>>(), 3);
        let jll = whole.joint_log_likelihood(probe.view());
        for (i, r) in base.iter().enumerate() {
            for c in 0..3 {
                let got = ours.scores(r)[c];
                assert!((got - f64::from(jll[&c][i])).abs() < 1e-3, "{got} row {i}");
            }
        }
    }

    #[test]
    fn one_probability_equals_the_softmax_entry_exactly() {
        let (x, y) = toy();
        let model = LogisticParams::default().fit(&x, &y, 3, 3).unwrap();
        for r in &x {
            let all = model.probabilities(r);
            for (c, p) in all.iter().enumerate() {
                assert_eq!(model.probability(r, c).to_bits(), p.to_bits());
            }
        }
    }
}
