//! Stratified K-fold cross-validation of the training settings. Folds are drawn with a seeded
//! shuffle inside each label, so the same data and seed give the same folds; the report pools
//! the out-of-fold predictions of every fold.

use crate::error::{Error, Result};
use crate::features::lexicon::Lexicon;
use crate::metrics::{StanceReport, TopicReport};
use crate::model::calibrate::Calibration;
pub use crate::model::CvReport;
use crate::train::{Encoded, Example, ValidTrainParams};
use rayon::prelude::*;

/// Assigns each example a fold in `0..k`, stratified by `labels` (class indices).
pub fn stratified_folds(labels: &[usize], n_classes: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; labels.len()];
    let mut rng = SplitMix64(seed);
    let mut offset = 0;
    for class in 0..n_classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        for i in (1..members.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            members.swap(i, j);
        }
        for (pos, &i) in members.iter().enumerate() {
            fold[i] = (pos + offset) % k;
        }
        // Start the next class where this one stopped, so fold sizes stay balanced.
        offset = (offset + members.len()) % k;
    }
    fold
}

/// Runs K-fold cross-validation of `params` on `examples`.
pub fn cross_validate(
    params: &ValidTrainParams,
    examples: &[Example],
    lexicon: &Lexicon,
    k: usize,
    encoded: Option<&Encoded>,
) -> Result<CvReport> {
    let labels = crate::train::label_order(examples);
    let y = crate::train::label_indices(examples, &labels);
    check_fold_count(&labels, &y, k)?;
    let folds = stratified_folds(&y, labels.len(), k, params.seed);
    let mut predicted = vec![0usize; examples.len()];
    let mut predicted_topics = vec![Vec::new(); examples.len()];
    let mut scores = vec![Vec::new(); examples.len()];
    let mut fold_macro_f1 = Vec::with_capacity(k);
    // Folds train in parallel (on the current rayon pool); their results are put together in
    // fold order, so the report does not depend on the number of threads.
    let fold_results = (0..k)
        .into_par_iter()
        .map(|f| -> Result<Vec<(usize, crate::model::Prediction)>> {
            let train: Vec<Example> = pick(examples, &folds, |g| g != f);
            let train_encoded = encoded.map(|e| e.pick(|i| folds[i] != f));
            let model = params.fit_without_cv_encoded(&train, lexicon, train_encoded.as_ref())?;
            examples
                .iter()
                .enumerate()
                .filter(|(i, _)| folds[*i] == f)
                .map(|(i, ex)| {
                    let embedding = encoded.map(|e| e.vectors[i].as_slice());
                    let mut p = model.predict_embedded(&ex.text, embedding)?;
                    // Labels absent from this fold's training data cannot be predicted: map
                    // them by name.
                    p.label = labels
                        .iter()
                        .position(|l| l == model.label(p.label))
                        .unwrap_or(0);
                    Ok((i, p))
                })
                .collect()
        })
        .collect::<Result<Vec<_>>>()?;
    for fold in fold_results {
        let (mut truth, mut pred) = (Vec::new(), Vec::new());
        for (i, p) in fold {
            predicted[i] = p.label;
            predicted_topics[i] = p.topics.into_iter().map(|t| t.topic).collect();
            scores[i] = p.scores;
            truth.push(y[i]);
            pred.push(predicted[i]);
        }
        fold_macro_f1.push(StanceReport::new(&labels, &truth, &pred).macro_f1);
    }
    let topics = topic_report(examples, lexicon, &predicted_topics);
    Ok(CvReport {
        folds: k,
        stance: StanceReport::new(&labels, &y, &predicted),
        fold_macro_f1,
        topics,
        calibration: Some(Calibration::fit(&scores, &y)),
    })
}

fn pick(examples: &[Example], folds: &[usize], keep: impl Fn(usize) -> bool) -> Vec<Example> {
    examples
        .iter()
        .zip(folds)
        .filter(|(_, &f)| keep(f))
        .map(|(e, _)| e.clone())
        .collect()
}

fn check_fold_count(labels: &[String], y: &[usize], k: usize) -> Result<()> {
    if k < 2 {
        return Err(Error::InvalidParam {
            name: "cv folds",
            value: k.to_string(),
            reason: "must be at least 2",
        });
    }
    for (c, label) in labels.iter().enumerate() {
        let n = y.iter().filter(|&&v| v == c).count();
        if n < k {
            return Err(Error::BadTrainingData(format!(
                "label {label:?} has {n} examples, fewer than the {k} folds; \
                 add examples or lower --cv"
            )));
        }
    }
    Ok(())
}

fn topic_report(
    examples: &[Example],
    lexicon: &Lexicon,
    predicted: &[Vec<String>],
) -> Option<TopicReport> {
    let topics = crate::train::topic_order(examples, lexicon.topics());
    let (truth, pred): (Vec<Vec<String>>, Vec<Vec<String>>) = examples
        .iter()
        .zip(predicted)
        .filter_map(|(e, p)| e.topics.clone().map(|t| (t, p.clone())))
        .unzip();
    (!truth.is_empty()).then(|| TopicReport::new(&topics, &truth, &pred))
}

/// A small, fast, seeded generator (SplitMix64): folds must not depend on any library's RNG.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_balanced_and_seeded() {
        let labels: Vec<usize> = (0..30).map(|i| usize::from(i >= 20)).collect(); // 20 of 0, 10 of 1
        let folds = stratified_folds(&labels, 2, 5, 7);
        for f in 0..5 {
            let members: Vec<usize> = (0..30).filter(|&i| folds[i] == f).collect();
            assert_eq!(members.len(), 6);
            assert_eq!(members.iter().filter(|&&i| labels[i] == 1).count(), 2);
        }
        assert_eq!(folds, stratified_folds(&labels, 2, 5, 7));
        assert_ne!(folds, stratified_folds(&labels, 2, 5, 8));
    }

    #[test]
    fn too_few_examples_for_the_folds_is_an_error() {
        let labels = vec!["a".to_string(), "b".to_string()];
        let err = check_fold_count(&labels, &[0, 0, 0, 1, 1], 3).unwrap_err();
        assert!(err
            .to_string()
            .contains("label \"b\" has 2 examples, fewer than the 3 folds"));
    }
}
