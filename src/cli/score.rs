//! `stance score`: score the attributed sentences of articles, or quote records, and aggregate
//! them per expert and topic with the strongest evidence.

mod render;
mod table;

use super::{article_paths, load_model, read_bytes, resolve_format, FormatArg, Outcome};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use render::{quote_columns, Renderer};
use stance::aggregate::{AggregateParams, Aggregator, ExpertTopic};
use stance::aliases::{Aliases, SpeakerIndex};
use stance::data::{ReadOptions, RecordReader};
use stance::error::Error;
use stance::model::StanceModel;
use stance::output::{csv, jsonl, Emit, Format};
use stance::score::{ScoreOptions, ScoredQuote, Scorer, Work};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

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

/// Kinds of rows for `--emit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EmitArg {
    Quotes,
    Experts,
    Partial,
}

/// How the table groups its expert rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum By {
    Expert,
    Article,
}

/// Resolved, checked settings of a scoring run.
pub(super) struct ScoreConfig {
    pub(super) model: StanceModel,
    pub(super) inputs: Inputs,
    format: Format,
    emit: Emit,
    /// Write the aggregate's partial state (`--emit partial`).
    partial: bool,
    /// The table's width; `None` with `--wide`.
    width: Option<usize>,
    /// The table shows each article's experts on their own.
    by_article: bool,
    aggregate: AggregateParams,
    aliases: Aliases,
    list_empty: bool,
    options: ScoreOptions,
    read: ReadOptions,
    threads: usize,
    batch: usize,
    skip_invalid: bool,
}

/// Where the sentences come from.
pub(super) enum Inputs {
    Quotes(PathBuf),
    Articles(Vec<PathBuf>),
    ArticleRecords(PathBuf),
}

impl ScoreConfig {
    fn from_args(args: ScoreArgs) -> Result<Self> {
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
    pub(super) fn threads(&self) -> usize {
        self.threads
    }

    /// Sentences less probable than this are uncertain.
    pub(super) fn min_confidence(&self) -> f64 {
        self.options.min_confidence
    }
}

impl ScoringArgs {
    /// Checks the flags and loads the model: the settings of a run over `inputs` written in
    /// `format` (an expert table without `--wide`, `--by` or `--list-empty`).
    pub(super) fn resolve(
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
    pub(super) fn skip_invalid(&self) -> bool {
        self.skip_invalid
    }

    /// The file `--aliases` names, read (none without the flag).
    pub(super) fn aliases(&self) -> Result<Aliases> {
        Ok(match &self.aliases {
            Some(path) => Aliases::read(path)?,
            None => Aliases::default(),
        })
    }
}

/// The rows `--emit` asks for, or the format's default; a CSV file holds one kind of row.
fn resolve_emit(format: Format, asked: &[EmitArg], sentences: bool) -> Result<Emit> {
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

/// Reads the input in batches of bounded size.
enum Batches {
    Quotes(RecordReader<'static>),
    ArticleRecords(RecordReader<'static>),
    Articles(std::vec::IntoIter<PathBuf>),
}

impl Batches {
    fn next_batch(&mut self, size: usize, threads: usize) -> Result<Vec<Work>> {
        let mut batch = Vec::new();
        match self {
            Batches::Quotes(reader) => {
                while batch.len() < size {
                    match reader.next_raw()? {
                        Some(raw) => batch.push(Work::Record(raw)),
                        None => break,
                    }
                }
            }
            Batches::ArticleRecords(reader) => {
                while batch.len() < (size / 32).max(threads) {
                    match reader.next_raw()? {
                        Some(raw) => batch.push(Work::ArticleRecord(raw)),
                        None => break,
                    }
                }
            }
            Batches::Articles(paths) => {
                // Articles are larger than quotes: a batch holds fewer, but at least one a core.
                let articles = (size / 32).max(threads);
                for path in paths.by_ref().take(articles) {
                    batch.push(match read_bytes(&path) {
                        Ok(bytes) => Work::Article {
                            name: path.display().to_string(),
                            bytes,
                        },
                        Err(e) => Work::Unreadable(Error::io(&path, e)),
                    });
                }
            }
        }
        Ok(batch)
    }
}

/// Where scored sentences go: JSON Lines and CSV are written as they come; the table needs
/// every sentence for its column widths, so it keeps them.
pub(super) enum Sink<'a> {
    Stream(Box<dyn Write + 'a>),
    Table(Vec<ScoredQuote>),
    /// Each sentence handed over as it is scored, in input order.
    Each(&'a mut dyn FnMut(ScoredQuote)),
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

/// The aggregates of a run and the number of sentences scored.
pub(super) struct Finished {
    pub(super) rows: Vec<ExpertTopic>,
    /// How the spellings of names were merged into the experts of `rows`.
    pub(super) speakers: SpeakerIndex,
    pub(super) sentences: usize,
    /// Bad records or articles passed over with --skip-invalid.
    pub(super) skipped: usize,
    pub(super) articles: ArticleCounts,
}

/// Per-article accounting of a run over articles.
#[derive(Default)]
pub(super) struct ArticleCounts {
    /// The articles read and searched, in input order.
    pub(super) names: Vec<String>,
    /// The articles in which nothing was found, in input order.
    empty: Vec<String>,
}

/// Says on standard error how many articles gave sentences (a run over one article says so
/// only when nothing was found, as "nothing to score"), and with `list_empty` prints the
/// articles that gave none on standard output.
pub(super) fn report_articles(counts: &ArticleCounts, list_empty: bool) -> Result<()> {
    if list_empty {
        let mut out = std::io::stdout().lock();
        for name in &counts.empty {
            writeln!(out, "{name}")?;
        }
        out.flush()?;
    }
    let without = counts.empty.len();
    let read = counts.names.len();
    let hint = if without > 0 && !list_empty {
        ": see --list-empty"
    } else {
        ""
    };
    eprintln!(
        "stance: {} article{}, {} with attributed sentences, {without} without{hint}",
        read,
        if read == 1 { "" } else { "s" },
        read - without,
    );
    Ok(())
}

/// Reads, scores and writes batch after batch; returns the aggregates once the input ends.
pub(super) fn score_into(
    config: &ScoreConfig,
    pool: &rayon::ThreadPool,
    sink: &mut Sink,
) -> Result<Finished> {
    let labels = config.model.labels();
    let (mut batches, path) = match &config.inputs {
        Inputs::Quotes(path) => (Batches::Quotes(RecordReader::open(path)?), path.clone()),
        Inputs::ArticleRecords(path) => (
            Batches::ArticleRecords(RecordReader::open(path)?),
            path.clone(),
        ),
        Inputs::Articles(paths) => (
            Batches::Articles(paths.clone().into_iter()),
            PathBuf::from("-"),
        ),
    };
    let scorer = Scorer {
        model: &config.model,
        options: &config.options,
        read: &config.read,
        path: &path,
        skip_invalid: config.skip_invalid,
    };
    let format = config.format;
    let threads = pool.current_num_threads();
    // The first batch is read here: a CSV file's columns come from its first record.
    let first = batches.next_batch(config.batch, threads);
    let render = Renderer {
        format,
        emit: config.emit,
        model: config.model.name(),
        csv: quote_columns(config, &scorer, &first),
        dropped: Mutex::default(),
    };
    let keep_quotes = !matches!(sink, Sink::Stream(_));
    if let (Some(columns), Sink::Stream(out)) = (&render.csv, &mut *sink) {
        let mut header = Vec::new();
        columns.write_header(&mut header)?;
        out.write_all(&header)?;
    }
    let progress = Progress::new(match &config.inputs {
        Inputs::Articles(paths) if paths.len() > 1 => Some(paths.len() as u64),
        _ => None,
    });
    let mut aggregator = Aggregator::new(labels, config.model.topics(), config.aggregate.clone());
    let mut sentences = 0;
    let mut skipped = 0;
    let mut articles = ArticleCounts::default();
    // Three stages overlap: a thread reads batch n+2, the pool scores and renders batch n+1,
    // and this thread aggregates and writes batch n. The channels hold two batches each, so
    // memory stays bounded; results arrive in input order.
    let piped = std::thread::scope(|scope| -> Result<()> {
        let (work_tx, work_rx) = mpsc::sync_channel::<Result<Vec<Work>>>(2);
        let (done_tx, done_rx) = mpsc::sync_channel(2);
        let mut first = Some(first);
        scope.spawn(move || loop {
            let batch = first
                .take()
                .unwrap_or_else(|| batches.next_batch(config.batch, threads));
            let last = !matches!(&batch, Ok(b) if !b.is_empty());
            if work_tx.send(batch).is_err() || last {
                break;
            }
        });
        let (scorer, render) = (&scorer, &render);
        scope.spawn(move || {
            // The position in the input of the batch's first unit.
            let mut offset = 0;
            for batch in work_rx {
                let scored = batch.map(|batch| {
                    let units = batch.len() as u64;
                    let chunks =
                        pool.install(|| scorer.score_chunks(batch, offset, keep_quotes, render));
                    offset += units;
                    (units, chunks)
                });
                if done_tx.send(scored).is_err() {
                    break;
                }
            }
        });
        for scored in done_rx {
            let (units, chunks) = scored?;
            for mut chunk in chunks {
                match sink {
                    Sink::Stream(out) => out.write_all(&chunk.output)?,
                    Sink::Table(quotes) => quotes.append(&mut chunk.quotes),
                    Sink::Each(take) => chunk.quotes.drain(..).for_each(&mut **take),
                }
                chunk.sentences().for_each(|s| aggregator.add_sentence(&s));
                sentences += chunk.len();
                for e in &chunk.skipped {
                    eprintln!("stance: skipped {e}");
                }
                skipped += chunk.skipped.len();
                for a in chunk.articles.drain(..) {
                    if a.sentences == 0 {
                        articles.empty.push(a.article.clone());
                    }
                    articles.names.push(a.article);
                }
                if let Some(e) = chunk.error {
                    return Err(e.into());
                }
            }
            progress.advance(units, sentences);
        }
        Ok(())
    });
    render.warn_dropped();
    piped?;
    progress.finish();
    if let (Sink::Stream(out), true) = (&mut *sink, config.partial) {
        let mut state = Vec::new();
        aggregator.write_partial(&mut state)?;
        out.write_all(&state)?;
    }
    let (rows, speakers) = aggregator.finish(&config.aliases);
    if let (Sink::Stream(out), true) = (sink, config.emit.experts) {
        let mut tail = Vec::new();
        match format {
            Format::Csv => {
                csv::write_expert_header(&mut tail, labels)?;
                csv::write_experts(&mut tail, &rows, labels)?;
            }
            _ => jsonl::write_experts(&mut tail, &rows)?,
        }
        out.write_all(&tail)?;
    }
    Ok(Finished {
        rows,
        speakers,
        sentences,
        skipped,
        articles,
    })
}

/// A progress bar on standard error, drawn only when it is a terminal and the run has lasted a
/// second: articles against their total, or a count of sentences.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: std::cell::Cell<bool>,
    by_articles: bool,
}

impl Progress {
    fn new(articles: Option<u64>) -> Self {
        let bar = match articles {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template(
                        "{bar:30} {pos}/{len} articles, {msg} sentences [{elapsed}, {eta} left]",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template("{spinner} {msg} sentences scored [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        Progress {
            bar,
            started: Instant::now(),
            shown: std::cell::Cell::new(false),
            by_articles: articles.is_some(),
        }
    }

    fn advance(&self, units: u64, sentences: usize) {
        if self.by_articles {
            self.bar.inc(units);
        } else {
            self.bar.tick();
        }
        self.bar.set_message(sentences.to_string());
        if !self.shown.get()
            && self.started.elapsed() >= Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            self.shown.set(true);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
