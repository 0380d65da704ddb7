//! CSV with a header row, one kind of row per file so that it loads as one data frame: scored
//! sentences (`quote` rows) or (expert, topic) aggregates (`expert` rows), never both.
//!
//! Quote rows: `id` (always set: an article's sentences are `<article>#<n>`, a record without an
//! id is `<file>:<line>`), `article`, `start`, `end` and `kind` for sentences from articles,
//! `speaker`, `topics` (`;`-separated), `text`, `stance`, `score`, `p_<label>` for every label,
//! `explanation` when asked for, then the record's other fields. The header is written before
//! the first row, so those extra columns are the other fields of the first record; a later
//! record's fields beyond them are dropped (the caller is told which, to warn). Fields named like
//! a column of ours are left out, as in JSON Lines.

use super::{round4, topic_names, ArticleQuotes, ScoreReport};
use crate::score::aggregate::ExpertTopic;
use crate::score::ScoredQuote;
use serde_json::{Map, Value};
use std::io::{self, Write};

pub(super) fn write_extracted(w: &mut dyn Write, articles: &[ArticleQuotes]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "article",
        "speaker",
        "kind",
        "confidence",
        "start",
        "end",
        "text",
    ])?;
    for a in articles {
        for q in a.quotes {
            out.write_record([
                a.article,
                &q.speaker,
                q.kind.as_str(),
                &q.confidence.to_string(),
                &q.span.start.to_string(),
                &q.span.end.to_string(),
                &q.text,
            ])?;
        }
    }
    out.flush()
}

/// Writes the quote rows when asked for, else the expert rows.
pub(super) fn write_scores(w: &mut dyn Write, report: &ScoreReport) -> io::Result<()> {
    let mut out = Vec::new();
    if report.emit.quotes {
        let first = report.quotes.first();
        let columns = QuoteColumns::new(
            report.labels,
            first.is_some_and(|q| q.input.article.is_some()),
            report.quotes.iter().any(|q| q.explanation.is_some()),
            first.map(|q| &q.input.extra),
        );
        columns.write_header(&mut out)?;
        for q in report.quotes {
            columns.write_quote(&mut out, q)?;
        }
    } else {
        write_expert_header(&mut out, report.labels)?;
        write_experts(&mut out, report.experts, report.labels)?;
    }
    w.write_all(&out)
}

/// A CSV writer appending to `out`, without a header of its own.
fn rows(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out)
}

fn write_row(out: &mut Vec<u8>, row: &[String]) -> io::Result<()> {
    let mut w = rows(out);
    w.write_record(row)?;
    w.flush()
}

fn fmt(x: Option<f64>) -> String {
    x.map(|v| round4(v).to_string()).unwrap_or_default()
}

/// The columns of a quote file.
#[derive(Debug, Clone)]
pub struct QuoteColumns {
    labels: Vec<String>,
    /// Sentences from articles: with `article`, `start`, `end` and `kind`.
    articles: bool,
    explain: bool,
    /// Our column names, in order.
    own: Vec<String>,
    /// Other fields of the records, from the first.
    extra: Vec<String>,
}

impl QuoteColumns {
    /// The columns for the model's `labels`, for sentences from articles or from records (`first`
    /// giving the first record's other fields), with an `explanation` column or not.
    pub fn new(
        labels: &[String],
        articles: bool,
        explain: bool,
        first: Option<&Map<String, Value>>,
    ) -> QuoteColumns {
        let mut own = vec!["id"];
        if articles {
            own.push("article");
        }
        own.extend(["speaker", "topics", "text"]);
        if articles {
            own.extend(["start", "end", "kind"]);
        }
        own.extend(["stance", "score"]);
        let mut own: Vec<String> = own.into_iter().map(String::from).collect();
        own.extend(labels.iter().map(|l| format!("p_{l}")));
        if explain {
            own.push("explanation".into());
        }
        let extra = first
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|k| !own.contains(k))
            .cloned()
            .collect();
        QuoteColumns {
            labels: labels.to_vec(),
            articles,
            explain,
            own,
            extra,
        }
    }

    /// Appends the header row.
    pub fn write_header(&self, out: &mut Vec<u8>) -> io::Result<()> {
        let names: Vec<String> = self.own.iter().chain(&self.extra).cloned().collect();
        write_row(out, &names)
    }

    /// Appends the row of one scored sentence; returns the names of its fields that have no
    /// column (dropped).
    pub fn write_quote(&self, out: &mut Vec<u8>, q: &ScoredQuote) -> io::Result<Vec<String>> {
        let input = &q.input;
        let mut row = vec![input.id.clone().unwrap_or_default()];
        if self.articles {
            row.push(input.article.clone().unwrap_or_default());
        }
        row.extend([
            input.speaker.clone().unwrap_or_default(),
            topic_names(q).join(";"),
            input.text.clone(),
        ]);
        if self.articles {
            let span = input.span.as_ref();
            row.extend([
                span.map(|s| s.start.to_string()).unwrap_or_default(),
                span.map(|s| s.end.to_string()).unwrap_or_default(),
                input.kind.map_or("", |k| k.as_str()).to_string(),
            ]);
        }
        row.extend([q.stance.clone(), fmt(q.score)]);
        row.extend(self.labels.iter().map(|l| fmt(Some(q.probability(l)))));
        if self.explain {
            row.push(explanation(q));
        }
        row.extend(self.extra.iter().map(|k| cell(input.extra.get(k))));
        write_row(out, &row)?;
        Ok(input
            .extra
            .keys()
            .filter(|k| !self.extra.contains(k) && !self.own.contains(k))
            .cloned()
            .collect())
    }
}

/// A record's field as a cell: strings as they are, `null` empty, anything else as JSON.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `label vs runner-up margin: term weight | ...` with the five strongest terms.
fn explanation(q: &ScoredQuote) -> String {
    let Some(e) = &q.explanation else {
        return String::new();
    };
    let terms: Vec<String> = e
        .top(5)
        .iter()
        .map(|t| format!("{} {:+.3}", t.term, t.weight))
        .collect();
    format!(
        "{} vs {} {:+.3}: {}",
        e.label,
        e.versus,
        e.margin,
        terms.join(" | ")
    )
}

/// Appends the header of an expert file: `speaker`, `variants` (` | `-separated), `topic`,
/// `stance`, `score`, `n`, `p_<label>` for every label, `evidence` and `evidence_ids`
/// (` | `-separated, strongest first).
pub fn write_expert_header(out: &mut Vec<u8>, labels: &[String]) -> io::Result<()> {
    let mut names: Vec<String> = ["speaker", "variants", "topic", "stance", "score", "n"]
        .map(String::from)
        .to_vec();
    names.extend(labels.iter().map(|l| format!("p_{l}")));
    names.extend(["evidence", "evidence_ids"].map(String::from));
    write_row(out, &names)
}

/// Appends the rows of the (expert, topic) aggregates.
pub fn write_experts(
    out: &mut Vec<u8>,
    experts: &[ExpertTopic],
    labels: &[String],
) -> io::Result<()> {
    for e in experts {
        let mut row = vec![
            e.speaker.clone(),
            e.variants.join(" | "),
            e.topic.clone(),
            e.stance.clone(),
            fmt(e.score),
            e.n.to_string(),
        ];
        row.extend(labels.iter().map(|l| fmt(mean_probability(e, l))));
        let texts: Vec<&str> = e.evidence.iter().map(|ev| ev.text.as_str()).collect();
        let ids: Vec<&str> = e
            .evidence
            .iter()
            .map(|ev| ev.id.as_deref().unwrap_or(""))
            .collect();
        row.extend([texts.join(" | "), ids.join(" | ")]);
        write_row(out, &row)?;
    }
    Ok(())
}

/// The row's mean probability of `label`, for its `p_<label>` cell.
fn mean_probability(e: &ExpertTopic, label: &str) -> Option<f64> {
    e.probabilities
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, p)| *p)
}
