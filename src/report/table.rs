//! Aligned plain-text tables for a terminal: experts by topic with stance, score, sentence count
//! and the strongest evidence; sentences with their stance and topics when asked for (or when no
//! sentence has a speaker).

use super::{round4, topic_names, ArticleQuotes, ScoreReport};
use std::io::{self, Write};

/// Longest text shown in a table cell, in characters.
const TEXT_WIDTH: usize = 90;

pub(super) fn write_extracted(w: &mut dyn Write, articles: &[ArticleQuotes]) -> io::Result<()> {
    let mut rows = vec![header(&[
        "ARTICLE", "SPEAKER", "KIND", "CONF", "SPAN", "TEXT",
    ])];
    for a in articles {
        for q in a.quotes {
            let kind = q.kind.as_str().to_string();
            let span = format!("{}..{}", q.span.start, q.span.end);
            rows.push(vec![
                a.article.to_string(),
                q.speaker.clone(),
                kind,
                format!("{:.2}", q.confidence),
                span,
                clip(&q.text),
            ]);
        }
    }
    print_rows(w, &rows)
}

pub(super) fn write_scores(w: &mut dyn Write, report: &ScoreReport) -> io::Result<()> {
    if report.sentences || report.experts.is_empty() {
        let mut rows = vec![header(&[
            "ID", "SPEAKER", "STANCE", "SCORE", "TOPICS", "TEXT",
        ])];
        for q in report.quotes {
            rows.push(vec![
                q.input.id.clone().unwrap_or_default(),
                q.input.speaker.clone().unwrap_or_default(),
                q.stance.clone(),
                signed(q.score),
                topic_names(q).join(","),
                clip(&q.input.text),
            ]);
        }
        print_rows(w, &rows)?;
        if !report.experts.is_empty() {
            writeln!(w)?;
        }
    }
    if report.experts.is_empty() {
        return Ok(());
    }
    let mut rows = vec![header(&[
        "EXPERT",
        "TOPIC",
        "STANCE",
        "SCORE",
        "N",
        "STRONGEST EVIDENCE",
    ])];
    let mut previous = "";
    for e in report.experts {
        let name = if e.speaker == previous {
            String::new()
        } else if e.variants.is_empty() {
            e.speaker.clone()
        } else {
            format!("{} (also {})", e.speaker, e.variants.join(", "))
        };
        previous = &e.speaker;
        let evidence = e
            .evidence
            .first()
            .map(|ev| format!("\"{}\"", clip(&ev.text)))
            .unwrap_or_default();
        rows.push(vec![
            name,
            e.topic.clone(),
            e.stance.clone(),
            signed(e.score),
            e.n.to_string(),
            evidence,
        ]);
    }
    print_rows(w, &rows)
}

fn header(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn signed(score: Option<f64>) -> String {
    score.map_or_else(|| "-".into(), |s| format!("{:+.2}", round4(s)))
}

/// Shortens text to [`TEXT_WIDTH`] characters, ending in an ellipsis when cut.
fn clip(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= TEXT_WIDTH {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(TEXT_WIDTH - 1).collect();
    cut.push('…');
    cut
}

/// Prints rows with every column but the last padded to its widest cell.
fn print_rows(w: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[c] - cell.chars().count() + 2,
                ));
            }
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_long_text_on_a_char_boundary() {
        let long = "é".repeat(200);
        let c = clip(&long);
        assert_eq!(c.chars().count(), TEXT_WIDTH);
        assert!(c.ends_with('…'));
        assert_eq!(clip("a  b\nc"), "a b c");
    }

    #[test]
    fn columns_are_aligned() {
        let mut out = Vec::new();
        let rows = vec![header(&["A", "B"]), vec!["long".into(), "x".into()]];
        print_rows(&mut out, &rows).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "A     B\nlong  x\n");
    }
}
