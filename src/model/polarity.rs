//! Polarity: how a model's labels map to the signed `score` of a sentence and of an expert's
//! aggregate. A weight in [-1, 1] per label, the score is the probability-weighted sum
//! (`optimistic=1,cautionary=-1` gives P(optimistic) - P(cautionary)). The stance itself never
//! depends on it: a sentence's stance is its most probable label and an aggregate's the label of
//! highest mean probability, so models with any labels aggregate; the score is there only where
//! the labels have a direction.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Label weights of the signed score; empty when the model's labels have no direction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Polarity {
    weights: BTreeMap<String, f64>,
}

/// Label pairs that have a direction without being told: (positive, negative).
const KNOWN_PAIRS: [(&str, &str); 2] = [("optimistic", "cautionary"), ("positive", "negative")];

/// No signed score, for borrowing.
pub static NO_POLARITY: Polarity = Polarity {
    weights: BTreeMap::new(),
};

impl Polarity {
    /// No signed score.
    pub fn none() -> Self {
        Polarity::default()
    }

    /// The polarity of `labels` when none is given: +1 and -1 for the first known pair
    /// (`optimistic`/`cautionary`, else `positive`/`negative`) the labels contain, else none.
    pub fn default_for(labels: &[String]) -> Self {
        let has = |name: &str| labels.iter().any(|l| l == name);
        KNOWN_PAIRS
            .iter()
            .find(|(pos, neg)| has(pos) && has(neg))
            .map_or_else(Polarity::none, |(pos, neg)| Polarity {
                weights: [(pos.to_string(), 1.0), (neg.to_string(), -1.0)].into(),
            })
    }

    /// Parses `label=weight,label=weight` (or `none`) and checks it against the model's
    /// labels: every label known, weights finite in [-1, 1], at least one positive and one
    /// negative weight.
    pub fn parse(spec: &str, labels: &[String]) -> Result<Self> {
        let bad = |reason: &'static str| Error::InvalidParam {
            name: "polarity",
            value: spec.to_string(),
            reason,
        };
        if spec.trim() == "none" {
            return Ok(Polarity::none());
        }
        let mut weights = BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (label, weight) = part
                .split_once('=')
                .ok_or_else(|| bad("write label=weight pairs, e.g. optimistic=1,cautionary=-1"))?;
            let label = label.trim();
            if !labels.iter().any(|l| l == label) {
                return Err(Error::BadTrainingData(format!(
                    "--polarity names the label {label:?}, which the training data do not have \
                     (labels: {})",
                    labels.join(", ")
                )));
            }
            let weight: f64 = weight
                .trim()
                .parse()
                .map_err(|_| bad("a weight is not a number"))?;
            if !(-1.0..=1.0).contains(&weight) {
                return Err(bad("weights lie between -1 and 1"));
            }
            if weights.insert(label.to_string(), weight).is_some() {
                return Err(bad("a label is named twice"));
            }
        }
        if !weights.values().any(|&w| w > 0.0) || !weights.values().any(|&w| w < 0.0) {
            return Err(bad(
                "give at least one label a positive and one a negative weight, or write none",
            ));
        }
        Ok(Polarity { weights })
    }

    /// Whether the model has a signed score.
    pub fn is_none(&self) -> bool {
        self.weights.is_empty()
    }

    /// Label weights, by label name.
    pub fn weights(&self) -> &BTreeMap<String, f64> {
        &self.weights
    }

    /// Checks a loaded model's polarity against its labels.
    pub(crate) fn check(&self, labels: &[String]) -> std::result::Result<(), String> {
        for (label, w) in &self.weights {
            if !labels.contains(label) {
                return Err(format!(
                    "polarity names {label:?}, not one of the model's labels"
                ));
            }
            if !(-1.0..=1.0).contains(w) {
                return Err(format!(
                    "polarity weight of {label:?} is {w}, outside [-1, 1]"
                ));
            }
        }
        Ok(())
    }

    /// How the score is read, for people: `P(optimistic) - P(cautionary)`.
    pub fn describe(&self) -> String {
        if self.is_none() {
            return "none (train --polarity gives one)".into();
        }
        let mut weights: Vec<(&String, f64)> = self.weights.iter().map(|(l, &w)| (l, w)).collect();
        weights.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut out = String::new();
        for (label, w) in weights {
            let sign = if w < 0.0 { "-" } else { "+" };
            if out.is_empty() {
                out.push_str(if w < 0.0 { "-" } else { "" });
            } else {
                out.push_str(&format!(" {sign} "));
            }
            if w.abs() != 1.0 {
                out.push_str(&format!("{} ", w.abs()));
            }
            out.push_str(&format!("P({label})"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(p: &Polarity) -> Vec<(&str, f64)> {
        p.weights().iter().map(|(l, w)| (l.as_str(), *w)).collect()
    }

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn known_pairs_have_a_default_direction_and_others_none() {
        let ours = labels(&["optimistic", "cautionary", "neutral"]);
        assert_eq!(
            weights(&Polarity::default_for(&ours)),
            [("cautionary", -1.0), ("optimistic", 1.0)]
        );
        let sentiment = labels(&["negative", "positive"]);
        assert_eq!(
            weights(&Polarity::default_for(&sentiment)),
            [("negative", -1.0), ("positive", 1.0)]
        );
        assert!(Polarity::default_for(&labels(&["dovish", "hawkish"])).is_none());
    }

    #[test]
    fn parse_checks_labels_and_weights() {
        let fomc = labels(&["dovish", "hawkish", "neutral"]);
        let p = Polarity::parse("dovish=1, hawkish=-1", &fomc).unwrap();
        assert_eq!(weights(&p), [("dovish", 1.0), ("hawkish", -1.0)]);
        assert_eq!(p.describe(), "P(dovish) - P(hawkish)");
        assert!(Polarity::parse("none", &fomc).unwrap().is_none());
        for bad in [
            "dovish=1",
            "dovish=2,hawkish=-1",
            "dovish=x,hawkish=-1",
            "dovish",
            "dovish=1,dovish=-1",
            "hawk=1,dovish=-1",
        ] {
            assert!(Polarity::parse(bad, &fomc).is_err(), "{bad}");
        }
        let e = Polarity::parse("hawk=1,dovish=-1", &fomc).unwrap_err();
        assert!(e.to_string().contains("\"hawk\""), "{e}");
    }
}
