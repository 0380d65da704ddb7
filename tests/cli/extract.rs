use crate::util::{json_lines, seed, stance, stderr_of, stdout_of};

/// An article whose four attributed sentences are found at four levels of confidence.
const TALK: &str = "Markets fell.\nAda Holm stated that rates will hold. Banks agree.\n\
                    “Costs rise,” he said.\n“Wages lag.”\n";

#[test]
fn seed_article_as_json_lines_with_exact_spans() {
    let out = stdout_of(stance().args(["extract", "--format", "jsonl"]).arg(seed()));
    let article = std::fs::read_to_string(seed()).unwrap();
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 37);
    let mut speakers: Vec<&str> = lines
        .iter()
        .map(|l| l["speaker"].as_str().unwrap())
        .collect();
    speakers.dedup();
    assert_eq!(speakers, ["Kyle Inan", "Ilgar Velizade"]);
    for l in &lines {
        assert_eq!(l["type"], "sentence");
        let (s, e) = (
            l["span"][0].as_u64().unwrap() as usize,
            l["span"][1].as_u64().unwrap() as usize,
        );
        assert_eq!(&article[s..e], l["text"].as_str().unwrap());
        assert!(["direct", "reported"].contains(&l["kind"].as_str().unwrap()));
    }
    assert!(!out.contains("The first meeting of the bilateral working group"));
}

#[test]
fn table_and_csv_shapes() {
    let table = stdout_of(stance().args(["extract", "--format", "table"]).arg(seed()));
    assert!(table.starts_with("ARTICLE"));
    assert!(table.contains("Ilgar Velizade  reported"));
    let csv = stdout_of(stance().args(["extract", "--format", "csv"]).arg(seed()));
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "article",
            "speaker",
            "kind",
            "confidence",
            "start",
            "end",
            "text"
        ]
    );
    assert_eq!(rows.records().count(), 37);
}

#[test]
fn min_confidence_keeps_the_sentences_found_most_directly() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, TALK).unwrap();
    let run = |min: &str| {
        let out = stdout_of(
            stance()
                .args(["extract", "--format", "jsonl", "--min-confidence", min])
                .arg(&article),
        );
        json_lines(&out)
            .iter()
            .map(|l| {
                (
                    l["text"].as_str().unwrap().to_string(),
                    l["confidence"].as_f64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let all = run("0");
    let texts: Vec<&str> = all.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Ada Holm stated that rates will hold.",
            "Banks agree.",
            "Costs rise",
            "Wages lag."
        ]
    );
    let conf: Vec<f64> = all.iter().map(|(_, c)| *c).collect();
    assert_eq!(conf, [0.95, 0.7, 0.9, 0.8]);
    let strict: Vec<String> = run("0.85").into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        strict,
        ["Ada Holm stated that rates will hold.", "Costs rise"]
    );
    let err = stderr_of(
        stance()
            .args(["extract", "--min-confidence", "1.5"])
            .arg(&article),
        2,
    );
    assert!(err.contains("--min-confidence 1.5"), "{err}");
}

#[test]
fn folder_input_reads_its_txt_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed(), dir.path().join("a.txt")).unwrap();
    std::fs::write(dir.path().join("notes.md"), "Ignored, said Jane Roe.").unwrap();
    let out = stdout_of(
        stance()
            .args(["extract", "--format", "jsonl"])
            .arg(dir.path()),
    );
    assert_eq!(json_lines(&out).len(), 37);
}

#[test]
fn article_without_quotes_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.txt");
    std::fs::write(&path, "The weather was mild. Markets were closed.\n").unwrap();
    stance()
        .args(["extract", "--format", "jsonl"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn missing_and_non_utf8_files_are_errors_naming_them() {
    let err = stderr_of(stance().args(["extract", "/no/such/article.txt"]), 2);
    assert!(err.contains("/no/such/article.txt"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"Caf\xe9 talks, said Jane Roe.").unwrap();
    let err = stderr_of(stance().arg("extract").arg(&path), 2);
    assert!(err.contains("invalid UTF-8 at byte offset 3"), "{err}");
}

#[test]
fn gold_scoring_reports_each_article_and_a_total() {
    let fixtures = crate::util::repo("tests/fixtures");
    let articles = ["01-caspian-ports-caliber", "09-caspian-fleet-singlequotes"];
    let mut cmd = stance();
    cmd.args(["extract", "--format", "jsonl"]);
    for a in articles {
        cmd.arg(fixtures.join(format!("articles/{a}.txt")));
    }
    cmd.arg("--gold");
    for a in articles {
        cmd.arg(fixtures.join(format!("gold/{a}.jsonl")));
    }
    let lines = json_lines(&stdout_of(&mut cmd));
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["type"], "total");
    let total = &lines[2]["score"];
    let gold: u64 = lines[..2]
        .iter()
        .map(|l| l["score"]["gold"].as_u64().unwrap())
        .sum();
    assert_eq!(total["gold"].as_u64().unwrap(), gold);
    assert!(total["f1"].as_f64().unwrap() >= 0.95);
}

#[test]
fn gold_scoring_with_a_wrong_gold_falls_short() {
    let dir = tempfile::tempdir().unwrap();
    // Named like the article, so that it pairs with it.
    let gold = dir.path().join("azerbaijan-us-partnership.jsonl");
    std::fs::write(
        &gold,
        "{\"speaker\":\"Someone Else\",\"text\":\"Not in the article.\",\"kind\":\"direct\"}\n",
    )
    .unwrap();
    let out = stance()
        .args(["extract", "--format", "table", "--min-f1", "0.5"])
        .arg(seed())
        .arg("--gold")
        .arg(&gold)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    assert!(
        table.starts_with("ARTICLE") && table.contains("total"),
        "{table}"
    );
    // A second gold for the same article is an error naming both files.
    let other = dir.path().join("other.jsonl");
    std::fs::write(
        &other,
        "{\"article\":\"azerbaijan-us-partnership\",\"speaker\":\"A B\",\"text\":\"C.\"}\n",
    )
    .unwrap();
    let err = stderr_of(
        stance()
            .arg("extract")
            .arg(seed())
            .args(["--gold"])
            .arg(&gold)
            .arg("--gold")
            .arg(&other),
        2,
    );
    assert!(
        err.contains("other.jsonl:1") && err.contains("also in"),
        "{err}"
    );
}

mod gold;
