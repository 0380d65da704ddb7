//! `stance data check`: check labelled corpus files against the annotation contract and print
//! their distributions; exit 1 with the list of problems when anything is off. A plain
//! `text,label` file is checked for what applies to it, and the report names what was not.

use super::Outcome;
use anyhow::Result;
use clap::{Args, Subcommand};
use stance::datacheck::{check, CheckReport, LABELS};
use std::io::Write;
use std::path::PathBuf;

/// Work on labelled corpus files.
#[derive(Debug, Args)]
pub struct DataArgs {
    #[command(subcommand)]
    command: DataCommand,
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Schema, labels, topics, kinds, ids, lengths, duplicates and speaker or article leakage
    /// between files (each file is one split); prints the distributions. Fields that no record
    /// of a file has (a plain text,label file has no ids, speakers, topics or kinds) are not
    /// checked there, and the report says so.
    Check {
        /// Corpus files (JSON Lines, or CSV or TSV by extension), one per split.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(args: DataArgs) -> Result<Outcome> {
    let DataCommand::Check { files } = args.command;
    let report = check(&files)?;
    let mut out = std::io::stdout().lock();
    write_report(&mut out, &report)?;
    Ok(if report.problems.is_empty() {
        Outcome::Done
    } else {
        Outcome::FellShort
    })
}

fn write_report(w: &mut dyn Write, report: &CheckReport) -> std::io::Result<()> {
    for f in &report.files {
        let speakers = if f.absent.contains(&"speaker") {
            String::new()
        } else {
            format!(", {} speakers", f.speakers)
        };
        writeln!(
            w,
            "{}: {} sentences{speakers}, {} hard cases",
            f.path.display(),
            f.sentences,
            f.notes
        )?;
        for (name, counts) in [
            ("stance", &f.labels),
            ("topics", &f.topics),
            ("kind", &f.kinds),
        ]
        .into_iter()
        .filter(|(name, _)| *name == "stance" || !f.absent.contains(name))
        {
            let cells: Vec<String> = counts
                .iter()
                .map(|(k, n)| {
                    format!(
                        "{k} {n} ({:.1}%)",
                        100.0 * *n as f64 / f.sentences.max(1) as f64
                    )
                })
                .collect();
            writeln!(w, "  {name:<7} {}", cells.join(", "))?;
        }
        if !f.absent.is_empty() {
            writeln!(
                w,
                "  not checked: {} (no record of the file has the field)",
                f.absent.join(", ")
            )?;
        }
        if !f.guide_labels {
            writeln!(
                w,
                "  labels are the file's own (none is {}): checked for presence only",
                LABELS.join(", ")
            )?;
        }
    }
    if report.problems.is_empty() {
        writeln!(w, "ok: no problems")?;
    } else {
        writeln!(w, "{} problems:", report.problems.len())?;
        for p in &report.problems {
            writeln!(w, "{}:{}: {}", p.path.display(), p.line, p.message)?;
        }
    }
    Ok(())
}
