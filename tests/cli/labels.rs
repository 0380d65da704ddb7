//! Models trained on labels of their own, end to end (issue #16): training with renamed fields,
//! then eval and score without repeating them; expert rows in the model's labels, by the rule
//! that gives a sentence its stance; the signed score only where the model has a polarity.

use crate::util::{json_lines, repo, stance, stderr_of, stdout_of};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// `lines` sentences of the shipped training split relabelled by `rename` (labels it maps to
/// `None` are left out), as JSON Lines with the sentence under `sentence` and the label under
/// `sentiment`, and a speaker.
pub(crate) fn relabelled(
    dir: &Path,
    name: &str,
    lines: usize,
    rename: fn(&str) -> Option<&str>,
) -> PathBuf {
    let text = std::fs::read_to_string(repo("data/corpus/train.jsonl")).unwrap();
    let mut out = String::new();
    for line in text.lines().take(lines) {
        let record: Value = serde_json::from_str(line).unwrap();
        let Some(label) = rename(record["stance"].as_str().unwrap()) else {
            continue;
        };
        let renamed = json!({
            "speaker": record["speaker"],
            "sentence": record["text"],
            "sentiment": label,
            "topics": record["topics"],
        });
        out.push_str(&format!("{renamed}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

fn sentiment(stance: &str) -> Option<&str> {
    match stance {
        "optimistic" => Some("positive"),
        "cautionary" => Some("negative"),
        _ => None,
    }
}

pub(crate) fn fomc(stance: &str) -> Option<&str> {
    match stance {
        "optimistic" => Some("dovish"),
        "cautionary" => Some("hawkish"),
        _ => Some("neutral"),
    }
}

/// Trains on `data` with cross-validation (so the model is calibrated, as shipped models are).
pub(crate) fn train(data: &Path, out: &Path, extra: &[&str]) -> String {
    let mut cmd = stance();
    cmd.args(["train", "--encoder", "none", "--cv", "3"])
        .args(["--text-field", "sentence", "--label-field", "sentiment"])
        .args(extra)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out);
    let output = cmd.assert().success().get_output().stderr.clone();
    String::from_utf8(output).unwrap()
}

fn score(model: &Path, quotes: &Path) -> Vec<Value> {
    json_lines(&stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--evidence", "3", "--model"])
            .arg(model)
            .arg("--quotes")
            .arg(quotes),
    ))
}

#[test]
fn positive_negative_labels_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let data = relabelled(dir.path(), "train.jsonl", 500, sentiment);
    let model = dir.path().join("sentiment.json");
    let said = train(&data, &model, &[]);
    assert!(
        said.contains("signed score: P(positive) - P(negative)"),
        "{said}"
    );

    // The model remembers its fields: eval and score read `sentence` and `sentiment` unasked.
    let eval = stdout_of(
        stance()
            .args(["eval", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(&data),
    );
    assert!(eval.contains("macro-F1"), "{eval}");
    let lines = score(&model, &data);
    let quotes: Vec<&Value> = lines.iter().filter(|l| l["type"] == "quote").collect();
    let experts: Vec<&Value> = lines.iter().filter(|l| l["type"] == "expert").collect();
    assert!(quotes.len() > 100 && !experts.is_empty());

    for e in &experts {
        // Expert rows speak the model's labels, with the mean probability of each.
        let stance = e["stance"].as_str().unwrap();
        assert!(["positive", "negative"].contains(&stance), "{e}");
        let p = &e["probabilities"];
        let best = if p["positive"].as_f64() >= p["negative"].as_f64() {
            "positive"
        } else {
            "negative"
        };
        assert_eq!(stance, best, "{e}");
        // Evidence shows the row's stance with the sentence's probability of it.
        for ev in e["evidence"].as_array().unwrap() {
            let q = quotes.iter().find(|q| q["text"] == ev["text"]).unwrap();
            assert_eq!(ev["probability"], q["probabilities"][stance], "{e}");
            assert!(ev["probability"].as_f64().unwrap() > 0.0);
        }
        let n = e["n"].as_u64().unwrap() as usize;
        assert_eq!(e["evidence"].as_array().unwrap().len(), n.min(3));
    }
    // A row of one sentence has that sentence's stance and score.
    let single = dir.path().join("single.jsonl");
    let sentence = "Exports may pick up next year, though the port still lacks cranes.";
    std::fs::write(
        &single,
        json!({"speaker": "Solo", "sentence": sentence}).to_string(),
    )
    .unwrap();
    let lines = score(&model, &single);
    let (q, e) = (&lines[0], &lines[1]);
    assert_eq!(
        (&q["type"], &e["type"], &e["n"]),
        (&json!("quote"), &json!("expert"), &json!(1))
    );
    assert_eq!((&e["stance"], &e["score"]), (&q["stance"], &q["score"]));
    assert_eq!(e["probabilities"], q["probabilities"]);
    let p = &q["probabilities"];
    let signed = p["positive"].as_f64().unwrap() - p["negative"].as_f64().unwrap();
    assert!((q["score"].as_f64().unwrap() - signed).abs() < 2e-4, "{q}");
}

#[test]
fn labels_without_a_direction_score_only_when_given_a_polarity() {
    let dir = tempfile::tempdir().unwrap();
    let data = relabelled(dir.path(), "fomc.jsonl", 450, fomc);
    let plain = dir.path().join("plain.json");
    let said = train(&data, &plain, &[]);
    assert!(said.contains("signed score: none"), "{said}");
    let lines = score(&plain, &data);
    for line in &lines {
        assert_eq!(line["score"], Value::Null, "{line}");
    }
    let experts: Vec<&Value> = lines.iter().filter(|l| l["type"] == "expert").collect();
    assert!(experts
        .iter()
        .all(|e| ["dovish", "hawkish", "neutral"].contains(&e["stance"].as_str().unwrap())));

    let directed = dir.path().join("directed.json");
    train(&data, &directed, &["--polarity", "dovish=1,hawkish=-1"]);
    let lines = score(&directed, &data);
    for q in lines.iter().filter(|l| l["type"] == "quote") {
        let p = &q["probabilities"];
        let signed = p["dovish"].as_f64().unwrap() - p["hawkish"].as_f64().unwrap();
        assert!((q["score"].as_f64().unwrap() - signed).abs() < 2e-4, "{q}");
    }
    // The same stances as without a polarity: it gives the score, never the stance.
    let stances =
        |lines: &[Value]| -> Vec<Value> { lines.iter().map(|l| l["stance"].clone()).collect() };
    assert_eq!(stances(&lines), stances(&score(&plain, &data)));

    // A polarity naming a label the data lack fails before training, naming it.
    let err = stderr_of(
        stance()
            .args(["train", "--encoder", "none", "--cv", "0"])
            .args(["--text-field", "sentence", "--label-field", "sentiment"])
            .args(["--polarity", "hawk=-1,dovish=1", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join("never.json")),
        2,
    );
    assert!(
        err.contains("\"hawk\"") && err.contains("dovish, hawkish, neutral"),
        "{err}"
    );
    assert!(!dir.path().join("never.json").exists());
}
