//! `stance report`: the page checked in a real browser against `score --format jsonl` of the same
//! input (the seed article, and `tests/fixtures/report/`: four dated and undated articles, one
//! expert spelt two ways), hostile markup shown as text, paging, `--scored` input, errors.

use crate::browser::Browser;
use crate::util::{json_lines, repo, seed, stance, stderr_of, stdout_of};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FAST: &str = "models/fast.json";

/// `stance report ARGS --out DIR/report.html` with `model`; the page's path.
fn report(dir: &Path, model: &str, args: &[&str]) -> PathBuf {
    let out = dir.join("report.html");
    stance()
        .arg("report")
        .arg("--model")
        .arg(repo(model))
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// `stance score --format jsonl --explain ARGS` with `model`.
fn scored(model: &str, args: &[&str]) -> Vec<Value> {
    let mut cmd = stance();
    cmd.args(["score", "--format", "jsonl", "--explain", "--model"])
        .arg(repo(model))
        .args(args);
    json_lines(&stdout_of(&mut cmd))
}

fn of_type<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["type"] == kind).collect()
}

/// A JSON data block of the page.
fn block(page: &Path, id: &str) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    let open = format!("<script type=\"application/json\" id=\"data-{id}\">");
    let start = html.find(&open).unwrap_or_else(|| panic!("no block {id}")) + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// `(expert, topic, n)` of the expert lines.
fn expected_cells(lines: &[Value]) -> BTreeSet<(String, String, u64)> {
    of_type(lines, "expert")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("speaker"), s("topic"), e["n"].as_u64().unwrap())
        })
        .collect()
}

/// `(expert, topic, n)` of the heatmap's cells with sentences, and the rows' experts in order.
fn heatmap(browser: &Browser) -> (BTreeSet<(String, String, u64)>, Vec<String>) {
    let cells = browser.eval(
        "return Array.from(document.querySelectorAll('#heatmap tr[data-expert] td'))\
         .map(td => [td.closest('tr').dataset.expert, td.dataset.topic, Number(td.dataset.n)]);",
    );
    let cells = cells.as_array().unwrap().iter();
    let set = cells
        .filter(|c| c[2] != 0)
        .map(|c| {
            (
                c[0].as_str().unwrap().into(),
                c[1].as_str().unwrap().into(),
                c[2].as_u64().unwrap(),
            )
        })
        .collect();
    let rows = browser.eval(
        "return Array.from(document.querySelectorAll('#heatmap tr[data-expert]')).map(r => r.dataset.expert);",
    );
    let rows = rows.as_array().unwrap().iter();
    (set, rows.map(|r| r.as_str().unwrap().to_string()).collect())
}

/// The canonical expert of each spelling, from the expert lines.
fn experts_by_spelling(lines: &[Value]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in of_type(lines, "expert") {
        let name = e["speaker"].as_str().unwrap().to_string();
        map.insert(name.clone(), name.clone());
        for v in e["variants"].as_array().unwrap() {
            map.insert(v.as_str().unwrap().to_string(), name.clone());
        }
    }
    map
}

/// The texts of the quote lines of `expert` (any spelling) on `topic` (`all`: every one).
fn cell_texts(lines: &[Value], expert: &str, topic: &str) -> Vec<String> {
    let experts = experts_by_spelling(lines);
    let mut texts: Vec<String> = of_type(lines, "quote")
        .iter()
        .filter(|q| {
            experts
                .get(q["speaker"].as_str().unwrap_or(""))
                .map(String::as_str)
                == Some(expert)
        })
        .filter(|q| topic == "all" || q["topics"].as_array().unwrap().contains(&json!(topic)))
        .map(|q| q["text"].as_str().unwrap().to_string())
        .collect();
    texts.sort();
    texts
}

/// Reports and scores `input` with `model` and opens the page; the folder holding it, and the
/// score lines.
fn open_report(browser: &Browser, model: &str, input: &Path) -> (tempfile::TempDir, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let page = report(dir.path(), model, &[input.to_str().unwrap()]);
    browser.open(&page);
    (dir, scored(model, &[input.to_str().unwrap()]))
}

/// The texts of the quote lines, in order.
fn quote_texts(lines: &[Value]) -> Vec<String> {
    of_type(lines, "quote")
        .iter()
        .map(|q| q["text"].as_str().unwrap().to_string())
        .collect()
}

/// Opens the article view and waits for its highlighted sentences.
fn show_articles(browser: &Browser) {
    browser.click("#tabs a[data-view=articles]");
    browser.wait_for("document.querySelector('#article-text mark') !== null");
}

#[test]
fn seed_article_heatmap_evidence_and_highlighted_article() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_dir, lines) = open_report(&browser, FAST, &seed());
    let (cells, rows) = heatmap(&browser);
    assert_eq!(cells, expected_cells(&lines));
    let experts: Vec<String> = of_type(&lines, "expert")
        .iter()
        .filter(|e| e["topic"] == "all")
        .map(|e| e["speaker"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        rows.iter().collect::<BTreeSet<_>>(),
        experts.iter().collect()
    );
    browser.screenshot("report-seed-overview");

    // A cell's evidence is every sentence of the (expert, topic), strongest first.
    let expert = &rows[0];
    let (topic, n) = cells
        .iter()
        .find(|(e, t, _)| e == expert && t != "all")
        .map(|(_, t, n)| (t.clone(), *n))
        .unwrap();
    browser.click(&format!(
        "tr[data-expert=\"{expert}\"] td[data-topic=\"{topic}\"]"
    ));
    browser.wait_for("!document.getElementById('evidence').hidden");
    let mut shown = browser.texts("#evidence-list li q");
    assert_eq!(shown.len() as u64, n.min(20));
    shown.sort();
    assert_eq!(shown, cell_texts(&lines, expert, &topic));
    let p = browser.eval(
        "return Array.from(document.querySelectorAll('#evidence-list li .p')).map(e => Number(e.dataset.p));",
    );
    let p: Vec<f64> = p
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "strongest first: {p:?}");
    browser.screenshot("report-seed-evidence");

    // Its link opens the article with every attributed sentence highlighted in order.
    browser.click("#evidence-list li a.article");
    browser.wait_for("!document.getElementById('articles').hidden");
    assert_eq!(browser.texts("#article-text mark"), quote_texts(&lines));
    let speakers = browser.texts("#article-text .who");
    let written: Vec<&str> = of_type(&lines, "quote")
        .iter()
        .map(|q| q["speaker"].as_str().unwrap())
        .collect();
    assert_eq!(speakers, written);

    // Hovering a sentence shows its probabilities and strongest terms.
    browser.hover("#article-text mark");
    browser.wait_for("!document.getElementById('tip').hidden");
    let tip = browser.texts("#tip")[0].clone();
    let first = of_type(&lines, "quote")[0];
    for (label, p) in first["probabilities"].as_object().unwrap() {
        let p = format!("{:.3}", p.as_f64().unwrap());
        assert!(
            tip.contains(label) && tip.contains(&p),
            "{label} {p} in {tip}"
        );
    }
    let term = first["explanation"]["terms"][0]["term"].as_str().unwrap();
    assert!(tip.contains(term), "{term} in {tip}");
    browser.screenshot("report-seed-article");
}

#[test]
fn fixture_folder_sorts_filters_and_charts_months() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_dir, lines) = open_report(&browser, FAST, &repo("tests/fixtures/report"));
    let (cells, rows) = heatmap(&browser);
    assert_eq!(cells, expected_cells(&lines));
    let by_name: Vec<String> = {
        let mut names: Vec<String> = rows.clone();
        names.sort();
        names
    };
    assert_eq!(rows, by_name, "sorted by name first");
    assert_eq!(
        rows.len(),
        4,
        "one expert spelt two ways is one row: {rows:?}"
    );
    let merged = browser.texts("#heatmap th .also");
    assert_eq!(merged, ["also Ilgar Valizade"]);

    // Sorting by sentence count and by score.
    let all: Vec<&Value> = of_type(&lines, "expert")
        .into_iter()
        .filter(|e| e["topic"] == "all")
        .collect();
    let order = |key: &dyn Fn(&Value) -> f64| {
        let mut v: Vec<(f64, String)> = all
            .iter()
            .map(|e| (-key(e), e["speaker"].as_str().unwrap().to_string()))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    let select = |id: &str, value: &str| {
        browser.eval(&format!(
            "const s = document.getElementById('{id}'); s.value = '{value}'; \
             s.dispatchEvent(new Event('change')); return true;"
        ));
    };
    select("sort", "n");
    assert_eq!(heatmap(&browser).1, order(&|e| e["n"].as_f64().unwrap()));
    select("sort", "score");
    assert_eq!(
        heatmap(&browser).1,
        order(&|e| e["score"].as_f64().unwrap())
    );

    // Filtering by a topic shows its column, for the experts who spoke on it.
    let energy = browser.eval(
        "const s = document.getElementById('topic'); \
         return Array.from(s.options).find(o => o.textContent === 'energy').value;",
    );
    select("topic", energy.as_str().unwrap());
    let (cells, _) = heatmap(&browser);
    let expected: BTreeSet<_> = expected_cells(&lines)
        .into_iter()
        .filter(|c| c.1 == "energy")
        .collect();
    assert_eq!(cells, expected);
    browser.screenshot("report-fixture-overview-energy");

    // Over time: a point per expert and month of the dated sentences; the rest counted.
    browser.click("#tabs a[data-view=time]");
    browser.wait_for("document.querySelector('#chart') !== null");
    let experts = experts_by_spelling(&lines);
    let mut points = BTreeSet::new();
    let mut undated = 0;
    for q in of_type(&lines, "quote") {
        let expert = experts[q["speaker"].as_str().unwrap()].clone();
        match q["date"].as_str() {
            Some(d) => {
                points.insert((expert, d[..7].to_string()));
            }
            None => undated += 1,
        }
    }
    assert_eq!(undated, 4, "04-border-talks has a dateline without a year");
    let shown = browser.eval(
        "return Array.from(document.querySelectorAll('#chart circle')).map(c => [c.dataset.expert, c.dataset.month]);",
    );
    let shown: BTreeSet<(String, String)> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(shown, points);
    assert_eq!(
        browser.texts("#undated"),
        [format!(
            "{undated} sentences without a date (not on the chart)"
        )]
    );
    browser.screenshot("report-fixture-time");
}

#[test]
fn explicit_dates_win_and_bad_dates_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let folder = repo("tests/fixtures/report");
    let map = dir.path().join("dates.tsv");
    std::fs::write(&map, "article\tdate\n03-grid-link.txt\t2024-09\n").unwrap();
    let page = report(
        dir.path(),
        FAST,
        &[
            folder.to_str().unwrap(),
            "--date",
            "04-border-talks.txt=2024-06-03",
            "--dates",
            map.to_str().unwrap(),
        ],
    );
    let timeline = block(&page, "timeline");
    assert_eq!(timeline["undated"], 0);
    assert_eq!(
        timeline["months"],
        json!(["2024-03", "2024-04", "2024-06", "2024-09"])
    );
    let err = stderr_of(
        stance()
            .args(["report", "--model", FAST, "--out"])
            .arg(dir.path().join("r.html"))
            .arg(&folder)
            .args(["--date", "x.txt=16 May"])
            .current_dir(repo(".")),
        2,
    );
    assert!(
        err.contains("--date \"x.txt=16 May\"") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
}

/// No markup from the data ran: no image was made, no payload set `window.__pwned`.
fn unharmed(browser: &Browser) {
    let found = browser.eval("return [document.querySelectorAll('img').length, window.__pwned];");
    assert_eq!(found, json!([0, null]));
}

/// `(expert, topic, n)` of the page's experts block.
fn page_cells(page: &Path) -> BTreeSet<(String, String, u64)> {
    let topics = block(page, "meta")["topics"].clone();
    let mut cells = BTreeSet::new();
    for row in block(page, "experts").as_array().unwrap() {
        for c in row[2].as_array().unwrap() {
            let topic = topics[c[0].as_u64().unwrap() as usize].as_str().unwrap();
            let expert = row[0].as_str().unwrap().to_string();
            cells.insert((expert, topic.to_string(), c[1].as_u64().unwrap()));
        }
    }
    cells
}

#[test]
fn uncertain_sentences_stay_out_of_the_cells() {
    let dir = tempfile::tempdir().unwrap();
    let folder = repo("tests/fixtures/report");
    let args = [folder.to_str().unwrap(), "--min-confidence", "0.7"];
    let page = report(dir.path(), FAST, &args);
    let lines = scored(FAST, &args);
    assert_eq!(page_cells(&page), expected_cells(&lines));
    let uncertain = of_type(&lines, "quote")
        .iter()
        .filter(|q| q["stance"] == "uncertain")
        .count();
    assert!(uncertain > 0);
    let sentences = block(&page, "sentences");
    let marked = sentences
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s[3] == -1)
        .count();
    assert_eq!(marked, uncertain);
}

#[test]
fn labels_without_polarity_colour_cells_by_stance() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = crate::labels::relabelled(dir.path(), "fomc.jsonl", 450, crate::labels::fomc);
    let model = dir.path().join("fomc.json");
    crate::labels::train(&data, &model, &[]);
    let out = dir.path().join("r.html");
    let quotes = [
        "--text-field",
        "sentence",
        "--quotes",
        data.to_str().unwrap(),
    ];
    stance()
        .arg("report")
        .arg("--model")
        .arg(&model)
        .args(quotes)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let mut cmd = stance();
    cmd.args(["score", "--format", "jsonl", "--model"])
        .arg(&model)
        .args(quotes);
    let lines = json_lines(&stdout_of(&mut cmd));
    browser.open(&out);
    assert_eq!(heatmap(&browser).0, expected_cells(&lines));
    assert_eq!(browser.texts("#legend .swatch").len(), 3);
    // Each cell's title names its stance, the expert line's.
    let titles = browser.eval(
        "return Array.from(document.querySelectorAll('#heatmap td[data-n]:not(.empty)'))\
         .map(td => [td.closest('tr').dataset.expert, td.dataset.topic, td.title]);",
    );
    for t in titles.as_array().unwrap() {
        let expert = of_type(&lines, "expert")
            .into_iter()
            .find(|e| e["speaker"] == t[0] && e["topic"] == t[1])
            .unwrap();
        let stance = format!(": {} (P", expert["stance"].as_str().unwrap());
        assert!(t[2].as_str().unwrap().contains(&stance), "{t}");
    }
    browser.screenshot("report-labels-overview");
}

#[test]
fn hostile_markup_in_sentences_and_names_shows_as_text() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let payload =
        "<script>window.__pwned=1</script> and \"><img src=x onerror=\"window.__pwned=2\">";
    let article = dir.path().join("hostile.txt");
    let (script, img) = (
        "<script>window.__pwned=1</script>",
        "'><img src=x onerror=window.__pwned=2>",
    );
    std::fs::write(
        &article,
        format!(
            "Markup in the news\nLONDON, May 2, 2024. A reader sent us this.\n\"Prices will rise, \
             as {script} shows clearly,\" said Anna Keller, an economist at the Old Bank.\n\
             \"Nothing is safe from {img} tricks,\" Keller said.\n"
        ),
    )
    .unwrap();
    let page = report(dir.path(), FAST, &[article.to_str().unwrap()]);
    browser.open(&page);
    show_articles(&browser);
    let marks = browser.texts("#article-text mark");
    assert!(
        marks[0].contains(script) && marks[1].contains(img),
        "{marks:?}"
    );
    let text = browser.texts("#article-text")[0].clone();
    assert!(text.contains(script) && text.contains(img), "{text}");
    browser.hover("#article-text mark");
    unharmed(&browser);
    browser.screenshot("report-hostile-article");

    // A speaker's name with markup, from quote records.
    let records = dir.path().join("q.jsonl");
    let name = "Eve \"><img src=x onerror=window.__pwned=3> <script>window.__pwned=4</script>";
    let line = json!({"speaker": name, "text": format!("Markets will grow {payload} next year.")});
    std::fs::write(&records, format!("{line}\n{line}\n")).unwrap();
    let page = report(dir.path(), FAST, &["--quotes", records.to_str().unwrap()]);
    browser.open(&page);
    assert_eq!(browser.texts("#heatmap tbody th"), [name]);
    browser.click("#heatmap td[data-topic=all]");
    browser.wait_for("!document.getElementById('evidence').hidden");
    assert!(browser.texts("#evidence-list li q")[0].contains(payload));
    unharmed(&browser);
}

#[test]
fn many_experts_and_sentences_come_a_page_at_a_time() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("q.jsonl");
    let record = |speaker: String, text: String| json!({"speaker": speaker, "text": text});
    let mut lines: Vec<String> = (0..120)
        .map(|i| record(format!("Expert Number{i:03}"), "Trade will grow.".into()).to_string())
        .collect();
    let many: Vec<String> = (0..45)
        .map(|i| format!("Trade will grow by {i} percent next year."))
        .collect();
    lines.extend(
        many.iter()
            .map(|t| record("Zed Many".into(), t.clone()).to_string()),
    );
    std::fs::write(&records, lines.join("\n")).unwrap();
    let page = report(dir.path(), FAST, &["--quotes", records.to_str().unwrap()]);
    browser.open(&page);
    assert_eq!(heatmap(&browser).1.len(), 50);
    browser.click("#rows-pager .next");
    browser.click("#rows-pager .next");
    let rows = heatmap(&browser).1;
    assert_eq!(rows.len(), 21);
    assert_eq!(
        (&rows[0][..], &rows[20][..]),
        ("Expert Number100", "Zed Many")
    );
    assert!(browser.texts("#rows-pager")[0].contains("101–121 of 121"));

    // The evidence of a cell of 45 sentences: 20, 20 and 5.
    browser.click("tr[data-expert=\"Zed Many\"] td[data-topic=all]");
    browser.wait_for("!document.getElementById('evidence').hidden");
    let mut seen = Vec::new();
    for (page, n) in [(1, 20), (2, 20), (3, 5)] {
        let shown = browser.texts("#evidence-list li q");
        assert_eq!(shown.len(), n, "page {page}");
        seen.extend(shown);
        if page < 3 {
            browser.click("#evidence-pager .next");
        }
    }
    seen.sort();
    let mut expected = many.clone();
    expected.sort();
    assert_eq!(seen, expected);
}

#[test]
fn the_default_model_reports_the_seed_article() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_dir, lines) = open_report(&browser, "models/default.json", &seed());
    assert_eq!(heatmap(&browser).0, expected_cells(&lines));
    // The overview with a cell's evidence (docs/report-overview.png is this view, of a page
    // written from the repository folder so that the article's path is short).
    browser.click("#heatmap td[data-topic=all]");
    browser.wait_for("!document.getElementById('evidence').hidden");
    browser.screenshot("report-overview");
    show_articles(&browser);
    assert_eq!(browser.texts("#article-text mark"), quote_texts(&lines));
}

#[test]
fn scored_output_is_read_back_with_the_same_experts() {
    let dir = tempfile::tempdir().unwrap();
    let folder = repo("tests/fixtures/report");
    let lines = scored(FAST, &[folder.to_str().unwrap()]);
    // One article moved away since it was scored: its sentences stay, its text is not there.
    let text: Vec<String> = lines
        .iter()
        .map(|l| l.to_string().replace("04-border-talks.txt", "gone.txt"))
        .collect();
    let input = dir.path().join("scored.jsonl");
    std::fs::write(&input, text.join("\n")).unwrap();
    let out = dir.path().join("r.html");
    stance()
        .args(["report", "--scored"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(page_cells(&out), expected_cells(&lines));
    let articles = block(&out, "articles");
    let has_text: Vec<(String, bool)> = articles
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a[0].as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                a[2].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        has_text.iter().filter(|(_, t)| !t).collect::<Vec<_>>(),
        [&("gone.txt".to_string(), false)]
    );

    // In the browser, the moved article lists its sentences and says its text is missing.
    if let Some(browser) = Browser::start() {
        let gone = has_text.iter().position(|(_, t)| !t).unwrap();
        browser.open(&out);
        browser.eval(&format!("location.hash = '#article={gone}'; return true;"));
        browser.wait_for("document.querySelector('#article-sentences mark') !== null");
        assert!(browser.texts("#article-note")[0].contains("not available"));
        let moved: Vec<String> = of_type(&lines, "quote")
            .iter()
            .filter(|q| {
                q["article"]
                    .as_str()
                    .unwrap()
                    .ends_with("04-border-talks.txt")
            })
            .map(|q| q["text"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(browser.texts("#article-sentences mark"), moved);
    }

    // A line that is not JSON is named by file and line.
    std::fs::write(&input, format!("{}\nnot json\n", text[0])).unwrap();
    let err = stderr_of(
        stance()
            .args(["report", "--scored"])
            .arg(&input)
            .arg("--out")
            .arg(&out),
        2,
    );
    assert!(err.contains("scored.jsonl:2: malformed JSON"), "{err}");
}

#[test]
fn a_bad_record_stops_the_report_or_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("q.jsonl");
    let good = json!({"speaker": "Ann Lee", "text": "Growth will be strong next year."});
    std::fs::write(&records, format!("{good}\nnot json\n{good}\n")).unwrap();
    let out = dir.path().join("r.html");
    let mut cmd = stance();
    cmd.args(["report", "--model", FAST, "--quotes"])
        .arg(&records)
        .arg("--out")
        .arg(&out)
        .current_dir(repo("."));
    let err = stderr_of(&mut cmd, 2);
    assert!(err.contains("q.jsonl:2: malformed JSON"), "{err}");
    assert!(!out.exists(), "no page is left half written");
    let err = stderr_of(cmd.arg("--skip-invalid"), 1);
    assert!(err.contains("skipped") && out.exists(), "{err}");
    assert_eq!(block(&out, "meta")["sentences"], 2);
}

#[test]
fn a_missing_output_folder_is_an_error_before_scoring() {
    let err = stderr_of(
        stance()
            .args([
                "report",
                "--model",
                "/nonexistent/model.json",
                "--out",
                "/nonexistent-dir/r.html",
            ])
            .arg(seed()),
        2,
    );
    assert!(
        err.contains("the folder /nonexistent-dir does not exist"),
        "{err}"
    );
}

/// Opens a large page (`STANCE_REPORT_PAGE`, e.g. the 100,000-sentence one `KEEP_REPORT=FILE
/// scripts/bench_report.sh` keeps) and prints how long its first view and a cell's evidence
/// take; by hand: `STANCE_REPORT_PAGE=/tmp/r.html cargo test --test cli report::large --
/// --ignored --nocapture`. Measured, not asserted: speed is not pinned in tests.
#[test]
#[ignore]
fn large_report_opens() {
    let Ok(page) = std::env::var("STANCE_REPORT_PAGE") else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let started = std::time::Instant::now();
    browser.open(Path::new(&page));
    let opened = started.elapsed();
    let rendered = browser.eval("return window.__rendered;");
    let rows = heatmap(&browser).1.len();
    let clicked = std::time::Instant::now();
    browser.click("#heatmap td[data-topic=all]");
    browser.wait_for("!document.getElementById('evidence').hidden");
    let evidence = clicked.elapsed();
    eprintln!(
        "opened in {opened:?} (first view drawn {rendered} ms after navigation, {rows} rows); \
         a cell's evidence in {evidence:?}"
    );
    browser.screenshot("report-large-overview");
}
