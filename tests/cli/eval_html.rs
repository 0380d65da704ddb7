//! `stance eval --format html`: the page in a real browser against `--format json` on the same
//! data (confusion counts, per-label scores, reliability bins and ECE, the most confident
//! mistakes), hostile text shown as text, and the errors about `--out`.

use crate::browser::Browser;
use crate::util::{repo, stance, stderr_of, stdout_of};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A sentence that tries to run script through every door: attribute, tag and inline handler.
/// It is cheerful and labelled cautionary, so the model gets it confidently wrong and it is
/// listed among the mistakes.
const HOSTILE: &str = "Growth will be excellent and strong, a great success for everyone \
    \"><img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=1</script> and \
    prospects are bright.";

/// The first `lines` records of the shipped test split, then the hostile sentence.
fn fixture(dir: &Path, lines: usize) -> PathBuf {
    let text = std::fs::read_to_string(repo("data/corpus/test.jsonl")).unwrap();
    let mut out: Vec<String> = text.lines().take(lines).map(str::to_string).collect();
    let hostile = json!({"text": HOSTILE, "stance": "cautionary", "topics": ["economy"]});
    out.push(hostile.to_string());
    let path = dir.join("labelled.jsonl");
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
    path
}

/// `eval --format json` and `eval --format html --out` with `model` on `data`: the JSON report
/// and the page's path.
fn json_and_page(dir: &Path, model: &str, data: &Path) -> (Value, PathBuf) {
    let model = repo(model);
    let out = stdout_of(
        stance()
            .args(["eval", "--format", "json", "--data"])
            .arg(data)
            .arg("--model")
            .arg(&model),
    );
    let page = dir.join("eval.html");
    let printed = stdout_of(
        stance()
            .args(["eval", "--format", "html", "--data"])
            .arg(data)
            .arg("--model")
            .arg(&model)
            .arg("--out")
            .arg(&page),
    );
    assert!(printed.is_empty(), "the page goes to --out only: {printed}");
    (serde_json::from_str(&out).unwrap(), page)
}

/// The confusion cells as (true, predicted) -> count, checked against the JSON's matrix, with
/// the row and column headers in the model's label order.
fn check_confusion(browser: &Browser, v: &Value) {
    let labels: Vec<String> = serde_json::from_value(v["confusion"]["labels"].clone()).unwrap();
    assert_eq!(browser.texts("#confusion th.true"), labels);
    assert_eq!(browser.texts("#confusion th.pred"), labels);
    let cells = browser.eval(
        "return Array.from(document.querySelectorAll('#confusion td.cell')).map(c => \
         [c.dataset.true, c.dataset.pred, Number(c.dataset.count), c.innerText]);",
    );
    let cells = cells.as_array().unwrap();
    assert_eq!(cells.len(), labels.len() * labels.len());
    for (k, cell) in cells.iter().enumerate() {
        let (t, p) = (k / labels.len(), k % labels.len());
        let count = &v["confusion"]["matrix"][t][p];
        assert_eq!(cell[0], json!(labels[t]), "{cell}");
        assert_eq!(cell[1], json!(labels[p]), "{cell}");
        assert_eq!(&cell[2], count, "{cell}");
        assert_eq!(cell[3], json!(count.to_string()), "{cell}");
    }
}

/// The reliability diagram: one mark per non-empty bin with its count, and the ECE.
fn check_reliability(browser: &Browser, v: &Value) {
    let bins: Vec<u64> = v["reliability"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["n"].as_u64().unwrap())
        .filter(|&n| n > 0)
        .collect();
    let marks = browser.eval(
        "return Array.from(document.querySelectorAll('svg.reliability .mark'))\
         .map(m => Number(m.dataset.n));",
    );
    assert_eq!(marks, json!(bins));
    let counts = browser.eval(
        "return Array.from(document.querySelectorAll('svg.reliability .count'))\
         .map(t => Number(t.textContent));",
    );
    assert_eq!(counts, json!(bins));
    let ece = format!("{:.4}", v["ece"].as_f64().unwrap());
    assert_eq!(browser.texts("#ece"), [ece]);
    assert_eq!(
        browser.eval("return document.querySelectorAll('svg .diagonal').length;"),
        1
    );
    // The marks are drawn where their figures say: inside the plot, higher for higher accuracy.
    let drawn = browser.eval(
        "const plot = document.querySelector('svg.reliability .frame').getBoundingClientRect();\
         return Array.from(document.querySelectorAll('svg.reliability .mark')).map(m => {\
         const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;\
         return [(x - plot.left) / plot.width - Number(m.dataset.confidence),\
         (plot.bottom - y) / plot.height - Number(m.dataset.accuracy), plot.width]; });",
    );
    for m in drawn.as_array().unwrap() {
        let (dx, dy, width) = (
            m[0].as_f64().unwrap(),
            m[1].as_f64().unwrap(),
            m[2].as_f64().unwrap(),
        );
        assert!(width > 200.0 && dx.abs() < 0.02 && dy.abs() < 0.02, "{m}");
    }
}

/// The mistakes: min(20, wrong predictions) items, most confident first, each with terms.
fn check_mistakes(browser: &Browser, v: &Value) -> Value {
    let n = v["n"].as_u64().unwrap();
    let matrix = v["confusion"]["matrix"].as_array().unwrap();
    let right: u64 = (0..matrix.len())
        .map(|i| matrix[i][i].as_u64().unwrap())
        .sum();
    let mistakes = browser.eval(
        "return Array.from(document.querySelectorAll('li.mistake')).map(m => ({\
         confidence: Number(m.dataset.confidence), text: m.querySelector('.text').innerText,\
         truth: m.querySelector('.truth').innerText, pred: m.querySelector('.predicted').innerText,\
         source: m.querySelector('.source').innerText, terms: m.querySelectorAll('.term').length,\
         first: m.querySelector('.term .weight').innerText}));",
    );
    let list = mistakes.as_array().unwrap();
    assert_eq!(list.len() as u64, (n - right).min(20));
    let confidences: Vec<f64> = list
        .iter()
        .map(|m| m["confidence"].as_f64().unwrap())
        .collect();
    assert!(
        confidences.windows(2).all(|w| w[0] >= w[1]),
        "{confidences:?}"
    );
    for m in list {
        assert_ne!(m["truth"], m["pred"], "{m}");
        assert!(m["terms"].as_u64().unwrap() > 0, "{m}");
        let weight = m["first"].as_str().unwrap();
        assert!(weight.starts_with(['+', '-']), "signed weight: {m}");
        assert!(
            m["source"].as_str().unwrap().contains("labelled.jsonl:"),
            "{m}"
        );
    }
    mistakes
}

/// Evaluates `model` on the first `lines` test sentences and the hostile one, as JSON and as a
/// page, and opens the page (screenshot `shot`): the folder, the JSON report and the browser;
/// `None` without a browser.
fn open_eval(model: &str, lines: usize, shot: &str) -> Option<(tempfile::TempDir, Value, Browser)> {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture(dir.path(), lines);
    let (v, page) = json_and_page(dir.path(), model, &data);
    let browser = Browser::start()?;
    browser.open(&page);
    browser.screenshot(shot);
    Some((dir, v, browser))
}

/// The table of `section` shows each row of `scores` (label or topic -> figures) to 3 decimals.
fn check_scores(browser: &Browser, section: &str, scores: &Value) {
    for (name, figures) in scores.as_object().unwrap() {
        for metric in ["precision", "recall", "f1"] {
            let selector =
                format!("#{section} tr[data-label=\"{name}\"] [data-metric={metric}] .value");
            let shown = format!("{:.3}", figures[metric].as_f64().unwrap());
            assert_eq!(browser.texts(&selector), [shown], "{name} {metric}");
        }
    }
}

/// The page against the JSON report on 150 test sentences and a hostile one, with the fast
/// model: counts, per-label scores, topics, reliability, mistakes; the hostile sentence is text.
#[test]
fn eval_page_matches_the_json_report_and_shows_hostile_text_as_text() {
    let Some((_dir, v, browser)) = open_eval("models/fast.json", 150, "eval") else {
        return;
    };
    check_confusion(&browser, &v);
    check_scores(&browser, "per-label", &v["per_label"]);
    check_scores(&browser, "topics", &v["topics"]["per_topic"]);
    let shown = |key: &str| format!("{:.3}", v[key].as_f64().unwrap());
    assert_eq!(browser.texts("#accuracy .value"), [shown("accuracy")]);
    assert_eq!(browser.texts("#macro-f1 .value"), [shown("macro_f1")]);
    assert_eq!(browser.texts("#n .value"), [v["n"].to_string()]);
    assert_eq!(browser.texts("#model"), ["fast"]);
    let micro = format!("{:.3}", v["topics"]["micro_f1"].as_f64().unwrap());
    assert_eq!(browser.texts("#topic-micro-f1"), [micro]);
    check_reliability(&browser, &v);
    let mistakes = check_mistakes(&browser, &v);
    // The hostile sentence is among the mistakes, as the text it is; nothing of it ran.
    let listed = mistakes.as_array().unwrap();
    assert!(
        listed.iter().any(|m| m["text"] == json!(HOSTILE)),
        "the hostile sentence is not listed as text: {mistakes}"
    );
    let count = |css: &str| {
        browser.eval(&format!(
            "return document.querySelectorAll('{css}').length;"
        ))
    };
    assert_eq!(count("img"), 0);
    assert_eq!(count("body script"), 0);
    assert_eq!(browser.eval("return window.__pwned === undefined;"), true);
}

/// The shipped default model (with its sentence encoder) on 40 sentences: the same checks of
/// counts, reliability and mistakes, and its calibration on held-out sentences.
#[test]
fn eval_page_of_the_default_model() {
    let Some((_dir, v, browser)) = open_eval("models/default.json", 40, "eval-default") else {
        return;
    };
    check_confusion(&browser, &v);
    check_reliability(&browser, &v);
    check_mistakes(&browser, &v);
    let calibration = browser.texts("#calibration").join("");
    assert!(calibration.contains("held-out sentences"), "{calibration}");
    assert_eq!(browser.eval("return window.__pwned === undefined;"), true);
}

/// `--cv` with html: the cross-validated figures, and a note where per-sentence ones would be.
#[test]
fn eval_page_of_cross_validation_says_what_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture(dir.path(), 150);
    let page = dir.path().join("cv.html");
    stance()
        .args([
            "eval",
            "--cv",
            "3",
            "--encoder",
            "none",
            "--format",
            "html",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&page)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<td class=\"cell").count(), 9, "3 x 3 cells");
    assert!(html.contains("id=\"fold-f1\""));
    assert_eq!(
        html.matches("Not available with --cv").count(),
        2,
        "reliability, mistakes"
    );
    assert!(!html.contains("<svg"));
}

/// `--format html` needs `--out`; an `--out` folder that does not exist fails before the model
/// or data are read (here neither exists); `--out` with json writes the file, not the terminal.
#[test]
fn eval_out_errors_come_first_and_json_can_go_to_a_file() {
    // Neither the model nor the data exists: the first error must be about the output.
    let html_to = |out: Option<&Path>| {
        let mut cmd = stance();
        cmd.args("eval --format html --model nowhere.json --data none.jsonl".split(' '));
        if let Some(out) = out {
            cmd.arg("--out").arg(out);
        }
        stderr_of(&mut cmd, 2)
    };
    let err = html_to(None);
    assert!(err.contains("add --out FILE"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let err = html_to(Some(&dir.path().join("no-such-folder/eval.html")));
    assert!(err.contains("no-such-folder does not exist"), "{err}");
    let data = fixture(dir.path(), 30);
    let out = dir.path().join("eval.json");
    let printed = stdout_of(
        stance()
            .args(["eval", "--format", "json", "--model"])
            .arg(repo("models/fast.json"))
            .arg("--data")
            .arg(&data)
            .arg("--out")
            .arg(&out),
    );
    assert!(printed.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["n"], 31);
}
