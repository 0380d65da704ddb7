//! `stance extract --gold`: judge the extraction against gold files, one row per article and a
//! total, and with `--show-errors` the sentences behind each article's score. Gold is paired
//! with articles by name (`stance::gold::pair_by_name`); what pairs with nothing is named on
//! standard error and makes the run fall short, instead of being scored 0.

use super::{extract_from, ExtractArgs};
use crate::cli::{article_paths, Outcome};
use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use stance::extract::Extracted;
use stance::gold::{pair_by_name, read_gold_articles, Comparison, ExtractionScore, GoldSentence};
use stance::output::Format;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One judged article: its name as printed, its gold and what was extracted.
struct Judged {
    article: String,
    gold: Vec<GoldSentence>,
    quotes: Vec<Extracted>,
}

pub(super) fn run(args: &ExtractArgs, format: Format) -> Result<Outcome> {
    ensure!(
        !(args.show_errors && format == Format::Csv),
        "--show-errors lists sentences in the table and JSON Lines outputs, not in CSV"
    );
    // `--gold a.jsonl b.jsonl ARTICLE...`: the gold files after the first land among the inputs.
    let (gold_inputs, inputs): (Vec<PathBuf>, Vec<PathBuf>) =
        args.articles.iter().cloned().partition(|p| is_jsonl(p));
    let mut gold = Vec::new();
    for file in gold_files(args.gold.iter().chain(&gold_inputs))? {
        gold.extend(read_gold_articles(&file)?);
    }
    let articles = article_paths(&inputs)?;
    ensure!(!articles.is_empty(), "no article to judge among the inputs");
    let pairing = pair_by_name(&articles, gold)?;
    if pairing.pairs.is_empty() {
        let names: Vec<String> = pairing
            .without_article
            .iter()
            .map(|g| format!("{:?} ({})", g.name, g.file.display()))
            .collect();
        bail!(
            "no gold pairs with an article: the articles are {}; the gold is for {}. {PAIRING}",
            list(articles.iter().map(|p| p.display().to_string())),
            list(names.into_iter())
        );
    }
    for &i in &pairing.without_gold {
        eprintln!(
            "stance: no gold for article {}; not scored. {PAIRING}",
            articles[i].display()
        );
    }
    for g in &pairing.without_article {
        eprintln!(
            "stance: gold for {:?} ({}) pairs with no article given; not scored",
            g.name,
            g.file.display()
        );
    }
    let mut judged = Vec::new();
    for (i, g) in pairing.pairs {
        judged.push(Judged {
            article: articles[i].display().to_string(),
            gold: g.sentences,
            quotes: extract_from(&articles[i], args.min_confidence)?,
        });
    }
    let rows: Vec<(&str, Comparison)> = judged
        .iter()
        .map(|j| (j.article.as_str(), Comparison::new(&j.gold, &j.quotes)))
        .collect();
    let mut out = std::io::stdout().lock();
    match format {
        Format::Table => write_table(&mut out, &rows, args.show_errors)?,
        Format::Csv => write_csv(&mut out, &rows)?,
        Format::Jsonl => write_jsonl(&mut out, &rows, args.show_errors)?,
    }
    let unpaired = !pairing.without_gold.is_empty() || !pairing.without_article.is_empty();
    let short = args
        .min_f1
        .is_some_and(|min| rows.iter().any(|(_, c)| c.score().f1 < min));
    Ok(if short || unpaired {
        Outcome::FellShort
    } else {
        Outcome::Done
    })
}

const PAIRING: &str = "Gold pairs with articles by name: a gold record's \"article\" field, else \
                       the gold file's name, matched to the article file's name.";

fn is_jsonl(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"))
}

/// Gold files as given, folders replaced by their `.jsonl` files (sorted); each file once.
fn gold_files<'a>(inputs: impl Iterator<Item = &'a PathBuf>) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = Vec::new();
    for input in inputs {
        let mut found = vec![input.clone()];
        if input.is_dir() {
            found = std::fs::read_dir(input)
                .with_context(|| format!("cannot read gold folder {}", input.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| !p.is_dir() && is_jsonl(p))
                .collect();
            found.sort();
            ensure!(
                !found.is_empty(),
                "no .jsonl gold files in {}",
                input.display()
            );
        }
        for file in found {
            if !out.contains(&file) {
                out.push(file);
            }
        }
    }
    Ok(out)
}

/// "a, b and 3 more" for an error message.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.len() {
        n if n > 5 => format!("{} and {} more", items[..4].join(", "), n - 4),
        _ => items.join(", "),
    }
}

/// Every article's score, then the total (the sums of their counts).
fn scores<'r>(rows: &'r [(&'r str, Comparison)]) -> Vec<(&'r str, ExtractionScore)> {
    let mut out: Vec<(&str, ExtractionScore)> =
        rows.iter().map(|(name, c)| (*name, c.score())).collect();
    let total = out
        .iter()
        .fold(ExtractionScore::default(), |acc, (_, s)| acc.add(s));
    out.push(("total", total));
    out
}

/// A ratio, or "-" where it is undefined.
fn cell(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.3}"))
}

fn write_table(out: &mut dyn Write, rows: &[(&str, Comparison)], errors: bool) -> Result<()> {
    writeln!(
        out,
        "{:<40} {:>5} {:>9} {:>9} {:>6} {:>6} {:>10}",
        "ARTICLE", "GOLD", "EXTRACTED", "PRECISION", "RECALL", "F1", "ATTRIBUTED"
    )?;
    for (name, s) in scores(rows) {
        writeln!(
            out,
            "{name:<40} {:>5} {:>9} {:>9} {:>6} {:>6.3} {:>10}",
            s.gold,
            s.extracted,
            cell(s.precision),
            cell(s.recall),
            s.f1,
            cell(s.attributed)
        )?;
    }
    if !errors {
        return Ok(());
    }
    for (name, c) in rows {
        let (missed, spurious, wrong) = (c.missed.len(), c.spurious.len(), c.misattributed.len());
        if missed + spurious + wrong == 0 {
            continue;
        }
        writeln!(
            out,
            "\n{name}: {missed} missed, {spurious} spurious, {wrong} misattributed"
        )?;
        let mut line = |kind: &str, speaker: &str, text: &str| {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            writeln!(out, "  {kind:<14} {speaker}: {text}")
        };
        for g in &c.missed {
            line("missed", &g.speaker, &g.text)?;
        }
        for e in &c.spurious {
            line("spurious", &e.speaker, &e.text)?;
        }
        for (g, e) in &c.misattributed {
            let speaker = format!("{} (gold: {})", e.speaker, g.speaker);
            line("misattributed", &speaker, &e.text)?;
        }
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, rows: &[(&str, Comparison)]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "article",
        "gold",
        "extracted",
        "correct",
        "found",
        "precision",
        "recall",
        "f1",
        "attributed",
    ])?;
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.4}"));
    for (name, s) in scores(rows) {
        let n = [s.gold, s.extracted, s.correct, s.found].map(|v| v.to_string());
        let r = [s.precision, s.recall, Some(s.f1), s.attributed].map(cell);
        w.write_record(std::iter::once(name.to_string()).chain(n).chain(r))?;
    }
    w.flush()?;
    Ok(())
}

fn write_jsonl(out: &mut dyn Write, rows: &[(&str, Comparison)], errors: bool) -> Result<()> {
    let scores = scores(rows);
    for ((name, s), (_, c)) in scores.iter().zip(rows) {
        writeln!(
            out,
            "{}",
            json!({"type": "article", "article": name, "score": s})
        )?;
        if errors {
            for line in error_lines(name, c) {
                writeln!(out, "{line}")?;
            }
        }
    }
    let (_, total) = scores.last().expect("scores end with the total");
    writeln!(out, "{}", json!({"type": "total", "score": total}))?;
    Ok(())
}

/// The `missed`, `spurious` and `misattributed` lines of one article.
fn error_lines(article: &str, c: &Comparison) -> Vec<Value> {
    let extracted = |kind: &str, e: &Extracted| {
        json!({
            "type": kind,
            "article": article,
            "speaker": e.speaker,
            "text": e.text,
            "span": [e.span.start, e.span.end],
            "kind": e.kind,
            "confidence": e.confidence,
        })
    };
    let missed = c.missed.iter().map(|g| {
        json!({"type": "missed", "article": article, "speaker": g.speaker, "text": g.text,
               "kind": g.kind})
    });
    let spurious = c.spurious.iter().map(|e| extracted("spurious", e));
    let wrong = c.misattributed.iter().map(|(g, e)| {
        let mut line = extracted("misattributed", e);
        line["gold_speaker"] = g.speaker.clone().into();
        line
    });
    missed.chain(spurious).chain(wrong).collect()
}
