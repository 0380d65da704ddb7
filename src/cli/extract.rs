//! `stance extract`: print every sentence attributed to a named person, with its speaker, byte
//! span and kind.

use super::{article_paths, read_article, resolve_format, FormatArg, Outcome};
use anyhow::Result;
use clap::Args;
use stance::extract::extract;
use stance::output::{write_extracted, ArticleQuotes};
use std::path::PathBuf;

/// Print each sentence attributed to a named person: article, speaker, text, byte span, kind.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Article files (UTF-8 text), folders of .txt files, or - for standard input.
    #[arg(required = true)]
    articles: Vec<PathBuf>,
    /// Output format [default: table on a terminal, else jsonl].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
}

pub fn run(args: ExtractArgs) -> Result<Outcome> {
    let format = resolve_format(args.format);
    let mut texts = Vec::new();
    for path in article_paths(&args.articles)? {
        let text = read_article(&path)?;
        texts.push((path.display().to_string(), extract(&text)));
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
