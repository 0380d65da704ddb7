//! JSON Lines: one object a line, each with a `"type"`: `"sentence"` lines from `extract`,
//! `"quote"` lines (in input order, keeping the input's id and extra fields), an `"article"`
//! line after each article's quotes (its tally, also for articles with none), then `"expert"`
//! lines from `score` (`--emit` keeps only the quote and article lines, or only the expert
//! lines). Quote lines are written as sentences are scored, so they carry the
//! speaker as written; the expert lines name each expert and the spellings merged into them
//! (`variants`).

use super::{round4, topic_names, ArticleQuotes, ScoreReport};
use crate::score::aggregate::ExpertTopic;
use crate::score::{ArticleTally, ScoredQuote};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};
use std::io::{self, Write};

pub(super) fn write_extracted(w: &mut dyn Write, articles: &[ArticleQuotes]) -> io::Result<()> {
    for a in articles {
        for q in a.quotes {
            let line = json!({
                "type": "sentence",
                "article": a.article,
                "speaker": q.speaker,
                "text": q.text,
                "span": [q.span.start, q.span.end],
                "kind": q.kind,
                "confidence": q.confidence,
            });
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}

/// Writes the quote lines, then the expert lines, as far as `report.emit` asks for them.
pub(super) fn write_scores(w: &mut dyn Write, report: &ScoreReport) -> io::Result<()> {
    let mut line = Vec::new();
    if report.emit.quotes {
        for q in report.quotes {
            line.clear();
            write_quote(&mut line, q, report.model)?;
            w.write_all(&line)?;
        }
    }
    if report.emit.experts {
        write_experts(w, report.experts)?;
    }
    Ok(())
}

/// Writes the `"expert"` lines.
pub fn write_experts(w: &mut dyn Write, experts: &[ExpertTopic]) -> io::Result<()> {
    for e in experts {
        writeln!(w, "{}", expert_line(e))?;
    }
    Ok(())
}

/// Appends the line of one scored sentence by the model named `model`, newline included.
pub fn write_quote(out: &mut Vec<u8>, q: &ScoredQuote, model: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &QuoteLine(q, model))?;
    out.push(b'\n');
    Ok(())
}

/// Appends the `"article"` line of one article's tally, newline included.
pub fn write_article(out: &mut Vec<u8>, tally: &ArticleTally) -> io::Result<()> {
    let line = json!({
        "type": "article",
        "article": tally.article,
        "date": tally.date,
        "sentences": tally.sentences,
        "speakers": tally.speakers,
    });
    writeln!(out, "{line}")
}

/// The JSON object of one scored sentence by the model named `model`.
pub fn quote_line(q: &ScoredQuote, model: &str) -> Value {
    serde_json::to_value(QuoteLine(q, model)).unwrap_or(Value::Null)
}

/// A scored sentence as a JSON object, serialized straight from the sentence: `type`, `id`,
/// `article`, `speaker`, `text`, `span`, `kind`, `stance`, `score`, `probabilities`, `topics`,
/// `topic_detail`, `model`, `explanation`, then the input's other fields (never overriding
/// these).
struct QuoteLine<'a>(&'a ScoredQuote, &'a str);

impl Serialize for QuoteLine<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let q = self.0;
        let input = &q.input;
        let mut m = s.serialize_map(None)?;
        let mut written: Vec<&str> = vec!["type", "id", "speaker", "text", "stance", "score"];
        m.serialize_entry("type", "quote")?;
        m.serialize_entry("id", &input.id)?;
        if let Some(article) = &input.article {
            m.serialize_entry("article", article)?;
            written.push("article");
        }
        m.serialize_entry("speaker", &input.speaker)?;
        m.serialize_entry("text", &input.text)?;
        if let Some(span) = &input.span {
            m.serialize_entry("span", &[span.start, span.end])?;
            written.push("span");
        }
        if let Some(kind) = input.kind {
            m.serialize_entry("kind", &kind)?;
            written.push("kind");
        }
        m.serialize_entry("stance", &q.stance)?;
        m.serialize_entry("score", &q.score.map(round4))?;
        m.serialize_entry("probabilities", &Probabilities(&q.probabilities))?;
        m.serialize_entry("topics", &topic_names(q))?;
        let detail: Vec<TopicDetail> = q
            .topics
            .iter()
            .map(|t| TopicDetail {
                topic: &t.topic,
                probability: t.probability.map(round4),
                keywords: &t.keywords,
            })
            .collect();
        m.serialize_entry("topic_detail", &detail)?;
        m.serialize_entry("model", self.1)?;
        written.extend(["probabilities", "topics", "topic_detail", "model"]);
        if let Some(e) = &q.explanation {
            m.serialize_entry("explanation", e)?;
            written.push("explanation");
        }
        for (k, v) in &input.extra {
            if !written.contains(&k.as_str()) {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// `{label: probability}` in model order.
struct Probabilities<'a>(&'a [(String, f64)]);

impl Serialize for Probabilities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (label, p) in self.0 {
            m.serialize_entry(label, &round4(*p))?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct TopicDetail<'a> {
    topic: &'a str,
    probability: Option<f64>,
    keywords: &'a [String],
}

/// The JSON object of one (expert, topic) aggregate.
pub fn expert_line(e: &ExpertTopic) -> Value {
    let evidence: Vec<Value> = e
        .evidence
        .iter()
        .map(|ev| json!({"id": ev.id, "text": ev.text, "probability": round4(ev.probability)}))
        .collect();
    json!({
        "type": "expert",
        "speaker": e.speaker,
        "variants": e.variants,
        "topic": e.topic,
        "stance": e.stance,
        "score": e.score.map(round4),
        "probabilities": Probabilities(&e.probabilities),
        "n": e.n,
        "evidence": evidence,
    })
}
