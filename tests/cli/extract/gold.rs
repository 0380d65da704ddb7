//! `extract --gold`: the README's argument order, pairing by name, undefined precision and
//! `--show-errors` (issue #16).

use crate::util::{json_lines, repo, stance, stderr_of, stdout_of};
use std::path::{Path, PathBuf};

const A: &str = "01-caspian-ports-caliber";
const B: &str = "09-caspian-fleet-singlequotes";

fn article(name: &str) -> PathBuf {
    repo(&format!("tests/fixtures/articles/{name}.txt"))
}

fn gold(name: &str) -> PathBuf {
    repo(&format!("tests/fixtures/gold/{name}.jsonl"))
}

/// The `"type":"article"` lines of a JSON Lines run: (file name, f1).
fn article_f1(out: &str) -> Vec<(String, f64)> {
    json_lines(out)
        .iter()
        .filter(|l| l["type"] == "article")
        .map(|l| {
            let path = Path::new(l["article"].as_str().unwrap());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, l["score"]["f1"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn gold_files_before_the_articles_as_the_readme_shows() {
    let out = stdout_of(
        stance()
            .args(["extract", "--format", "jsonl", "--gold"])
            .args([gold(A), gold(B), article(A), article(B)]),
    );
    let rows = article_f1(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows.iter().all(|(_, f1)| *f1 >= 0.95), "{rows:?}");
    // The order the existing scripts use still works.
    let out = stdout_of(
        stance()
            .args(["extract", "--format", "jsonl"])
            .args([article(A), article(B)])
            .arg("--gold")
            .args([gold(A), gold(B)]),
    );
    assert_eq!(article_f1(&out).len(), 2, "{out}");
}

#[test]
fn gold_pairs_with_articles_by_name_not_by_position() {
    // Gold in the other order than the articles.
    let out = stdout_of(
        stance()
            .args(["extract", "--format", "jsonl"])
            .args([article(A), article(B)])
            .arg("--gold")
            .args([gold(B), gold(A)]),
    );
    let rows = article_f1(&out);
    assert_eq!(rows[0].0, format!("{A}.txt"));
    assert!(rows.iter().all(|(_, f1)| *f1 >= 0.95), "{rows:?}");

    // A gold folder, and one combined file whose records name their article.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("gold");
    std::fs::create_dir(&folder).unwrap();
    for name in [A, B] {
        std::fs::copy(gold(name), folder.join(format!("{name}.jsonl"))).unwrap();
    }
    let mut combined = String::new();
    for name in [B, A] {
        for line in std::fs::read_to_string(gold(name)).unwrap().lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["article"] = name.into();
            combined += &format!("{v}\n");
        }
    }
    let all = dir.path().join("all.jsonl");
    std::fs::write(&all, combined).unwrap();
    for gold_arg in [&folder, &all] {
        let out = stdout_of(
            stance()
                .args(["extract", "--format", "jsonl", "--gold"])
                .arg(gold_arg)
                .args([article(A), article(B)]),
        );
        let rows = article_f1(&out);
        assert_eq!(rows.len(), 2, "{out}");
        assert!(rows.iter().all(|(_, f1)| *f1 >= 0.95), "{rows:?}");
    }
}

#[test]
fn article_without_gold_and_gold_without_article_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let stray = dir.path().join("stray-gold.jsonl");
    std::fs::copy(gold(B), &stray).unwrap();
    let out = stance()
        .args(["extract", "--format", "jsonl"])
        .args([article(A), article(B)])
        .arg("--gold")
        .args([gold(A), stray.clone()])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    // Only the pair is scored: no silent 0 for the article without gold.
    let rows = article_f1(&stdout);
    assert_eq!(rows.len(), 1, "{stdout}");
    assert_eq!(rows[0].0, format!("{A}.txt"));
    assert!(
        err.contains(&format!("no gold for article {}", article(B).display())),
        "{err}"
    );
    assert!(err.contains("stray-gold"), "{err}");

    // Nothing pairs at all: an error naming both sides.
    let err = stderr_of(
        stance()
            .args(["extract", "--gold"])
            .arg(&stray)
            .arg(article(A)),
        2,
    );
    assert!(err.contains(A) && err.contains("stray-gold"), "{err}");
}

#[test]
fn article_with_nothing_extracted_has_undefined_precision() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "The weather was mild. Markets were closed.\n").unwrap();
    let plain_gold = dir.path().join("plain.jsonl");
    std::fs::write(
        &plain_gold,
        "{\"speaker\":\"Jo Lee\",\"text\":\"Markets were closed.\"}\n",
    )
    .unwrap();
    let run = |format: &str| {
        stdout_of(
            stance()
                .args(["extract", "--format", format])
                .args([&plain, &article(A)])
                .arg("--gold")
                .args([&plain_gold, &gold(A)]),
        )
    };
    let lines = json_lines(&run("jsonl"));
    let plain_score = &lines[0]["score"];
    assert_eq!(plain_score["extracted"], 0);
    assert!(plain_score["precision"].is_null(), "{plain_score}");
    assert!(plain_score["attributed"].is_null(), "{plain_score}");
    assert_eq!(plain_score["recall"], 0.0);
    assert_eq!(plain_score["f1"], 0.0);
    // The total counts from the pairs: its precision is the other article's.
    let (a, total) = (&lines[1]["score"], &lines[2]["score"]);
    assert_eq!(lines[2]["type"], "total");
    assert_eq!(total["precision"], a["precision"]);
    assert_eq!(
        total["gold"].as_u64().unwrap(),
        a["gold"].as_u64().unwrap() + 1
    );
    let table = run("table");
    let row = table.lines().find(|l| l.contains("plain.txt")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells[1..],
        ["1", "0", "-", "0.000", "0.000", "-"],
        "{table}"
    );
    let csv = run("csv");
    assert!(csv.contains("plain.txt,1,0,0,0,,0.0000,0.0000,\n"), "{csv}");
}

#[test]
fn show_errors_lists_missed_spurious_and_misattributed_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("talk.txt");
    std::fs::write(&text, super::TALK).unwrap();
    let gold = dir.path().join("talk.jsonl");
    std::fs::write(
        &gold,
        "{\"speaker\":\"Ada Holm\",\"text\":\"Ada Holm stated that rates will hold.\"}\n\
         {\"speaker\":\"Ben Ode\",\"text\":\"Costs rise\"}\n\
         {\"speaker\":\"Ada Holm\",\"text\":\"Markets fell.\"}\n\
         {\"speaker\":\"Ada Holm\",\"text\":\"Wages lag.\"}\n",
    )
    .unwrap();
    let run = |format: &str| {
        stdout_of(
            stance()
                .args(["extract", "--show-errors", "--format", format])
                .arg(&text)
                .arg("--gold")
                .arg(&gold),
        )
    };
    let lines = json_lines(&run("jsonl"));
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["article", "missed", "spurious", "misattributed", "total"]
    );
    assert_eq!(lines[1]["text"], "Markets fell.");
    assert_eq!(lines[1]["speaker"], "Ada Holm");
    assert_eq!(lines[2]["text"], "Banks agree.");
    assert_eq!(lines[2]["speaker"], "Ada Holm");
    assert_eq!(lines[3]["text"], "Costs rise");
    assert_eq!(lines[3]["speaker"], "Ada Holm");
    assert_eq!(lines[3]["gold_speaker"], "Ben Ode");
    for l in &lines[1..4] {
        assert_eq!(l["article"], lines[0]["article"]);
    }
    let table = run("table");
    for want in [
        "missed         Ada Holm: Markets fell.",
        "spurious       Ada Holm: Banks agree.",
        "misattributed  Ada Holm (gold: Ben Ode): Costs rise",
    ] {
        assert!(table.contains(want), "{want:?} not in:\n{table}");
    }
}
