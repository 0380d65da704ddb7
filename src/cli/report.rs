//! `stance report`: one self-contained HTML page of a run (experts x topics heatmap with the
//! evidence of every cell, articles with their attributed sentences highlighted, stance over
//! time). Articles and quote records are scored by `score`'s pipeline, which hands each sentence
//! over as it is scored; `score --format jsonl` output is read back instead of scored again.

mod dates;
mod scored;

use super::score::{report_articles, score_into, Inputs, ScoringArgs, Sink};
use super::{article_paths, Outcome};
use anyhow::{bail, Context, Result};
use clap::Args;
use dates::Dates;
use stance::aggregate::ExpertTopic;
use stance::aliases::SpeakerIndex;
use stance::atomic::AtomicFile;
use stance::output::html::data::ReportData;
use stance::output::html::score::{write_report, ReportInfo};
use stance::output::{Emit, Format};
use std::path::{Path, PathBuf};

/// Write an HTML report: experts x topics heatmap with evidence, articles with highlighted
/// quotes, stance over time. One file, no network needed to open it.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Article files, folders (every .txt file under them, subfolders too), or - for standard
    /// input.
    #[arg(required_unless_present_any = ["quotes", "scored"], conflicts_with_all = ["quotes", "scored"])]
    inputs: Vec<PathBuf>,
    /// Score quote records instead (like `score --quotes`); a `date` field dates each one.
    #[arg(long, value_name = "FILE", conflicts_with = "scored")]
    quotes: Option<PathBuf>,
    /// Read `stance score --format jsonl` output (quote lines, with --explain for the terms)
    /// instead of scoring; the experts are aggregated again from the quote lines; - reads
    /// standard input.
    #[arg(long, value_name = "FILE")]
    scored: Option<PathBuf>,
    /// The page to write.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// The date of an article (its path as given, or its file name), YYYY-MM-DD or YYYY-MM;
    /// repeatable; wins over every other date.
    #[arg(long = "date", value_name = "FILE=DATE")]
    date: Vec<String>,
    /// A file of article dates: "article<TAB>date" (or "article,date") lines.
    #[arg(long, value_name = "FILE")]
    dates: Option<PathBuf>,
    #[command(flatten)]
    scoring: ScoringArgs,
}

/// What the page shows: the sentences kept, the (expert, topic) rows and how spellings were
/// merged into them, the model, and the bad inputs passed over.
struct Collected {
    data: ReportData,
    rows: Vec<ExpertTopic>,
    speakers: SpeakerIndex,
    model: String,
    min_confidence: f64,
    skipped: usize,
}

pub fn run(args: ReportArgs) -> Result<Outcome> {
    check_out(&args.out)?;
    let dates = Dates::from_args(&args.date, args.dates.as_deref())?;
    let title = "stance report";
    let Collected {
        data,
        rows,
        speakers,
        model,
        min_confidence,
        skipped,
    } = match &args.scored {
        Some(path) => read_scored(path, &args.scoring, &dates)?,
        None => score(&args, &dates)?,
    };
    dates.warn_unreadable();
    let info = ReportInfo {
        title,
        model: &model,
        min_confidence,
    };
    let mut out = AtomicFile::create(&args.out)?;
    let mut text = |name: &str| article_text(name);
    write_report(&mut out, &info, &data, &rows, &speakers, &mut text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    out.commit()?;
    let experts = rows.iter().filter(|r| r.topic == "all").count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let sentences = data.sentences.len();
    eprintln!(
        "stance: wrote {} ({experts} expert{}, {sentences} sentence{}, {:.1} MB)",
        args.out.display(),
        plural(experts),
        plural(sentences),
        std::fs::metadata(&args.out).map_or(0, |m| m.len()) as f64 / 1e6
    );
    if skipped > 0 {
        eprintln!(
            "stance: skipped {skipped} invalid record(s) or article(s); the rest is in the report"
        );
        return Ok(Outcome::FellShort);
    }
    if data.sentences.is_empty() {
        eprintln!("stance: nothing to report: no sentence attributed to a named person was found");
        return Ok(Outcome::FellShort);
    }
    Ok(Outcome::Done)
}

/// Reads `score --format jsonl` output and aggregates its quote lines again.
fn read_scored(path: &Path, scoring: &ScoringArgs, dates: &Dates) -> Result<Collected> {
    let read = scored::read(path, dates, scoring.skip_invalid())?;
    let (rows, speakers) = read.data.aggregate(&scoring.aliases()?);
    Ok(Collected {
        data: read.data,
        rows,
        speakers,
        model: read.model,
        min_confidence: 0.0,
        skipped: read.skipped,
    })
}

/// Scores articles or quote records with `score`'s pipeline, keeping each sentence as it comes.
fn score(args: &ReportArgs, dates: &Dates) -> Result<Collected> {
    let inputs = match &args.quotes {
        Some(path) => Inputs::Quotes(path.clone()),
        None => Inputs::Articles(article_paths(&args.inputs)?),
    };
    let none = Emit {
        quotes: false,
        experts: false,
    };
    let config = args.scoring.resolve(inputs, Format::Jsonl, none, true)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads())
        .build()
        .context("cannot start the worker threads")?;
    let mut data = ReportData::new(config.model.labels(), config.model.topics());
    let mut keep = |q| dates.add(&mut data, &q);
    let finished = score_into(&config, &pool, &mut Sink::Each(&mut keep))?;
    if let Inputs::Articles(paths) = &config.inputs {
        if paths.len() > 1 {
            report_articles(&finished.articles, false)?;
        }
    }
    Ok(Collected {
        data,
        rows: finished.rows,
        speakers: finished.speakers,
        model: config.model.name().to_string(),
        min_confidence: config.min_confidence(),
        skipped: finished.skipped,
    })
}

/// Fails before any scoring when the page cannot be written where asked.
fn check_out(out: &Path) -> Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "--out {}: the folder {} does not exist; create it first",
            out.display(),
            dir.display()
        );
    }
    if out.is_dir() {
        bail!(
            "--out {} is a folder; give a file name such as report.html",
            out.display()
        );
    }
    Ok(())
}

/// The text of the article named `name`, when it is a readable file (standard input is read
/// once, so an article from it has none); decoded as scoring decoded it (an article with invalid
/// UTF-8 was scored only with --lossy).
fn article_text(name: &str) -> Option<String> {
    if name == "-" {
        return None;
    }
    let bytes = std::fs::read(name).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
