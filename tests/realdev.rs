//! Extraction quality on real news pages, pinned: `stance extract --gold` over
//! `../shared/realdev` (third-party articles with gold (speaker, sentence) pairs, read here and
//! never copied into the repository) must keep its total F1, its total recall and its number of
//! weak articles at or better than the floors below. A fresh clone has no `../shared`: the test
//! then says so and passes. `scripts/realdev.sh` prints the same figures as a table.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Total F1 of (speaker, sentence) pairs over all articles. The floors are the measured figures
/// minus a small margin; they must only go up (raise them when extraction improves).
const FLOOR_F1: f64 = 0.90;
/// Total share of gold sentences found with the right speaker (correct / gold). Measured minus a
/// small margin; must only go up.
const FLOOR_RECALL: f64 = 0.88;
/// Most articles with at least `WEAK_MIN_GOLD` gold sentences whose recall is below
/// `WEAK_RECALL` allowed. A ceiling set from the measured count: must only go down.
const FLOOR_WEAK_ARTICLES: usize = 2;
/// An article counts as weak with at least this many gold sentences ...
const WEAK_MIN_GOLD: u64 = 5;
/// ... and recall below this.
const WEAK_RECALL: f64 = 0.6;

/// The folder, relative to the repository root.
const REALDEV: &str = "../shared/realdev";

/// One `"type":"article"` line of `extract --format jsonl --gold`.
struct Row {
    article: String,
    gold: u64,
    extracted: u64,
    recall: f64,
    f1: f64,
}

impl Row {
    fn weak(&self) -> bool {
        self.gold >= WEAK_MIN_GOLD && self.recall < WEAK_RECALL
    }
}

/// The files of `dir` ending in `.ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}

fn number(score: &Value, key: &str, line: &str) -> f64 {
    score[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number {key:?} in the score of: {line}"))
}

fn count(score: &Value, key: &str, line: &str) -> u64 {
    score[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no count {key:?} in the score of: {line}"))
}

fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<60} {:>5} {:>9} {:>6} {:>6}\n",
        "article", "gold", "extracted", "recall", "f1"
    );
    for r in rows {
        out += &format!(
            "{:<60} {:>5} {:>9} {:>6.3} {:>6.3}{}\n",
            r.article,
            r.gold,
            r.extracted,
            r.recall,
            r.f1,
            if r.weak() { "  <- weak" } else { "" }
        );
    }
    out
}

#[test]
fn real_articles_keep_the_extraction_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(REALDEV);
    if !root.join("articles").is_dir() || !root.join("gold").is_dir() {
        println!("skipped: {REALDEV} not found (a fresh clone has no ../shared)");
        return;
    }
    let articles = files(&root.join("articles"), "txt");
    let golds = files(&root.join("gold"), "jsonl");
    let stems = |v: &[PathBuf]| -> Vec<String> {
        v.iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert!(!articles.is_empty(), "no articles in {}", root.display());
    assert_eq!(
        stems(&articles),
        stems(&golds),
        "articles/*.txt and gold/*.jsonl must pair by name"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_stance"))
        .env_remove("STANCE_MODEL")
        .args(["extract", "--format", "jsonl"])
        .args(&articles)
        .arg("--gold")
        .args(&golds)
        .output()
        .expect("stance runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(
        out.status.success(),
        "stance extract failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let mut rows = Vec::new();
    let mut total = None;
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let score = &v["score"];
        match v["type"].as_str() {
            Some("article") => rows.push(Row {
                article: Path::new(v["article"].as_str().expect("article path"))
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                gold: count(score, "gold", line),
                extracted: count(score, "extracted", line),
                recall: number(score, "recall", line),
                f1: number(score, "f1", line),
            }),
            Some("total") => {
                assert!(total.is_none(), "two total lines");
                total = Some((
                    number(score, "f1", line),
                    count(score, "correct", line),
                    count(score, "gold", line),
                ));
            }
            _ => panic!("unexpected line: {line}"),
        }
    }
    assert_eq!(rows.len(), articles.len(), "one line per article");
    let (f1, correct, gold) = total.expect("a total line");
    assert!(gold > 0, "no gold sentences");
    let recall = correct as f64 / gold as f64;
    let weak = rows.iter().filter(|r| r.weak()).count();
    println!(
        "realdev: {} articles, F1 {f1:.3}, recall {recall:.3} ({correct}/{gold}), {weak} weak",
        rows.len()
    );

    let mut failures = Vec::new();
    if f1 < FLOOR_F1 {
        failures.push(format!("total F1 {f1:.3} < floor {FLOOR_F1}"));
    }
    if recall < FLOOR_RECALL {
        failures.push(format!(
            "total recall {recall:.3} ({correct}/{gold}) < floor {FLOOR_RECALL}"
        ));
    }
    if weak > FLOOR_WEAK_ARTICLES {
        failures.push(format!(
            "{weak} articles with >= {WEAK_MIN_GOLD} gold sentences and recall < {WEAK_RECALL} \
             > allowed {FLOOR_WEAK_ARTICLES}"
        ));
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        failures.join("\n"),
        table(&rows)
    );
}
