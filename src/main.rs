//! The `stance` command line: parse the flags, run the command, map the outcome to an exit code
//! (0 done, 1 ran but fell short or found nothing, 2 error; a closed output pipe is not an error).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(cli::Outcome::Done) => ExitCode::SUCCESS,
        Ok(cli::Outcome::FellShort) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stance: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether the error comes from writing to a closed pipe, however it was wrapped: an I/O error,
/// or one inside a JSON or CSV writer's error (those hide it from the error chain).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            e.kind() == BrokenPipe
        } else if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
            e.io_error_kind() == Some(BrokenPipe)
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            matches!(e.kind(), csv::ErrorKind::Io(e) if e.kind() == BrokenPipe)
        } else {
            false
        }
    })
}
