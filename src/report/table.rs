//! Aligned plain-text tables for a terminal, fitted into its width ([`layout`]): experts by
//! topic with stance, its mean probability, score, sentence count and the strongest evidence
//! quotes (one a line, as many as the aggregates kept), over all articles or article by
//! article; sentences with their stance and topics when asked for.

use super::layout::{self, clip, one_line, Column, Fit, Row};
use super::{round4, topic_names, ArticleExperts, ArticleQuotes, ScoreReport};
use crate::score::aggregate::ExpertTopic;
use crate::score::ScoredQuote;
use std::io::{self, Write};

/// Longest text shown in a cell of `extract`'s table, in characters.
const EXTRACT_TEXT: usize = 90;

pub(super) fn write_extracted(w: &mut dyn Write, articles: &[ArticleQuotes]) -> io::Result<()> {
    let columns = [
        Column::new("ARTICLE", Fit::Start),
        Column::new("SPEAKER", Fit::End),
        Column::new("KIND", Fit::Keep),
        Column::new("CONF", Fit::Keep),
        Column::new("SPAN", Fit::Keep),
        Column::new("TEXT", Fit::End),
    ];
    let mut rows = Vec::new();
    for a in articles {
        for q in a.quotes {
            rows.push(cells([
                a.article.to_string(),
                q.speaker.clone(),
                q.kind.as_str().to_string(),
                format!("{:.2}", q.confidence),
                format!("{}..{}", q.span.start, q.span.end),
                clip(&one_line(&q.text), EXTRACT_TEXT, Fit::End),
            ]));
        }
    }
    layout::print(w, &columns, &rows, None)
}

pub(super) fn write_scores(w: &mut dyn Write, report: &ScoreReport) -> io::Result<()> {
    let mut sections = 0;
    if report.emit.quotes {
        write_sentences(w, report.quotes, report.width)?;
        sections += 1;
    }
    if !report.emit.experts {
        return Ok(());
    }
    let Some(articles) = report.by_article else {
        if !report.experts.is_empty() {
            if sections > 0 {
                writeln!(w)?;
            }
            write_experts(w, report.experts, report.width)?;
        }
        return Ok(());
    };
    for a in articles {
        if sections > 0 {
            writeln!(w)?;
        }
        sections += 1;
        write_article(w, a, report.width)?;
    }
    Ok(())
}

/// One article's heading line, then its expert rows.
fn write_article(w: &mut dyn Write, a: &ArticleExperts, width: Option<usize>) -> io::Result<()> {
    let what = match (a.sentences, a.experts.is_empty()) {
        (0, _) => "no attributed sentences".to_string(),
        (1, true) => "1 attributed sentence, uncertain: no expert rows".to_string(),
        (n, true) => format!("{n} attributed sentences, all uncertain: no expert rows"),
        (1, false) => "1 attributed sentence".to_string(),
        (n, false) => format!("{n} attributed sentences"),
    };
    // The path gives way to the count, from its start.
    let room = width.map_or(usize::MAX, |w| w.saturating_sub(what.chars().count() + 2));
    writeln!(w, "{}: {what}", clip(&a.article, room.max(1), Fit::Start))?;
    if a.experts.is_empty() {
        return Ok(());
    }
    write_experts(w, &a.experts, width)
}

/// The sentence table.
fn write_sentences(
    w: &mut dyn Write,
    quotes: &[ScoredQuote],
    width: Option<usize>,
) -> io::Result<()> {
    let columns = [
        Column::new("ID", Fit::Start),
        Column::new("SPEAKER", Fit::End),
        Column::new("STANCE", Fit::Keep),
        Column::new("SCORE", Fit::Keep),
        Column::new("TOPICS", Fit::End),
        Column::new("TEXT", Fit::End),
    ];
    let rows: Vec<Row> = quotes
        .iter()
        .map(|q| {
            cells([
                q.input.id.clone().unwrap_or_default(),
                q.input.speaker.clone().unwrap_or_default(),
                q.stance.clone(),
                signed(q.score),
                topic_names(q).join(","),
                one_line(&q.input.text),
            ])
        })
        .collect();
    layout::print(w, &columns, &rows, width)
}

/// The expert table: the name on the first row of each expert (the spellings merged into it on
/// the line below), and under the evidence column every evidence quote the row kept, one a line.
/// Without evidence (`--evidence 0`) the column is left out.
fn write_experts(
    w: &mut dyn Write,
    experts: &[ExpertTopic],
    width: Option<usize>,
) -> io::Result<()> {
    let with_evidence = experts.iter().any(|e| !e.evidence.is_empty());
    let mut columns = vec![
        Column::new("EXPERT", Fit::End),
        Column::new("TOPIC", Fit::End),
        Column::new("STANCE", Fit::Keep),
        Column::new("P", Fit::Keep),
        Column::new("SCORE", Fit::Keep),
        Column::new("N", Fit::Keep),
    ];
    if with_evidence {
        columns.push(Column::new("STRONGEST EVIDENCE", Fit::End));
    }
    let mut rows = Vec::new();
    let mut previous = "";
    for e in experts {
        let mut name = Vec::new();
        if e.speaker != previous {
            name.push(e.speaker.clone());
            if !e.variants.is_empty() {
                name.push(format!("(also {})", e.variants.join(", ")));
            }
        }
        previous = &e.speaker;
        let mut row = vec![
            name,
            vec![e.topic.clone()],
            vec![e.stance.clone()],
            vec![stance_probability(e)],
            vec![signed(e.score)],
            vec![e.n.to_string()],
        ];
        if with_evidence {
            let quotes = e
                .evidence
                .iter()
                .map(|ev| format!("\"{}\"", one_line(&ev.text)));
            row.push(quotes.collect());
        }
        rows.push(row);
    }
    layout::print(w, &columns, &rows, width)
}

/// The row's mean probability of its stance.
fn stance_probability(e: &ExpertTopic) -> String {
    let p = e.probabilities.iter().find(|(l, _)| *l == e.stance);
    p.map_or_else(|| "-".into(), |(_, p)| format!("{:.2}", round4(*p)))
}

/// A row of one-line cells.
fn cells<const N: usize>(values: [String; N]) -> Row {
    values.into_iter().map(|v| vec![v]).collect()
}

fn signed(score: Option<f64>) -> String {
    score.map_or_else(|| "-".into(), |s| format!("{:+.2}", round4(s)))
}
