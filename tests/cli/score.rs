use crate::util::{json_lines, repo, seed, small_model, stance, stderr_of, stdout_of};
use serde_json::json;

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
            "P",
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
    // Every row recomputed by hand from the quote lines of the same run: the mean of the quotes'
    // P(optimistic) - P(cautionary), the label of highest mean probability (the rule that gives
    // a sentence its stance) and that mean, the count.
    let quotes: Vec<serde_json::Value> = json_lines(&stdout_of(
        stance().args(["score", "--format", "jsonl"]).arg(seed()),
    ))
    .into_iter()
    .filter(|l| l["type"] == "quote" && l["stance"] != "uncertain")
    .collect();
    let labels = ["optimistic", "cautionary", "neutral"];
    let mut expert = String::new();
    let mut rows = 0;
    for line in out.lines().skip(1) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        // Continuation lines (more evidence) have no stance.
        let Some(stance_at) = cells.iter().position(|c| labels.contains(c)) else {
            assert!(line.starts_with(' '), "{line}");
            continue;
        };
        if stance_at > 1 {
            expert = cells[..stance_at - 1].join(" ");
        }
        let topic = cells[stance_at - 1];
        let mine: Vec<&serde_json::Value> = quotes
            .iter()
            .filter(|q| q["speaker"] == expert.as_str())
            .filter(|q| {
                topic == "all" || q["topics"].as_array().unwrap().iter().any(|t| t == topic)
            })
            .map(|q| &q["probabilities"])
            .collect();
        let mean = |label: &str| {
            mine.iter().map(|p| p[label].as_f64().unwrap()).sum::<f64>() / mine.len() as f64
        };
        let p: f64 = cells[stance_at + 1].parse().unwrap();
        assert!((p - mean(cells[stance_at])).abs() < 0.0052, "{line}");
        let score: f64 = cells[stance_at + 2].parse().unwrap();
        let by_hand = mean("optimistic") - mean("cautionary");
        // The table rounds to 2 decimals, the quote lines' probabilities to 4.
        assert!(
            (score - by_hand).abs() < 0.0052,
            "{line}: by hand {by_hand}"
        );
        assert_eq!(cells[stance_at + 3], mine.len().to_string(), "{line}");
        let mut means: Vec<(f64, &str)> = labels.iter().map(|l| (mean(l), *l)).collect();
        means.sort_by(|a, b| b.0.total_cmp(&a.0));
        if means[0].0 - means[1].0 > 1e-3 {
            assert_eq!(cells[stance_at], means[0].1, "{line}: by hand {means:?}");
        }
        rows += 1;
    }
    assert!(rows >= 4, "{out}");
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
    // Then the article's tally, then the experts.
    assert_eq!(lines[37]["type"], "article");
    assert_eq!(lines[37]["sentences"], 37);
    assert!(lines[38..].iter().all(|l| l["type"] == "expert"));
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
fn csv_has_one_header_and_a_row_per_sentence() {
    let out = stdout_of(
        stance()
            .args(["score", "--format", "csv", "--model"])
            .arg(small_model())
            .arg(seed()),
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..3], ["id", "article", "speaker"]);
    assert!(header.contains(&"p_optimistic".to_string()) && header.contains(&"kind".to_string()));
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(ids.len(), 37);
    assert!(ids.iter().all(|id| id.contains(".txt#")), "{ids:?}");
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

/// The small model's file with a calibration block whose temperature is `temperature` (JSON
/// text, written as is); the small model is trained without cross-validation, so it has none.
fn with_temperature(temperature: &str) -> Vec<u8> {
    let good = std::fs::read_to_string(small_model()).unwrap();
    assert_eq!(good.matches("\"calibration\":null").count(), 1);
    good.replacen(
        "\"calibration\":null",
        &format!(
            "\"calibration\":{{\"temperature\":{temperature},\"ece_before\":0.1,\"ece_after\":0.05}}"
        ),
        1,
    )
    .into_bytes()
}

/// The small model's file with the number at JSON `pointer` replaced by `value`.
fn with_number(pointer: &str, value: serde_json::Value) -> Vec<u8> {
    let mut model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(small_model()).unwrap()).unwrap();
    let slot = model.pointer_mut(pointer).unwrap();
    assert!(slot.is_number(), "{pointer}");
    *slot = value;
    serde_json::to_vec(&model).unwrap()
}

/// Regression: a temperature of 0 loaded and gave null probabilities and NaN scores, a negative
/// one loaded and made the least likely label win. JSON has no NaN or infinity: serde_json
/// writes them as `null` (checked below), which does not parse as a number, so a NaN temperature
/// or weight reaches a model file as `null` (or as a string or an out-of-range literal written by
/// hand); those must name the field too. A weight beyond the range of `f32`, such as `1e39`, does
/// parse, as infinity, and must be refused after loading.
#[test]
fn model_files_with_unusable_numbers_name_the_file_and_the_field() {
    assert_eq!(serde_json::to_string(&f64::NAN).unwrap(), "null");
    assert_eq!(serde_json::to_string(&f32::INFINITY).unwrap(), "null");
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, bytes: Vec<u8>| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        stance()
            .args(["score", "--model"])
            .arg(&path)
            .arg(seed())
            .output()
            .unwrap()
    };
    // The same edit with a usable temperature loads and scores: the cases below fail for their
    // number, not for the edit.
    let fine = run("t-half.json", with_temperature("0.5"));
    assert_eq!(
        fine.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fine.stderr)
    );
    let topic = {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(small_model()).unwrap()).unwrap();
        let topics = v["topics"]["models"].as_object().unwrap();
        topics
            .keys()
            .next()
            .expect("the small model has a topic model")
            .clone()
    };
    let temperature_reason = "the calibration temperature must be a finite number above 0";
    let cases: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        (
            "t-zero.json",
            with_temperature("0"),
            vec![format!("t-zero.json: calibration.temperature is 0: {temperature_reason}")],
        ),
        (
            "t-minus-one.json",
            with_temperature("-1"),
            vec![format!("t-minus-one.json: calibration.temperature is -1: {temperature_reason}")],
        ),
        (
            "t-nan.json",
            with_temperature(&serde_json::to_string(&f64::NAN).unwrap()),
            vec![
                "t-nan.json: model file is corrupt at calibration.temperature: invalid type: null, expected f64".into(),
                "(JSON writes a NaN or infinite number as null)".into(),
            ],
        ),
        (
            "t-nan-string.json",
            with_temperature("\"NaN\""),
            vec!["t-nan-string.json: model file is corrupt at calibration.temperature: invalid type: string \"NaN\"".into()],
        ),
        (
            "t-huge.json",
            with_temperature("1e999"),
            vec!["t-huge.json: model file is corrupt at calibration.temperature: number out of range".into()],
        ),
        (
            "w-inf.json",
            with_number("/stance/weights/1/7", serde_json::json!(1e39)),
            vec!["w-inf.json: stance.weights[1][7] is inf: weights and biases must be finite numbers".into()],
        ),
        (
            "w-nan.json",
            with_number("/stance/weights/2/3", serde_json::json!(f64::NAN)),
            vec!["w-nan.json: model file is corrupt at stance.weights[2][3]: invalid type: null, expected f32".into()],
        ),
        (
            "b-inf.json",
            with_number(&format!("/topics/models/{topic}/bias/1"), serde_json::json!(-1e39)),
            vec![format!("b-inf.json: topics.models.{topic}.bias[1] is -inf: weights and biases must be finite numbers")],
        ),
        (
            "enc-weight.json",
            with_number("/encoder/weight", serde_json::json!(-0.5)),
            vec!["enc-weight.json: encoder.weight is -0.5: the encoder block's length must be a finite number above 0".into()],
        ),
        (
            "cut.json",
            {
                // A topic cut chosen on held-out data (`train --dev --topic-cuts`), out of [0, 1].
                let mut v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(small_model()).unwrap()).unwrap();
                v["topics"]["cuts"] = serde_json::json!({
                    topic.clone(): {"threshold": 1.5, "lexicon_threshold": 0.1}
                });
                serde_json::to_vec(&v).unwrap()
            },
            vec![format!("cut.json: topics.cuts.{topic}.threshold is 1.5: a topic threshold must lie between 0 and 1")],
        ),
        (
            "idf-inf.json",
            with_number("/features/idf/4", serde_json::json!(1e39)),
            vec!["idf-inf.json: features.idf[4] is inf: IDF weights must be finite numbers".into()],
        ),
    ];
    for (name, bytes, messages) in cases {
        let out = run(name, bytes);
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: nothing is scored");
        for m in messages {
            assert!(err.contains(&m), "{name}: expected {m:?} in {err}");
        }
    }
}

/// SHA-256 of the shipped models, as `sha256sum models/default.json models/fast.json` prints
/// them. The files hold the weights, so a model trained on other data, with other settings or by
/// changed training code fails here. To update after a change that alters training: run README's
/// commands (section "The default model"), then `sha256sum`, and paste the hashes here (the
/// release-profile test `shipped_models_are_what_the_readme_commands_train` checks that the
/// commands give those bytes).
const SHIPPED_MODEL_SHA256: &str =
    "3047e2629838930556c75fd7cf33b99197b0b6864653d9dcb798460b74056938";
const FAST_MODEL_SHA256: &str = "5aded8960e23d1ee2404b6fe56397ba6981a174a794b207ae9622fc247a47ce7";

/// Each shipped model: its file, its hash, its training files (`--data`), its held-out
/// calibration files (`--dev`) and its other `train` flags.
type Shipped = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// The shipped models, as README's training commands build them.
const SHIPPED: [Shipped; 2] = [
    (
        "models/default.json",
        SHIPPED_MODEL_SHA256,
        &[
            "data/corpus/train.jsonl",
            "data/corpus/dev.jsonl",
            "data/corpus/register/train.jsonl",
        ],
        &["data/corpus/register/dev.jsonl"],
        &[],
    ),
    (
        "models/fast.json",
        FAST_MODEL_SHA256,
        &[
            "data/corpus/train.jsonl",
            "data/corpus/dev.jsonl",
            "data/corpus/register/train.jsonl",
        ],
        &["data/corpus/register/dev.jsonl"],
        &["--encoder", "none"],
    ),
];

/// The shipped models must be the ones `README.md`'s training commands build from the shipped
/// data: their data summaries and settings, and their bytes (weights included) by their pinned
/// hashes. The default model has the shipped encoder; the fast one has none.
#[test]
fn shipped_models_were_trained_on_the_shipped_corpus() {
    use sha2::Digest;
    for (model_path, sha, data, dev, _) in SHIPPED {
        let bytes = std::fs::read(repo(model_path)).unwrap();
        let hash: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hash, sha,
            "{model_path} changed: retrain it with README's command and update the hash \
             (see SHIPPED_MODEL_SHA256)"
        );
        let model = stance::model::StanceModel::load(&repo(model_path)).unwrap();
        assert_eq!(
            model.data(),
            &stance::train::data_summary(&examples_of(data)),
            "retrain {model_path} (see README)"
        );
        let expected = match model.encoder() {
            Some(block) => {
                assert_eq!(block.spec.path, "all-MiniLM-L6-v2", "{model_path}");
                stance::train::TrainParams::with_encoder()
            }
            None => stance::train::TrainParams::default(),
        };
        assert_eq!(model.settings(), &expected, "{model_path}");
        // Calibrated on the held-out register split, which it was not trained on.
        assert_eq!(
            model.calibration().and_then(|c| c.held_out.as_ref()),
            Some(&stance::train::data_summary(&examples_of(dev))),
            "{model_path} is calibrated on {dev:?}"
        );
        assert!(
            model.topic_tagger().chosen_cuts().is_empty(),
            "{model_path}: topics keep the shared cuts (see README on --topic-cuts)"
        );
    }
    let default = stance::model::StanceModel::load(&repo("models/default.json")).unwrap();
    assert!(
        default.encoder().is_some(),
        "the default model has the encoder"
    );
}

/// The labelled examples of the shipped files `files`, in order.
fn examples_of(files: &[&str]) -> Vec<stance::train::Example> {
    let mut examples = Vec::new();
    for file in files {
        let path = repo(file);
        let records = stance::data::read_records(&path, &Default::default()).unwrap();
        examples.extend(stance::train::Example::from_records(records, &path).unwrap());
    }
    examples
}

/// README's training commands, run again, give the shipped files byte for byte (weights,
/// calibration and cross-validation figures included). They take about 50 s and 85 s in the
/// release profile on 2 cores and several times that in the debug profile, so they run with
/// `cargo test --release` only.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "retrains the shipped models: run with cargo test --release"
)]
fn shipped_models_are_what_the_readme_commands_train() {
    for (model_path, _, data, dev, flags) in SHIPPED {
        // Inside models/, so the encoder's folder is recorded relative to the model, as there.
        let out = repo("models").join(format!(".retrain-{}.json", std::process::id()));
        let _remove = RemoveOnDrop(out.clone());
        let mut cmd = stance();
        cmd.args(["train", "--data"]);
        for file in data {
            cmd.arg(repo(file));
        }
        cmd.arg("--dev");
        for file in dev {
            cmd.arg(repo(file));
        }
        cmd.args(flags).arg("--out").arg(&out).assert().success();
        assert!(
            std::fs::read(&out).unwrap() == std::fs::read(repo(model_path)).unwrap(),
            "README's command no longer builds {model_path}: retrain it (see README)"
        );
    }
}

/// Removes a file when dropped, so a failed assertion leaves nothing behind in models/.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
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
        none.iter()
            .all(|l| l["type"] == "quote" || l["type"] == "article"),
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

/// Per-article accounting (issue #16): a folder run said nothing about the articles in which it
/// found no one. Every article now gets an `"article"` line after its quotes, with its counts,
/// also when nothing was found in it (also across batches); standard error sums them up; and
/// `--list-empty` prints the articles with nothing found, one a line, instead of scores.
#[test]
fn every_article_is_accounted_for_and_empty_ones_can_be_listed() {
    let dir = tempfile::tempdir().unwrap();
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    std::fs::write(dir.path().join("a.txt"), &seed_text).unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "Markets were calm on Tuesday.\nThe index closed higher after a quiet session.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.txt"), &seed_text).unwrap();
    let empty = dir.path().join("b.txt").display().to_string();
    let out = stance()
        .args(["score", "--format", "jsonl", "--batch-size", "1", "--model"])
        .arg(small_model())
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&String::from_utf8(out.stdout).unwrap());
    let mut seen = Vec::new();
    for (i, l) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l["type"] == "article")
    {
        let name = l["article"].as_str().unwrap();
        let quotes: Vec<_> = lines
            .iter()
            .enumerate()
            .filter(|(_, q)| q["type"] == "quote" && q["article"] == name)
            .collect();
        assert!(
            quotes.iter().all(|(j, _)| *j < i),
            "{name}: its line follows its quotes"
        );
        assert_eq!(
            l["sentences"].as_u64().unwrap() as usize,
            quotes.len(),
            "{l}"
        );
        let speakers: std::collections::BTreeSet<&str> = quotes
            .iter()
            .map(|(_, q)| q["speaker"].as_str().unwrap())
            .collect();
        assert_eq!(
            l["speakers"].as_u64().unwrap() as usize,
            speakers.len(),
            "{l}"
        );
        seen.push((name.to_string(), quotes.len()));
    }
    assert_eq!(seen.len(), 3, "one line per article: {seen:?}");
    assert_eq!(seen[1], (empty.clone(), 0));
    assert!(seen[0].1 > 0 && seen[0].1 == seen[2].1, "{seen:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("3 articles, 2 with attributed sentences, 1 without: see --list-empty"),
        "{err}"
    );
    let listed = stance()
        .args(["score", "--list-empty", "--model"])
        .arg(small_model())
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(listed.stdout).unwrap(),
        format!("{empty}\n")
    );
}

/// Article lines give the date an article's first lines state in full, and its quotes carry it;
/// a dateline without a year gives none, never a guess (issue #16).
#[test]
fn article_lines_carry_the_date_the_first_lines_give() {
    let dir = tempfile::tempdir().unwrap();
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    let dated = format!("Ports and pipelines\n\nBy Staff | 03.03.2024\n\n{seed_text}");
    std::fs::write(dir.path().join("a.txt"), dated).unwrap();
    let undated = format!("Ports and pipelines\n\nBAKU, Azerbaijan, May 16. {seed_text}");
    std::fs::write(dir.path().join("b.txt"), undated).unwrap();
    let lines = json_lines(&stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--model"])
            .arg(small_model())
            .arg(dir.path()),
    ));
    let date_of = |file: &str, kind: &str| -> Vec<serde_json::Value> {
        let name = dir.path().join(file).display().to_string();
        lines
            .iter()
            .filter(|l| l["type"] == kind && l["article"] == name.as_str())
            .map(|l| l["date"].clone())
            .collect()
    };
    assert_eq!(date_of("a.txt", "article"), [json!("2024-03-03")]);
    let quotes = date_of("a.txt", "quote");
    assert!(!quotes.is_empty() && quotes.iter().all(|d| d == "2024-03-03"));
    assert_eq!(date_of("b.txt", "article"), [serde_json::Value::Null]);
    assert!(date_of("b.txt", "quote").iter().all(|d| d.is_null()));
    // CSV of articles has a date column, empty where the article gives none.
    let csv = stdout_of(
        stance()
            .args(["score", "--format", "csv", "--model"])
            .arg(small_model())
            .arg(dir.path()),
    );
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let (article, date) = (
        header.iter().position(|h| h == "article").unwrap(),
        header.iter().position(|h| h == "date").unwrap(),
    );
    for row in reader.records().map(Result::unwrap) {
        let want = if row[article].ends_with("a.txt") {
            "2024-03-03"
        } else {
            ""
        };
        assert_eq!(&row[date], want, "{row:?}");
    }
}
