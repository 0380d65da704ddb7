//! `stance extract`: print every sentence attributed to a named person, with its speaker, byte
//! span and kind; with `--gold`, judge the extraction against gold files instead.

use super::{article_paths, read_article, resolve_format, FormatArg, Outcome};
use anyhow::{ensure, Result};
use clap::Args;
use serde_json::json;
use stance::extract::extract;
use stance::gold::{read_gold, ExtractionScore};
use stance::output::{write_extracted, ArticleQuotes, Format};
use std::io::Write;
use std::path::PathBuf;

/// Print each sentence attributed to a named person: article, speaker, text, byte span, kind.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Article files (UTF-8 text), folders of .txt files, or - for standard input.
    #[arg(required = true)]
    articles: Vec<PathBuf>,
    /// Gold files ({"speaker", "text", "kind"} lines), one per article in the same order:
    /// print precision, recall and F1 of (speaker, sentence) pairs instead of the sentences.
    #[arg(long, num_args = 1..)]
    gold: Vec<PathBuf>,
    /// With --gold: exit with status 1 when any article's F1 is below this value.
    #[arg(long, requires = "gold")]
    min_f1: Option<f64>,
    /// Keep only sentences whose speaker was found with at least this confidence (0.95: named
    /// in the sentence's own attribution; 0.9: a pronoun or role there; 0.85: an interviewee's
    /// answer; 0.8: a quote given to the person quoted or named just before; 0.7: reported
    /// speech running on after its attribution). Applies to --gold too.
    #[arg(long, value_name = "P")]
    min_confidence: Option<f64>,
    /// Output format [default: table on a terminal, else jsonl].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
}

pub fn run(args: ExtractArgs) -> Result<Outcome> {
    let format = resolve_format(args.format);
    if let Some(min) = args.min_confidence {
        ensure!(
            (0.0..=1.0).contains(&min),
            "--min-confidence {min} is outside 0..=1"
        );
    }
    let mut texts = Vec::new();
    for path in article_paths(&args.articles)? {
        let text = read_article(&path)?;
        let mut quotes = extract(&text);
        if let Some(min) = args.min_confidence {
            quotes.retain(|q| q.confidence >= min);
        }
        texts.push((path.display().to_string(), quotes));
    }
    if !args.gold.is_empty() {
        return judge(&texts, &args.gold, format, args.min_f1);
    }
    let articles: Vec<ArticleQuotes> = texts
        .iter()
        .map(|(name, quotes)| ArticleQuotes {
            article: name,
            quotes,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    write_extracted(&mut out, format, &articles)?;
    let found = texts.iter().any(|(_, q)| !q.is_empty());
    Ok(if found {
        Outcome::Done
    } else {
        Outcome::FellShort
    })
}

type Articles = [(String, Vec<stance::extract::Extracted>)];

/// Scores each article against its gold file and prints one row per article and a total.
fn judge(
    texts: &Articles,
    gold: &[PathBuf],
    format: Format,
    min_f1: Option<f64>,
) -> Result<Outcome> {
    ensure!(
        gold.len() == texts.len(),
        "{} gold files for {} articles; give one gold file per article, in the same order",
        gold.len(),
        texts.len()
    );
    let mut rows = Vec::new();
    for ((article, quotes), gold_path) in texts.iter().zip(gold) {
        rows.push((
            article.clone(),
            ExtractionScore::new(&read_gold(gold_path)?, quotes),
        ));
    }
    let total = rows
        .iter()
        .fold(ExtractionScore::from_counts(0, 0, 0, 0), |acc, (_, s)| {
            acc.add(s)
        });
    let mut out = std::io::stdout().lock();
    match format {
        Format::Table => {
            writeln!(
                out,
                "{:<40} {:>5} {:>9} {:>9} {:>6} {:>6} {:>10}",
                "ARTICLE", "GOLD", "EXTRACTED", "PRECISION", "RECALL", "F1", "ATTRIBUTED"
            )?;
            for (name, s) in rows
                .iter()
                .chain(std::iter::once(&("total".to_string(), total.clone())))
            {
                writeln!(
                    out,
                    "{name:<40} {:>5} {:>9} {:>9.3} {:>6.3} {:>6.3} {:>10.3}",
                    s.gold, s.extracted, s.precision, s.recall, s.f1, s.attributed
                )?;
            }
        }
        Format::Csv => {
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
            for (name, s) in rows
                .iter()
                .chain(std::iter::once(&("total".to_string(), total.clone())))
            {
                let n = [s.gold, s.extracted, s.correct, s.found].map(|v| v.to_string());
                let r = [s.precision, s.recall, s.f1, s.attributed].map(|v| format!("{v:.4}"));
                w.write_record(std::iter::once(name.clone()).chain(n).chain(r))?;
            }
            w.flush()?;
        }
        Format::Jsonl => {
            for (name, s) in &rows {
                writeln!(
                    out,
                    "{}",
                    json!({"type": "article", "article": name, "score": s})
                )?;
            }
            writeln!(out, "{}", json!({"type": "total", "score": total}))?;
        }
    }
    let short = min_f1.is_some_and(|min| rows.iter().any(|(_, s)| s.f1 < min));
    Ok(if short {
        Outcome::FellShort
    } else {
        Outcome::Done
    })
}
