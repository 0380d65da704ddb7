//! The catalogue of bad inputs: each case checks the exit code and that the message names the
//! file (and line or offset) and says what is wrong. Cases covered elsewhere: broken model files
//! (truncated, foreign, newer version, another tool) in `score.rs`; empty, single-label and
//! too-small training sets and a missing output folder in `train.rs`; unknown labels and topics
//! at eval time in `eval.rs`.

use crate::util::{json_lines, repo, small_model, stance, stderr_of, train_subset};
use std::path::Path;

/// Runs `score --quotes FILE` (JSON Lines out) with `flags`; returns (exit code, stdout, stderr).
fn score_quotes(path: &Path, flags: &[&str]) -> (i32, String, String) {
    let out = stance()
        .args(["score", "--format", "jsonl", "--model"])
        .arg(small_model())
        .args(flags)
        .arg("--quotes")
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Quote records: one good line, then one bad record of each kind, then a good line.
const MIXED: &[&[u8]] = &[
    br#"{"text": "Growth will come back next year."}"#,
    br#"{"txt": "the field has another name"}"#,
    br#"{"text": ""}"#,
    b"{\"text\": \"bad byte \xff here\"}",
    br#"{"text": 42}"#,
    br#"{not json"#,
    br#"["an", "array"]"#,
    br#"{"text": "Serious risks remain for the pipeline."}"#,
];

fn mixed_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("mixed.jsonl");
    let mut bytes = MIXED.join(&b'\n');
    bytes.push(b'\n');
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_bad_record_stops_the_run_with_its_line_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = mixed_file(dir.path());
    let (code, stdout, stderr) = score_quotes(&path, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("mixed.jsonl:2: missing field \"text\""),
        "{stderr}"
    );
    assert_eq!(json_lines(&stdout).len(), 1, "the line before is written");
}

#[test]
fn skip_invalid_reports_every_bad_record_and_scores_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = mixed_file(dir.path());
    let (code, stdout, stderr) = score_quotes(&path, &["--skip-invalid"]);
    assert_eq!(code, 1, "exit 1 when anything was skipped: {stderr}");
    let expected = [
        "mixed.jsonl:2: missing field \"text\"",
        "mixed.jsonl:3: field \"text\" is empty",
        "mixed.jsonl:4: invalid UTF-8 at byte 19 of the line; convert the file to UTF-8 or pass --lossy",
        "mixed.jsonl:5: field \"text\" is not a string",
        "mixed.jsonl:6: malformed JSON",
        "mixed.jsonl:7: expected a JSON object",
        "skipped 6 invalid record(s) or article(s); the rest was scored",
    ];
    for e in expected {
        assert!(stderr.contains(e), "missing {e:?} in {stderr}");
    }
    let quotes: Vec<_> = json_lines(&stdout)
        .into_iter()
        .filter(|l| l["type"] == "quote")
        .collect();
    assert_eq!(quotes.len(), 2);
}

#[test]
fn lossy_replaces_invalid_utf8_instead_of_refusing_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = mixed_file(dir.path());
    let (code, stdout, stderr) = score_quotes(&path, &["--skip-invalid", "--lossy"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("mixed.jsonl:4"), "{stderr}");
    let texts: Vec<String> = json_lines(&stdout)
        .iter()
        .filter_map(|l| l["text"].as_str().map(String::from))
        .collect();
    assert!(
        texts.contains(&"bad byte \u{fffd} here".to_string()),
        "{texts:?}"
    );
}

#[test]
fn csv_rows_with_missing_or_extra_cells_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quotes.csv");
    std::fs::write(
        &path,
        "text,speaker\n\"Growth is strong.\",Ann Lee\n\"one cell only\"\n\"a\",b,\"extra\"\n\"Risks grow.\",Bo Li\n",
    )
    .unwrap();
    let (code, _, stderr) = score_quotes(&path, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("quotes.csv:3: malformed CSV"), "{stderr}");
    assert!(stderr.contains("one cell per header column"), "{stderr}");
    let (code, stdout, stderr) = score_quotes(&path, &["--skip-invalid"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("quotes.csv:3:") && stderr.contains("quotes.csv:4:"),
        "{stderr}"
    );
    let quotes = json_lines(&stdout)
        .iter()
        .filter(|l| l["type"] == "quote")
        .count();
    assert_eq!(quotes, 2);
}

#[test]
fn a_100_mb_line_is_refused_without_being_held() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let mut text = br#"{"text": "Growth will come."}"#.to_vec();
    text.push(b'\n');
    text.extend_from_slice(br#"{"text": ""#);
    text.resize(text.len() + (100 << 20), b'a');
    text.extend_from_slice(b"\"}\n{\"text\": \"Risks remain.\"}\n");
    std::fs::write(&path, &text).unwrap();
    let (code, _, stderr) = score_quotes(&path, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "huge.jsonl:2: the line is 100 MB, longer than the 16 MB a record may have; split it"
        ),
        "{stderr}"
    );
    let (code, stdout, _) = score_quotes(&path, &["--skip-invalid"]);
    assert_eq!(code, 1);
    assert_eq!(
        json_lines(&stdout)
            .iter()
            .filter(|l| l["type"] == "quote")
            .count(),
        2,
        "the lines around it are scored"
    );
}

#[test]
fn binary_and_non_utf8_articles_are_named_and_skippable() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("image.txt");
    std::fs::write(&binary, b"GIF89a\x00\x01\x02 not text").unwrap();
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Ilgar Velizade said: \"Caf\xe9s are open.\"\n").unwrap();
    let seed = repo("data/articles/azerbaijan-us-partnership.txt");
    let err = stderr_of(
        stance()
            .args(["score", "--model"])
            .arg(small_model())
            .arg(&binary),
        2,
    );
    assert!(err.contains("image.txt: looks like a binary file"), "{err}");
    let err = stderr_of(
        stance()
            .args(["score", "--model"])
            .arg(small_model())
            .arg(&latin1),
        2,
    );
    assert!(
        err.contains("latin1.txt: invalid UTF-8 at byte offset 25; convert the file to UTF-8 or pass --lossy"),
        "{err}"
    );
    let out = stance()
        .args([
            "score",
            "--skip-invalid",
            "--lossy",
            "--format",
            "jsonl",
            "--model",
        ])
        .arg(small_model())
        .arg(&binary)
        .arg(&latin1)
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped") && stderr.contains("image.txt"),
        "{stderr}"
    );
    assert!(!stderr.contains("latin1.txt"), "--lossy reads it: {stderr}");
    let lines = json_lines(&String::from_utf8(out.stdout).unwrap());
    assert!(lines.iter().any(|l| l["article"]
        .as_str()
        .is_some_and(|a| a.ends_with("azerbaijan-us-partnership.txt"))));
}

#[test]
fn a_missing_article_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.txt");
    let err = stderr_of(
        stance()
            .args(["score", "--model"])
            .arg(small_model())
            .arg(&missing),
        2,
    );
    assert!(
        err.contains("gone.txt") && err.contains("No such file"),
        "{err}"
    );
}

/// Kills `train` in the one moment a non-atomic save could lose the previous model: the new model
/// is completely written to its temporary file and not yet renamed over the old one. The test
/// hook of `stance::atomic` (`STANCE_TEST_PAUSE_BEFORE_RENAME`) holds the process there and says
/// so on standard error; the kill comes after that line. The previous model must be unchanged,
/// byte for byte, and load; the temporary file left behind must hold the whole new model (so the
/// kill came after the write, not before it).
#[test]
fn an_interrupted_training_leaves_the_previous_model_intact() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "train.jsonl", 150);
    let folder = dir.path().join("models");
    std::fs::create_dir(&folder).unwrap();
    let model = folder.join("model.json");
    std::fs::copy(small_model(), &model).unwrap();
    let before = std::fs::read(&model).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["train", "--cv", "0", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&model)
        .env_remove("STANCE_MODEL")
        .env(stance::atomic::PAUSE_BEFORE_RENAME, "120000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let mut seen = Vec::new();
    let paused = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("stance: test hook: STANCE_TEST_PAUSE_BEFORE_RENAME") => {
                break line
            }
            Ok(line) => seen.push(line),
            Err(e) => {
                let _ = child.kill();
                panic!("training never paused before the rename ({e:?}); stderr: {seen:?}");
            }
        }
    };
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        still_running,
        "training must be paused when killed: {paused}"
    );
    assert!(
        std::fs::read(&model).unwrap() == before,
        "the old model is untouched"
    );
    stance()
        .args(["explain", "--model"])
        .arg(&model)
        .arg("Growth will come.")
        .assert()
        .success();
    let temporary: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != &model)
        .collect();
    assert_eq!(temporary.len(), 1, "{temporary:?}");
    let name = temporary[0].file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with(".stance-") && name.ends_with(".tmp") && paused.contains(name),
        "{name}: {paused}"
    );
    let new = std::fs::read(&temporary[0]).unwrap();
    assert!(new != before, "the new model differs from the old one");
    let loaded = stance::model::StanceModel::from_bytes(&new, &temporary[0])
        .expect("the temporary file holds the whole new model");
    assert_eq!(loaded.data().examples, 150);
}

#[test]
fn an_empty_training_file_and_an_unknown_topic_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let err = stderr_of(
        stance()
            .args(["train", "--data"])
            .arg(&empty)
            .arg("--out")
            .arg(dir.path().join("m.json")),
        2,
    );
    assert!(err.contains("empty.jsonl: no labelled sentences"), "{err}");
    let odd = dir.path().join("odd.jsonl");
    std::fs::write(
        &odd,
        "{\"text\": \"Growth is strong here.\", \"stance\": \"optimistic\", \"topics\": [\"weather\"]}\n",
    )
    .unwrap();
    let err = stderr_of(
        stance()
            .args(["eval", "--model"])
            .arg(small_model())
            .arg("--data")
            .arg(&odd),
        2,
    );
    assert!(err.contains("unknown topic \"weather\" at "), "{err}");
    assert!(err.contains("odd.jsonl:1; allowed topics: "), "{err}");
}

#[test]
fn an_unreadable_file_in_a_folder_is_named_and_skippable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("data/articles/azerbaijan-us-partnership.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    // A link to nothing cannot be read, even by root (who reads files without permissions).
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("b.txt")).unwrap();
    let run = |flags: &[&str]| {
        stance()
            .args(["score", "--format", "jsonl", "--model"])
            .arg(small_model())
            .args(flags)
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("b.txt: No such file or directory"), "{err}");
    let out = run(&["--skip-invalid"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&String::from_utf8(out.stdout).unwrap());
    assert!(
        lines.iter().any(|l| l["type"] == "expert"),
        "a.txt is scored"
    );
}

#[test]
fn a_model_path_that_is_a_folder_is_refused_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let data = train_subset(dir.path(), "train.jsonl", 50);
    let err = stderr_of(
        stance()
            .args(["train", "--cv", "0", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path()),
        2,
    );
    assert!(
        err.contains("it is a folder; give a file name such as"),
        "{err}"
    );
}

#[test]
fn train_and_eval_skip_bad_records_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo("data/corpus/train.jsonl")).unwrap();
    let mut lines: Vec<&str> = good.lines().take(60).collect();
    lines.insert(3, "{\"text\": \"no label here\"}");
    lines.insert(7, "{broken");
    let data = dir.path().join("data.jsonl");
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let model = dir.path().join("m.json");
    let err = stderr_of(
        stance()
            .args(["train", "--cv", "0", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&model),
        2,
    );
    assert!(err.contains("data.jsonl:4: missing label"), "{err}");
    assert!(!model.exists(), "nothing is written after a bad record");
    let err = stderr_of(
        stance()
            .args(["train", "--cv", "0", "--skip-invalid", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&model),
        1,
    );
    assert!(
        err.contains("skipped") && err.contains("data.jsonl:8: malformed JSON"),
        "{err}"
    );
    assert!(err.contains("skipped 2 invalid record(s)"), "{err}");
    assert!(model.exists(), "the model is trained on the rest");
    let err = stderr_of(
        stance()
            .args(["eval", "--skip-invalid", "--model"])
            .arg(small_model())
            .arg("--data")
            .arg(&data),
        1,
    );
    assert!(err.contains("skipped 2 invalid record(s)"), "{err}");
}
