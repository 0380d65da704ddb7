//! `stance extract`: print every sentence attributed to a named person, with its speaker, byte
//! span and kind; with `--gold`, judge the extraction against gold files instead (`judge`).

mod judge;

use super::{article_paths, read_article, resolve_format, FormatArg, Outcome};
use anyhow::{ensure, Result};
use clap::Args;
use stance::extract::{extract, Extracted};
use stance::output::{write_extracted, ArticleQuotes};
use std::path::{Path, PathBuf};

/// Print each sentence attributed to a named person: article, speaker, text, byte span, kind.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Article files (UTF-8 text), folders (every .txt file under them, subfolders too, in path
    /// order), or - for standard input. With --gold, .jsonl files here are gold files too (so
    /// `--gold GOLD... ARTICLE...` works).
    #[arg(required = true, value_name = "ARTICLE")]
    articles: Vec<PathBuf>,
    /// A gold file ({"speaker", "text", "kind"} lines) or a folder of them (its .jsonl files);
    /// repeat for more. Prints precision, recall and F1 of (speaker, sentence) pairs per article
    /// instead of the sentences. Gold pairs with articles by name: a record's "article" field,
    /// else the gold file's name, matched to the article file's name.
    #[arg(long, value_name = "GOLD")]
    gold: Vec<PathBuf>,
    /// With --gold: exit with status 1 when any article's F1 is below this value.
    #[arg(long, requires = "gold")]
    min_f1: Option<f64>,
    /// With --gold: list each article's missed gold sentences, spurious extracted ones and
    /// those given to another speaker than the gold's.
    #[arg(long, requires = "gold")]
    show_errors: bool,
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
    if !args.gold.is_empty() {
        return judge::run(&args, format);
    }
    let mut texts = Vec::new();
    for path in article_paths(&args.articles)? {
        let quotes = extract_from(&path, args.min_confidence)?;
        texts.push((path.display().to_string(), quotes));
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

/// The sentences extracted from the article at `path`, at or above `min_confidence`.
fn extract_from(path: &Path, min_confidence: Option<f64>) -> Result<Vec<Extracted>> {
    let mut quotes = extract(&read_article(path)?);
    if let Some(min) = min_confidence {
        quotes.retain(|q| q.confidence >= min);
    }
    Ok(quotes)
}
