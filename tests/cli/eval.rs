use crate::util::{repo, small_model, stance, stderr_of, stdout_of};
use std::path::Path;

#[test]
fn text_report_has_metrics_per_label_and_confusion() {
    let out = stdout_of(
        stance()
            .args(["eval", "--data"])
            .arg(repo("data/corpus/test.jsonl"))
            .arg("--model")
            .arg(small_model()),
    );
    for needle in [
        "accuracy",
        "macro-F1",
        "precision  recall  f1",
        "confusion (rows: true label",
        "topics     micro-F1",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let n = crate::util::records_in("data/corpus/test.jsonl");
    assert!(out.contains(&format!("sentences  {n}")), "{out}");
}

/// The JSON report against figures computed here from the model's prediction for each sentence:
/// the confusion matrix, accuracy, per-label precision, recall and F1, and macro-F1.
#[test]
fn json_report_matches_figures_computed_sentence_by_sentence() {
    let test = repo("data/corpus/test.jsonl");
    let out = stdout_of(
        stance()
            .args(["eval", "--format", "json", "--data"])
            .arg(&test)
            .arg("--model")
            .arg(small_model()),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let model = stance::model::StanceModel::load(small_model()).unwrap();
    let examples = stance::train::Example::from_records(
        stance::data::read_records(&test, &Default::default()).unwrap(),
        &test,
    )
    .unwrap();
    let labels = model.labels();
    assert_eq!(v["confusion"]["labels"], serde_json::json!(labels));
    let mut matrix = vec![vec![0u64; labels.len()]; labels.len()];
    for e in &examples {
        let truth = labels.iter().position(|l| *l == e.label).unwrap();
        matrix[truth][model.predict(&e.text).unwrap().label] += 1;
    }
    let reported: Vec<Vec<u64>> = serde_json::from_value(v["confusion"]["matrix"].clone()).unwrap();
    assert_eq!(reported, matrix, "rows: true label, columns: predicted");
    let total: u64 = matrix.iter().flatten().sum();
    assert_eq!(
        total as usize,
        crate::util::records_in("data/corpus/test.jsonl")
    );
    let correct: u64 = (0..labels.len()).map(|i| matrix[i][i]).sum();
    assert!((v["accuracy"].as_f64().unwrap() - correct as f64 / total as f64).abs() < 1e-12);
    let mut f1_sum = 0.0;
    for (k, label) in labels.iter().enumerate() {
        let hit = matrix[k][k] as f64;
        let predicted: u64 = (0..labels.len()).map(|t| matrix[t][k]).sum();
        let actual: u64 = matrix[k].iter().sum();
        let precision = if predicted == 0 {
            0.0
        } else {
            hit / predicted as f64
        };
        let recall = if actual == 0 {
            0.0
        } else {
            hit / actual as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        let r = &v["per_label"][label];
        assert!(
            (r["precision"].as_f64().unwrap() - precision).abs() < 1e-12,
            "{label}: {r}"
        );
        assert!(
            (r["recall"].as_f64().unwrap() - recall).abs() < 1e-12,
            "{label}: {r}"
        );
        assert!(
            (r["f1"].as_f64().unwrap() - f1).abs() < 1e-12,
            "{label}: {r}"
        );
        assert_eq!(r["support"].as_u64().unwrap(), actual, "{label}");
        f1_sum += f1;
    }
    let macro_f1 = f1_sum / labels.len() as f64;
    assert!((v["macro_f1"].as_f64().unwrap() - macro_f1).abs() < 1e-12);
    assert!(v["topics"]["micro_f1"].is_number());
}

#[test]
fn cross_validation_reports_every_fold() {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::util::train_subset(dir.path(), "d.jsonl", 150);
    let out = stdout_of(
        stance()
            .args(["eval", "--cv", "3", "--format", "json", "--data"])
            .arg(&data),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fold_macro_f1"].as_array().unwrap().len(), 3);
    assert_eq!(v["n"], 150);
}

#[test]
fn unknown_label_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("e.jsonl");
    std::fs::write(
        &data,
        "{\"text\":\"a\",\"stance\":\"neutral\"}\n{\"text\":\"b\",\"stance\":\"hawkish\"}\n",
    )
    .unwrap();
    let err = stderr_of(
        stance()
            .args(["eval", "--data"])
            .arg(&data)
            .arg("--model")
            .arg(small_model()),
        2,
    );
    assert!(
        err.contains(&format!(
            "unknown label \"hawkish\" at {}:2",
            data.display()
        )),
        "{err}"
    );
}

#[test]
fn min_macro_f1_turns_a_shortfall_into_exit_1() {
    stance()
        .args(["eval", "--min-macro-f1", "0.99", "--data"])
        .arg(repo("data/corpus/test.jsonl"))
        .arg("--model")
        .arg(small_model())
        .assert()
        .code(1);
}

/// Quality is pinned: trained on the shipped training split only, evaluated on the held-out test
/// split (other speakers, other articles). Measured 0.836 when this floor was set.
#[test]
fn quality_floor_on_the_held_out_test_split() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    stance()
        .args(["train", "--cv", "0", "--data"])
        .arg(repo("data/corpus/train.jsonl"))
        .arg("--out")
        .arg(&model)
        .assert()
        .success();
    stance()
        .args(["eval", "--min-macro-f1", "0.80", "--data"])
        .arg(repo("data/corpus/test.jsonl"))
        .arg("--model")
        .arg(&model)
        .assert()
        .success();
}

/// Softmax of `scores / t`.
fn softmax_at(scores: &[f64], t: f64) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = scores.iter().map(|s| ((s - max) / t).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

/// `eval`'s text report of `model` on `data`.
fn eval_text(data: &Path, model: &Path) -> String {
    stdout_of(
        stance()
            .args(["eval", "--data"])
            .arg(data)
            .arg("--model")
            .arg(model),
    )
}

/// Expected calibration error written out: 10 bins of the top probability, each bin's
/// |accuracy - mean confidence| weighted by its share. Returns (n, confidence, accuracy) per
/// bin and the ECE.
fn ece_by_hand(probabilities: &[Vec<f64>], truth: &[usize]) -> (Vec<(usize, f64, f64)>, f64) {
    let mut bins = vec![(0usize, 0.0, 0.0); 10];
    for (p, &y) in probabilities.iter().zip(truth) {
        let mut top = 0;
        for (k, v) in p.iter().enumerate() {
            if *v > p[top] {
                top = k;
            }
        }
        let bin = ((p[top] * 10.0).floor() as usize).min(9);
        bins[bin].0 += 1;
        bins[bin].1 += p[top];
        bins[bin].2 += if top == y { 1.0 } else { 0.0 };
    }
    let total = probabilities.len() as f64;
    let mut ece = 0.0;
    for b in bins.iter_mut() {
        if b.0 > 0 {
            b.1 /= b.0 as f64;
            b.2 /= b.0 as f64;
            ece += b.0 as f64 / total * (b.2 - b.1).abs();
        }
    }
    (bins, ece)
}

/// The calibration figures, recomputed outside the code that makes them. Training with `--cv 3`
/// fits the temperature on out-of-fold scores: the test trains each fold's model itself (same
/// folds, no cross-validation), collects the out-of-fold scores, and checks that the stored
/// temperature minimises their log-loss and that the stored ECE before and after are theirs.
/// Then `eval`'s reliability table and ECE on the dev split are checked against bins computed
/// from the model's probabilities sentence by sentence.
#[test]
fn calibration_error_and_reliability_table() {
    use stance::train::{label_indices, label_order, Example, TrainParams};
    let dir = tempfile::tempdir().unwrap();
    let data = crate::util::train_subset(dir.path(), "d.jsonl", 240);
    let model_path = dir.path().join("m.json");
    stance()
        .args(["train", "--cv", "3", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&model_path)
        .assert()
        .success();
    let model = stance::model::StanceModel::load(&model_path).unwrap();
    let calibration = model.calibration().unwrap().clone();

    let records = stance::data::read_records(&data, &Default::default()).unwrap();
    let examples = Example::from_records(records, &data).unwrap();
    let labels = label_order(&examples);
    let y = label_indices(&examples, &labels);
    let folds = stance::cv::stratified_folds(&y, labels.len(), 3, 42);
    // The default training has the shipped encoder: the folds are refitted with it.
    let params = TrainParams {
        cv_folds: 0,
        ..TrainParams::with_encoder()
    }
    .validate()
    .unwrap();
    let encoder = stance::features::encoder::Encoder::load(
        &crate::util::repo("models/all-MiniLM-L6-v2"),
        "all-MiniLM-L6-v2",
    )
    .unwrap();
    let encoded = stance::train::Encoded::new(std::sync::Arc::new(encoder), &examples).unwrap();
    let mut scores = vec![Vec::new(); examples.len()];
    for f in 0..3 {
        let train: Vec<Example> = examples
            .iter()
            .zip(&folds)
            .filter(|(_, &g)| g != f)
            .map(|(e, _)| e.clone())
            .collect();
        let fold_model = params
            .fit_without_cv_encoded(
                &train,
                &stance::lexicon::Lexicon::builtin(),
                Some(&encoded.pick(|i| folds[i] != f)),
            )
            .unwrap();
        assert_eq!(fold_model.labels(), &labels[..]);
        for (i, e) in examples.iter().enumerate().filter(|(i, _)| folds[*i] == f) {
            let embedding = Some(encoded.vectors[i].as_slice());
            scores[i] = fold_model
                .predict_embedded(&e.text, embedding)
                .unwrap()
                .scores;
        }
    }
    let log_loss = |t: f64| -> f64 {
        scores
            .iter()
            .zip(&y)
            .map(|(s, &c)| -softmax_at(s, t)[c].ln())
            .sum::<f64>()
            / scores.len() as f64
    };
    let t = calibration.temperature;
    for step in [1.01, 1.1, 2.0] {
        assert!(
            log_loss(t) <= log_loss(t * step) && log_loss(t) <= log_loss(t / step),
            "T {t} does not minimise the out-of-fold log-loss: {} vs {} at T*{step}, {} at T/{step}",
            log_loss(t),
            log_loss(t * step),
            log_loss(t / step)
        );
    }
    let at = |t: f64| -> Vec<Vec<f64>> { scores.iter().map(|s| softmax_at(s, t)).collect() };
    let (_, before) = ece_by_hand(&at(1.0), &y);
    let (_, after) = ece_by_hand(&at(t), &y);
    assert!(
        (calibration.ece_before - before).abs() < 1e-9,
        "{calibration:?} vs {before}"
    );
    assert!(
        (calibration.ece_after - after).abs() < 1e-9,
        "{calibration:?} vs {after}"
    );

    let dev = repo("data/corpus/dev.jsonl");
    let out = stdout_of(
        stance()
            .args(["eval", "--format", "json", "--data"])
            .arg(&dev)
            .arg("--model")
            .arg(&model_path),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["calibration"]["temperature"].as_f64().unwrap(), t);
    let dev_examples = Example::from_records(
        stance::data::read_records(&dev, &Default::default()).unwrap(),
        &dev,
    )
    .unwrap();
    let probabilities: Vec<Vec<f64>> = dev_examples
        .iter()
        .map(|e| model.predict(&e.text).unwrap().probabilities)
        .collect();
    let truth = label_indices(&dev_examples, model.labels());
    let (bins, ece) = ece_by_hand(&probabilities, &truth);
    let reported = v["reliability"].as_array().unwrap();
    assert_eq!(reported.len(), 10);
    for (b, r) in bins.iter().zip(reported) {
        assert_eq!(r["n"].as_u64().unwrap() as usize, b.0, "{r}");
        assert!(
            (r["confidence"].as_f64().unwrap() - b.1).abs() < 1e-9,
            "{r} vs {b:?}"
        );
        assert!(
            (r["accuracy"].as_f64().unwrap() - b.2).abs() < 1e-9,
            "{r} vs {b:?}"
        );
    }
    assert_eq!(
        bins.iter().map(|b| b.0).sum::<usize>(),
        crate::util::records_in("data/corpus/dev.jsonl")
    );
    assert!(
        (v["ece"].as_f64().unwrap() - ece).abs() < 1e-9,
        "{} vs {ece}",
        v["ece"]
    );
    let text = eval_text(&dev, &model_path);
    assert!(
        text.contains(&format!("expected calibration error (ECE) {ece:.4}"))
            && text.contains(&format!("calibration temperature {t:.3}")),
        "{text}"
    );
}

/// `train --dev --topic-cuts`: the temperature is fitted on the held-out file's scores (checked
/// here against their log-loss and ECE, recomputed sentence by sentence), each topic's cuts are
/// chosen there (with them, every topic's F1 on that file is at least what the shared cuts
/// give), and `eval` says where the temperature came from and how often confident predictions
/// are right. Without `--topic-cuts`, the same training keeps the shared cuts and the same
/// temperature.
#[test]
fn held_out_calibration_and_topic_cuts() {
    use stance::train::{label_indices, Example};
    let dir = tempfile::tempdir().unwrap();
    let data = crate::util::train_subset(dir.path(), "d.jsonl", 400);
    let dev = repo("data/corpus/dev.jsonl");
    let model_path = dir.path().join("m.json");
    let err = String::from_utf8(
        stance()
            .args(["train", "--cv", "0", "--data"])
            .arg(&data)
            .arg("--dev")
            .arg(&dev)
            .arg("--topic-cuts")
            .arg("--out")
            .arg(&model_path)
            .assert()
            .success()
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert!(
        err.contains("calibrated on 335 held-out sentences of ")
            && err.contains("topic cuts chosen there"),
        "{err}"
    );
    let model = stance::model::StanceModel::load(&model_path).unwrap();
    let calibration = model.calibration().unwrap().clone();
    assert_eq!(calibration.held_out.as_ref().unwrap().examples, 335);
    let dev_examples = Example::from_records(
        stance::data::read_records(&dev, &Default::default()).unwrap(),
        &dev,
    )
    .unwrap();
    let truth = label_indices(&dev_examples, model.labels());
    let t = calibration.temperature;
    let predictions: Vec<_> = dev_examples
        .iter()
        .map(|e| model.predict(&e.text).unwrap())
        .collect();
    let log_loss = |t: f64| -> f64 {
        predictions
            .iter()
            .zip(&truth)
            .map(|(p, &c)| -softmax_at(&p.scores, t)[c].ln())
            .sum::<f64>()
            / predictions.len() as f64
    };
    for step in [1.01, 1.1, 2.0] {
        assert!(
            log_loss(t) <= log_loss(t * step) && log_loss(t) <= log_loss(t / step),
            "T {t} does not minimise the held-out log-loss"
        );
    }
    let probabilities: Vec<Vec<f64>> = predictions
        .iter()
        .map(|p| p.probabilities.clone())
        .collect();
    let (_, after) = ece_by_hand(&probabilities, &truth);
    assert!(
        (calibration.ece_after - after).abs() < 1e-9,
        "{calibration:?} vs {after}"
    );

    // Every topic with enough held-out examples got cuts; with them each topic's F1 on the
    // held-out file is at least the F1 of the shared cuts (the same model without its "cuts").
    let cuts = model.topic_tagger().chosen_cuts().clone();
    assert_eq!(cuts.len(), 6, "{cuts:?}");
    let bytes = std::fs::read_to_string(&model_path).unwrap();
    let start = bytes
        .find(",\"cuts\":{")
        .expect("the model stores its cuts");
    let end = start + bytes[start..].find('}').unwrap() + 1;
    let mut shared = bytes.clone();
    // The cuts object holds one {"threshold":..,"lexicon_threshold":..} per topic.
    let close = (0..cuts.len()).fold(end, |at, _| at + bytes[at..].find('}').unwrap() + 1);
    shared.replace_range(start..close, "");
    let shared_path = dir.path().join("shared.json");
    std::fs::write(&shared_path, shared).unwrap();
    let topic_f1 = |model: &Path| -> serde_json::Value {
        let out = stdout_of(
            stance()
                .args(["eval", "--format", "json", "--data"])
                .arg(&dev)
                .arg("--model")
                .arg(model),
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["topics"]["per_topic"].clone()
    };
    let (with, without) = (topic_f1(&model_path), topic_f1(&shared_path));
    let mut gained = 0;
    for topic in cuts.keys() {
        let (a, b) = (
            with[topic]["f1"].as_f64().unwrap(),
            without[topic]["f1"].as_f64().unwrap(),
        );
        assert!(a >= b - 1e-12, "{topic}: F1 {a} with its cuts, {b} without");
        gained += usize::from(a > b);
    }
    assert!(
        gained > 0,
        "the chosen cuts changed nothing: {with} vs {without}"
    );

    let text = eval_text(&dev, &model_path);
    let confident: Vec<bool> = probabilities
        .iter()
        .map(|p| p.iter().cloned().fold(0.0, f64::max) >= 0.8)
        .collect();
    let n = confident.iter().filter(|&&c| c).count();
    let right = (0..truth.len())
        .filter(|&i| confident[i] && predictions[i].label == truth[i])
        .count();
    assert!(
        text.contains(&format!(
            "calibration temperature {t:.3}, fitted on 335 held-out sentences"
        )) && text.contains(&format!(
            "confidence >= 0.8: {n} sentences ({:.1}%), accuracy {:.4}",
            100.0 * n as f64 / 335.0,
            right as f64 / n as f64
        )),
        "{text}"
    );
}

/// `--dev` must hold sentences the model was not trained on, with labels and topics it knows;
/// each refusal names the file and line.
#[test]
fn held_out_files_are_checked_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::util::train_subset(dir.path(), "d.jsonl", 200);
    let train_text = std::fs::read_to_string(&data).unwrap();
    let second = train_text.lines().nth(1).unwrap();
    let first_dev = std::fs::read_to_string(repo("data/corpus/dev.jsonl")).unwrap();
    let first_dev = first_dev.lines().next().unwrap();
    let cases = [
        (
            format!("{first_dev}\n{second}\n"),
            "{path}:2: this held-out sentence is also in the training data",
        ),
        (
            format!("{first_dev}\n{{\"text\":\"The port grew.\",\"stance\":\"hopeful\"}}\n"),
            "unknown label \"hopeful\" at {path}:2",
        ),
        (
            "{\"text\":\"The port grew.\",\"stance\":\"neutral\",\"topics\":[\"sport\"]}\n"
                .to_string(),
            "unknown topic \"sport\" at {path}:1",
        ),
    ];
    for (i, (dev_text, expected)) in cases.iter().enumerate() {
        let dev = dir.path().join(format!("dev{i}.jsonl"));
        std::fs::write(&dev, dev_text).unwrap();
        let out = dir.path().join(format!("m{i}.json"));
        let err = stderr_of(
            stance()
                .args(["train", "--cv", "0", "--encoder", "none", "--data"])
                .arg(&data)
                .arg("--dev")
                .arg(&dev)
                .arg("--out")
                .arg(&out),
            2,
        );
        assert!(
            err.contains(&expected.replace("{path}", &dev.display().to_string())),
            "case {i}: {err}"
        );
        assert!(!out.exists(), "case {i}: no model is written");
    }
}
