//! Flags (clap structs that mirror the command line, nothing more) and dispatch to one file per
//! subcommand. Each subcommand resolves its flags into a checked configuration before it works.

mod aggregate;
mod data;
mod eval;
mod explain;
mod extract;
mod report;
mod score;
mod train;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use stance::data::ReadOptions;
use stance::model::{InputFields, StanceModel};
use stance::output::Format;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Find what named experts said in news commentary and score their stance on each topic.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Extract(extract::ExtractArgs),
    Train(train::TrainArgs),
    Eval(eval::EvalArgs),
    Score(score::ScoreArgs),
    Aggregate(aggregate::AggregateArgs),
    Report(report::ReportArgs),
    Explain(explain::ExplainArgs),
    Data(data::DataArgs),
}

/// How a command that did not fail ended.
pub enum Outcome {
    /// Did its work.
    Done,
    /// Ran, but found nothing to report or fell short of what was asked.
    FellShort,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Score(args) => score::run(args),
        Command::Aggregate(args) => aggregate::run(args),
        Command::Report(args) => report::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Data(args) => data::run(args),
    }
}

/// Which fields of a data file hold the text and the label.
#[derive(Debug, Args)]
struct FieldArgs {
    /// Field (JSON Lines) or column (CSV, TSV) holding the sentence [default: the one the
    /// model was trained with, else "text"].
    #[arg(long)]
    text_field: Option<String>,
    /// Field or column holding the label [default: the one the model was trained with, else
    /// "stance", else "label"].
    #[arg(long)]
    label_field: Option<String>,
    /// Report a bad record on standard error and go on (exit 1 at the end), instead of stopping.
    #[arg(long)]
    skip_invalid: bool,
    /// Replace invalid UTF-8 in JSON Lines records with U+FFFD instead of refusing them.
    #[arg(long)]
    lossy: bool,
}

impl FieldArgs {
    /// The fields given, the rest taken from `defaults` (a model's, or the usual ones).
    fn input_fields(&self, defaults: &InputFields) -> InputFields {
        InputFields {
            text: self.text_field.clone().unwrap_or(defaults.text.clone()),
            label: self.label_field.clone().or(defaults.label.clone()),
        }
    }

    fn read_options(&self, defaults: &InputFields) -> ReadOptions {
        let fields = self.input_fields(defaults);
        ReadOptions {
            text_field: fields.text,
            label_field: fields.label,
            lossy: self.lossy,
        }
    }
}

/// Output format flag.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Jsonl,
    Csv,
}

/// The format asked for, or a table on a terminal and JSON Lines otherwise.
fn resolve_format(arg: Option<FormatArg>) -> Format {
    match arg {
        Some(FormatArg::Table) => Format::Table,
        Some(FormatArg::Jsonl) => Format::Jsonl,
        Some(FormatArg::Csv) => Format::Csv,
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Jsonl,
    }
}

/// The shipped default model, used when neither `--model` nor `STANCE_MODEL` is given.
pub const DEFAULT_MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.json");

/// The folder of the shipped models.
pub const MODELS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models");

/// The shipped sentence encoder.
pub const DEFAULT_ENCODER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2");

/// Loads `--model`, else `$STANCE_MODEL`, else the shipped default model. A bare name such as
/// `fast` or `default` that is not a file names a shipped model (`models/NAME.json`).
fn load_model(arg: Option<&Path>) -> Result<StanceModel> {
    let path = match (arg, std::env::var_os("STANCE_MODEL")) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(env)) => PathBuf::from(env),
        (None, None) => PathBuf::from(DEFAULT_MODEL),
    };
    let shipped = Path::new(MODELS_DIR).join(&path).with_extension("json");
    let bare = path.components().count() == 1 && path.extension().is_none();
    let path = if bare && !path.exists() && shipped.is_file() {
        shipped
    } else {
        path
    };
    // The library's errors name the file already.
    StanceModel::load(&path).context("cannot load model")
}

/// Expands inputs into article files: files as given, folders into every `.txt` file under them,
/// in subfolders too (sorted by path, so runs are repeatable), `-` for standard input.
fn article_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            txt_files(input, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// Adds the `.txt` files under `dir` to `found`. Symbolic links to folders are not followed (a
/// link can lead back up the tree); links to files are taken like files.
fn txt_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read folder {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read folder {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            txt_files(&path, found)?;
        } else if !path.is_dir() && path.extension().is_some_and(|e| e == "txt") {
            // Anything named .txt but a folder: a file that cannot be read is reported, not
            // passed over in silence.
            found.push(path);
        }
    }
    Ok(())
}

/// The bytes of a file; `-` reads standard input.
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// Paths for a message: `a.jsonl, b.jsonl`.
fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one article as UTF-8 text; `-` reads standard input.
fn read_article(path: &Path) -> Result<String> {
    let bytes = read_bytes(path).with_context(|| {
        if path == Path::new("-") {
            "cannot read standard input".to_string()
        } else {
            format!("cannot read article {}", path.display())
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: invalid UTF-8 at byte offset {}; convert the file to UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
