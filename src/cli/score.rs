//! `stance score`: score the attributed sentences of articles, or quote records, and aggregate
//! them per expert and topic with the strongest evidence.

mod config;
mod pipeline;
mod render;
mod table;

use config::{By, EmitArg};
pub(super) use config::{Inputs, ScoreConfig};
pub(super) use pipeline::{report_articles, score_into, Sink};

use super::{FormatArg, Outcome};
use anyhow::{Context, Result};
use clap::Args;
use stance::output::Format;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Score what experts said: per sentence and per (expert, topic), with evidence.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Article files, folders (every .txt file under them, subfolders too), or - for standard
    /// input.
    #[arg(required_unless_present_any = ["quotes", "articles"], conflicts_with_all = ["quotes", "articles"])]
    inputs: Vec<PathBuf>,
    /// Score quote records instead (JSON Lines, or CSV or TSV by extension: `text`, optional
    /// `speaker`, `id`, other fields carried through); - reads standard input.
    #[arg(long, value_name = "FILE")]
    quotes: Option<PathBuf>,
    /// Score article records instead (JSON Lines, or CSV or TSV by extension: `id`, `text`,
    /// optional `position`, `date`, other fields carried onto each sentence); - reads standard
    /// input. Sentence ids are `<id>#<n>`. A record's `position` (a non-negative integer) is its
    /// place in the whole archive, else its ordinal in the file: keep it when a run is split
    /// (see `stance aggregate`).
    #[arg(long, value_name = "FILE", conflicts_with = "quotes")]
    articles: Option<PathBuf>,
    /// Output format [default: table on a terminal, else jsonl].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Evidence quotes kept per (expert, topic), strongest first; the table shows them one a
    /// line under the row.
    #[arg(long, default_value_t = 2)]
    evidence: usize,
    /// Which rows to write, comma-separated: quotes (scored sentences; in JSON Lines with a line
    /// per article) and experts (per expert and topic) [default: JSON Lines both; CSV quotes, as
    /// a CSV file holds one kind of row; the table experts]; partial (JSON Lines only: the
    /// aggregate's state, for `stance aggregate` to merge with other parts of a split run).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND")]
    emit: Vec<EmitArg>,
    /// Table: experts over all articles, or article by article, each from its own sentences.
    #[arg(long, value_enum, default_value_t = By::Expert)]
    by: By,
    /// Table: show every text in full, instead of fitting the table into the width ($COLUMNS,
    /// else the terminal's, else 100 characters) and clipping the text with "…".
    #[arg(long)]
    wide: bool,
    /// Explain each sentence's stance: the n-grams that pushed it, with weights that add up to
    /// the margin between the chosen label and the runner-up (JSON Lines and CSV).
    #[arg(long)]
    explain: bool,
    /// In the table, list every sentence as well as the experts (like --emit quotes,experts).
    #[arg(long)]
    sentences: bool,
    /// Instead of scores, print the articles in which no sentence attributed to a named person
    /// was found, one path a line (like `rg --files-without-match`).
    #[arg(long, conflicts_with = "quotes")]
    list_empty: bool,
    #[command(flatten)]
    scoring: ScoringArgs,
}

/// The flags of how sentences are read and scored, shared by `score` and `report`.
#[derive(Debug, Args)]
pub struct ScoringArgs {
    /// Field or column holding the sentence in --quotes records [default: the one the model
    /// was trained with, else "text"].
    #[arg(long)]
    text_field: Option<String>,
    /// Model file [default: $STANCE_MODEL, else the shipped models/default.json].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Alias file: "variant<TAB>canonical name" lines; these names are never merged by guess.
    #[arg(long, value_name = "FILE")]
    aliases: Option<PathBuf>,
    /// Sentences whose most probable label is less probable than this are "uncertain" and left
    /// out of the per-expert aggregates.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    min_confidence: f64,
    /// Report a bad record or article on standard error and go on (exit 1 at the end if any
    /// was skipped), instead of stopping at the first with exit 2.
    #[arg(long)]
    skip_invalid: bool,
    /// Replace invalid UTF-8 in articles and JSON Lines records with U+FFFD instead of refusing
    /// them.
    #[arg(long)]
    lossy: bool,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Quote records read, scored and written at a time (articles: a 32nd as many, at least one
    /// per thread); memory is bounded by it. Results do not depend on it.
    #[arg(long, default_value_t = 4096)]
    batch_size: usize,
}

pub fn run(args: ScoreArgs) -> Result<Outcome> {
    let config = ScoreConfig::from_args(args)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("cannot start the worker threads")?;
    let stdout = std::io::stdout().lock();
    let mut sink = match config.format {
        // Listing the empty articles replaces the scores.
        _ if config.list_empty => Sink::Stream(Box::new(std::io::sink())),
        Format::Table => Sink::Table(Vec::new()),
        _ => Sink::Stream(Box::new(BufWriter::with_capacity(1 << 16, stdout))),
    };
    let result = score_into(&config, &pool, &mut sink);
    // Whatever was scored before an error is written out before the error is reported.
    let flushed = match &mut sink {
        Sink::Stream(out) => out.flush(),
        _ => Ok(()),
    };
    let experts = result?;
    flushed?;
    match &config.inputs {
        Inputs::Articles(paths) if paths.len() > 1 || config.list_empty => {
            report_articles(&experts.articles, config.list_empty)?
        }
        Inputs::ArticleRecords(_) => report_articles(&experts.articles, config.list_empty)?,
        _ => {}
    }
    if config.list_empty {
        return Ok(Outcome::Done);
    }
    let mut outcome = Outcome::Done;
    if let Sink::Table(quotes) = &sink {
        outcome = table::write(&config, quotes, &experts.rows, &experts.articles.names)?;
    }
    if experts.skipped > 0 {
        eprintln!(
            "stance: skipped {} invalid record(s) or article(s); the rest was scored",
            experts.skipped
        );
        return Ok(Outcome::FellShort);
    }
    if experts.sentences == 0 {
        eprintln!("stance: nothing to score: no sentence attributed to a named person was found");
        return Ok(Outcome::FellShort);
    }
    Ok(outcome)
}
