//! Model stage. Takes feature vectors; gives label probabilities, topics and explanations:
//! the linear stance classifier (`linear`), the topic tagger (`topics`), the calibration
//! temperature (`calibrate`), explanations (`explain`) and the file that holds them with a plain
//! record of their training (`record`: settings, cross-validation, tuning grid).
//!
//! The fitted model and its file. One self-describing JSON document: format name and version
//! first, then labels, topics, training settings, a summary and hash of the training data, the
//! cross-validation metrics, the tokenizer, the features, the sentence encoder's folder and
//! checksums (its weights stay in their own files, checked on load) and the weights. Maps are
//! sorted, so the same training gives the same bytes. Loading rejects foreign, truncated and
//! newer files with a message that says which.

pub mod calibrate;
pub mod explain;
pub mod linear;
pub mod polarity;
mod record;
pub mod topics;

pub use record::{CvReport, EncoderParams, TrainParams, TunePoint, ENCODER_MAX_FEATURES};

use crate::atomic::write_atomic;
use crate::error::{Error, Result};
use crate::features::encoder::{append_block, Encoder, EncoderSpec};
use crate::features::tokenize::WordTokenizer;
use crate::features::{FittedFeaturizer, SparseVec};
use crate::model::calibrate::Calibration;
use crate::model::explain::{Explanation, TermWeight};
use crate::model::linear::LinearModel;
use crate::model::polarity::Polarity;
use crate::model::topics::{TopicHit, TopicTagger};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The `format` field of every model file.
pub const FORMAT: &str = "stance-model";
/// The model file version this build writes and reads.
pub const VERSION: u32 = 1;

/// What the model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    pub examples: usize,
    /// SHA-256 of the training examples (label, topics and text of each, in order).
    pub sha256: String,
    pub label_counts: BTreeMap<String, usize>,
    pub topic_counts: BTreeMap<String, usize>,
}

/// Which fields of a record held the text and the label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFields {
    pub text: String,
    /// `None`: `stance`, else `label`.
    pub label: Option<String>,
}

impl Default for InputFields {
    fn default() -> Self {
        InputFields {
            text: "text".into(),
            label: None,
        }
    }
}

/// Held-out sentences as [`StanceModel::fit_held_out`] reads them, one entry per sentence.
pub struct HeldOut<'a> {
    pub features: &'a [SparseVec],
    pub texts: &'a [&'a str],
    /// Label index of each sentence.
    pub truth: &'a [usize],
    /// Topics of each sentence (`None`: not labelled for topics).
    pub topics: &'a [Option<Vec<String>>],
}

/// A trained stance and topic model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StanceModel {
    format: String,
    version: u32,
    labels: Vec<String>,
    /// How the labels make the signed score (missing in files written before it was recorded:
    /// then the default for the labels).
    #[serde(default)]
    polarity: Option<Polarity>,
    settings: TrainParams,
    data: DataSummary,
    /// The fields the training data were read from; `eval` and `score` read them by default.
    #[serde(default)]
    fields: InputFields,
    cv: Option<CvReport>,
    /// Temperature of the stance probabilities, fitted on the cross-validation folds or on
    /// held-out data (`train --dev`).
    calibration: Option<Calibration>,
    /// The grid `train --tune` cross-validated, when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tuning: Option<Vec<TunePoint>>,
    tokenizer: WordTokenizer,
    features: FittedFeaturizer,
    /// The sentence-encoder block after the n-gram features, when the model has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encoder: Option<EncoderBlock>,
    stance: LinearModel,
    topics: TopicTagger,
    /// The model's name in output: its file name without extension, once loaded.
    #[serde(skip)]
    name: String,
}

/// A model's sentence-encoder block: which encoder (its files are checked by SHA-256 when the
/// model loads) and the length of its embedding beside the unit-length n-gram block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EncoderBlock {
    pub spec: EncoderSpec,
    pub weight: f32,
    #[serde(skip)]
    loaded: Option<Arc<Encoder>>,
}

impl EncoderBlock {
    /// The block of `encoder` at length `weight`.
    pub fn new(encoder: Arc<Encoder>, weight: f32) -> Self {
        EncoderBlock {
            spec: encoder.spec().clone(),
            weight,
            loaded: Some(encoder),
        }
    }

    /// The loaded encoder.
    pub fn encoder(&self) -> Result<&Arc<Encoder>> {
        self.loaded
            .as_ref()
            .ok_or_else(|| Error::Classifier("the model's sentence encoder is not loaded".into()))
    }
}

/// The model's reading of one sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Index of the most probable label.
    pub label: usize,
    /// Probability of every label, in the model's label order (calibrated).
    pub probabilities: Vec<f64>,
    /// Raw (uncalibrated) score of every label.
    pub scores: Vec<f64>,
    pub topics: Vec<TopicHit>,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

impl StanceModel {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        labels: Vec<String>,
        settings: TrainParams,
        data: DataSummary,
        tokenizer: WordTokenizer,
        features: FittedFeaturizer,
        encoder: Option<EncoderBlock>,
        stance: LinearModel,
        topics: TopicTagger,
    ) -> Self {
        StanceModel {
            format: FORMAT.into(),
            version: VERSION,
            polarity: Some(Polarity::default_for(&labels)),
            labels,
            settings,
            data,
            fields: InputFields::default(),
            cv: None,
            calibration: None,
            tuning: None,
            tokenizer,
            features,
            encoder,
            stance,
            topics,
            name: String::new(),
        }
    }

    /// The model's name in output: its file name without extension (empty before loading).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stores the cross-validation report and takes its calibration.
    pub(crate) fn set_cv(&mut self, cv: Option<CvReport>) {
        self.calibration = cv.as_ref().and_then(|c| c.calibration.clone());
        self.cv = cv;
    }

    /// Sets how the labels make the signed score.
    pub fn set_polarity(&mut self, polarity: Polarity) {
        self.polarity = Some(polarity);
    }

    /// How the labels make the signed score.
    pub fn polarity(&self) -> &Polarity {
        self.polarity.as_ref().unwrap_or(&polarity::NO_POLARITY)
    }

    /// Records the fields the training data were read from.
    pub fn set_fields(&mut self, fields: InputFields) {
        self.fields = fields;
    }

    /// The fields the training data were read from.
    pub fn fields(&self) -> &InputFields {
        &self.fields
    }

    /// Records the grid that chose the settings.
    pub fn set_tuning(&mut self, grid: Vec<TunePoint>) {
        self.tuning = Some(grid);
    }

    /// The calibration fitted on cross-validation or on held-out data, if training fitted one.
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// The temperature the stance scores are divided by (1 when uncalibrated).
    pub fn temperature(&self) -> f64 {
        self.calibration.as_ref().map_or(1.0, |c| c.temperature)
    }

    /// Labels in model order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The name of label `index`.
    pub fn label(&self, index: usize) -> &str {
        &self.labels[index]
    }

    /// Topics the model can give.
    pub fn topics(&self) -> &[String] {
        self.topics.topics()
    }

    /// The settings the model was trained with.
    pub fn settings(&self) -> &TrainParams {
        &self.settings
    }

    /// Summary of the training data.
    pub fn data(&self) -> &DataSummary {
        &self.data
    }

    /// Cross-validation metrics from training, if it ran.
    pub fn cv(&self) -> Option<&CvReport> {
        self.cv.as_ref()
    }

    /// Features of one sentence.
    pub fn tokenizer(&self) -> &WordTokenizer {
        &self.tokenizer
    }

    /// The sentence-encoder block, when the model has one.
    pub fn encoder(&self) -> Option<&EncoderBlock> {
        self.encoder.as_ref()
    }

    /// Number of features: n-grams and cues, then the encoder's dimensions.
    pub fn n_features(&self) -> usize {
        self.features.len() + self.encoder.as_ref().map_or(0, |e| e.spec.dim)
    }

    /// The feature vector of a sentence whose embedding (when the model has an encoder) is
    /// `embedding`.
    pub fn featurize_embedded(&self, text: &str, embedding: Option<&[f32]>) -> Result<SparseVec> {
        let mut x = self.features.transform(&self.tokenizer.tokens(text)?, text);
        if let Some(block) = &self.encoder {
            let embedding = embedding.ok_or_else(|| {
                Error::Classifier("a sentence embedding is needed for this model".into())
            })?;
            append_block(&mut x, self.features.len(), embedding, block.weight);
        }
        Ok(x)
    }

    /// The feature vectors of sentences; their embeddings are computed together, in batches.
    pub fn featurize_batch(&self, texts: &[&str]) -> Result<Vec<SparseVec>> {
        let embeddings = match &self.encoder {
            Some(block) => Some(block.encoder()?.embed(texts)?),
            None => None,
        };
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| self.featurize_embedded(t, embeddings.as_ref().map(|e| e[i].as_slice())))
            .collect()
    }

    /// The feature vector of a sentence.
    pub fn featurize(&self, text: &str) -> Result<SparseVec> {
        Ok(self.featurize_batch(&[text])?.remove(0))
    }

    /// Stance and topics of one sentence.
    pub fn predict(&self, text: &str) -> Result<Prediction> {
        let x = self.featurize(text)?;
        Ok(self.predict_features(&x, text))
    }

    /// Stance and topics of a sentence whose embedding is known.
    pub fn predict_embedded(&self, text: &str, embedding: Option<&[f32]>) -> Result<Prediction> {
        let x = self.featurize_embedded(text, embedding)?;
        Ok(self.predict_features(&x, text))
    }

    /// Stance and topics of each sentence, with its explanation when `explain` is set.
    pub fn predict_batch(
        &self,
        texts: &[&str],
        explain: bool,
    ) -> Result<Vec<(Prediction, Option<Explanation>)>> {
        let xs = self.featurize_batch(texts)?;
        Ok(xs
            .iter()
            .zip(texts)
            .map(|(x, t)| {
                let p = self.predict_features(x, t);
                let e = explain.then(|| self.explanation(x, &p));
                (p, e)
            })
            .collect())
    }

    /// Fits the calibration temperature on held-out sentences, and with `choose_cuts` each
    /// topic's cuts there too: `features[i]` and `texts[i]` of sentence `i` (from
    /// [`Self::featurize_batch`]), `truth[i]` its label index, `topics[i]` its topics (`None`:
    /// not labelled for topics); `summary` describes them and is kept in the calibration.
    /// Decisions on stance do not change.
    pub fn fit_held_out(&mut self, held_out: HeldOut<'_>, summary: DataSummary, choose_cuts: bool) {
        let HeldOut {
            features,
            texts,
            truth,
            topics,
        } = held_out;
        let scores: Vec<Vec<f64>> = features.iter().map(|x| self.stance.scores(x)).collect();
        let mut calibration = Calibration::fit(&scores, truth);
        calibration.held_out = Some(summary);
        self.calibration = Some(calibration);
        if choose_cuts {
            let evidence: Vec<_> = features
                .iter()
                .zip(texts)
                .map(|(x, t)| self.topics.evidence(x, t))
                .collect();
            self.topics.choose_cuts(&evidence, topics);
        }
    }

    /// The topic tagger.
    pub fn topic_tagger(&self) -> &TopicTagger {
        &self.topics
    }

    fn predict_features(&self, x: &SparseVec, text: &str) -> Prediction {
        let scores = self.stance.scores(x);
        let t = self.temperature();
        let probabilities = crate::model::linear::softmax(scores.iter().map(|s| s / t).collect());
        Prediction {
            label: crate::metrics::argmax(&probabilities),
            probabilities,
            scores,
            topics: self.topics.tag(x, text),
        }
    }

    /// Stance, topics and the explanation of the stance of one sentence.
    pub fn explain(&self, text: &str) -> Result<(Prediction, Explanation)> {
        let x = self.featurize(text)?;
        let prediction = self.predict_features(&x, text);
        let explanation = self.explanation(&x, &prediction);
        Ok((prediction, explanation))
    }

    /// Why `prediction` chose its label: the n-gram terms, and the encoder block's share.
    fn explanation(&self, x: &SparseVec, prediction: &Prediction) -> Explanation {
        let (probabilities, chosen) = (&prediction.probabilities, prediction.label);
        let t = self.temperature();
        let versus = (0..probabilities.len())
            .filter(|&c| c != chosen)
            .max_by(|&a, &b| {
                probabilities[a]
                    .total_cmp(&probabilities[b])
                    .then(b.cmp(&a))
            })
            .unwrap_or(chosen);
        let n_terms = self.features.len() as u32;
        let contribution = |&(j, v): &(u32, f32)| {
            f64::from(v)
                * (f64::from(self.stance.weight(chosen, j))
                    - f64::from(self.stance.weight(versus, j)))
                / t
        };
        let encoder = self.encoder.as_ref().map(|_| {
            x.iter()
                .filter(|(j, _)| *j >= n_terms)
                .map(contribution)
                .sum::<f64>()
        });
        let mut terms: Vec<TermWeight> = x
            .iter()
            .filter(|(j, _)| *j < n_terms)
            .map(|&(j, v)| TermWeight {
                term: self.features.term(j),
                value: f64::from(v),
                weight: f64::from(v)
                    * (f64::from(self.stance.weight(chosen, j))
                        - f64::from(self.stance.weight(versus, j)))
                    / t,
            })
            .filter(|t| t.weight != 0.0)
            .collect();
        terms.sort_by(|a, b| {
            b.weight
                .abs()
                .total_cmp(&a.weight.abs())
                .then_with(|| a.term.cmp(&b.term))
        });
        let intercept =
            (f64::from(self.stance.bias(chosen)) - f64::from(self.stance.bias(versus))) / t;
        let margin =
            intercept + terms.iter().map(|t| t.weight).sum::<f64>() + encoder.unwrap_or(0.0);
        Explanation {
            label: self.labels[chosen].clone(),
            versus: self.labels[versus].clone(),
            margin,
            intercept,
            encoder,
            terms,
        }
    }

    /// The signed score of label probabilities (see [`Polarity`]), `None` without polarity.
    pub fn signed_score(&self, probabilities: &[f64]) -> Option<f64> {
        let weights = self.polarity().weights();
        (!weights.is_empty()).then(|| {
            self.labels
                .iter()
                .zip(probabilities)
                .map(|(l, p)| weights.get(l).map_or(0.0, |w| w * p))
                .sum()
        })
    }

    /// The model file's bytes: compact JSON and a final newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec(self).map_err(|e| Error::Classifier(e.to_string()))?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Writes the model atomically: an interrupted save leaves any previous file intact.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.check_values(path)?;
        write_atomic(path, &self.to_bytes()?)
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes, path)
    }

    /// Parses model bytes; `path` names the source in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Self> {
        let bad = |reason: String| Error::BadModel {
            path: path.to_path_buf(),
            reason,
        };
        let looks_ours = bytes.starts_with(format!("{{\"format\":\"{FORMAT}\"").as_bytes());
        let header: Header = match serde_json::from_slice(bytes) {
            Ok(h) => h,
            Err(e) if looks_ours => {
                return Err(bad(format!(
                    "model file is truncated or corrupt ({e}); retrain it"
                )))
            }
            Err(_) => {
                return Err(bad(format!(
                    "not a stance model file (expected JSON with \"format\": \"{FORMAT}\")"
                )))
            }
        };
        if header.format != FORMAT {
            return Err(bad(format!(
                "not a stance model file (format {:?})",
                header.format
            )));
        }
        if header.version != VERSION {
            return Err(Error::ModelVersion {
                path: path.to_path_buf(),
                found: header.version,
                supported: VERSION,
            });
        }
        let mut model: StanceModel =
            serde_json::from_slice(bytes).map_err(|e| bad(corrupt(bytes, &e)))?;
        model
            .features
            .build_index(&model.tokenizer)
            .map_err(|e| bad(e.to_string()))?;
        model.check_shapes().map_err(bad)?;
        let labels = &model.labels;
        model
            .polarity
            .get_or_insert_with(|| Polarity::default_for(labels))
            .check(labels)
            .map_err(bad)?;
        model.check_values(path)?;
        if let Some(block) = &mut model.encoder {
            let recorded = Path::new(&block.spec.path);
            let dir = match path.parent() {
                Some(parent) if recorded.is_relative() => parent.join(recorded),
                _ => recorded.to_path_buf(),
            };
            block.loaded = Some(Arc::new(Encoder::load_checked(&dir, &block.spec)?));
        }
        model.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(model)
    }

    fn check_shapes(&self) -> std::result::Result<(), String> {
        let n = self.n_features();
        self.stance.check_shape(n)?;
        if self.stance.n_classes() != self.labels.len() {
            return Err(format!(
                "{} labels but {} stance classes",
                self.labels.len(),
                self.stance.n_classes()
            ));
        }
        self.topics.check_shape(n)
    }

    /// Checks every number the predictions depend on: a finite calibration temperature above 0
    /// (at 0 no probability is defined, below 0 the least likely label wins), finite weights,
    /// biases and IDF weights (JSON holds no NaN or infinity, but a weight beyond the range of
    /// `f32`, such as `1e39`, reads as infinity), and thresholds and calibration errors in
    /// [0, 1]. The error names the field by its JSON path in the file. Needs [`Self::check_shapes`]
    /// to have passed.
    fn check_values(&self, path: &Path) -> Result<()> {
        let fail = |field: String, value: String, reason: &'static str| {
            Err(Error::BadModelValue {
                path: path.to_path_buf(),
                field,
                value,
                reason,
            })
        };
        if let Some(c) = &self.calibration {
            if !(c.temperature.is_finite() && c.temperature > 0.0) {
                return fail(
                    "calibration.temperature".into(),
                    c.temperature.to_string(),
                    "the calibration temperature must be a finite number above 0 (at 0 no \
                     probability is defined, below 0 the least likely label wins); retrain the \
                     model",
                );
            }
            for (name, v) in [("ece_before", c.ece_before), ("ece_after", c.ece_after)] {
                if !(0.0..=1.0).contains(&v) {
                    return fail(
                        format!("calibration.{name}"),
                        v.to_string(),
                        "a calibration error must lie between 0 and 1; retrain the model",
                    );
                }
            }
        }
        if let Some(block) = &self.encoder {
            if !(block.weight.is_finite() && block.weight > 0.0) {
                return fail(
                    "encoder.weight".into(),
                    block.weight.to_string(),
                    "the encoder block's length must be a finite number above 0; retrain the model",
                );
            }
        }
        let params = self.topics.params();
        let cuts = self.topics.chosen_cuts().iter().flat_map(|(topic, c)| {
            [
                (format!("cuts.{topic}.threshold"), c.threshold),
                (
                    format!("cuts.{topic}.lexicon_threshold"),
                    c.lexicon_threshold,
                ),
            ]
        });
        for (name, v) in [
            ("params.threshold".to_string(), params.threshold),
            (
                "params.lexicon_threshold".to_string(),
                params.lexicon_threshold,
            ),
        ]
        .into_iter()
        .chain(cuts)
        {
            if !(0.0..=1.0).contains(&v) {
                return fail(
                    format!("topics.{name}"),
                    v.to_string(),
                    "a topic threshold must lie between 0 and 1",
                );
            }
        }
        for (name, idf) in self.features.idf_tables() {
            if let Some((i, v)) = idf.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return fail(
                    format!("features.{name}[{i}]"),
                    v.to_string(),
                    "IDF weights must be finite numbers; retrain the model",
                );
            }
        }
        let linear = std::iter::once(("stance".to_string(), &self.stance)).chain(
            self.topics
                .models()
                .map(|(topic, m)| (format!("topics.models.{topic}"), m)),
        );
        for (field, m) in linear {
            if let Some((at, v)) = non_finite_weight(m) {
                return fail(
                    format!("{field}.{at}"),
                    v.to_string(),
                    "weights and biases must be finite numbers; retrain the model",
                );
            }
        }
        Ok(())
    }
}

/// The first weight or bias of `m` that is not a finite number: its field (`weights[c][j]` or
/// `bias[c]`) and value.
fn non_finite_weight(m: &LinearModel) -> Option<(String, f32)> {
    (0..m.n_classes()).find_map(|c| {
        let bias = m.bias(c);
        if !bias.is_finite() {
            return Some((format!("bias[{c}]"), bias));
        }
        (0..m.n_features()).find_map(|j| {
            let w = m.weight(c, j as u32);
            (!w.is_finite()).then(|| (format!("weights[{c}][{j}]"), w))
        })
    })
}

/// The reason for a model file that is valid JSON of the wrong shape: serde's message with the
/// JSON path of the value it stopped at (serde names the type it expected, not the field).
fn corrupt(bytes: &[u8], e: &serde_json::Error) -> String {
    let offset = bytes
        .split_inclusive(|&b| b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(<[u8]>::len)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    let at = json_path_at(bytes, offset);
    let at = if at.is_empty() {
        String::new()
    } else {
        format!(" at {at}")
    };
    // NaN and infinity have no JSON spelling: serde_json writes them as null.
    let null = if e.to_string().starts_with("invalid type: null") {
        " (JSON writes a NaN or infinite number as null)"
    } else {
        ""
    };
    format!("model file is corrupt{at}: {e}{null}; retrain it")
}

/// The JSON path (`calibration.temperature`, `stance.weights[0][12]`) of the value being read at
/// byte `end` of a JSON document: a scan of the brackets, keys and commas before it.
fn json_path_at(bytes: &[u8], end: usize) -> String {
    enum Frame {
        Object { key: Option<String>, want_key: bool },
        Array(usize),
    }
    let end = end.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < end && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, want_key }) = stack.last_mut() {
                    if *want_key {
                        let raw = &bytes[start..i.min(end)];
                        *key = Some(String::from_utf8_lossy(raw).into_owned());
                        *want_key = false;
                    }
                }
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                want_key: true,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { want_key, .. }) => *want_key = true,
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } if path.is_empty() => path.push_str(k),
            Frame::Object { key: Some(k), .. } => {
                path.push('.');
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::lexicon::Lexicon;
    use crate::train::{Example, TrainParams};

    fn examples() -> Vec<Example> {
        let texts = [
            (
                "the corridor will bring great benefits and growth",
                "optimistic",
                "connectivity",
            ),
            (
                "investors see great potential in the new port",
                "optimistic",
                "economy",
            ),
            (
                "the pipeline faces serious risks and obstacles",
                "cautionary",
                "energy",
            ),
            (
                "sanctions remain a serious threat to growth",
                "cautionary",
                "economy",
            ),
            (
                "the ministers met in the capital on tuesday",
                "neutral",
                "diplomacy",
            ),
            (
                "the talks took place in the capital last week",
                "neutral",
                "diplomacy",
            ),
        ];
        (0..4)
            .flat_map(|i| {
                texts.iter().map(move |(t, l, topic)| Example {
                    text: format!("{t} {i}"),
                    label: l.to_string(),
                    topics: Some(vec![topic.to_string()]),
                })
            })
            .collect()
    }

    fn train() -> StanceModel {
        let params = TrainParams {
            cv_folds: 0,
            ..TrainParams::default()
        };
        params
            .validate()
            .unwrap()
            .fit(&examples(), &Lexicon::builtin())
            .unwrap()
    }

    #[test]
    fn save_load_predict_round_trip() {
        let model = train();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        model.save(&path).unwrap();
        let loaded = StanceModel::load(&path).unwrap();
        assert_eq!(loaded.to_bytes().unwrap(), std::fs::read(&path).unwrap());
        for text in [
            "great benefits from the port",
            "serious risks",
            "unseen words only",
            "",
        ] {
            assert_eq!(loaded.predict(text).unwrap(), model.predict(text).unwrap());
        }
        let p = loaded.predict("serious risks and obstacles").unwrap();
        assert_eq!(loaded.label(p.label), "cautionary");
        assert!((p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let score = loaded.signed_score(&p.probabilities).unwrap();
        assert!((score - (p.probabilities[0] - p.probabilities[1])).abs() < 1e-12);
    }

    #[test]
    fn explanation_terms_add_up_to_the_margin() {
        let model = train();
        for text in [
            "great potential for the new port",
            "serious risks and obstacles remain",
            "the capital",
        ] {
            let (p, e) = model.explain(text).unwrap();
            assert_eq!(p, model.predict(text).unwrap());
            let sum = e.intercept + e.terms.iter().map(|t| t.weight).sum::<f64>();
            assert!((sum - e.margin).abs() < 1e-9);
            let chosen = model.labels().iter().position(|l| *l == e.label).unwrap();
            let versus = model.labels().iter().position(|l| *l == e.versus).unwrap();
            let from_probabilities = (p.probabilities[chosen] / p.probabilities[versus]).ln();
            assert!(
                (from_probabilities - e.margin).abs() < 1e-9,
                "{from_probabilities} vs {}",
                e.margin
            );
            assert!(e.margin >= 0.0 && chosen == p.label && versus != chosen);
        }
        let (_, e) = model.explain("serious risks and obstacles remain").unwrap();
        assert_eq!(e.label, "cautionary");
        assert!(e.terms[0].weight > 0.0, "{:?}", e.terms);
    }

    /// Regression: the intercept was divided by the temperature and the term weights were not,
    /// so with any calibrated model the margin was neither the score gap nor the log ratio.
    #[test]
    fn explanations_add_up_to_the_calibrated_log_ratio_at_any_temperature() {
        for temperature in [0.05, 0.536, 1.0, 4.0, 25.0] {
            let mut model = train();
            model.calibration = Some(Calibration {
                temperature,
                ece_before: 0.0,
                ece_after: 0.0,
                held_out: None,
            });
            for text in [
                "great potential for the new port",
                "serious risks and obstacles remain",
                "the capital will open talks",
            ] {
                let (p, e) = model.explain(text).unwrap();
                let chosen = model.labels().iter().position(|l| *l == e.label).unwrap();
                let versus = model.labels().iter().position(|l| *l == e.versus).unwrap();
                let ln_ratio = (p.probabilities[chosen] / p.probabilities[versus]).ln();
                let sum = e.intercept + e.terms.iter().map(|t| t.weight).sum::<f64>();
                assert!(
                    (ln_ratio - e.margin).abs() < 1e-9 && (sum - e.margin).abs() < 1e-9,
                    "T {temperature}: ln ratio {ln_ratio}, margin {}, sum {sum}",
                    e.margin
                );
                let gap = (p.scores[chosen] - p.scores[versus]) / temperature;
                assert!((gap - e.margin).abs() < 1e-9, "T {temperature}");
            }
        }
    }

    #[test]
    fn calibrated_probabilities_divide_the_scores_by_the_temperature() {
        let params = TrainParams {
            cv_folds: 3,
            ..TrainParams::default()
        };
        let model = params
            .validate()
            .unwrap()
            .fit(&examples(), &Lexicon::builtin())
            .unwrap();
        let c = model.calibration().unwrap();
        assert_eq!(c.temperature, model.temperature());
        assert_ne!(c.temperature, 1.0, "a temperature was fitted");
        let p = model.predict("great potential for the port").unwrap();
        let expected =
            crate::model::linear::softmax(p.scores.iter().map(|s| s / c.temperature).collect());
        assert_eq!(p.probabilities, expected);
    }

    #[test]
    fn inconsistent_weights_are_refused() {
        let text = String::from_utf8(train().to_bytes().unwrap()).unwrap();
        let broken = text.replacen("\"bias\":[", "\"bias\":[0.5,", 1);
        let err = StanceModel::from_bytes(broken.as_bytes(), Path::new("m.json")).unwrap_err();
        assert!(err.to_string().starts_with("m.json: "), "{err}");
    }

    #[test]
    fn json_paths_of_parse_errors_name_the_field() {
        let doc = br#"{"a":1,"b":{"c":[[0.5,null]],"d\"e":"x"}}"#;
        let at = |needle: &str| {
            let i = doc
                .windows(needle.len())
                .position(|w| w == needle.as_bytes());
            json_path_at(doc, i.unwrap() + needle.len() - 1)
        };
        assert_eq!(at("null"), "b.c[0][1]");
        assert_eq!(at("0.5"), "b.c[0][0]");
        assert_eq!(at(":1"), "a");
        assert_eq!(at("\"x\""), "b.d\\\"e");
        assert_eq!(json_path_at(doc, 0), "");
        let e = serde_json::from_slice::<Vec<f64>>(b"[1,\n2,\nnull]").unwrap_err();
        assert_eq!(json_path_at(b"[1,\n2,\nnull]", 9), "[2]");
        assert!(corrupt(b"[1,\n2,\nnull]", &e).starts_with("model file is corrupt at [2]: "));
    }

    #[test]
    fn a_model_with_an_unusable_temperature_is_neither_saved_nor_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        let mut model = train();
        model.save(&path).unwrap();
        let good = std::fs::read(&path).unwrap();
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            model.calibration = Some(Calibration {
                temperature: t,
                ece_before: 0.1,
                ece_after: 0.1,
                held_out: None,
            });
            let err = model.save(&path).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("{}: calibration.temperature is ", path.display())),
                "{err}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), good, "the old file stays");
            let bytes = model.to_bytes().unwrap();
            let err = StanceModel::from_bytes(&bytes, Path::new("m.json")).unwrap_err();
            assert!(
                err.to_string().contains("calibration.temperature"),
                "T {t}: {err}"
            );
        }
    }
}
