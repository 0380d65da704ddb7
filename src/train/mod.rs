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
use crate::features::lexicon::Lexicon;
use crate::features::tokenize::WordTokenizer;
use crate::model::CvReport;
use crate::model::{DataSummary, StanceModel};
use cv::cross_validate;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

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
                let label = r
                    .label
                    .clone()
                    .ok_or_else(|| bad("missing label (field \"stance\" or \"label\")"))?;
                Ok(Example {
                    text: r.text,
                    label,
                    topics: r.topics,
                })
            })
            .collect()
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
        let cv: Option<CvReport> = match self.cv_folds {
            0 => None,
            k => Some(cross_validate(self, examples, lexicon, k)?),
        };
        let mut model = self.fit_without_cv(examples, lexicon)?;
        model.set_cv(cv);
        Ok(model)
    }

    /// Trains a model on `examples` without cross-validation.
    pub fn fit_without_cv(&self, examples: &[Example], lexicon: &Lexicon) -> Result<StanceModel> {
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
        let x: Vec<_> = docs
            .iter()
            .zip(&texts)
            .map(|(d, t)| features.transform(d, t))
            .collect();
        let stance = self.logistic.fit(&x, &y, labels.len(), features.len())?;
        let topics = topic_order(examples, lexicon.topics());
        let topic_labels: Vec<Option<Vec<String>>> =
            examples.iter().map(|e| e.topics.clone()).collect();
        let tagger = self.topics.fit(
            &topics,
            &x,
            &topic_labels,
            features.len(),
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
            stance,
            tagger,
        ))
    }
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
