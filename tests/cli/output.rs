//! Output that fits (issue #16): the table fits the width and shows the evidence asked for, a
//! per-article view, ids as the user spelt the paths, no silent swap of the expert table, and
//! CSV files that load as one data frame each.

use crate::util::{json_lines, repo, score, seed, stderr_of, stdout_of};

/// The expert lines of a JSON Lines run with `args` on the seed article.
fn expert_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let out = stdout_of(score(&[&["--format", "jsonl"], args].concat()).arg(seed()));
    json_lines(&out)
        .into_iter()
        .filter(|l| l["type"] == "expert")
        .collect()
}

/// The evidence texts of Kyle Inan's `all` row.
fn inan_evidence(lines: &[serde_json::Value]) -> Vec<String> {
    let row = lines
        .iter()
        .find(|l| l["speaker"] == "Kyle Inan" && l["topic"] == "all")
        .expect("Kyle Inan's all row");
    row["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

/// The table was about 190 characters wide whatever the terminal: it now fits `$COLUMNS` (or
/// 100 characters off a terminal), and `--wide` shows every text in full.
#[test]
fn the_table_fits_the_width_and_wide_shows_full_text() {
    let runs = [
        (Some("80"), 80, "--sentences"),
        (Some("66"), 66, "--evidence=3"),
        (None, 100, "--sentences"),
    ];
    for (columns, width, flag) in runs {
        let mut cmd = score(&["--format", "table", flag]);
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        let out = stdout_of(cmd.arg(seed()));
        assert!(out.lines().count() > 20, "{out}");
        for line in out.lines() {
            assert!(line.chars().count() <= width, "{width}: {line}");
        }
        assert!(out.contains('…'), "long text is clipped: {out}");
    }
    let evidence = inan_evidence(&expert_lines(&[]));
    let longest = evidence.iter().max_by_key(|t| t.chars().count()).unwrap();
    assert!(longest.chars().count() > 80, "{longest}");
    let wide = stdout_of(
        score(&["--format", "table", "--wide"])
            .env("COLUMNS", "80")
            .arg(seed()),
    );
    assert!(wide.contains(&format!("\"{longest}\"")), "{wide}");
}

/// `--evidence 3` showed one quote per row: the table now shows every evidence quote the row
/// kept, one a line, and none with `--evidence 0`.
#[test]
fn the_table_shows_the_evidence_asked_for() {
    let three = inan_evidence(&expert_lines(&["--evidence", "3"]));
    assert_eq!(three.len(), 3);
    let out = stdout_of(score(&["--format", "table", "--wide", "--evidence", "3"]).arg(seed()));
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Kyle Inan ") && l.contains(" all "))
        .unwrap();
    for (i, text) in three.iter().enumerate() {
        assert!(
            lines[at + i].ends_with(&format!("\"{text}\"")),
            "quote {i} on line {}: {out}",
            at + i
        );
    }
    let none = stdout_of(score(&["--format", "table", "--evidence", "0"]).arg(seed()));
    assert!(!none.contains('"'), "{none}");
    assert!(!none.contains("EVIDENCE"), "{none}");
    assert!(none.lines().any(|l| l.starts_with("Kyle Inan ")), "{none}");
}

/// A folder run had no per-article view: `--by article` shows, for each article in input
/// order, its name and the expert rows of its own sentences (the table a run on that article
/// alone shows), also for an article with nothing found.
#[test]
fn by_article_shows_each_articles_experts_from_its_own_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    let c = dir.path().join("c.txt");
    std::fs::copy(seed(), &a).unwrap();
    std::fs::copy(
        repo("tests/fixtures/articles/03-central-asia-gas-tass.txt"),
        &b,
    )
    .unwrap();
    std::fs::write(&c, "Markets were calm on Tuesday.\n").unwrap();
    let out = stdout_of(score(&["--format", "table", "--by", "article"]).arg(dir.path()));
    let sections: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(sections.len(), 3, "{out}");
    for (section, article) in sections.iter().zip([&a, &b]) {
        let (heading, table) = section.split_once('\n').unwrap();
        let name = article.display().to_string();
        assert!(
            heading.starts_with(&format!("{name}: ")) && heading.ends_with("attributed sentences"),
            "{heading}"
        );
        let alone = stdout_of(score(&["--format", "table"]).arg(article));
        assert_eq!(table.trim_end(), alone.trim_end(), "{name}");
        assert!(table.starts_with("EXPERT"), "{table}");
    }
    assert_eq!(
        sections[2].trim_end(),
        format!("{}: no attributed sentences", c.display())
    );
    for format in ["jsonl", "csv"] {
        let err = stderr_of(
            score(&["--format", format, "--by", "article"]).arg(dir.path()),
            2,
        );
        assert!(
            err.contains("--by article applies to the table only"),
            "{err}"
        );
    }
}

/// Sentence ids name the article as the user spelt its path: a folder given as
/// `data/articles` gives `data/articles/<file>#<n>`, in every format.
#[test]
fn sentence_ids_keep_the_path_as_given() {
    let run = |format: &str| {
        stdout_of(
            score(&["--format", format, "--sentences", "--wide"])
                .current_dir(repo(""))
                .arg("data/articles"),
        )
    };
    let lines = json_lines(&run("jsonl"));
    let quotes: Vec<_> = lines.iter().filter(|l| l["type"] == "quote").collect();
    assert!(!quotes.is_empty());
    for q in &quotes {
        assert!(
            q["id"].as_str().unwrap().starts_with("data/articles/"),
            "{q}"
        );
    }
    let table = run("table");
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("data/articles/azerbaijan-us-partnership.txt#1 "),
        "{table}"
    );
}

/// `--min-confidence 0.99` silently replaced the expert table with a list of uncertain
/// sentences: it now says why there is no expert row and exits 1; `--sentences` still lists
/// them.
#[test]
fn no_expert_rows_is_said_not_replaced_by_the_sentence_list() {
    let out = score(&["--format", "table", "--min-confidence", "0.99"])
        .arg(seed())
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "stance: no expert rows: all 37 attributed sentences are below --min-confidence 0.99 \
             (\"uncertain\"); lower it or add --sentences"
        ),
        "{err}"
    );
    let listed = stdout_of(
        score(&[
            "--format",
            "table",
            "--min-confidence",
            "0.99",
            "--sentences",
        ])
        .arg(seed()),
    );
    assert_eq!(
        listed.lines().filter(|l| l.contains(" uncertain ")).count(),
        37
    );
}
