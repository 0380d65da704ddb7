//! The table of `score`, written once every sentence is in: the width it fits, the per-article
//! view (`--by article`), and what it says when no expert row is left to show.

use super::ScoreConfig;
use crate::cli::Outcome;
use anyhow::Result;
use stance::aggregate::{aggregate, ExpertTopic};
use stance::output::{write_scores, ArticleExperts, Format, ScoreReport};
use stance::score::{ScoredQuote, UNCERTAIN};
use std::io::IsTerminal;

/// Width of a table when neither `$COLUMNS` nor a terminal tells it.
pub const DEFAULT_WIDTH: usize = 100;

/// The width the table fits: none with `--wide` (every text in full), else `$COLUMNS` when set
/// to a number, else the terminal's width when standard output is one, else [`DEFAULT_WIDTH`].
pub fn width(wide: bool) -> Option<usize> {
    if wide {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok();
    let from_env = columns.and_then(|c| c.trim().parse::<usize>().ok());
    let from_terminal = || {
        let stdout = console::Term::stdout();
        let size = std::io::stdout()
            .is_terminal()
            .then(|| stdout.size_checked());
        size.flatten().map(|(_, columns)| usize::from(columns))
    };
    Some(
        from_env
            .filter(|&c| c > 0)
            .or_else(from_terminal)
            .unwrap_or(DEFAULT_WIDTH),
    )
}

/// Writes the table of a run. When the experts were asked for but every attributed sentence
/// was uncertain, it says so on standard error and falls short instead of showing something
/// else; when no sentence has a speaker (quote records without one), it lists the sentences.
pub fn write(
    config: &ScoreConfig,
    quotes: &[ScoredQuote],
    experts: &[ExpertTopic],
    articles: &[String],
) -> Result<Outcome> {
    let mut emit = config.emit;
    if emit.experts && !emit.quotes && experts.is_empty() && !quotes.is_empty() {
        let attributed = quotes.iter().filter(|q| q.input.speaker.is_some()).count();
        if attributed == 0 {
            emit.quotes = true;
        } else {
            eprintln!(
                "stance: no expert rows: {}",
                all_uncertain(attributed, config)
            );
            return Ok(Outcome::FellShort);
        }
    }
    let by_article = config
        .by_article
        .then(|| per_article(config, quotes, articles));
    let report = ScoreReport {
        labels: config.model.labels(),
        model: config.model.name(),
        quotes,
        experts,
        emit,
        width: config.width,
        by_article: by_article.as_deref(),
    };
    write_scores(&mut std::io::stdout().lock(), Format::Table, &report)?;
    Ok(Outcome::Done)
}

/// Why no sentence made it into the aggregates, and what to do.
fn all_uncertain(attributed: usize, config: &ScoreConfig) -> String {
    let p = config.options.min_confidence;
    let which = match attributed {
        1 => "the 1 attributed sentence is".to_string(),
        n => format!("all {n} attributed sentences are"),
    };
    format!("{which} below --min-confidence {p} ({UNCERTAIN:?}); lower it or add --sentences")
}

/// The experts of each article in `articles` (input order), aggregated from its own sentences.
/// `quotes` are in input order, so each article's sentences follow each other.
fn per_article(
    config: &ScoreConfig,
    quotes: &[ScoredQuote],
    articles: &[String],
) -> Vec<ArticleExperts> {
    let mut rest = quotes;
    articles
        .iter()
        .map(|article| {
            let n = rest
                .iter()
                .take_while(|q| q.input.article.as_deref() == Some(article))
                .count();
            let (mine, after) = rest.split_at(n);
            rest = after;
            let topics = config.model.topics();
            let (experts, _) = aggregate(mine, topics, &config.aggregate, &config.aliases);
            ArticleExperts {
                article: article.clone(),
                sentences: n,
                experts,
            }
        })
        .collect()
}
