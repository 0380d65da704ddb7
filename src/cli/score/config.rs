//! `score`'s settings: the flags resolved and checked, the model loaded (`ScoreConfig`), and the
//! rows `--emit` asks for.

use super::{table, ScoreArgs, ScoringArgs};
use crate::cli::{article_paths, load_model, resolve_format};
use anyhow::{bail, Result};
use clap::ValueEnum;
use stance::aggregate::AggregateParams;
use stance::aliases::Aliases;
use stance::data::ReadOptions;
use stance::model::StanceModel;
use stance::output::{Emit, Format};
use stance::score::ScoreOptions;
use std::path::PathBuf;

/// Kinds of rows for `--emit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(in crate::cli) enum EmitArg {
    Quotes,
    Experts,
    Partial,
}

/// How the table groups its expert rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(in crate::cli) enum By {
    Expert,
    Article,
}

/// Resolved, checked settings of a scoring run.
pub(in crate::cli) struct ScoreConfig {
    pub(in crate::cli) model: StanceModel,
    pub(in crate::cli) inputs: Inputs,
    pub(in crate::cli) format: Format,
    pub(in crate::cli) emit: Emit,
    /// Write the aggregate's partial state (`--emit partial`).
    pub(in crate::cli) partial: bool,
    /// The table's width; `None` with `--wide`.
    pub(in crate::cli) width: Option<usize>,
    /// The table shows each article's experts on their own.
    pub(in crate::cli) by_article: bool,
    pub(in crate::cli) aggregate: AggregateParams,
    pub(in crate::cli) aliases: Aliases,
    pub(in crate::cli) list_empty: bool,
    pub(in crate::cli) options: ScoreOptions,
    pub(in crate::cli) read: ReadOptions,
    pub(in crate::cli) threads: usize,
    pub(in crate::cli) batch: usize,
    pub(in crate::cli) skip_invalid: bool,
}

/// Where the sentences come from.
pub(in crate::cli) enum Inputs {
    Quotes(PathBuf),
    Articles(Vec<PathBuf>),
    ArticleRecords(PathBuf),
}

impl ScoreConfig {
    pub(in crate::cli) fn from_args(args: ScoreArgs) -> Result<Self> {
        if args.evidence > 100 {
            bail!("--evidence {} is too many; use at most 100", args.evidence);
        }
        let format = resolve_format(args.format);
        let by_article = args.by == By::Article;
        if by_article && format != Format::Table {
            bail!(
                "--by article applies to the table only: add --format table (JSON Lines quote and \
                 article lines name their article already)"
            );
        }
        if by_article && args.quotes.is_some() {
            bail!("--by article needs articles; quote records (--quotes) have none");
        }
        let emit = resolve_emit(format, &args.emit, args.sentences)?;
        let partial = args.emit.contains(&EmitArg::Partial);
        if partial && format != Format::Jsonl {
            bail!("--emit partial writes JSON Lines: add --format jsonl");
        }
        let inputs = match (args.quotes, args.articles) {
            (Some(path), _) => Inputs::Quotes(path),
            (None, Some(path)) => Inputs::ArticleRecords(path),
            (None, None) => Inputs::Articles(article_paths(&args.inputs)?),
        };
        let mut config = args.scoring.resolve(inputs, format, emit, args.explain)?;
        config.partial = partial;
        config.width = table::width(args.wide);
        config.by_article = by_article;
        config.aggregate.evidence = args.evidence;
        config.list_empty = args.list_empty;
        Ok(config)
    }

    /// The worker threads asked for (0: one per core).
    pub(in crate::cli) fn threads(&self) -> usize {
        self.threads
    }

    /// Sentences less probable than this are uncertain.
    pub(in crate::cli) fn min_confidence(&self) -> f64 {
        self.options.min_confidence
    }
}

impl ScoringArgs {
    /// Checks the flags and loads the model: the settings of a run over `inputs` written in
    /// `format` (an expert table without `--wide`, `--by` or `--list-empty`).
    pub(in crate::cli) fn resolve(
        &self,
        inputs: Inputs,
        format: Format,
        emit: Emit,
        explain: bool,
    ) -> Result<ScoreConfig> {
        if !(0.0..=1.0).contains(&self.min_confidence) {
            bail!(
                "--min-confidence {} must lie between 0 and 1",
                self.min_confidence
            );
        }
        if self.batch_size == 0 {
            bail!("--batch-size must be at least 1");
        }
        let aliases = self.aliases()?;
        let model = load_model(self.model.as_deref())?;
        let text_field = self
            .text_field
            .clone()
            .unwrap_or(model.fields().text.clone());
        Ok(ScoreConfig {
            model,
            inputs,
            format,
            emit,
            partial: false,
            width: None,
            by_article: false,
            aggregate: AggregateParams::default(),
            aliases,
            list_empty: false,
            options: ScoreOptions {
                explain,
                min_confidence: self.min_confidence,
            },
            read: ReadOptions {
                text_field,
                label_field: None,
                lossy: self.lossy,
            },
            skip_invalid: self.skip_invalid,
            threads: self.threads,
            batch: self.batch_size,
        })
    }

    /// Whether a bad record is passed over instead of stopping the run.
    pub(in crate::cli) fn skip_invalid(&self) -> bool {
        self.skip_invalid
    }

    /// The file `--aliases` names, read (none without the flag).
    pub(in crate::cli) fn aliases(&self) -> Result<Aliases> {
        Ok(match &self.aliases {
            Some(path) => Aliases::read(path)?,
            None => Aliases::default(),
        })
    }
}

/// The rows `--emit` asks for, or the format's default; a CSV file holds one kind of row.
pub(in crate::cli) fn resolve_emit(
    format: Format,
    asked: &[EmitArg],
    sentences: bool,
) -> Result<Emit> {
    let quotes = asked.contains(&EmitArg::Quotes);
    let experts = asked.contains(&EmitArg::Experts);
    Ok(match format {
        Format::Table if asked.is_empty() => Emit {
            quotes: sentences,
            experts: true,
        },
        Format::Table => Emit {
            quotes: quotes || sentences,
            experts,
        },
        Format::Jsonl if asked.is_empty() => Emit {
            quotes: true,
            experts: true,
        },
        Format::Csv if asked.is_empty() => Emit {
            quotes: true,
            experts: false,
        },
        Format::Csv if quotes && experts => bail!(
            "a CSV file holds one kind of row: give --emit quotes or --emit experts (one run \
             each, to two files), or --format jsonl for both in one stream"
        ),
        Format::Jsonl | Format::Csv => Emit { quotes, experts },
    })
}
