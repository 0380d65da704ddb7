//! The two shipped models and the sentence encoder from the command line: choosing a model by
//! name, the model's name in quote lines, explanations with the encoder's share, a model whose
//! encoder folder is missing or changed, and training with and without an encoder.

use crate::util::{
    json_lines, repo, seed, stance, stderr_of, stdout_of, sums_to_margin, train_subset,
};
use std::path::Path;

/// `--model fast` and `--model default` name the shipped models, and quote lines say which
/// model scored them.
#[test]
fn models_are_chosen_by_name_and_named_in_quote_lines() {
    for (name, has_encoder) in [("fast", false), ("default", true)] {
        let out = stdout_of(
            stance()
                .args(["score", "--format", "jsonl", "--model", name])
                .arg(seed()),
        );
        let quotes: Vec<_> = json_lines(&out)
            .into_iter()
            .filter(|l| l["type"] == "quote")
            .collect();
        assert!(quotes.len() > 20, "{name}: {} quotes", quotes.len());
        assert!(quotes.iter().all(|q| q["model"] == name), "{name}: {out}");
        let explained = stdout_of(
            stance()
                .args(["explain", "--format", "json", "--model", name])
                .arg("Exports will grow strongly next year, the minister said."),
        );
        let e = &json_lines(&explained)[0]["explanation"];
        assert_eq!(e["encoder"].is_number(), has_encoder, "{name}: {e}");
        sums_to_margin(e);
    }
}

/// The default model is the encoder model: without `--model` quote lines say `default`.
#[test]
fn the_default_model_scores_with_the_encoder() {
    let out = stdout_of(stance().args(["score", "--format", "jsonl"]).arg(seed()));
    let first = json_lines(&out)
        .into_iter()
        .find(|l| l["type"] == "quote")
        .expect("a quote line");
    assert_eq!(first["model"], "default");
    let model = stance::model::StanceModel::load(&repo("models/default.json")).unwrap();
    assert_eq!(model.encoder().map(|e| e.spec.dim), Some(384));
}

/// Copies the default model into `dir`, with an encoder folder beside it made of links to the
/// shipped files except `replaced`, written with `contents`.
fn model_with_encoder(dir: &Path, replaced: Option<(&str, &[u8])>) -> std::path::PathBuf {
    let model = dir.join("default.json");
    std::fs::copy(repo("models/default.json"), &model).unwrap();
    let enc = dir.join("all-MiniLM-L6-v2");
    std::fs::create_dir(&enc).unwrap();
    for file in stance::features::encoder::FILES {
        let target = enc.join(file);
        match replaced {
            Some((name, bytes)) if name == file => std::fs::write(&target, bytes).unwrap(),
            _ => std::os::unix::fs::symlink(repo("models/all-MiniLM-L6-v2").join(file), &target)
                .unwrap(),
        }
    }
    model
}

#[test]
fn a_model_whose_encoder_is_missing_says_which_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("default.json");
    std::fs::copy(repo("models/default.json"), &model).unwrap();
    let err = stderr_of(
        stance()
            .args(["explain", "--model"])
            .arg(&model)
            .arg("Growth will continue."),
        2,
    );
    assert!(
        err.contains("all-MiniLM-L6-v2/config.json") && err.contains("missing"),
        "{err}"
    );
    // With the encoder beside it the copy works.
    let dir = tempfile::tempdir().unwrap();
    let model = model_with_encoder(dir.path(), None);
    stance()
        .args(["explain", "--model"])
        .arg(&model)
        .arg("Growth will continue.")
        .assert()
        .success();
}

#[test]
fn a_model_whose_encoder_changed_is_refused_with_both_checksums() {
    let dir = tempfile::tempdir().unwrap();
    let mut tokenizer = std::fs::read(repo("models/all-MiniLM-L6-v2/tokenizer.json")).unwrap();
    tokenizer.push(b'\n');
    let model = model_with_encoder(dir.path(), Some(("tokenizer.json", &tokenizer)));
    let err = stderr_of(
        stance().args(["score", "--model"]).arg(&model).arg(seed()),
        2,
    );
    assert!(
        err.contains("tokenizer.json") && err.contains("differs"),
        "{err}"
    );
    assert!(
        err.contains("be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
        "the expected checksum is named: {err}"
    );
}

/// `train --encoder none` trains an n-gram model; the default trains with the shipped encoder
/// and records it by absolute path when the model is written elsewhere, so the model loads from
/// anywhere; with the encoder inside the model's folder, the path is relative.
#[test]
fn training_with_and_without_the_encoder() {
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "train.jsonl", 200);
    let read = |path: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let ngrams = dir.path().join("ngrams.json");
    stance()
        .args(["train", "--cv", "0", "--encoder", "none", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&ngrams)
        .assert()
        .success();
    assert!(read(&ngrams).get("encoder").is_none());
    let with = dir.path().join("with.json");
    stance()
        .args(["train", "--cv", "2", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&with)
        .assert()
        .success();
    let spec = &read(&with)["encoder"]["spec"];
    let recorded = Path::new(spec["path"].as_str().unwrap());
    assert!(recorded.is_absolute(), "{spec}");
    assert_eq!(
        recorded,
        repo("models/all-MiniLM-L6-v2").canonicalize().unwrap()
    );
    assert_eq!(spec["dim"], 384);
    let out = stdout_of(
        stance()
            .args(["explain", "--format", "json", "--model"])
            .arg(&with)
            .arg("Investment will double, which is excellent news."),
    );
    sums_to_margin(&json_lines(&out)[0]["explanation"]);
    // An encoder inside the model's folder is recorded relative to it.
    let moved = tempfile::tempdir().unwrap();
    let model = model_with_encoder(moved.path(), None);
    let relative = moved.path().join("relative.json");
    stance()
        .args(["train", "--cv", "0", "--encoder"])
        .arg(moved.path().join("all-MiniLM-L6-v2"))
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(&relative)
        .assert()
        .success();
    assert_eq!(
        read(&relative)["encoder"]["spec"]["path"],
        "all-MiniLM-L6-v2"
    );
    drop(model);
}

#[test]
fn an_encoder_folder_that_is_not_one_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "train.jsonl", 50);
    let err = stderr_of(
        stance()
            .args(["train", "--cv", "0", "--encoder"])
            .arg(dir.path())
            .arg("--data")
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join("m.json")),
        2,
    );
    assert!(
        err.contains("cannot load sentence encoder") && err.contains("config.json"),
        "{err}"
    );
}
