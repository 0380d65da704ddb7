use crate::util::{small_model, stance, stderr_of, train_subset};

#[test]
fn writes_a_versioned_self_describing_model() {
    let text = std::fs::read_to_string(small_model()).unwrap();
    assert!(text.starts_with("{\"format\":\"stance-model\",\"version\":1,"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["labels"],
        serde_json::json!(["optimistic", "cautionary", "neutral"])
    );
    assert_eq!(v["data"]["examples"], 300);
    assert_eq!(v["data"]["sha256"].as_str().unwrap().len(), 64);
    for key in [
        "settings",
        "tokenizer",
        "features",
        "stance",
        "topics",
        "cv",
    ] {
        assert!(v.get(key).is_some(), "model lacks {key}");
    }
}

#[test]
fn same_data_and_settings_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "d.jsonl", 200);
    let train = |out: &str, threads: &str| {
        stance()
            .args(["train", "--cv", "3", "--threads", threads, "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join(out))
            .assert()
            .success();
        std::fs::read(dir.path().join(out)).unwrap()
    };
    let (a, b) = (train("a.json", "2"), train("b.json", "2"));
    assert!(a == b, "retraining changed the model file");
    let one = train("c.json", "1");
    let three = train("d.json", "3");
    assert!(
        a == one && a == three,
        "the thread count changed the model file"
    );
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(v["cv"]["folds"], 3);
}

/// Row `i` of the CSV training file: (sentence, label), cycling through the three labels.
fn csv_row(i: usize) -> (&'static str, &'static str) {
    match i % 3 {
        0 => (
            "growth will bring great benefits to the region",
            "optimistic",
        ),
        1 => (
            "the risks are serious and the obstacles remain",
            "cautionary",
        ),
        _ => (
            "the meeting took place on Tuesday in the capital",
            "neutral",
        ),
    }
}

#[test]
fn csv_training_data_with_custom_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("sentence,y,topics\n");
    for i in 0..12 {
        let (text, y) = csv_row(i);
        csv.push_str(&format!("\"{text} {i}\",{y},economy\n"));
    }
    let data = dir.path().join("d.csv");
    std::fs::write(&data, csv).unwrap();
    let model_path = dir.path().join("m.json");
    stance()
        .args([
            "train",
            "--cv",
            "3",
            "--text-field",
            "sentence",
            "--label-field",
            "y",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&model_path)
        .assert()
        .success();
    // What the model learned from: the CSV's sentences (column `sentence`), labels (column `y`)
    // and topics, written out here independently and summarised the way training does.
    let model = stance::model::StanceModel::load(&model_path).unwrap();
    assert_eq!(model.labels(), ["optimistic", "cautionary", "neutral"]);
    let expected: Vec<stance::train::Example> = (0..12)
        .map(|i| {
            let (text, label) = csv_row(i);
            stance::train::Example {
                text: format!("{text} {i}"),
                label: label.into(),
                topics: Some(vec!["economy".into()]),
            }
        })
        .collect();
    assert_eq!(model.data(), &stance::train::data_summary(&expected));
    assert_eq!(
        model.data().label_counts.values().collect::<Vec<_>>(),
        [&4; 3]
    );
    assert_eq!(model.data().topic_counts["economy"], 12);
    // It learned the three kinds of sentence: eval on the same CSV, read with the same mapping,
    // gets every one right, and an unseen sentence of each kind gets its label.
    let out = stance()
        .args([
            "eval",
            "--format",
            "json",
            "--text-field",
            "sentence",
            "--label-field",
            "y",
            "--model",
        ])
        .arg(&model_path)
        .arg("--data")
        .arg(&data)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["n"], 12);
    assert_eq!(report["accuracy"], 1.0, "{report}");
    for (text, label) in [
        ("great benefits and growth for the region", "optimistic"),
        ("serious risks and obstacles", "cautionary"),
        ("a meeting on Tuesday in the capital", "neutral"),
    ] {
        let p = model.predict(text).unwrap();
        assert_eq!(model.label(p.label), label, "{text}: {p:?}");
    }
}

#[test]
fn malformed_record_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.jsonl");
    std::fs::write(
        &data,
        "{\"text\":\"a\",\"stance\":\"neutral\"}\n{\"text\": \"b\", \"stance\": }\n",
    )
    .unwrap();
    let out = dir.path().join("m.json");
    let err = stderr_of(
        stance()
            .args(["train", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out),
        2,
    );
    assert!(
        err.contains(&format!("{}:2: malformed JSON", data.display())),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn single_label_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("one.jsonl");
    let lines: String = (0..10)
        .map(|i| format!("{{\"text\":\"gas {i}\",\"label\":\"neutral\"}}\n"))
        .collect();
    std::fs::write(&data, lines).unwrap();
    let err = stderr_of(
        stance()
            .args(["train", "--cv", "0", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join("m.json")),
        2,
    );
    assert!(
        err.contains("one.jsonl failed")
            && err.contains("1 distinct label(s); need at least two labels"),
        "{err}"
    );
}

#[test]
fn too_few_examples_for_the_folds_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("small.jsonl");
    let lines = "{\"text\":\"good growth\",\"label\":\"optimistic\"}\n{\"text\":\"bad risk\",\"label\":\"cautionary\"}\n";
    std::fs::write(&data, lines).unwrap();
    let err = stderr_of(
        stance()
            .args(["train", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join("m.json")),
        2,
    );
    assert!(err.contains("fewer than the 5 folds"), "{err}");
}

#[test]
fn missing_output_folder_fails_before_training() {
    let data = crate::util::repo("data/corpus/test.jsonl");
    let err = stderr_of(
        stance()
            .args(["train", "--data"])
            .arg(&data)
            .args(["--out", "/no/such/dir/m.json"]),
        2,
    );
    assert!(err.contains("folder /no/such/dir does not exist"), "{err}");
}

#[test]
fn failed_training_leaves_the_previous_model_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    std::fs::copy(small_model(), &out).unwrap();
    let data = dir.path().join("bad.jsonl");
    std::fs::write(&data, "{\"text\":\"x\"}\n").unwrap();
    stance()
        .args(["train", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(small_model()).unwrap()
    );
}

#[test]
fn tune_chooses_settings_by_cross_validation_and_records_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "d.jsonl", 150);
    let out = dir.path().join("m.json");
    let run = stance()
        .args(["train", "--tune", "--cv", "0", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("tune: chose alpha"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let grid = v["tuning"].as_array().unwrap();
    assert_eq!(
        grid.len(),
        10,
        "8 penalty x balance points, then cues, then characters"
    );
    let best = grid
        .iter()
        .map(|p| p["cv_macro_f1"].as_f64().unwrap())
        .fold(f64::MIN, f64::max);
    let chosen = grid
        .iter()
        .find(|p| p["cv_macro_f1"].as_f64().unwrap() == best)
        .unwrap();
    assert_eq!(v["settings"]["logistic"]["alpha"], chosen["alpha"]);
    assert_eq!(v["settings"]["logistic"]["balanced"], chosen["balanced"]);
    assert_eq!(v["settings"]["features"]["cues"], chosen["cues"]);
    // The grid's figures are real cross-validations: a separate `eval --cv 5` (tune's folds) with
    // a point's settings gives its macro-F1. The first point and the last (the one that switches
    // character n-grams over) cover every flag.
    for point in [&grid[0], &grid[grid.len() - 1]] {
        let mut flags = vec![
            "eval".to_string(),
            "--cv".into(),
            "5".into(),
            "--format".into(),
            "json".into(),
            "--alpha".into(),
            point["alpha"].as_f64().unwrap().to_string(),
        ];
        if point["balanced"] == true {
            flags.push("--balanced".into());
        }
        if point["cues"] == true {
            flags.push("--cues".into());
        }
        if point["chars"] == true {
            flags.extend(["--char-ngrams", "2-5", "--selection", "chi2"].map(String::from));
        }
        let out = stance()
            .args(&flags)
            .arg("--data")
            .arg(&data)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            report["macro_f1"].as_f64().unwrap(),
            point["cv_macro_f1"].as_f64().unwrap(),
            "{point} against eval {flags:?}"
        );
    }
    assert!(
        grid.iter().any(|p| p["chars"] == true) && grid[0]["chars"] == false,
        "the two checked points differ in character n-grams"
    );
}

#[test]
fn every_algorithm_trains_quietly_and_evaluates() {
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "train.jsonl", 300);
    for algo in ["nb", "ovr"] {
        let model = dir.path().join(format!("{algo}.json"));
        let out = stance()
            .args(["train", "--cv", "0", "--algo", algo, "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&model)
            .assert()
            .success()
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        // linfa-bayes prints a dbg! dump of every class while fitting; it must not reach users.
        assert!(!err.contains("ClassHistogram"), "{algo}: {err}");
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
        assert_eq!(saved["settings"]["logistic"]["algo"], algo);
        let report = stance()
            .args(["eval", "--format", "json", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(crate::util::repo("data/corpus/dev.jsonl"))
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
        let f1 = report["macro_f1"].as_f64().unwrap();
        assert!(f1 > 0.5, "{algo} learned something: dev macro-F1 {f1}");
    }
}

/// Small-data training (issue #16): a model trained on a few dozen sentences, or on labels that
/// carry nothing, was written without a word, its probabilities flattened by a large
/// temperature. Training now warns about each; on enough real data it warns about nothing.
#[test]
fn small_or_uninformative_data_trains_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::util::repo("data/corpus/train.jsonl")).unwrap();
    let labels = ["optimistic", "cautionary", "neutral"];
    // 90 sentences whose labels are cycled: 30 a label (6 a fold), nothing to learn.
    let cycled: String = text
        .lines()
        .take(90)
        .enumerate()
        .map(|(i, line)| {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["stance"] = labels[i % 3].into();
            format!("{v}\n")
        })
        .collect();
    let small = dir.path().join("small.jsonl");
    std::fs::write(&small, cycled).unwrap();
    let train = |data: &std::path::Path| {
        let out = stance()
            .args(["train", "--encoder", "none", "--data"])
            .arg(data)
            .arg("--out")
            .arg(dir.path().join("m.json"))
            .assert()
            .success()
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    };
    let err = train(&small);
    for needle in [
        "stance: warning: label ",
        "has 30 training sentences, fewer than 10 a fold for 5 folds",
        "is near chance (0.333 for 3 labels)",
        "probabilities come out nearly flat",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    let enough = crate::util::train_subset(dir.path(), "enough.jsonl", 600);
    let err = train(&enough);
    assert!(!err.contains("warning"), "{err}");
}

/// A misspelt `--label-field` (issue #16) said `missing label (field "stance" or "label")`,
/// naming neither the field asked for nor the ones the file has; now the error lists the
/// record's fields, where the right name shows.
#[test]
fn a_misspelt_label_field_shows_the_fields_the_record_has() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("labelled.csv");
    std::fs::write(
        &data,
        "text,sentiment\nMarkets will recover soon.,positive\nThe port is idle.,negative\n",
    )
    .unwrap();
    let err = stderr_of(
        stance()
            .args(["train", "--label-field", "sentimnt", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join("m.json")),
        2,
    );
    assert!(
        err.contains(&format!("{}:2: missing label", data.display()))
            && err.contains("(or the one --label-field names); the record has text, sentiment"),
        "{err}"
    );
}
