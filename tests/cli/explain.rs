use crate::util::{json_lines, seed, small_model, stance, stdout_of, sums_to_margin};

#[test]
fn explain_json_terms_add_up_to_the_margin() {
    let out = stdout_of(
        stance()
            .args(["explain", "--format", "json", "--model"])
            .arg(small_model())
            .args([
                "The corridor has great potential for trade.",
                "Serious risks remain for the pipeline.",
            ]),
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    for l in &lines {
        sums_to_margin(&l["explanation"]);
        assert_eq!(l["stance"], l["explanation"]["label"]);
        let p = &l["probabilities"];
        let (chosen, versus) = (
            l["explanation"]["label"].as_str().unwrap(),
            l["explanation"]["versus"].as_str().unwrap(),
        );
        let ln_ratio = (p[chosen].as_f64().unwrap() / p[versus].as_f64().unwrap()).ln();
        assert!((ln_ratio - l["explanation"]["margin"].as_f64().unwrap()).abs() < 1e-4);
    }
}

#[test]
fn explain_text_lists_the_strongest_terms() {
    let out = stdout_of(
        stance()
            .args(["explain", "--top", "3", "--model"])
            .arg(small_model())
            .arg("Serious risks remain for the pipeline."),
    );
    assert!(out.contains("  stance "), "{out}");
    assert!(out.contains("margin over "), "{out}");
    assert!(out.contains("more terms)"), "{out}");
}

#[test]
fn score_explain_adds_explanations_to_quote_lines() {
    let out = stdout_of(
        stance()
            .args(["score", "--explain", "--format", "jsonl", "--model"])
            .arg(small_model())
            .arg(seed()),
    );
    let lines = json_lines(&out);
    for q in lines.iter().filter(|l| l["type"] == "quote") {
        sums_to_margin(&q["explanation"]);
        assert_eq!(q["explanation"]["label"], q["stance"]);
    }
    let plain = stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--model"])
            .arg(small_model())
            .arg(seed()),
    );
    assert!(json_lines(&plain)
        .iter()
        .all(|l| l.get("explanation").is_none()));
}

#[test]
fn character_ngram_models_explain_with_word_edges_and_exact_sums() {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::util::train_subset(dir.path(), "train.jsonl", 300);
    let model = dir.path().join("chars.json");
    stance()
        .args(["train", "--cv", "0", "--cues", "--char-ngrams", "2-4"])
        .args(["--selection", "chi2", "--max-features", "3000", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&model)
        .assert()
        .success();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let features = &saved["features"];
    let kept = features["terms"].as_array().unwrap().len()
        + features["char_terms"].as_array().unwrap().len();
    assert_eq!(kept, 3000, "chi2 keeps --max-features n-grams in all");
    let out = stdout_of(
        stance()
            .args(["explain", "--format", "json", "--top", "1000", "--model"])
            .arg(&model)
            // "unforeseeable" is in no training sentence: only its character n-grams count.
            .arg("Unforeseeable risks threaten the pipeline."),
    );
    let line = &json_lines(&out)[0];
    sums_to_margin(&line["explanation"]);
    let terms: Vec<&str> = line["explanation"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    let unseen_word_grams = terms
        .iter()
        .filter_map(|t| t.strip_prefix("chars:\"")?.strip_suffix('"'))
        .filter(|g| " unforeseeable ".contains(g))
        .count();
    assert!(unseen_word_grams > 0, "{terms:?}");
}

#[test]
fn explain_dash_reads_the_sentences_from_standard_input() {
    let out = stdout_of(
        stance()
            .args(["explain", "--format", "json", "--model"])
            .arg(small_model())
            .arg("-")
            .write_stdin("Serious risks remain for the pipeline.\r\n\nGrowth will come back.\n"),
    );
    let texts: Vec<String> = json_lines(&out)
        .iter()
        .map(|l| l["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "Serious risks remain for the pipeline.",
            "Growth will come back."
        ]
    );
}
