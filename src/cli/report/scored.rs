//! `report --scored`: reads `stance score --format jsonl` output back, quote lines only (the
//! article and expert lines are what the quote lines make again), one line at a time.

use super::dates::Dates;
use anyhow::{anyhow, Context, Result};
use serde_json::{Map, Value};
use stance::explain::{Explanation, TermWeight};
use stance::output::html::data::ReportData;
use stance::score::{QuoteInput, ScoredQuote};
use stance::topics::TopicHit;
use std::io::BufRead;
use std::path::Path;

/// What a file of scored sentences gave.
pub struct Scored {
    pub data: ReportData,
    /// The model that scored them, as the quote lines name it.
    pub model: String,
    /// Bad lines passed over (with --skip-invalid).
    pub skipped: usize,
}

/// Reads the quote lines of `path` (- for standard input). A line that is not JSON, or a quote
/// line without its text or probabilities, stops the read with its file and line, or with
/// `skip_invalid` is reported and passed over.
pub fn read(path: &Path, dates: &Dates, skip_invalid: bool) -> Result<Scored> {
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut scored = Scored {
        data: ReportData::new(&[], &[]),
        model: String::new(),
        skipped: 0,
    };
    scored.data.open_topics = true;
    for (i, line) in reader.lines().enumerate() {
        let place = || format!("{}:{}", path.display(), i + 1);
        let line = line.with_context(place)?;
        if line.trim().is_empty() {
            continue;
        }
        match quote(&line) {
            Ok(None) => {}
            Ok(Some((q, model))) => {
                if scored.data.labels.is_empty() {
                    scored.data.labels = q.probabilities.iter().map(|(l, _)| l.clone()).collect();
                    scored.model = model;
                }
                dates.add(&mut scored.data, &q);
            }
            Err(e) if skip_invalid => {
                eprintln!("stance: skipped {}: {e}", place());
                scored.skipped += 1;
            }
            Err(e) => return Err(anyhow!("{}: {e}", place())),
        }
    }
    Ok(scored)
}

/// The scored sentence of a quote line and the model named in it; `None` for other lines.
fn quote(line: &str) -> Result<Option<(ScoredQuote, String)>> {
    let value: Value = serde_json::from_str(line).context("malformed JSON")?;
    let Value::Object(mut fields) = value else {
        return Err(anyhow!("expected a JSON object"));
    };
    if fields.get("type").and_then(Value::as_str) != Some("quote") {
        return Ok(None);
    }
    let mut take = |k: &str| fields.remove(k).unwrap_or(Value::Null);
    let text = take("text");
    let text = text
        .as_str()
        .ok_or_else(|| anyhow!("a quote line needs its \"text\" (a string)"))?;
    let probabilities: Vec<(String, f64)> = match take("probabilities") {
        Value::Object(p) => p
            .into_iter()
            .map(|(l, p)| (l, p.as_f64().unwrap_or(0.0)))
            .collect(),
        _ => vec![],
    };
    if probabilities.is_empty() {
        return Err(anyhow!(
            "a quote line needs its \"probabilities\" (stance score --format jsonl writes them)"
        ));
    }
    let string = |v: Value| v.as_str().map(String::from);
    let span = take("span");
    let span = match span.as_array().map(|a| a.as_slice()) {
        Some([s, e]) => s
            .as_u64()
            .zip(e.as_u64())
            .map(|(s, e)| s as usize..e as usize),
        _ => None,
    };
    let topics = take("topics");
    let topics = topics.as_array().map_or(&[][..], Vec::as_slice);
    let mut q = ScoredQuote {
        stance: string(take("stance")).unwrap_or_default(),
        score: take("score").as_f64(),
        explanation: explanation(take("explanation")),
        topics: topics
            .iter()
            .filter_map(Value::as_str)
            .map(|t| TopicHit {
                topic: t.to_string(),
                probability: None,
                keywords: vec![],
            })
            .collect(),
        input: QuoteInput {
            id: string(take("id")),
            article: string(take("article")),
            speaker: string(take("speaker")),
            text: text.to_string(),
            span,
            kind: None,
            extra: Map::new(),
        },
        probabilities,
    };
    let model = string(take("model")).unwrap_or_default();
    if let Some(date) = fields.remove("date") {
        q.input.extra.insert("date".into(), date);
    }
    Ok(Some((q, model)))
}

/// The explanation's terms, when the line has one (`score --explain`).
fn explanation(value: Value) -> Option<Explanation> {
    let terms = value.get("terms")?.as_array()?;
    let terms = terms
        .iter()
        .filter_map(|t| {
            Some(TermWeight {
                term: t.get("term")?.as_str()?.to_string(),
                value: t.get("value").and_then(Value::as_f64).unwrap_or(0.0),
                weight: t.get("weight")?.as_f64()?,
            })
        })
        .collect();
    let text = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default();
    let number = |k: &str| value.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    Some(Explanation {
        label: text("label").to_string(),
        versus: text("versus").to_string(),
        margin: number("margin"),
        intercept: number("intercept"),
        encoder: value.get("encoder").and_then(Value::as_f64),
        terms,
    })
}
