use crate::util::{json_lines, repo, seed, small_model, stance, stderr_of, stdout_of};

/// README's run command: the shipped default model on the seed article.
#[test]
fn default_model_scores_the_seed_article_by_expert_and_topic() {
    let out = stdout_of(stance().args(["score", "--format", "table"]).arg(seed()));
    let header = out.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "EXPERT",
            "TOPIC",
            "STANCE",
            "SCORE",
            "N",
            "STRONGEST",
            "EVIDENCE"
        ]
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("Kyle Inan ") && l.contains(" all ")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("Ilgar Velizade ") && l.contains(" all ")),
        "{out}"
    );
    for line in out.lines().skip(1) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let stance_at = cells
            .iter()
            .position(|c| ["optimistic", "cautionary", "neutral"].contains(c))
            .unwrap();
        let score: f64 = cells[stance_at + 1].parse().unwrap();
        assert!((-1.0..=1.0).contains(&score));
    }
}

#[test]
fn json_lines_quotes_in_order_then_experts() {
    let out = stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--model"])
            .arg(small_model())
            .arg(seed()),
    );
    let lines = json_lines(&out);
    let quotes: Vec<_> = lines.iter().take_while(|l| l["type"] == "quote").collect();
    assert_eq!(quotes.len(), 37);
    assert!(lines[37..].iter().all(|l| l["type"] == "expert"));
    for (i, q) in quotes.iter().enumerate() {
        assert!(q["id"].as_str().unwrap().ends_with(&format!("#{}", i + 1)));
        let p = &q["probabilities"];
        let sum: f64 = ["optimistic", "cautionary", "neutral"]
            .iter()
            .map(|l| p[l].as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-3);
        let score = q["score"].as_f64().unwrap();
        assert!(
            (score - (p["optimistic"].as_f64().unwrap() - p["cautionary"].as_f64().unwrap())).abs()
                < 1e-3
        );
    }
    let inan_all = lines
        .iter()
        .find(|l| l["type"] == "expert" && l["speaker"] == "Kyle Inan" && l["topic"] == "all")
        .unwrap();
    assert_eq!(inan_all["n"], 20);
    assert_eq!(inan_all["evidence"].as_array().unwrap().len(), 2);
}

#[test]
fn quote_records_keep_id_order_and_extra_fields() {
    let dir = tempfile::tempdir().unwrap();
    let quotes = dir.path().join("q.jsonl");
    std::fs::write(
        &quotes,
        "{\"id\":\"z9\",\"text\":\"Gas exports will grow strongly.\",\"speaker\":\"Ana Lima\",\"desk\":\"energy\"}\n\
         {\"id\":\"a1\",\"text\":\"The risks to the pipeline are serious.\"}\n",
    )
    .unwrap();
    let out = stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--quotes"])
            .arg(&quotes)
            .arg("--model")
            .arg(small_model()),
    );
    let lines = json_lines(&out);
    assert_eq!(lines[0]["id"], "z9");
    assert_eq!(lines[0]["desk"], "energy");
    assert_eq!(lines[1]["id"], "a1");
    assert_eq!(lines[1]["speaker"], serde_json::Value::Null);
    let experts: Vec<_> = lines.iter().filter(|l| l["type"] == "expert").collect();
    assert!(experts.iter().all(|e| e["speaker"] == "Ana Lima"));
    assert!(!experts.is_empty());
}

#[test]
fn csv_has_one_header_and_typed_rows() {
    let out = stdout_of(
        stance()
            .args(["score", "--format", "csv", "--model"])
            .arg(small_model())
            .arg(seed()),
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..3], ["type", "id", "article"]);
    assert!(
        header.contains(&"p_optimistic".to_string()) && header.contains(&"evidence".to_string())
    );
    let types: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(types.iter().filter(|t| *t == "quote").count(), 37);
    assert!(types.iter().skip(37).all(|t| t == "expert"));
}

#[test]
fn stdin_article() {
    let text = std::fs::read(seed()).unwrap();
    let out = stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--model"])
            .arg(small_model())
            .arg("-")
            .write_stdin(text),
    );
    assert_eq!(
        json_lines(&out)
            .iter()
            .filter(|l| l["type"] == "quote")
            .count(),
        37
    );
}

#[test]
fn broken_model_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(small_model()).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "truncated.json",
            good[..good.len() / 2].to_vec(),
            "model file is truncated or corrupt",
        ),
        (
            "foreign.json",
            b"{\"model_type\": \"bert\"}".to_vec(),
            "not a stance model file",
        ),
        (
            "binary.bin",
            vec![0, 159, 146, 150],
            "not a stance model file",
        ),
        (
            "newer.json",
            String::from_utf8(good.clone())
                .unwrap()
                .replacen("\"version\":1", "\"version\":99", 1)
                .into_bytes(),
            "model format version 99 is not supported (this build reads version 1)",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = stderr_of(
            stance().args(["score", "--model"]).arg(&path).arg(seed()),
            2,
        );
        assert!(err.contains(message) && err.contains(name), "{name}: {err}");
    }
}

/// The shipped model must be the one `README.md`'s training command builds from the shipped data.
#[test]
fn shipped_model_was_trained_on_the_shipped_training_split() {
    let model = stance::model::StanceModel::load(&repo("models/default.json")).unwrap();
    let path = repo("data/corpus/train.jsonl");
    let records = stance::data::read_records(&path, &Default::default()).unwrap();
    let examples = stance::train::Example::from_records(records, &path).unwrap();
    assert_eq!(
        model.data(),
        &stance::train::data_summary(&examples),
        "retrain models/default.json (see README)"
    );
    assert_eq!(model.settings(), &stance::train::TrainParams::default());
}

#[test]
fn spelling_variants_across_articles_merge_visibly_unless_an_alias_file_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed()).unwrap();
    std::fs::write(dir.path().join("a.txt"), &text).unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        text.replace("Velizade", "Valizade"),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = stdout_of(
            stance()
                .args(["score", "--format", "jsonl", "--model"])
                .arg(small_model())
                .arg(dir.path())
                .args(extra),
        );
        json_lines(&out)
    };
    let lines = run(&[]);
    let all_rows: Vec<_> = lines
        .iter()
        .filter(|l| l["type"] == "expert" && l["topic"] == "all")
        .collect();
    let velizade = all_rows
        .iter()
        .find(|l| l["speaker"] == "Ilgar Velizade")
        .unwrap();
    assert_eq!(velizade["n"], 34);
    assert_eq!(velizade["variants"], serde_json::json!(["Ilgar Valizade"]));
    assert_eq!(all_rows.len(), 2);
    // Quote lines are streamed before the spellings are merged: they keep the name as written,
    // which the expert line lists among its variants.
    let merged_quote = lines
        .iter()
        .find(|l| l["type"] == "quote" && l["speaker"] == "Ilgar Valizade")
        .unwrap();
    assert!(merged_quote.get("expert").is_none());

    let aliases = dir.path().join("aliases.tsv");
    std::fs::write(&aliases, "Ilgar Valizade\tIlgar Valizade\n").unwrap();
    let lines = run(&["--aliases", aliases.to_str().unwrap()]);
    let all_rows = lines
        .iter()
        .filter(|l| l["type"] == "expert" && l["topic"] == "all")
        .count();
    assert_eq!(all_rows, 3);
}

#[test]
fn min_confidence_marks_uncertain_sentences_and_leaves_them_out() {
    let run = |p: &str| {
        json_lines(&stdout_of(
            stance()
                .args([
                    "score",
                    "--format",
                    "jsonl",
                    "--min-confidence",
                    p,
                    "--model",
                ])
                .arg(small_model())
                .arg(seed()),
        ))
    };
    let all = run("0");
    assert!(all.iter().all(|l| l["stance"] != "uncertain"));
    let none = run("1");
    let quotes: Vec<_> = none.iter().filter(|l| l["type"] == "quote").collect();
    assert_eq!(quotes.len(), 37);
    assert!(quotes.iter().all(|q| q["stance"] == "uncertain"));
    assert!(
        none.iter().all(|l| l["type"] == "quote"),
        "uncertain sentences are not aggregated"
    );
    let err = crate::util::stderr_of(
        stance()
            .args(["score", "--min-confidence", "1.5"])
            .arg(seed()),
        2,
    );
    assert!(
        err.contains("--min-confidence 1.5 must lie between 0 and 1"),
        "{err}"
    );
}

#[test]
fn scores_do_not_depend_on_threads_or_batch_size() {
    let quotes = repo("data/corpus/dev.jsonl");
    let run = |threads: &str, batch: &str, format: &str| {
        stdout_of(
            stance()
                .args(["score", "--model"])
                .arg(small_model())
                .args([
                    "--threads",
                    threads,
                    "--batch-size",
                    batch,
                    "--format",
                    format,
                ])
                .arg("--quotes")
                .arg(&quotes),
        )
    };
    for format in ["jsonl", "csv"] {
        let one = run("1", "4096", format);
        assert_eq!(one, run("2", "7", format), "{format}");
        assert_eq!(one, run("3", "1", format), "{format}");
    }
    let articles = |threads: &str, batch: &str| {
        stdout_of(
            stance()
                .args(["score", "--format", "jsonl", "--model"])
                .arg(small_model())
                .args(["--threads", threads, "--batch-size", batch])
                .arg(repo("tests/fixtures/articles")),
        )
    };
    assert_eq!(articles("1", "4096"), articles("2", "1"));
}

#[test]
fn a_bad_record_stops_the_run_after_writing_every_earlier_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo("data/corpus/dev.jsonl")).unwrap();
    let mut text: Vec<&str> = good.lines().take(10).collect();
    text.push("{not json");
    text.extend(good.lines().skip(10).take(5));
    let path = dir.path().join("quotes.jsonl");
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    let out = stance()
        .args(["score", "--format", "jsonl", "--batch-size", "4", "--model"])
        .arg(small_model())
        .arg("--quotes")
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        json_lines(&stdout).len(),
        10,
        "the ten lines before the bad one"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("quotes.jsonl:11: malformed JSON"),
        "{stderr}"
    );
}
