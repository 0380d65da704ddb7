//! Checks of a labelled corpus against the annotation contract: schema, allowed labels, topics
//! and kinds, unique ids, sentence length, exact and near duplicates (within and across files),
//! and speakers or source articles shared between files (each file is one split). Problems name
//! the file and line; the report also gives the label, topic and kind distributions.
//!
//! A plain `text,label` file, as public corpora come, is checked for what applies to it: the
//! schema it has, labels present, lengths and duplicates. Fields of the contract that no record
//! of a file has (ids, speakers, topics, kinds) are not checked there, and the report says so;
//! its labels are held to the guide's only when it uses any of them (else it has its own set).

use crate::corpus::data::{read_records, ReadOptions, Record};
use crate::error::Result;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Stances of the annotation guide.
pub const LABELS: [&str; 3] = ["optimistic", "cautionary", "neutral"];
/// Topics of the annotation guide.
pub const TOPICS: [&str; 6] = [
    "security",
    "energy",
    "economy",
    "connectivity",
    "technology",
    "diplomacy",
];
/// Kinds of attributed sentence.
pub const KINDS: [&str; 3] = ["direct", "reported", "answer"];
/// Fields of the annotation contract beside the text and the label; a file none of whose
/// records has one of them is not checked for it.
pub const CONTRACT_FIELDS: [&str; 4] = ["id", "speaker", "topics", "kind"];
/// Sentence length bounds, in words.
pub const WORDS: std::ops::RangeInclusive<usize> = 10..=60;
/// Two sentences sharing at least this share of their distinct words (Jaccard) are near duplicates.
pub const NEAR_DUPLICATE: f64 = 0.5;

/// A problem found, at a file and line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

/// Counts of one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FileSummary {
    pub path: PathBuf,
    pub sentences: usize,
    pub speakers: usize,
    pub labels: BTreeMap<String, usize>,
    pub topics: BTreeMap<String, usize>,
    pub kinds: BTreeMap<String, usize>,
    /// Sentences with a `note` (hard cases).
    pub notes: usize,
    /// Fields of [`CONTRACT_FIELDS`] that no record of the file has, so were not checked.
    pub absent: Vec<&'static str>,
    /// Whether the labels were held to the guide's [`LABELS`]: a file that has every field of
    /// the contract, or uses any of the guide's labels, is; a file with its own label set is
    /// only checked for labels being present.
    pub guide_labels: bool,
}

/// The result of a check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckReport {
    pub files: Vec<FileSummary>,
    pub problems: Vec<Problem>,
}

/// One sentence with where it came from.
struct Row {
    file: usize,
    record: Record,
}

/// Checks every file; a file that cannot be read at all is an error, anything else a problem.
pub fn check(paths: &[PathBuf]) -> Result<CheckReport> {
    let mut rows = Vec::new();
    for (file, path) in paths.iter().enumerate() {
        for record in read_records(path, &ReadOptions::default())? {
            rows.push(Row { file, record });
        }
    }
    let mut report = CheckReport::default();
    for (i, path) in paths.iter().enumerate() {
        report.files.push(summarize(
            path,
            rows.iter().filter(|r| r.file == i).map(|r| &r.record),
        ));
    }
    for row in &rows {
        let file = &report.files[row.file];
        check_record(file, &row.record, &mut report.problems);
    }
    check_ids(paths, &rows, &mut report.problems);
    check_duplicates(paths, &rows, &mut report.problems);
    check_leakage(paths, &rows, &mut report.problems);
    Ok(report)
}

fn problem(path: &Path, line: usize, message: String) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line,
        message,
    }
}

fn summarize<'a>(path: &Path, records: impl Iterator<Item = &'a Record>) -> FileSummary {
    let mut s = FileSummary {
        path: path.to_path_buf(),
        ..FileSummary::default()
    };
    let mut speakers = HashSet::new();
    let mut present: HashSet<&'static str> = HashSet::new();
    for r in records {
        s.sentences += 1;
        speakers.extend(r.speaker.clone());
        *s.labels
            .entry(r.label.clone().unwrap_or_else(|| "(none)".into()))
            .or_default() += 1;
        for t in r.topics.iter().flatten() {
            *s.topics.entry(t.clone()).or_default() += 1;
        }
        let kind = r
            .fields
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("(none)");
        *s.kinds.entry(kind.to_string()).or_default() += 1;
        s.notes += usize::from(r.fields.get("note").is_some_and(|n| !n.is_null()));
        present.extend(
            CONTRACT_FIELDS
                .iter()
                .copied()
                .filter(|f| r.fields.contains_key(*f)),
        );
    }
    s.speakers = speakers.len();
    s.absent = CONTRACT_FIELDS
        .into_iter()
        .filter(|f| !present.contains(f))
        .collect();
    s.guide_labels = s.absent.is_empty() || LABELS.iter().any(|l| s.labels.contains_key(*l));
    s
}

/// Checks one record against the rules that apply to its file.
fn check_record(file: &FileSummary, r: &Record, out: &mut Vec<Problem>) {
    let mut say = |m: String| out.push(problem(&file.path, r.line, m));
    let has = |field: &str| !file.absent.contains(&field);
    match r.label.as_deref() {
        Some(l) if l.trim().is_empty() => say("empty label".into()),
        Some(l) if file.guide_labels && !LABELS.contains(&l) => {
            say(format!("stance {l:?} is not one of {}", LABELS.join(", ")))
        }
        Some(_) => {}
        None if file.guide_labels => say("missing stance".into()),
        None => say(r.missing_label()),
    }
    match &r.topics {
        Some(topics) => {
            for t in topics.iter().filter(|t| !TOPICS.contains(&t.as_str())) {
                say(format!("topic {t:?} is not one of {}", TOPICS.join(", ")));
            }
        }
        None if has("topics") => say("missing topics (use [] for none)".into()),
        None => {}
    }
    match r.fields.get("kind").and_then(|k| k.as_str()) {
        Some(k) if KINDS.contains(&k) => {}
        Some(k) => say(format!("kind {k:?} is not one of {}", KINDS.join(", "))),
        None if has("kind") => say("missing kind".into()),
        None => {}
    }
    if r.speaker.is_none() && has("speaker") {
        say("missing speaker".into());
    }
    if r.id.is_none() && has("id") {
        say("missing id".into());
    }
    let words = r.text.split_whitespace().count();
    if !WORDS.contains(&words) {
        say(format!(
            "{words} words; sentences must have {} to {}",
            WORDS.start(),
            WORDS.end()
        ));
    }
}

fn check_ids(paths: &[PathBuf], rows: &[Row], out: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, &Row> = HashMap::new();
    for row in rows {
        let Some(id) = row.record.id.as_deref() else {
            continue;
        };
        if let Some(first) = seen.insert(id, row) {
            let at = format!("{}:{}", paths[first.file].display(), first.record.line);
            out.push(problem(
                &paths[row.file],
                row.record.line,
                format!("id {id:?} already used at {at}"),
            ));
        }
    }
}

/// Lowercase distinct words of a sentence.
fn word_set(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Exact duplicates (same normalised text) and near duplicates (Jaccard of word sets at or above
/// [`NEAR_DUPLICATE`]); candidate pairs come from an inverted index of the words.
fn check_duplicates(paths: &[PathBuf], rows: &[Row], out: &mut Vec<Problem>) {
    let sets: Vec<HashSet<String>> = rows.iter().map(|r| word_set(&r.record.text)).collect();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for w in set {
            index.entry(w.as_str()).or_default().push(i);
        }
    }
    let common = rows.len() / 20 + 2; // words in over 5% of sentences find no duplicates alone
    for (i, set) in sets.iter().enumerate() {
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for w in set {
            let postings = &index[w.as_str()];
            if postings.len() <= common {
                for &j in postings.iter().filter(|&&j| j < i) {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        let mut candidates: Vec<usize> = shared.into_keys().collect();
        candidates.sort_unstable();
        for j in candidates {
            let inter = sets[i].intersection(&sets[j]).count();
            let jaccard = inter as f64 / (sets[i].len() + sets[j].len() - inter).max(1) as f64;
            if jaccard >= NEAR_DUPLICATE {
                let what = if jaccard >= 1.0 {
                    "duplicate"
                } else {
                    "near duplicate"
                };
                let first = &rows[j];
                let at = format!("{}:{}", paths[first.file].display(), first.record.line);
                let row = &rows[i];
                out.push(problem(
                    &paths[row.file],
                    row.record.line,
                    format!("{what} of {at} ({:.0}% shared words)", jaccard * 100.0),
                ));
            }
        }
    }
}

/// A speaker or a source article in more than one file leaks between splits.
fn check_leakage(paths: &[PathBuf], rows: &[Row], out: &mut Vec<Problem>) {
    for field in ["speaker", "source"] {
        let mut first: HashMap<&str, &Row> = HashMap::new();
        let mut reported = HashSet::new();
        for row in rows {
            let Some(value) = row.record.fields.get(field).and_then(|v| v.as_str()) else {
                continue;
            };
            let seen = *first.entry(value).or_insert(row);
            if seen.file != row.file && reported.insert((value, row.file)) {
                let at = format!("{}:{}", paths[seen.file].display(), seen.record.line);
                out.push(problem(
                    &paths[row.file],
                    row.record.line,
                    format!("{field} {value:?} also occurs in another split, at {at}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    }

    const OK1: &str = r#"{"id":"1","speaker":"A B","source":"s1","text":"The new corridor will bring lasting benefits to every country along its route.","stance":"optimistic","topics":["connectivity"],"kind":"direct"}"#;
    const OK2: &str = r#"{"id":"2","speaker":"C D","source":"s2","text":"Sanctions remain a serious obstacle for investors who want to enter the market quickly.","stance":"cautionary","topics":["economy"],"kind":"reported"}"#;

    #[test]
    fn clean_files_pass_and_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "train.jsonl", &[OK1]);
        let b = write(dir.path(), "test.jsonl", &[OK2]);
        let report = check(&[a, b]).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.files[0].labels["optimistic"], 1);
        assert_eq!(report.files[1].topics["economy"], 1);
    }

    #[test]
    fn finds_schema_duplicate_and_leakage_problems() {
        let dir = tempfile::tempdir().unwrap();
        let bad = r#"{"id":"1","speaker":"C D","source":"s9","text":"Too short.","stance":"bullish","topics":["weather"],"kind":"quote"}"#;
        let near = OK1
            .replace("\"id\":\"1\"", "\"id\":\"3\"")
            .replace("every country", "each country");
        let a = write(dir.path(), "train.jsonl", &[OK1, bad, &near]);
        let b = write(dir.path(), "test.jsonl", &[OK2]);
        let report = check(&[a, b]).unwrap();
        let messages: Vec<String> = report
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}: {}",
                    p.path.file_name().unwrap().to_str().unwrap(),
                    p.line,
                    p.message
                )
            })
            .collect();
        let expect = [
            "train.jsonl:2: stance \"bullish\" is not one of optimistic, cautionary, neutral",
            "train.jsonl:2: topic \"weather\" is not one of",
            "train.jsonl:2: kind \"quote\" is not one of",
            "train.jsonl:2: 2 words; sentences must have 10 to 60",
            "train.jsonl:2: id \"1\" already used at",
            "train.jsonl:3: near duplicate of",
            "test.jsonl:1: speaker \"C D\" also occurs in another split",
        ];
        for e in expect {
            assert!(
                messages.iter().any(|m| m.starts_with(e)),
                "missing {e:?} in {messages:#?}"
            );
        }
    }
}
