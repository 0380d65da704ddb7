//! The Spark job (`scripts/spark/score_archive.py`) in local mode against one process, on a
//! generated archive of our own fixture articles (varied ids, dates and speaker spellings):
//! every article accounted for, the same quote lines (as a set, by id) and byte-identical expert
//! lines. Needs Java and pyspark: the Python with pyspark is `$STANCE_SPARK_PYTHON`, else
//! `python3` when it imports pyspark; `.ci/run` installs both (under `CI` a missing one fails
//! the test instead of skipping it).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A Python that imports pyspark, with Java on the machine; `None` (with a message) otherwise.
fn spark_python() -> Option<String> {
    let python = std::env::var("STANCE_SPARK_PYTHON").unwrap_or_else(|_| "python3".into());
    let java = Command::new("java").arg("-version").output();
    let pyspark = Command::new(&python)
        .args(["-c", "import pyspark"])
        .output();
    let ready = matches!(&java, Ok(o) if o.status.success())
        && matches!(&pyspark, Ok(o) if o.status.success());
    if !ready {
        let why = format!(
            "the Spark test needs Java and pyspark ({python} -c 'import pyspark'); \
             .ci/run installs them"
        );
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipping: {why}");
        return None;
    }
    Some(python)
}

/// `n` article records cycling the fixture articles and the seed article, with varied ids,
/// dates, titles and spellings of one expert's name.
fn archive(path: &Path, n: usize) {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    sources.sort();
    sources.push(repo("data/articles/azerbaijan-us-partnership.txt"));
    let texts: Vec<String> = sources
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut out = String::new();
    for i in 0..n {
        let mut text = texts[i % texts.len()].clone();
        if i % 3 == 1 {
            text = text.replace("Velizade", "Valizade");
        }
        let source = ["wire", "site", "paper"][i % 3];
        let record = serde_json::json!({
            "id": format!("art-{i:05}"),
            "title": format!("Archive item {i}"),
            "date": format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            "source": source,
            "text": text,
        });
        out.push_str(&record.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn lines_of(text: &str, kind: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == kind)
        .collect()
}

fn by_id(quotes: Vec<Value>) -> BTreeMap<String, Value> {
    quotes
        .into_iter()
        .map(|q| (q["id"].as_str().unwrap().to_string(), q))
        .collect()
}

/// Runs the Spark job in local mode on `input`, writing into `out`.
fn run_job(python: &str, input: &Path, out: &Path, model: &Path, partitions: usize) {
    let job = Command::new(python)
        .arg(repo("scripts/spark/score_archive.py"))
        .args([
            "--master",
            "local[2]",
            "--partitions",
            &partitions.to_string(),
        ])
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(out)
        .args(["--binary", env!("CARGO_BIN_EXE_stance")])
        .arg("--model")
        .arg(model)
        .env("PYSPARK_PYTHON", python)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&job.stderr);
    assert!(
        job.status.success(),
        "{}",
        &said[said.len().saturating_sub(4000)..]
    );
}

/// Runs the job on `n` articles with `model` and checks it against one process.
fn job_equals_one_process(model: &str, n: usize, partitions: usize) {
    let Some(python) = spark_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("archive.jsonl");
    archive(&input, n);
    let binary = env!("CARGO_BIN_EXE_stance");
    let model_path = repo(model);
    let started = std::time::Instant::now();
    let single = Command::new(binary)
        .args(["score", "--format", "jsonl", "--model"])
        .arg(&model_path)
        .arg("--articles")
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        single.status.success(),
        "{}",
        String::from_utf8_lossy(&single.stderr)
    );
    let single = String::from_utf8(single.stdout).unwrap();
    let one_process = started.elapsed();

    let out = dir.path().join("out");
    let started = std::time::Instant::now();
    run_job(&python, &input, &out, &model_path, partitions);
    eprintln!(
        "{model}, {n} articles: one process {:.1} s, Spark local[2] with {partitions} partitions \
         {:.1} s",
        one_process.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    // Every article is accounted for: an article line, or skipped with its reason.
    let accounted = std::fs::read_to_string(out.join("articles.jsonl")).unwrap();
    assert_eq!(accounted.lines().count(), n, "articles accounted for");
    let articles = lines_of(&accounted, "article");
    assert_eq!(articles.len(), n, "none skipped: {accounted}");

    // The same quote lines, as a set keyed by id.
    let mut spark_quotes = String::new();
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out.join("quotes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("part-")
        })
        .collect();
    parts.sort();
    for part in parts {
        spark_quotes.push_str(&std::fs::read_to_string(part).unwrap());
    }
    let reference = by_id(lines_of(&single, "quote"));
    let spark = by_id(lines_of(&spark_quotes, "quote"));
    assert!(reference.len() > n, "{} quotes", reference.len());
    assert_eq!(spark.len(), reference.len());
    for (id, q) in &reference {
        assert_eq!(spark.get(id), Some(q), "{id}");
    }

    // Byte-identical expert lines.
    let experts: String = single
        .lines()
        .filter(|l| l.starts_with("{\"type\":\"expert\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(experts.lines().count() > 10);
    let merged = std::fs::read_to_string(out.join("experts.jsonl")).unwrap();
    assert!(merged == experts, "expert lines differ");
}

/// A record that cannot be scored is accounted for as skipped, by its id, with the reason.
fn bad_records_are_accounted_for(python: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("archive.jsonl");
    archive(&input, 20);
    let mut text = std::fs::read_to_string(&input).unwrap();
    text.push_str("{\"id\": \"no-text-here\", \"title\": \"a record without its text\"}\n");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    run_job(python, &input, &out, &repo("models/fast.json"), 2);
    let accounted = std::fs::read_to_string(out.join("articles.jsonl")).unwrap();
    assert_eq!(lines_of(&accounted, "article").len(), 20, "{accounted}");
    let skipped = lines_of(&accounted, "skipped");
    assert_eq!(skipped.len(), 1, "{accounted}");
    assert_eq!(skipped[0]["id"], "no-text-here");
    assert_eq!(skipped[0]["position"], 20);
    assert!(
        skipped[0]["reason"].as_str().unwrap().contains("text"),
        "{accounted}"
    );
}

/// One test, so the jobs do not share the two cores: the fast model on 2,000 articles, the
/// default (encoder) model on a smaller archive, and an archive with a bad record.
#[test]
fn spark_local_mode_equals_one_process() {
    job_equals_one_process("models/fast.json", 2_000, 6);
    job_equals_one_process("models/default.json", 120, 3);
    if let Some(python) = spark_python() {
        bad_records_are_accounted_for(&python);
    }
}
