//! `stance score`: score the attributed sentences of articles, or quote records, and aggregate
//! them per expert and topic with the strongest evidence.

use super::{article_paths, load_model, read_article, resolve_format, FormatArg, Outcome};
use anyhow::{bail, Result};
use clap::Args;
use stance::aggregate::{aggregate, AggregateParams};
use stance::aliases::{Aliases, SpeakerIndex};
use stance::data::{read_records, ReadOptions};
use stance::model::StanceModel;
use stance::output::{write_scores, Format, ScoreReport};
use stance::score::{score_all, QuoteInput, ScoreOptions};
use std::path::PathBuf;

/// Score what experts said: per sentence and per (expert, topic), with evidence.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Article files, folders of .txt files, or - for standard input.
    #[arg(required_unless_present = "quotes", conflicts_with = "quotes")]
    inputs: Vec<PathBuf>,
    /// Score quote records instead (JSON Lines or CSV: `text`, optional `speaker`, `id`, other
    /// fields carried through); - reads standard input.
    #[arg(long, value_name = "FILE")]
    quotes: Option<PathBuf>,
    /// Field or column holding the sentence in --quotes records.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// Model file [default: $STANCE_MODEL, else the shipped models/default.json].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Output format [default: table on a terminal, else jsonl].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Evidence quotes shown per (expert, topic).
    #[arg(long, default_value_t = 2)]
    evidence: usize,
    /// Alias file: "variant<TAB>canonical name" lines; these names are never merged by guess.
    #[arg(long, value_name = "FILE")]
    aliases: Option<PathBuf>,
    /// Explain each sentence's stance: the n-grams that pushed it, with weights that add up to
    /// the margin between the chosen label and the runner-up (JSON Lines and CSV).
    #[arg(long)]
    explain: bool,
    /// Sentences whose most probable label is less probable than this are "uncertain" and left
    /// out of the per-expert aggregates.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    min_confidence: f64,
    /// In the table, list every sentence as well as the experts.
    #[arg(long)]
    sentences: bool,
}

/// Resolved, checked settings of a scoring run.
struct ScoreConfig {
    model: StanceModel,
    inputs: Vec<QuoteInput>,
    format: Format,
    aggregate: AggregateParams,
    aliases: Aliases,
    sentences: bool,
    options: ScoreOptions,
}

impl ScoreConfig {
    fn from_args(args: ScoreArgs) -> Result<Self> {
        let model = load_model(args.model.as_deref())?;
        let inputs = match &args.quotes {
            Some(path) => {
                let opts = ReadOptions {
                    text_field: args.text_field.clone(),
                    label_field: None,
                };
                let records = read_records(path, &opts)?;
                records
                    .into_iter()
                    .map(|r| QuoteInput::from_record(r, &args.text_field))
                    .collect()
            }
            None => {
                let mut inputs = Vec::new();
                for path in article_paths(&args.inputs)? {
                    let text = read_article(&path)?;
                    inputs.extend(QuoteInput::from_article(&path.display().to_string(), &text));
                }
                inputs
            }
        };
        if !(0.0..=1.0).contains(&args.min_confidence) {
            bail!(
                "--min-confidence {} must lie between 0 and 1",
                args.min_confidence
            );
        }
        if args.evidence > 100 {
            bail!("--evidence {} is too many; use at most 100", args.evidence);
        }
        Ok(ScoreConfig {
            model,
            inputs,
            format: resolve_format(args.format),
            aggregate: AggregateParams {
                evidence: args.evidence,
                ..AggregateParams::default()
            },
            aliases: match &args.aliases {
                Some(path) => Aliases::read(path)?,
                None => Aliases::default(),
            },
            sentences: args.sentences,
            options: ScoreOptions {
                explain: args.explain,
                min_confidence: args.min_confidence,
            },
        })
    }
}

pub fn run(args: ScoreArgs) -> Result<Outcome> {
    let config = ScoreConfig::from_args(args)?;
    let found = !config.inputs.is_empty();
    let quotes = score_all(&config.model, config.inputs, &config.options)?;
    let names = quotes.iter().filter_map(|q| q.input.speaker.as_deref());
    let speakers = SpeakerIndex::build(names, &config.aliases);
    let experts = aggregate(&quotes, config.model.topics(), &config.aggregate, &speakers);
    let report = ScoreReport {
        labels: config.model.labels(),
        quotes: &quotes,
        experts: &experts,
        speakers: &speakers,
        sentences: config.sentences,
    };
    let mut out = std::io::stdout().lock();
    write_scores(&mut out, config.format, &report)?;
    if !found {
        eprintln!("stance: nothing to score: no sentence attributed to a named person was found");
    }
    Ok(if found {
        Outcome::Done
    } else {
        Outcome::FellShort
    })
}
