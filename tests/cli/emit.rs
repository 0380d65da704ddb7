//! `--emit` and CSV for data frames (issue #16): one kind of row per CSV file, extra input fields
//! kept as columns, an id on every row.

use crate::util::{json_lines, score, seed, stderr_of, stdout_of};
use std::path::Path;

/// Reads CSV text strictly, as pandas does: every row must have the header's number of cells.
fn frame(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("every row has the header's cells");
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Quote records, some without an id, with extra fields (`date`, `source`).
fn records(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("quotes.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"r1\",\"text\":\"Gas exports will grow strongly.\",\"speaker\":\"Ana Lima\",\"date\":\"2024-03-01\",\"source\":\"Trend\"}\n\
         {\"text\":\"The risks to the pipeline are serious.\",\"speaker\":\"Ana Lima\",\"date\":\"2024-03-02\",\"source\":\"TASS\"}\n\
         \n\
         {\"text\":\"Trade with Europe is rising fast.\",\"speaker\":\"Bo Chen\",\"date\":\"2024-03-04\",\"source\":\"Turan\",\"url\":\"https://x.example/1\"}\n",
    )
    .unwrap();
    path
}

/// CSV mixed quote and expert rows with half-empty columns, dropped the input's other fields,
/// and gave records without an id an empty one.
#[test]
fn csv_quotes_are_one_frame_with_ids_and_the_inputs_fields() {
    let dir = tempfile::tempdir().unwrap();
    let quotes = records(dir.path());
    let out = score(&["--format", "csv", "--quotes"])
        .arg(&quotes)
        .assert()
        .success()
        .get_output()
        .clone();
    let (header, rows) = frame(&String::from_utf8(out.stdout).unwrap());
    assert!(!header.contains(&"type".to_string()), "{header:?}");
    assert!(!header.contains(&"n".to_string()), "{header:?}");
    assert_eq!(header[0], "id");
    assert_eq!(rows.len(), 3);
    let (id, date, source) = (
        column(&header, "id"),
        column(&header, "date"),
        column(&header, "source"),
    );
    let name = quotes.display().to_string();
    let ids: Vec<&str> = rows.iter().map(|r| &r[id]).collect();
    assert_eq!(ids, ["r1", &format!("{name}:2"), &format!("{name}:4")]);
    let dates: Vec<&str> = rows.iter().map(|r| &r[date]).collect();
    assert_eq!(dates, ["2024-03-01", "2024-03-02", "2024-03-04"]);
    assert_eq!(&rows[2][source], "Turan");
    // `url` is not a field of the first record, so it has no column: dropped, and said so.
    assert!(!header.contains(&"url".to_string()));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("1 record(s) had fields that are not CSV columns") && err.contains("\"url\""),
        "{err}"
    );
    // JSON Lines give the same ids.
    let lines = json_lines(&stdout_of(
        score(&["--format", "jsonl", "--quotes"]).arg(&quotes),
    ));
    let jsonl_ids: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "quote")
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(jsonl_ids, ids);
}

/// `--emit experts` gives a file of expert rows only, with their own columns; asking a CSV
/// file for both kinds is an error that names the fix.
#[test]
fn csv_experts_are_a_frame_of_their_own() {
    let text = stdout_of(score(&["--format", "csv", "--emit", "experts"]).arg(seed()));
    let (header, rows) = frame(&text);
    let mut expected: Vec<String> = ["speaker", "variants", "topic", "stance", "score", "n"]
        .map(String::from)
        .to_vec();
    expected.extend(["p_optimistic", "p_cautionary", "p_neutral"].map(String::from));
    expected.extend(["evidence", "evidence_ids"].map(String::from));
    let mut got_p = header.clone();
    got_p.sort();
    let mut want_p = expected.clone();
    want_p.sort();
    assert_eq!(got_p, want_p, "{header:?}");
    assert_eq!(&header[..6], &expected[..6]);
    assert_eq!(&header[header.len() - 2..], &expected[expected.len() - 2..]);
    let experts = expert_rows_of_jsonl();
    assert_eq!(rows.len(), experts.len());
    let (speaker, topic, n, ids) = (
        column(&header, "speaker"),
        column(&header, "topic"),
        column(&header, "n"),
        column(&header, "evidence_ids"),
    );
    for (row, e) in rows.iter().zip(&experts) {
        assert_eq!(&row[speaker], e["speaker"].as_str().unwrap());
        assert_eq!(&row[topic], e["topic"].as_str().unwrap());
        assert_eq!(row[n].parse::<u64>().unwrap(), e["n"].as_u64().unwrap());
        assert!(row[ids].contains('#'), "{row:?}");
        for label in ["optimistic", "cautionary", "neutral"] {
            let cell: f64 = row[column(&header, &format!("p_{label}"))].parse().unwrap();
            assert_eq!(cell, e["probabilities"][label].as_f64().unwrap(), "{row:?}");
        }
    }
    let err = stderr_of(
        score(&["--format", "csv", "--emit", "quotes,experts"]).arg(seed()),
        2,
    );
    assert!(
        err.contains("a CSV file holds one kind of row: give --emit quotes or --emit experts"),
        "{err}"
    );
}

fn expert_rows_of_jsonl() -> Vec<serde_json::Value> {
    let out = stdout_of(score(&["--format", "jsonl"]).arg(seed()));
    json_lines(&out)
        .into_iter()
        .filter(|l| l["type"] == "expert")
        .collect()
}

/// JSON Lines write both kinds by default; `--emit` keeps one (quote lines go with their
/// article lines).
#[test]
fn json_lines_emit_one_kind_when_asked() {
    let kinds = |emit: &[&str]| {
        let out = stdout_of(score(&[&["--format", "jsonl"], emit].concat()).arg(seed()));
        let mut kinds: Vec<String> = json_lines(&out)
            .iter()
            .map(|l| l["type"].as_str().unwrap().to_string())
            .collect();
        kinds.dedup();
        kinds
    };
    assert_eq!(kinds(&[]), ["quote", "article", "expert"]);
    assert_eq!(kinds(&["--emit", "quotes"]), ["quote", "article"]);
    assert_eq!(kinds(&["--emit", "experts"]), ["expert"]);
    assert_eq!(
        kinds(&["--emit", "experts", "--emit", "quotes"]),
        ["quote", "article", "expert"]
    );
}
