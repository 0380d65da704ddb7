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
    /// The sentence-encoder block; default none (the caller supplies the encoder itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder: Option<EncoderParams>,
}

impl TrainParams {
    /// The defaults of a model with the sentence-encoder block ([`EncoderParams::default`]):
    /// as [`TrainParams::default`], with [`ENCODER_MAX_FEATURES`] n-grams.
    pub fn with_encoder() -> Self {
        let mut p = TrainParams {
            encoder: Some(EncoderParams::default()),
            ..TrainParams::default()
        };
        p.features.max_features = ENCODER_MAX_FEATURES;
        p
    }
}

/// Most n-grams beside the encoder block by default: the dense L-BFGS fits take time in
/// proportion to the features. Trained on our training split with the encoder at length 0.5,
/// 2,000, 3,000, 4,000 and 5,000 n-grams score macro-F1 0.865, 0.871, 0.875 and 0.886 on the dev
/// split, and training with cross-validation takes about 35, 43, 51 and 65 s on 2 cores, where
/// the budget is 60 s.
pub const ENCODER_MAX_FEATURES: usize = 3_000;

/// Settings of the sentence-encoder block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderParams {
    /// Length of each sentence's embedding beside its unit-length n-gram vector; default 0.7
    /// (5-fold cross-validation on our train + dev splits, 3,000 n-grams: macro-F1 0.853 at
    /// 0.5, 0.854 at 0.7, 0.847 at 1.0; on the dev split, trained on train with 2,000 n-grams:
    /// 0.856 at 0.35, 0.865 at 0.5, 0.868 at 0.7, 0.856 at 1.0, 0.826 at 2.0).
    pub weight: f64,
}

impl Default for EncoderParams {
    fn default() -> Self {
        EncoderParams { weight: 0.7 }
    }
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
            encoder: None,
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
