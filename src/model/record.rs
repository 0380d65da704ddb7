//! What the model file records about its training: the settings, the cross-validation report
//! and the tuning grid. Plain data owned by the model; `train` fills it in, so the fitted model
//! never depends on how it was searched for.

use crate::features::FeatureParams;
use crate::metrics::{StanceReport, TopicReport};
use crate::model::calibrate::Calibration;
use crate::model::linear::LogisticParams;
use crate::model::topics::TopicParams;
use serde::{Deserialize, Serialize};

/// Every training setting, with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    /// Words seen fewer times than this become unknown; default 2.
    pub min_token_frequency: u64,
    pub features: FeatureParams,
    pub logistic: LogisticParams,
    pub topics: TopicParams,
    /// Folds of the cross-validation stored in the model (0 skips it); default 5.
    pub cv_folds: usize,
    /// Seed of the cross-validation folds; default 42.
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            min_token_frequency: 2,
            features: FeatureParams::default(),
            logistic: LogisticParams::default(),
            topics: TopicParams::default(),
            cv_folds: 5,
            seed: 42,
        }
    }
}

/// Cross-validation metrics stored in the model and printed by `eval --cv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvReport {
    pub folds: usize,
    pub stance: StanceReport,
    /// Macro-F1 of each fold, in fold order.
    pub fold_macro_f1: Vec<f64>,
    pub topics: Option<TopicReport>,
    /// Temperature fitted on the out-of-fold scores, with the calibration error before and after.
    pub calibration: Option<Calibration>,
}

/// One grid point and its cross-validated score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TunePoint {
    pub alpha: f64,
    pub balanced: bool,
    #[serde(default)]
    pub cues: bool,
    /// Character n-grams (`train::tune::CHAR_NGRAMS`) with chi-squared selection.
    #[serde(default)]
    pub chars: bool,
    pub cv_macro_f1: f64,
}
