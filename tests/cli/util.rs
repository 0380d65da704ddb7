//! Shared helpers: the binary, the shipped files, and a small model trained once per run.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The `stance` binary, with no `STANCE_MODEL` from the environment and no `COLUMNS` (so that
/// tables are 100 characters wide unless a test says otherwise).
pub fn stance() -> Command {
    let mut cmd = Command::cargo_bin("stance").expect("binary builds");
    cmd.env_remove("STANCE_MODEL").env_remove("COLUMNS");
    cmd
}

/// A file of the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The seed article.
pub fn seed() -> PathBuf {
    repo("data/articles/azerbaijan-us-partnership.txt")
}

/// Writes `lines` of the shipped training split to `dir/name`.
pub fn train_subset(dir: &Path, name: &str, lines: usize) -> PathBuf {
    let text = std::fs::read_to_string(repo("data/corpus/train.jsonl")).unwrap();
    let subset: Vec<&str> = text.lines().take(lines).collect();
    let path = dir.join(name);
    std::fs::write(&path, subset.join("\n") + "\n").unwrap();
    path
}

/// A model trained (without cross-validation) on 300 shipped sentences, once per test run.
pub fn small_model() -> &'static Path {
    static MODEL: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = MODEL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let data = train_subset(dir.path(), "train.jsonl", 300);
        let model = dir.path().join("model.json");
        stance()
            .args(["train", "--cv", "0", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&model)
            .assert()
            .success();
        (dir, model)
    });
    path
}

/// `stance score` with the small model and `args`.
pub fn score(args: &[&str]) -> Command {
    let mut cmd = stance();
    cmd.arg("score")
        .arg("--model")
        .arg(small_model())
        .args(args);
    cmd
}

/// Standard output of a successful run, as text.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// Standard error of a run that must exit with `code`.
pub fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

/// Parses JSON Lines output.
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Number of records (non-blank lines) of a JSON Lines file of the repository.
pub fn records_in(path: &str) -> usize {
    std::fs::read_to_string(repo(path))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// Checks that an explanation's intercept and term weights add up to its margin (to 1e-9).
pub fn sums_to_margin(e: &serde_json::Value) {
    let terms: f64 = e["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["weight"].as_f64().unwrap())
        .sum();
    // The encoder block's share, when the model has one.
    let encoder = e["encoder"].as_f64().unwrap_or(0.0);
    let total = e["intercept"].as_f64().unwrap() + terms + encoder;
    assert!((total - e["margin"].as_f64().unwrap()).abs() < 1e-9, "{e}");
}
