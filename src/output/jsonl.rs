//! JSON Lines: one object a line, each with a `"type"`: `"sentence"` lines from `extract`,
//! `"quote"` lines (in input order, keeping the input's id and extra fields) then `"expert"`
//! lines from `score`.

use super::{round4, topic_names, ArticleQuotes, ScoreReport};
use crate::aggregate::ExpertTopic;
use crate::score::ScoredQuote;
use serde_json::{json, Map, Value};
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
            });
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}

pub(super) fn write_scores(w: &mut dyn Write, report: &ScoreReport) -> io::Result<()> {
    for q in report.quotes {
        let mut line = quote_line(q);
        if let Some(speaker) = &q.input.speaker {
            let expert = report.speakers.canonical(speaker);
            if expert != speaker {
                line["expert"] = json!(expert);
            }
        }
        writeln!(w, "{line}")?;
    }
    for e in report.experts {
        writeln!(w, "{}", expert_line(e))?;
    }
    Ok(())
}

/// The JSON object of one scored sentence.
pub fn quote_line(q: &ScoredQuote) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "quote".into());
    m.insert("id".into(), json!(q.input.id));
    if let Some(article) = &q.input.article {
        m.insert("article".into(), json!(article));
    }
    m.insert("speaker".into(), json!(q.input.speaker));
    m.insert("text".into(), json!(q.input.text));
    if let Some(span) = &q.input.span {
        m.insert("span".into(), json!([span.start, span.end]));
    }
    if let Some(kind) = q.input.kind {
        m.insert("kind".into(), json!(kind));
    }
    m.insert("stance".into(), json!(q.stance));
    m.insert("score".into(), json!(q.score.map(round4)));
    let probs: Map<String, Value> = q
        .probabilities
        .iter()
        .map(|(l, p)| (l.clone(), json!(round4(*p))))
        .collect();
    m.insert("probabilities".into(), Value::Object(probs));
    m.insert("topics".into(), json!(topic_names(q)));
    let detail: Vec<Value> = q
        .topics
        .iter()
        .map(|t| json!({"topic": t.topic, "probability": t.probability.map(round4), "keywords": t.keywords}))
        .collect();
    m.insert("topic_detail".into(), Value::Array(detail));
    if let Some(e) = &q.explanation {
        m.insert("explanation".into(), json!(e));
    }
    for (k, v) in &q.input.extra {
        m.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(m)
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
        "n": e.n,
        "evidence": evidence,
    })
}
