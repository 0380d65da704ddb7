//! CSV with a header row. `score` writes one table for both kinds of row, told apart by the
//! `type` column (`quote` or `expert`); cells that do not apply to a row are empty.

use super::{round4, topic_names, ArticleQuotes, ScoreReport};
use crate::score::aggregate::ExpertTopic;
use crate::score::ScoredQuote;
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

pub(super) fn write_scores(w: &mut dyn Write, report: &ScoreReport) -> io::Result<()> {
    let mut out = Vec::new();
    write_header(&mut out, report.labels)?;
    for q in report.quotes {
        write_quote(&mut out, q, report.labels)?;
    }
    write_experts(&mut out, report.experts, report.labels)?;
    w.write_all(&out)
}

/// A CSV writer appending to `out`, without a header of its own.
fn rows(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out)
}

/// Appends the header row.
pub fn write_header(out: &mut Vec<u8>, labels: &[String]) -> io::Result<()> {
    let mut header: Vec<String> = [
        "type", "id", "article", "speaker", "topic", "text", "start", "end", "kind", "stance",
        "score",
    ]
    .map(String::from)
    .to_vec();
    header.extend(labels.iter().map(|l| format!("p_{l}")));
    header.extend(["n", "evidence", "variants", "explanation"].map(String::from));
    let mut w = rows(out);
    w.write_record(&header)?;
    w.flush()
}

fn fmt(x: Option<f64>) -> String {
    x.map(|v| round4(v).to_string()).unwrap_or_default()
}

/// Appends the row of one scored sentence.
pub fn write_quote(out: &mut Vec<u8>, q: &ScoredQuote, labels: &[String]) -> io::Result<()> {
    let span = q.input.span.clone();
    let kind = q.input.kind.map_or("", |k| k.as_str()).to_string();
    let mut row = vec![
        "quote".to_string(),
        q.input.id.clone().unwrap_or_default(),
        q.input.article.clone().unwrap_or_default(),
        q.input.speaker.clone().unwrap_or_default(),
        topic_names(q).join(";"),
        q.input.text.clone(),
        span.as_ref()
            .map(|s| s.start.to_string())
            .unwrap_or_default(),
        span.as_ref().map(|s| s.end.to_string()).unwrap_or_default(),
        kind,
        q.stance.clone(),
        fmt(q.score),
    ];
    row.extend(labels.iter().map(|l| fmt(Some(q.probability(l)))));
    let explanation = q.explanation.as_ref().map(|e| {
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
    });
    row.extend([
        String::new(),
        String::new(),
        String::new(),
        explanation.unwrap_or_default(),
    ]);
    let mut w = rows(out);
    w.write_record(&row)?;
    w.flush()
}

/// Appends the rows of the (expert, topic) aggregates.
pub fn write_experts(
    out: &mut Vec<u8>,
    experts: &[ExpertTopic],
    labels: &[String],
) -> io::Result<()> {
    let mut w = rows(out);
    for e in experts {
        let mut row = vec![
            "expert".to_string(),
            String::new(),
            String::new(),
            e.speaker.clone(),
            e.topic.clone(),
        ];
        row.extend([String::new(), String::new(), String::new(), String::new()]);
        row.extend([e.stance.clone(), fmt(e.score)]);
        row.extend(labels.iter().map(|_| String::new()));
        let evidence: Vec<&str> = e.evidence.iter().map(|ev| ev.text.as_str()).collect();
        row.extend([
            e.n.to_string(),
            evidence.join(" | "),
            e.variants.join(" | "),
            String::new(),
        ]);
        w.write_record(&row)?;
    }
    w.flush()
}
