//! `stance aggregate`: the expert lines of a run that was split into parts (on the executors of
//! a Spark job, say), from the parts' partial states and/or their scored quote lines.

use super::{load_model, Outcome};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::Value;
use stance::aggregate::partial::{self, PartialLine};
use stance::aggregate::{order_key, AggregateParams, Aggregator};
use stance::aliases::Aliases;
use stance::output::{csv, jsonl};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

/// Merge the parts of a split run into the per-(expert, topic) aggregates, byte for byte what
/// one `stance score` over the whole input writes.
///
/// Reads JSON Lines of partial states (`stance score --emit partial`) and/or scored quote lines
/// (`stance score --format jsonl`), in any order and grouping; article and expert lines are
/// passed over. Partial states keep each sentence's place in the whole input (see `stance score
/// --articles`); a quote line's place is its ordinal among the quote lines read here, so quote
/// lines aggregate as one run (to the 4 decimals they give probabilities to) when given in
/// their input order, without partial states.
#[derive(Debug, Args)]
pub struct AggregateArgs {
    /// JSON Lines files, or - for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The model that scored the quote lines: their labels and the order of the topics (quote
    /// lines do not give it). Not needed when a partial state comes first.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Evidence quotes per (expert, topic) [default: what the partial states kept, else 2]; at
    /// most what they kept.
    #[arg(long)]
    evidence: Option<usize>,
    /// Alias file: "variant<TAB>canonical name" lines; these names are never merged by guess.
    #[arg(long, value_name = "FILE")]
    aliases: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

pub fn run(args: AggregateArgs) -> Result<Outcome> {
    let aliases = match &args.aliases {
        Some(path) => Aliases::read(path)?,
        None => Aliases::default(),
    };
    let mut merged = Merged {
        state: None,
        model: match &args.model {
            Some(path) => {
                let model = load_model(Some(path))?;
                Some((model.labels().to_vec(), model.topics().to_vec()))
            }
            None => None,
        },
        evidence: args.evidence.unwrap_or(2),
        quotes: 0,
    };
    for path in &args.inputs {
        merged.read(path)?;
    }
    let Some((mut aggregator, _)) = merged.state else {
        bail!(
            "no partial state or quote lines in {}",
            super::display_paths(&args.inputs)
        );
    };
    let header = aggregator.header();
    if let Some(n) = args.evidence {
        if !aggregator.show_evidence(n) {
            bail!("--evidence {n}: the partial states kept {} quotes a row; give at most that, or score with a larger --evidence", header.evidence);
        }
    }
    let (rows, _) = aggregator.finish(&aliases);
    let mut out = Vec::new();
    match args.format {
        Format::Jsonl => jsonl::write_experts(&mut out, &rows)?,
        Format::Csv => {
            csv::write_expert_header(&mut out, &header.labels)?;
            csv::write_experts(&mut out, &rows, &header.labels)?;
        }
    }
    std::io::stdout().lock().write_all(&out)?;
    Ok(if rows.is_empty() {
        Outcome::FellShort
    } else {
        Outcome::Done
    })
}

/// The state merged so far, with the place of the header it was made from.
struct Merged {
    state: Option<(Aggregator, String)>,
    /// `--model`'s labels and topics.
    model: Option<(Vec<String>, Vec<String>)>,
    /// Evidence kept when the state comes from quote lines.
    evidence: usize,
    /// Quote lines aggregated.
    quotes: u64,
}

/// What one file gave so far.
#[derive(Default)]
struct File {
    /// Its partial header was read: its quote lines are left out, as the state covers them.
    header: bool,
    /// The aggregate of its quote lines, when the labels and topics were known for them.
    quotes: Option<Aggregator>,
    /// Quote lines read before the labels and topics were known.
    unplaced: bool,
}

impl Merged {
    fn read(&mut self, path: &PathBuf) -> Result<()> {
        let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Box::new(BufReader::with_capacity(1 << 16, file))
        };
        let mut file = File::default();
        for (i, line) in reader.lines().enumerate() {
            let place = format!("{}:{}", path.display(), i + 1);
            let line = line.with_context(|| format!("cannot read {place}"))?;
            if line.trim().is_empty() {
                continue;
            }
            self.line(&line, &place, &mut file)
                .map_err(|e| anyhow!("{place}: {e}"))?;
        }
        match (file.header, file.quotes, &mut self.state) {
            (false, _, None) if file.unplaced => bail!(
                "{}: quote lines do not give the model's topic order: give --model (the model \
                 that scored them), or a partial state first",
                path.display()
            ),
            (false, Some(quotes), None) => self.state = Some((quotes, path.display().to_string())),
            (false, Some(quotes), Some((state, origin))) => state
                .merge(quotes)
                .map_err(|e| anyhow!("{}: {e} (as of {origin})", path.display()))?,
            _ => {}
        }
        Ok(())
    }

    fn line(&mut self, line: &str, place: &str, file: &mut File) -> Result<()> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| anyhow!("malformed JSON: {e}"))?;
        match value.get("type").and_then(Value::as_str) {
            Some("partial") => match partial::parse(value).map_err(|e| anyhow!(e))? {
                PartialLine::Header(h) => {
                    file.header = true;
                    let params = AggregateParams {
                        evidence: h.evidence,
                    };
                    match &self.state {
                        None => {
                            let state = Aggregator::new(&h.labels, &h.topics, params);
                            self.state = Some((state, place.to_string()));
                        }
                        Some((state, origin)) => state
                            .check(&h.labels, &h.topics, h.evidence)
                            .map_err(|e| {
                                anyhow!("{e} (as of {origin}); merge parts scored with the same model and --evidence")
                            })?,
                    }
                }
                PartialLine::Spelling(line) => match (&mut self.state, file.header) {
                    (Some((state, _)), true) => state.merge_line(line).map_err(|e| anyhow!(e))?,
                    _ => bail!("a partial state line before its file's header line"),
                },
            },
            Some("quote") if file.header => {}
            Some("quote") => self.quote(&value, file)?,
            Some("article" | "expert") => {}
            other => bail!("expected partial, quote, article or expert lines, not type {other:?}"),
        }
        Ok(())
    }

    /// Adds a scored quote line to its file's aggregate, at the next place.
    fn quote(&mut self, q: &Value, file: &mut File) -> Result<()> {
        if file.quotes.is_none() {
            let (labels, topics, evidence) = match (&self.state, &self.model) {
                (Some((state, _)), _) => {
                    let h = state.header();
                    (h.labels, h.topics, h.evidence)
                }
                (None, Some((labels, topics))) => (labels.clone(), topics.clone(), self.evidence),
                (None, None) => {
                    file.unplaced = true;
                    return Ok(());
                }
            };
            let params = AggregateParams { evidence };
            file.quotes = Some(Aggregator::new(&labels, &topics, params));
        }
        let Some(state) = &mut file.quotes else {
            return Ok(());
        };
        state
            .add_quote_line(q, order_key(self.quotes, 0))
            .map_err(|e| anyhow!(e))?;
        self.quotes += 1;
        Ok(())
    }
}
