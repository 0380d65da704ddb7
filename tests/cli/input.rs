//! Reading input as users give it: CSV with Windows line endings, TSV, missing files, folders
//! of articles with subfolders, and output piped into a command that stops reading (`| head`).

use crate::util::{json_lines, repo, seed, small_model, stance, stdout_of, train_subset};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Exit code and standard error of `stance ARGS`.
fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = stance().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A CSV file with `\r\n` line endings: a cell over two lines (3-4), a blank line (5), a row
/// with one cell (6), a row with an empty text (7).
const CRLF_CSV: &str = "text,label\r\n\
    \"Growth is strong this year.\",optimistic\r\n\
    \"Risks remain,\r\nand they grow.\",cautionary\r\n\
    \r\n\
    only one cell\r\n\
    \"\",neutral\r\n\
    \"Trade will grow.\",optimistic\r\n";

#[test]
fn crlf_csv_errors_name_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    std::fs::write(&data, CRLF_CSV).unwrap();
    let model = small_model().as_os_str();
    let out = dir.path().join("m.json");
    let commands: [Vec<&std::ffi::OsStr>; 3] = [
        vec![
            "train".as_ref(),
            "--encoder".as_ref(),
            "none".as_ref(),
            "--cv".as_ref(),
            "0".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "--data".as_ref(),
            data.as_os_str(),
        ],
        vec![
            "eval".as_ref(),
            "--model".as_ref(),
            model,
            "--data".as_ref(),
            data.as_os_str(),
        ],
        vec![
            "score".as_ref(),
            "--format".as_ref(),
            "jsonl".as_ref(),
            "--model".as_ref(),
            model,
            "--quotes".as_ref(),
            data.as_os_str(),
        ],
    ];
    for args in &commands {
        let (code, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("data.csv:6: malformed CSV"),
            "{args:?}: {stderr}"
        );
        let mut skipping = args.clone();
        skipping.push("--skip-invalid".as_ref());
        let (_, stderr) = run(&skipping);
        assert!(
            stderr.contains("data.csv:6: malformed CSV"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("data.csv:7: field \"text\" is empty"),
            "{args:?}: {stderr}"
        );
    }
}

/// Writes `records` (JSON objects with `text` and `stance`) as a TSV file, quoted like CSV.
fn write_tsv(path: &Path, records: &[serde_json::Value]) {
    let mut text = String::from("text\tstance\n");
    for r in records {
        let cell = r["text"].as_str().unwrap().replace('"', "\"\"");
        text += &format!("\"{cell}\"\t{}\n", r["stance"].as_str().unwrap());
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn tsv_files_are_read_as_tab_separated_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = train_subset(dir.path(), "train.jsonl", 200);
    let records = json_lines(&std::fs::read_to_string(jsonl).unwrap());
    let (train, test) = (dir.path().join("train.tsv"), dir.path().join("test.tsv"));
    write_tsv(&train, &records[..150]);
    write_tsv(&test, &records[150..]);
    let model = dir.path().join("m.json");
    stance()
        .args(["train", "--encoder", "none", "--cv", "0", "--data"])
        .arg(&train)
        .arg("--out")
        .arg(&model)
        .assert()
        .success();
    let eval = stdout_of(
        stance()
            .arg("eval")
            .arg("--model")
            .arg(&model)
            .arg("--data")
            .arg(&test),
    );
    assert!(eval.contains("sentences  50"), "{eval}");
    let scored = stdout_of(
        stance()
            .args(["score", "--format", "jsonl", "--model"])
            .arg(&model)
            .arg("--quotes")
            .arg(&test),
    );
    let quotes = json_lines(&scored)
        .into_iter()
        .filter(|l| l["type"] == "quote");
    assert_eq!(quotes.count(), 50);
    let checked = stdout_of(stance().args(["data", "check"]).arg(&test));
    assert!(checked.contains("test.tsv: 50 sentences"), "{checked}");

    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "text\tstance\ngood one\tneutral\nno tab here\n").unwrap();
    let (code, stderr) = run(&[
        "eval".as_ref(),
        "--model".as_ref(),
        model.as_os_str(),
        "--data".as_ref(),
        bad.as_os_str(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.tsv:3: malformed TSV"), "{stderr}");
}

#[test]
fn a_missing_file_gives_its_reason_once() {
    let model = small_model().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let never = dir.path().join("never.json");
    let never = never.to_str().unwrap();
    let seed = seed();
    let seed = seed.to_str().unwrap();
    let data = repo("data/corpus/test.jsonl");
    let data = data.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["train", "--cv", "0", "--out", never, "--data", "nope.jsonl"],
        &[
            "train",
            "--cv",
            "0",
            "--out",
            never,
            "--lexicon",
            "nope.tsv",
            "--data",
            data,
        ],
        &["eval", "--model", model, "--data", "nope.jsonl"],
        &["eval", "--model", "nope.json", "--data", data],
        &["score", "--model", model, "nope.txt"],
        &["score", "--model", model, "--quotes", "nope.jsonl"],
        &["score", "--model", model, "--aliases", "nope.tsv", seed],
        &["score", "--model", "nope.json", seed],
        &["extract", "nope.txt"],
        &["extract", seed, "--gold", "nope.jsonl"],
        &["explain", "--model", "nope.json", "a sentence"],
        &["data", "check", "nope.jsonl"],
    ];
    for args in commands {
        // Run in an empty folder, so that no nope.* can exist.
        let out = stance()
            .current_dir(dir.path())
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("nope."), "{args:?}: {stderr}");
        assert_eq!(
            stderr.matches("(os error 2)").count(),
            1,
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn article_folders_are_searched_recursively_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = |name: &str| repo("tests/fixtures/articles").join(name);
    let layout = [
        ("b.txt", "01-caspian-ports-caliber.txt"),
        ("a/z.txt", "04-inflation-interview-trend.txt"),
        ("a/sub/deeper/c.txt", "14-eu-visa-armenpress.txt"),
        ("a/notes.md", "16-senate-sanctions-tass.txt"),
    ];
    for (to, from) in layout {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture(from), to).unwrap();
    }
    let expected: Vec<PathBuf> = ["a/sub/deeper/c.txt", "a/z.txt", "b.txt"]
        .iter()
        .map(|p| dir.path().join(p))
        .collect();
    for command in ["extract", "score"] {
        let mut cmd = stance();
        cmd.args([command, "--format", "jsonl"]);
        if command == "score" {
            cmd.arg("--model").arg(small_model());
        }
        let out = stdout_of(cmd.arg(dir.path()));
        let mut articles: Vec<PathBuf> = Vec::new();
        for line in json_lines(&out) {
            if let Some(a) = line["article"].as_str() {
                if articles.last().map(PathBuf::as_path) != Some(Path::new(a)) {
                    articles.push(PathBuf::from(a));
                }
            }
        }
        assert_eq!(articles, expected, "{command}");
    }
}

/// Runs `stance ARGS` with `input` on standard input, having closed the read end of its
/// standard output first: every command reads its input before it writes, so its first write
/// finds the pipe closed.
fn into_closed_pipe(args: &[&str], input: &[u8]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"))
        .env_remove("STANCE_MODEL")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The command may end without reading it all; that is its exit code's business.
    let _ = stdin.write_all(input);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_closed_output_pipe_ends_every_command_quietly_with_status_0() {
    let model = small_model().to_str().unwrap();
    let records: Vec<String> = std::fs::read_to_string(repo("data/corpus/test.jsonl"))
        .unwrap()
        .lines()
        .take(40)
        .map(String::from)
        .collect();
    let records = records.join("\n") + "\n";
    let article = std::fs::read(seed()).unwrap();
    let sentences = b"Growth will come back.\nSerious risks remain.\n";
    let runs: &[(&[&str], &[u8])] = &[
        (
            &["eval", "--model", model, "--data", "-"],
            records.as_bytes(),
        ),
        (
            &["eval", "--format", "json", "--model", model, "--data", "-"],
            records.as_bytes(),
        ),
        (
            &[
                "score", "--format", "jsonl", "--model", model, "--quotes", "-",
            ],
            records.as_bytes(),
        ),
        (
            &[
                "score", "--format", "csv", "--model", model, "--quotes", "-",
            ],
            records.as_bytes(),
        ),
        (
            &["score", "--format", "table", "--model", model, "-"],
            &article,
        ),
        (&["extract", "--format", "jsonl", "-"], &article),
        (&["extract", "--format", "csv", "-"], &article),
        (&["extract", "--format", "table", "-"], &article),
        (&["explain", "--model", model, "-"], sentences),
        (
            &["explain", "--format", "json", "--model", model, "-"],
            sentences,
        ),
        (&["data", "check", "-"], records.as_bytes()),
    ];
    for (args, input) in runs {
        let (code, stderr) = into_closed_pipe(args, input);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
