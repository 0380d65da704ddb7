//! `score`'s pipeline: reading batches, scoring them on the pool, writing and aggregating in
//! input order (`score_into`), the per-article accounting and the progress bar.

use super::render::{quote_columns, Renderer};
use super::{Inputs, ScoreConfig};
use crate::cli::read_bytes;
use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use stance::aggregate::{Aggregator, ExpertTopic};
use stance::aliases::SpeakerIndex;
use stance::data::RecordReader;
use stance::error::Error;
use stance::output::{csv, jsonl, Format};
use stance::score::{ScoredQuote, Scorer, Work};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

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
pub(in crate::cli) enum Sink<'a> {
    Stream(Box<dyn Write + 'a>),
    Table(Vec<ScoredQuote>),
    /// Each sentence handed over as it is scored, in input order.
    Each(&'a mut dyn FnMut(ScoredQuote)),
}

/// The aggregates of a run and the number of sentences scored.
pub(in crate::cli) struct Finished {
    pub(in crate::cli) rows: Vec<ExpertTopic>,
    /// How the spellings of names were merged into the experts of `rows`.
    pub(in crate::cli) speakers: SpeakerIndex,
    pub(in crate::cli) sentences: usize,
    /// Bad records or articles passed over with --skip-invalid.
    pub(in crate::cli) skipped: usize,
    pub(in crate::cli) articles: ArticleCounts,
}

/// Per-article accounting of a run over articles.
#[derive(Default)]
pub(in crate::cli) struct ArticleCounts {
    /// The articles read and searched, in input order.
    pub(in crate::cli) names: Vec<String>,
    /// The articles in which nothing was found, in input order.
    empty: Vec<String>,
}

/// Says on standard error how many articles gave sentences (a run over one article says so
/// only when nothing was found, as "nothing to score"), and with `list_empty` prints the
/// articles that gave none on standard output.
pub(in crate::cli) fn report_articles(counts: &ArticleCounts, list_empty: bool) -> Result<()> {
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
pub(in crate::cli) fn score_into(
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
