//! How a run renders each scored sentence and article tally into its chunk's output, on the
//! worker threads: JSON Lines or CSV lines, the rows `--emit` asks for.

use super::{Inputs, ScoreConfig};
use anyhow::Result;
use stance::output::csv::QuoteColumns;
use stance::output::{jsonl, Emit, Format};
use stance::score::{ArticleTally, ScoredQuote, Scorer, Work};
use std::collections::BTreeSet;
use std::sync::Mutex;

/// How `score_into` renders sentences and article tallies into a chunk's output.
pub struct Renderer<'a> {
    pub format: Format,
    pub emit: Emit,
    pub model: &'a str,
    /// The columns of a CSV file of quotes.
    pub csv: Option<QuoteColumns>,
    /// Fields of quote records that a CSV file had no column for.
    pub dropped: Mutex<Dropped>,
}

/// The records whose fields were dropped from a CSV file, and the fields.
#[derive(Default)]
pub struct Dropped {
    records: usize,
    fields: BTreeSet<String>,
}

impl stance::score::Render for Renderer<'_> {
    fn quote(&self, q: &ScoredQuote, out: &mut Vec<u8>) {
        // Writing into memory cannot fail; an error here would be a serializer bug.
        match (self.format, &self.csv) {
            (Format::Jsonl, _) if self.emit.quotes => {
                let _ = jsonl::write_quote(out, q, self.model);
            }
            (Format::Csv, Some(columns)) => {
                let fields = columns.write_quote(out, q).unwrap_or_default();
                if let (false, Ok(mut dropped)) = (fields.is_empty(), self.dropped.lock()) {
                    dropped.records += 1;
                    dropped.fields.extend(fields);
                }
            }
            _ => {}
        }
    }

    fn article(&self, tally: &ArticleTally, out: &mut Vec<u8>) {
        if self.format == Format::Jsonl && self.emit.quotes {
            let _ = jsonl::write_article(out, tally);
        }
    }
}

impl Renderer<'_> {
    /// Warns about the fields of quote records that the CSV file had no column for.
    pub fn warn_dropped(&self) {
        let Ok(dropped) = self.dropped.lock() else {
            return;
        };
        if dropped.records == 0 {
            return;
        }
        let fields: Vec<String> = dropped.fields.iter().map(|f| format!("{f:?}")).collect();
        eprintln!(
            "stance: warning: {} record(s) had fields that are not CSV columns (the columns are \
             the first record's fields); dropped {}. Give the first record every field, or use \
             --format jsonl",
            dropped.records,
            fields.join(", ")
        );
    }
}

/// The columns of a CSV file of quotes: for the first record's fields when the input is quote
/// records (read from `first`, the first batch); for articles, their `date` (empty when the
/// article's first lines give none).
pub fn quote_columns(
    config: &ScoreConfig,
    scorer: &Scorer,
    first: &Result<Vec<Work>>,
) -> Option<QuoteColumns> {
    if config.format != Format::Csv || !config.emit.quotes {
        return None;
    }
    let articles = !matches!(config.inputs, Inputs::Quotes(_));
    let records = first.as_ref().map_or(&[][..], Vec::as_slice);
    let extra = match config.inputs {
        Inputs::Articles(_) => Some(
            [("date".to_string(), serde_json::Value::Null)]
                .into_iter()
                .collect(),
        ),
        _ => records.iter().find_map(|work| {
            let unit = match work {
                Work::Record(raw) => scorer.inputs(Work::Record(raw.clone())),
                Work::ArticleRecord(raw) => scorer.inputs(Work::ArticleRecord(raw.clone())),
                _ => return None,
            };
            unit.ok()?.inputs.into_iter().next().map(|q| q.extra)
        }),
    };
    Some(QuoteColumns::new(
        config.model.labels(),
        articles,
        config.options.explain,
        extra.as_ref(),
    ))
}
