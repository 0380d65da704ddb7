//! Report stage. Takes extracted or scored sentences and expert aggregates; gives text.
//!
//! Output formats, one file each: an aligned table for people, JSON Lines with a `"type"` on
//! every line for programs, and CSV for spreadsheets. Each writes extracted sentences (`extract`)
//! and scored sentences with their per-expert aggregates (`score`).

pub mod csv;
pub mod html;
pub mod jsonl;
mod layout;
pub mod table;

use crate::extract::Extracted;
use crate::score::aggregate::ExpertTopic;
use crate::score::ScoredQuote;
use std::io::{self, Write};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Jsonl,
    Csv,
}

/// Extracted sentences of one article.
pub struct ArticleQuotes<'a> {
    pub article: &'a str,
    pub quotes: &'a [Extracted],
}

/// Writes the result of `extract`.
pub fn write_extracted(
    w: &mut dyn Write,
    format: Format,
    articles: &[ArticleQuotes],
) -> io::Result<()> {
    match format {
        Format::Table => table::write_extracted(w, articles),
        Format::Jsonl => jsonl::write_extracted(w, articles),
        Format::Csv => csv::write_extracted(w, articles),
    }
}

/// What `score` prints.
pub struct ScoreReport<'a> {
    pub labels: &'a [String],
    /// The name of the model that scored (in quote lines).
    pub model: &'a str,
    pub quotes: &'a [ScoredQuote],
    pub experts: &'a [ExpertTopic],
    /// Which kinds of rows to write.
    pub emit: Emit,
    /// Table: the width to fit, in characters; `None` shows every text in full.
    pub width: Option<usize>,
    /// Table: instead of `experts`, the experts of each article on its own.
    pub by_article: Option<&'a [ArticleExperts]>,
}

/// Which kinds of rows `score` writes: scored sentences (with JSON Lines, each article's tally
/// too) and (expert, topic) aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emit {
    pub quotes: bool,
    pub experts: bool,
}

/// The (expert, topic) rows of one article, aggregated from its own sentences.
pub struct ArticleExperts {
    pub article: String,
    /// Its attributed sentences.
    pub sentences: usize,
    pub experts: Vec<ExpertTopic>,
}

/// Writes the result of `score`.
pub fn write_scores(w: &mut dyn Write, format: Format, report: &ScoreReport) -> io::Result<()> {
    match format {
        Format::Table => table::write_scores(w, report),
        Format::Jsonl => jsonl::write_scores(w, report),
        Format::Csv => csv::write_scores(w, report),
    }
}

/// Rounds for display and serialization: four decimals carry every meaningful digit.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Names of a sentence's topics.
pub fn topic_names(q: &ScoredQuote) -> Vec<&str> {
    q.topics.iter().map(|t| t.topic.as_str()).collect()
}
