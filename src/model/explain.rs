//! Explanations: why the model chose a stance. For a linear model the decision between the chosen
//! label and the runner-up is the difference of their scores divided by the calibration
//! temperature T, which splits exactly into an intercept and one contribution per n-gram of the
//! sentence (its TF-IDF value times the difference of the two labels' weights, over T). The
//! contributions and the intercept add up to the margin, and the margin is
//! ln(P(chosen) / P(runner-up)) with the calibrated probabilities the model reports.

use serde::Serialize;

/// One n-gram's push towards the chosen label (negative: towards the runner-up).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermWeight {
    pub term: String,
    /// The n-gram's TF-IDF value in the sentence.
    pub value: f64,
    /// Its contribution to the margin: `value` times the difference of the two labels' weights,
    /// over the calibration temperature.
    pub weight: f64,
}

/// Why a sentence got its stance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The chosen label.
    pub label: String,
    /// The runner-up label the margin is measured against.
    pub versus: String,
    /// (Score of `label` minus score of `versus`) / T = ln(P(label) / P(versus)): `intercept`
    /// plus the sum of the term weights plus `encoder`.
    pub margin: f64,
    /// The difference of the two labels' biases, over T.
    pub intercept: f64,
    /// The contribution of the sentence-encoder block (its dimensions are not words, so they
    /// count as one share), when the model has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoder: Option<f64>,
    /// Every n-gram of the sentence with a nonzero contribution, strongest first.
    pub terms: Vec<TermWeight>,
}

impl Explanation {
    /// The `n` strongest terms.
    pub fn top(&self, n: usize) -> &[TermWeight] {
        &self.terms[..n.min(self.terms.len())]
    }
}
