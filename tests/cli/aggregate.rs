//! `stance score --articles`, `--emit partial` and `stance aggregate`: a run split into parts
//! aggregates byte for byte as one run.

use crate::util::{json_lines, repo, stance, stderr_of, stdout_of};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The fixture articles as article records with their place in the archive, whole and split
/// into three files (every third record, so each part holds articles from all over).
fn archive(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let records: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let id = f.file_stem().unwrap().to_str().unwrap();
            let text = std::fs::read_to_string(f).unwrap();
            json!({"id": id, "text": text, "position": i, "source": "fixtures"}).to_string() + "\n"
        })
        .collect();
    let whole = dir.join("articles.jsonl");
    std::fs::write(&whole, records.concat()).unwrap();
    let parts = (0..3)
        .map(|k| {
            let path = dir.join(format!("part{k}.jsonl"));
            let mine: String = records.iter().skip(k).step_by(3).cloned().collect();
            std::fs::write(&path, mine).unwrap();
            path
        })
        .collect();
    (whole, parts)
}

fn score(args: &[&str], input: &Path) -> String {
    stdout_of(
        stance()
            .args(["score", "--model", "fast", "--format", "jsonl"])
            .args(args)
            .arg("--articles")
            .arg(input),
    )
}

fn lines_of(text: &str, kind: &str) -> Vec<Value> {
    json_lines(text)
        .into_iter()
        .filter(|v| v["type"] == kind)
        .collect()
}

fn expert_lines(text: &str) -> String {
    text.lines()
        .filter(|l| l.starts_with("{\"type\":\"expert\""))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn split_article_records_aggregate_byte_for_byte_as_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, parts) = archive(dir.path());
    let one = score(&[], &whole);
    let reference = expert_lines(&one);
    assert!(reference.lines().count() > 50);
    let mut quotes = BTreeMap::new();
    let mut partials = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let scored = score(&["--emit", "quotes,partial"], part);
        assert!(expert_lines(&scored).is_empty());
        for q in lines_of(&scored, "quote") {
            // Other fields are carried onto the quote lines; `position` only orders the run.
            assert_eq!(
                (&q["source"], q.get("position")),
                (&json!("fixtures"), None)
            );
            quotes.insert(q["id"].as_str().unwrap().to_string(), q);
        }
        let path = dir.path().join(format!("scored{k}.jsonl"));
        std::fs::write(&path, scored).unwrap();
        partials.push(path);
    }
    // The parts' quote lines are the whole run's, as a set keyed by id.
    let whole_quotes: BTreeMap<String, Value> = lines_of(&one, "quote")
        .into_iter()
        .map(|q| (q["id"].as_str().unwrap().to_string(), q))
        .collect();
    assert_eq!(quotes, whole_quotes);
    // Any order of the parts; quote lines beside a partial state are covered by it.
    let merged =
        stdout_of(
            stance()
                .arg("aggregate")
                .args([&partials[2], &partials[0], &partials[1]]),
        );
    assert_eq!(merged, reference);
}

#[test]
fn quote_lines_alone_aggregate_as_one_run_up_to_their_rounding() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, _) = archive(dir.path());
    let one = dir.path().join("one.jsonl");
    std::fs::write(&one, score(&[], &whole)).unwrap();
    let reference = lines_of(&std::fs::read_to_string(&one).unwrap(), "expert");
    let out = stdout_of(stance().args(["aggregate", "--model", "fast"]).arg(&one));
    let got = lines_of(&out, "expert");
    assert_eq!(got.len(), reference.len());
    // Quote lines give probabilities to 4 decimals: the means may differ in the last one.
    let close = |a: &Value, b: &Value| (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() <= 2e-4;
    for (g, r) in got.iter().zip(&reference) {
        for key in ["speaker", "variants", "topic", "stance", "n"] {
            assert_eq!(g[key], r[key]);
        }
        let ids = |e: &Value| {
            e["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(g), ids(r));
        assert!(close(&g["score"], &r["score"]));
        for (label, p) in r["probabilities"].as_object().unwrap() {
            assert!(close(&g["probabilities"][label], p));
        }
    }
    // Without the model, the topics' order is unknown.
    let err = stderr_of(stance().arg("aggregate").arg(&one), 2);
    assert!(err.contains("give --model"), "{err}");
}

/// Standard error of `stance ARGS FILE`, which must fail with exit 2.
fn fails(args: &[&str], file: &Path) -> String {
    stderr_of(stance().args(args).arg(file), 2)
}

#[test]
fn mismatched_or_bad_parts_are_errors_that_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_, parts) = archive(dir.path());
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let two = write("two.jsonl", score(&["--emit", "partial"], &parts[0]));
    let three = write(
        "three.jsonl",
        score(&["--emit", "partial", "--evidence", "3"], &parts[1]),
    );
    let two_arg = two.to_str().unwrap();
    let err = fails(&["aggregate", two_arg], &three);
    assert!(err.contains("three.jsonl:1: partial aggregates differ in their evidence count"));
    let err = fails(&["aggregate", "--evidence", "3"], &two);
    assert!(err.contains("kept 2 quotes a row"), "{err}");
    let text = std::fs::read_to_string(&two).unwrap();
    let bad = text.replacen("\"count\":", "\"count\":\"x\",\"was\":", 1);
    let err = fails(&["aggregate"], &write("bad.jsonl", bad));
    assert!(err.contains("bad.jsonl:2:"), "{err}");
    let score_csv = [
        "score", "--model", "fast", "--format", "csv", "--emit", "partial",
    ];
    let err = fails(&[&score_csv[..], &["--articles"]].concat(), &parts[0]);
    assert!(err.contains("--format jsonl"), "{err}");
    let no_id = write(
        "no-id.jsonl",
        "{\"text\":\"\\\"Fine,\\\" said Anna Lee.\"}\n".into(),
    );
    let err = fails(&["score", "--model", "fast", "--articles"], &no_id);
    assert!(
        err.contains("no-id.jsonl:1: an article record needs an \"id\""),
        "{err}"
    );
    let far = write(
        "far.jsonl",
        "{\"id\":\"a\",\"text\":\"x\",\"position\":-1}\n".into(),
    );
    let err = fails(&["score", "--model", "fast", "--articles"], &far);
    assert!(
        err.contains("far.jsonl:1: \"position\" must be an integer"),
        "{err}"
    );
}
