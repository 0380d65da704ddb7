//! Training stage. Takes labelled examples and settings; gives a fitted model, with
//! cross-validation (`cv`) and the search over settings (`tune`). Fills in the model's
//! training record; the model does not depend on this stage.
//!
//! Training: checked settings ([`TrainParams`] -> [`ValidTrainParams`]) fitted on labelled
//! examples into a [`StanceModel`]. Every step is deterministic, so the same data and settings
//! give a byte-identical model file.

pub mod cv;
pub mod tune;

pub use crate::model::TrainParams;

use crate::corpus::data::Record;
use crate::error::{Error, Result};
use crate::features::encoder::{append_block, Encoder};
use crate::features::lexicon::Lexicon;
use crate::features::tokenize::WordTokenizer;
use crate::model::CvReport;
use crate::model::{DataSummary, EncoderBlock, HeldOut, StanceModel};
use cv::cross_validate;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// The stance labels of the annotation guide, in the order models list them.
pub const CANONICAL_LABELS: [&str; 3] = ["optimistic", "cautionary", "neutral"];

/// One labelled training sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: String,
    /// `None` when the sentence is not labelled for topics.
    pub topics: Option<Vec<String>>,
}

impl Example {
    /// Turns read records into examples; a record without a label or with empty text is an
    /// error naming its file and line.
    pub fn from_records(records: Vec<Record>, path: &Path) -> Result<Vec<Example>> {
        records
            .into_iter()
            .map(|r| {
                let bad = |reason: &str| Error::BadRecord {
                    path: path.to_path_buf(),
                    line: r.line,
                    reason: reason.into(),
                };
                if r.text.trim().is_empty() {
                    return Err(bad("empty text"));
                }
                let label = r.label.clone().ok_or_else(|| bad(&r.missing_label()))?;
                Ok(Example {
                    text: r.text,
                    label,
                    topics: r.topics,
                })
            })
            .collect()
    }
}

/// A sentence encoder and the embedding of every training example, computed once and shared by
/// the cross-validation folds and the final fit.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub encoder: Arc<Encoder>,
    /// One embedding per example, in order.
    pub vectors: Vec<Vec<f32>>,
}

impl Encoded {
    /// Embeds every example with `encoder`.
    pub fn new(encoder: Arc<Encoder>, examples: &[Example]) -> Result<Encoded> {
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let vectors = encoder.embed(&texts)?;
        Ok(Encoded { encoder, vectors })
    }

    /// The embeddings of the examples whose index passes `keep`.
    pub fn pick(&self, keep: impl Fn(usize) -> bool) -> Encoded {
        Encoded {
            encoder: self.encoder.clone(),
            vectors: (0..self.vectors.len())
                .filter(|&i| keep(i))
                .map(|i| self.vectors[i].clone())
                .collect(),
        }
    }
}

impl TrainParams {
    /// Checks every setting.
    pub fn validate(self) -> Result<ValidTrainParams> {
        self.features.validate()?;
        self.logistic.validate()?;
        if self.cv_folds == 1 {
            return Err(Error::InvalidParam {
                name: "cv folds",
                value: "1".into(),
                reason: "use 0 to skip cross-validation, or at least 2",
            });
        }
        if let Some(e) = &self.encoder {
            if self.logistic.algo == crate::model::linear::Algo::Nb {
                return Err(Error::InvalidParam {
                    name: "encoder",
                    value: "an encoder with --algo nb".into(),
                    reason: "naive Bayes counts non-negative features and embeddings are signed; \
                             use --encoder none or another --algo",
                });
            }
            if !(e.weight.is_finite() && e.weight > 0.0) {
                return Err(Error::InvalidParam {
                    name: "encoder weight",
                    value: e.weight.to_string(),
                    reason: "must be a positive number",
                });
            }
        }
        let t = &self.topics;
        if !(0.0..=1.0).contains(&t.threshold) || !(0.0..=1.0).contains(&t.lexicon_threshold) {
            return Err(Error::InvalidParam {
                name: "topic threshold",
                value: format!("{} / {}", t.threshold, t.lexicon_threshold),
                reason: "must lie in [0, 1]",
            });
        }
        Ok(ValidTrainParams(self))
    }
}

/// Settings that passed [`TrainParams::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTrainParams(TrainParams);

impl std::ops::Deref for ValidTrainParams {
    type Target = TrainParams;
    fn deref(&self) -> &TrainParams {
        &self.0
    }
}

impl ValidTrainParams {
    /// Trains a model on `examples` with `lexicon`, cross-validating first when `cv_folds > 0`.
    pub fn fit(&self, examples: &[Example], lexicon: &Lexicon) -> Result<StanceModel> {
        self.fit_encoded(examples, lexicon, None)
    }

    /// Trains a model on `examples` with their embeddings `encoded` (needed exactly when the
    /// settings have an encoder block), cross-validating first when `cv_folds > 0`.
    pub fn fit_encoded(
        &self,
        examples: &[Example],
        lexicon: &Lexicon,
        encoded: Option<&Encoded>,
    ) -> Result<StanceModel> {
        // The final fit runs beside the folds: six fits on two cores take three rounds, not four.
        let (cv, model) = rayon::join(
            || match self.cv_folds {
                0 => Ok(None),
                k => cross_validate(self, examples, lexicon, k, encoded).map(Some),
            },
            || self.fit_without_cv_encoded(examples, lexicon, encoded),
        );
        let (cv, mut model): (Option<CvReport>, StanceModel) = (cv?, model?);
        model.set_cv(cv);
        Ok(model)
    }

    /// Trains a model on `examples` without cross-validation.
    pub fn fit_without_cv(&self, examples: &[Example], lexicon: &Lexicon) -> Result<StanceModel> {
        self.fit_without_cv_encoded(examples, lexicon, None)
    }

    /// Trains a model on `examples` and their embeddings without cross-validation.
    pub fn fit_without_cv_encoded(
        &self,
        examples: &[Example],
        lexicon: &Lexicon,
        encoded: Option<&Encoded>,
    ) -> Result<StanceModel> {
        let block = match (&self.encoder, encoded) {
            (None, None) => None,
            (Some(p), Some(e)) if e.vectors.len() == examples.len() => {
                Some(EncoderBlock::new(e.encoder.clone(), p.weight as f32))
            }
            (Some(_), Some(e)) => {
                return Err(Error::BadTrainingData(format!(
                    "{} embeddings for {} examples",
                    e.vectors.len(),
                    examples.len()
                )))
            }
            (Some(_), None) => {
                return Err(Error::BadTrainingData(
                    "the settings have an encoder block but no encoder was given".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::BadTrainingData(
                    "an encoder was given but the settings have no encoder block".into(),
                ))
            }
        };
        let labels = label_order(examples);
        if examples.is_empty() || labels.len() < 2 {
            return Err(Error::BadTrainingData(format!(
                "{} examples with {} distinct label(s); need at least two labels",
                examples.len(),
                labels.len()
            )));
        }
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let tokenizer = WordTokenizer::train(&texts, self.min_token_frequency)?;
        let docs = texts
            .iter()
            .map(|t| tokenizer.tokens(t))
            .collect::<Result<Vec<_>>>()?;
        let y = label_indices(examples, &labels);
        let features = self.features.fit(&docs, &y, &tokenizer)?;
        if features.is_empty() {
            return Err(Error::BadTrainingData(
                "no n-gram passes the minimum document frequency; add data or lower --min-df"
                    .into(),
            ));
        }
        let mut x: Vec<_> = docs
            .iter()
            .zip(&texts)
            .map(|(d, t)| features.transform(d, t))
            .collect();
        let mut n_features = features.len();
        if let (Some(block), Some(e)) = (&block, encoded) {
            for (row, v) in x.iter_mut().zip(&e.vectors) {
                append_block(row, n_features, v, block.weight);
            }
            n_features += block.spec.dim;
        }
        let stance = self.logistic.fit(&x, &y, labels.len(), n_features)?;
        let topics = topic_order(examples, lexicon.topics());
        let topic_labels: Vec<Option<Vec<String>>> =
            examples.iter().map(|e| e.topics.clone()).collect();
        let tagger = self.topics.fit(
            &topics,
            &x,
            &topic_labels,
            n_features,
            &self.logistic,
            lexicon.clone(),
        )?;
        let data = data_summary(examples);
        Ok(StanceModel::new(
            labels,
            self.0.clone(),
            data,
            tokenizer,
            features,
            block,
            stance,
            tagger,
        ))
    }
}

/// Fits `model`'s calibration temperature, and with `choose_cuts` each topic's cuts, on
/// held-out examples `dev`: sentences the model was not trained on and that look like the text
/// it will score. A label the model does not know is an error.
pub fn fit_held_out(model: &mut StanceModel, dev: &[Example], choose_cuts: bool) -> Result<()> {
    if dev.is_empty() {
        return Err(Error::BadTrainingData(
            "no held-out sentences to calibrate on".into(),
        ));
    }
    let truth = dev
        .iter()
        .map(|e| {
            model
                .labels()
                .iter()
                .position(|l| *l == e.label)
                .ok_or_else(|| {
                    Error::BadTrainingData(format!(
                        "held-out label {:?} is not one of the model's labels ({})",
                        e.label,
                        model.labels().join(", ")
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let texts: Vec<&str> = dev.iter().map(|e| e.text.as_str()).collect();
    let features = model.featurize_batch(&texts)?;
    let topics: Vec<Option<Vec<String>>> = dev.iter().map(|e| e.topics.clone()).collect();
    let held_out = HeldOut {
        features: &features,
        texts: &texts,
        truth: &truth,
        topics: &topics,
    };
    model.fit_held_out(held_out, data_summary(dev), choose_cuts);
    Ok(())
}

/// Labels in model order: the guide's labels first, in the guide's order, then others sorted.
pub fn label_order(examples: &[Example]) -> Vec<String> {
    let set: BTreeSet<&str> = examples.iter().map(|e| e.label.as_str()).collect();
    let mut labels: Vec<String> = CANONICAL_LABELS
        .iter()
        .filter(|l| set.contains(*l))
        .map(|l| l.to_string())
        .collect();
    labels.extend(
        set.iter()
            .filter(|l| !CANONICAL_LABELS.contains(l))
            .map(|l| l.to_string()),
    );
    labels
}

/// Class index of each example's label in `labels`.
pub fn label_indices(examples: &[Example], labels: &[String]) -> Vec<usize> {
    examples
        .iter()
        .map(|e| labels.iter().position(|l| *l == e.label).unwrap_or(0))
        .collect()
}

/// Topics in model order (sorted): those of the data and those of the lexicon.
pub fn topic_order<'a>(
    examples: &'a [Example],
    lexicon: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut set: BTreeSet<&str> = lexicon.collect();
    for e in examples {
        set.extend(e.topics.iter().flatten().map(String::as_str));
    }
    set.into_iter().map(String::from).collect()
}

/// Count, label and topic counts and SHA-256 of training examples, as stored in the model.
pub fn data_summary(examples: &[Example]) -> DataSummary {
    let labels = label_order(examples);
    let mut hasher = Sha256::new();
    let mut summary = DataSummary {
        examples: examples.len(),
        sha256: String::new(),
        label_counts: labels.iter().map(|l| (l.clone(), 0)).collect(),
        topic_counts: Default::default(),
    };
    for e in examples {
        let topics = e.topics.as_ref().map(|t| t.join(","));
        hasher.update(format!(
            "{}\t{}\t{}\n",
            e.label,
            topics.as_deref().unwrap_or("-"),
            e.text
        ));
        *summary.label_counts.entry(e.label.clone()).or_default() += 1;
        for t in e.topics.iter().flatten() {
            *summary.topic_counts.entry(t.clone()).or_default() += 1;
        }
    }
    summary.sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    summary
}
