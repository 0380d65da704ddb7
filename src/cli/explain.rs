//! `stance explain`: the stance of sentences given on the command line, with the n-grams that
//! pushed the decision and weights that add up to the margin over the runner-up label.

use super::{load_model, read_bytes, Outcome};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Explain the stance the model gives to each sentence.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Sentences to explain; - reads them from standard input, one a line (blank lines are
    /// passed over).
    #[arg(required = true)]
    sentences: Vec<String>,
    /// Model file [default: $STANCE_MODEL, else the shipped models/default.json].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Terms shown per sentence in text output (JSON lists every term).
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
}

pub fn run(args: ExplainArgs) -> Result<Outcome> {
    let sentences = with_stdin(args.sentences)?;
    if sentences.is_empty() {
        eprintln!("stance: nothing to explain: standard input has no sentence");
        return Ok(Outcome::FellShort);
    }
    let model = load_model(args.model.as_deref())?;
    let mut out = std::io::stdout().lock();
    for sentence in &sentences {
        let (p, e) = model.explain(sentence)?;
        let probabilities: Vec<(String, f64)> = model
            .labels()
            .iter()
            .cloned()
            .zip(p.probabilities)
            .collect();
        match args.format {
            ExplainFormat::Json => {
                let probs: serde_json::Map<String, serde_json::Value> = probabilities
                    .iter()
                    .map(|(l, v)| (l.clone(), json!(v)))
                    .collect();
                let line = json!({"text": sentence, "stance": e.label, "probabilities": probs, "explanation": e});
                writeln!(out, "{line}")?;
            }
            ExplainFormat::Text => {
                let probs: Vec<String> = probabilities
                    .iter()
                    .map(|(l, v)| format!("{l} {v:.3}"))
                    .collect();
                writeln!(out, "{sentence}")?;
                writeln!(out, "  stance {} ({})", e.label, probs.join(", "))?;
                writeln!(
                    out,
                    "  margin over {}: {:+.3} = intercept {:+.3} + {} terms",
                    e.versus,
                    e.margin,
                    e.intercept,
                    e.terms.len()
                )?;
                for t in e.top(args.top) {
                    writeln!(out, "    {:+.3}  {}", t.weight, t.term)?;
                }
                let rest = e.terms.len().saturating_sub(args.top);
                if rest > 0 {
                    let sum: f64 = e.terms[args.top..].iter().map(|t| t.weight).sum();
                    writeln!(out, "    {sum:+.3}  ({rest} more terms)")?;
                }
            }
        }
    }
    Ok(Outcome::Done)
}

/// The sentences, with `-` replaced by the lines of standard input.
fn with_stdin(args: Vec<String>) -> Result<Vec<String>> {
    if args.iter().filter(|s| *s == "-").count() > 1 {
        bail!("- (standard input) is given more than once");
    }
    let mut out = Vec::with_capacity(args.len());
    for arg in args {
        if arg != "-" {
            out.push(arg);
            continue;
        }
        let bytes = read_bytes(Path::new("-")).context("cannot read standard input")?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
            anyhow::anyhow!("standard input:{line}: invalid UTF-8; convert the text to UTF-8")
        })?;
        out.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    Ok(out)
}
