//! Readers for labelled and unlabelled sentence files: JSON Lines (one object a line), CSV and
//! TSV (a header row; TSV is CSV with tabs). All give the same [`Record`]s, each remembering its
//! line so that every later error can name it. The whole input record is kept so that
//! `score --quotes` can carry unknown fields through to its output.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Field names understood for the label when `--label-field` is not given, in order.
pub const DEFAULT_LABEL_FIELDS: [&str; 2] = ["stance", "label"];

/// One sentence read from a data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line of the record in its file (for CSV, the line the record starts on).
    pub line: usize,
    pub id: Option<String>,
    pub speaker: Option<String>,
    pub text: String,
    pub label: Option<String>,
    /// `None` when the file has no topics field for this record.
    pub topics: Option<Vec<String>>,
    /// Every field of the input record, for carrying through.
    pub fields: Map<String, Value>,
}

impl Record {
    /// Why the record has no label, with the fields it does have, so that a misspelt
    /// `--label-field` shows itself.
    pub fn missing_label(&self) -> String {
        let fields: Vec<&str> = self.fields.keys().map(String::as_str).collect();
        format!(
            "missing label: no field \"stance\" or \"label\" (or the one --label-field names); \
             the record has {}",
            if fields.is_empty() {
                "no fields".to_string()
            } else {
                fields.join(", ")
            }
        )
    }
}

/// Which fields hold the text and the label.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Field holding the sentence; default `text`.
    pub text_field: String,
    /// Field holding the label; default: `stance`, else `label`.
    pub label_field: Option<String>,
    /// Replace invalid UTF-8 with U+FFFD instead of refusing the record; default false.
    pub lossy: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            text_field: "text".into(),
            label_field: None,
            lossy: false,
        }
    }
}

/// The longest JSON Lines record read, in bytes; longer lines are refused (or skipped) without
/// being held in memory.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Reads a JSON Lines, CSV or TSV file (by the `.csv` or `.tsv` extension, else JSON Lines); `-`
/// reads standard input as JSON Lines.
pub fn read_records(path: &Path, opts: &ReadOptions) -> Result<Vec<Record>> {
    RecordReader::open(path)?.read_all(opts)
}

/// Reads JSON Lines from any reader; `path` is used in error messages only.
pub fn read_jsonl(
    reader: impl BufRead + Send,
    path: &Path,
    opts: &ReadOptions,
) -> Result<Vec<Record>> {
    RecordReader::jsonl(Box::new(reader), path).read_all(opts)
}

/// Reads CSV with a header row; a `topics` column holds topics separated by `;`, `|` or `,`.
pub fn read_csv(reader: impl Read + Send, path: &Path, opts: &ReadOptions) -> Result<Vec<Record>> {
    RecordReader::csv(Box::new(reader), path, Delimited::Csv)?.read_all(opts)
}

/// A file of cells in rows with a header row: CSV, or TSV (the same with tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimited {
    Csv,
    Tsv,
}

impl Delimited {
    /// The format a file's extension names, if any.
    fn of(path: &Path) -> Option<Delimited> {
        let ext = path.extension()?;
        if ext.eq_ignore_ascii_case("csv") {
            Some(Delimited::Csv)
        } else if ext.eq_ignore_ascii_case("tsv") {
            Some(Delimited::Tsv)
        } else {
            None
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            Delimited::Csv => b',',
            Delimited::Tsv => b'\t',
        }
    }

    fn name(self) -> &'static str {
        match self {
            Delimited::Csv => "CSV",
            Delimited::Tsv => "TSV",
        }
    }
}

/// A record not parsed yet: a JSON line (parsing is left to the caller, so that it can happen
/// in parallel) or an already split CSV row.
#[derive(Debug, Clone)]
pub enum RawRecord {
    Json {
        line: usize,
        bytes: Vec<u8>,
    },
    Csv {
        line: usize,
        fields: Map<String, Value>,
    },
    /// A JSON line longer than [`MAX_LINE_BYTES`]: only its length was kept.
    TooLong {
        line: usize,
        bytes: usize,
    },
    /// A record the reader could not split (a CSV row with too many or too few cells, or
    /// invalid UTF-8); reading goes on after it.
    Invalid {
        line: usize,
        reason: String,
    },
}

impl RawRecord {
    /// The record; `None` for a blank line.
    pub fn parse(self, path: &Path, opts: &ReadOptions) -> Result<Option<Record>> {
        match self {
            RawRecord::Invalid { line, reason } => Err(bad(path, line, reason)),
            RawRecord::TooLong { line, bytes } => Err(bad(
                path,
                line,
                format!(
                    "the line is {} MB, longer than the {} MB a record may have; split it",
                    bytes >> 20,
                    MAX_LINE_BYTES >> 20
                ),
            )),
            RawRecord::Json { line, bytes } => {
                let text = match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) if opts.lossy => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Err(e) => {
                        return Err(bad(
                            path,
                            line,
                            format!(
                                "invalid UTF-8 at byte {} of the line; convert the file to UTF-8 \
                                 or pass --lossy to replace it",
                                e.utf8_error().valid_up_to()
                            ),
                        ))
                    }
                };
                if text.trim().is_empty() {
                    return Ok(None);
                }
                let value: Value = serde_json::from_str(&text)
                    .map_err(|e| bad(path, line, format!("malformed JSON: {e}")))?;
                let Value::Object(fields) = value else {
                    return Err(bad(path, line, "expected a JSON object".into()));
                };
                to_record(fields, path, line, opts).map(Some)
            }
            RawRecord::Csv { line, fields } => to_record(fields, path, line, opts).map(Some),
        }
    }

    /// The line the record starts on.
    pub fn line(&self) -> usize {
        match self {
            RawRecord::Json { line, .. }
            | RawRecord::Csv { line, .. }
            | RawRecord::TooLong { line, .. }
            | RawRecord::Invalid { line, .. } => *line,
        }
    }
}

/// Reads records one at a time, so that a file of any size is read in bounded memory.
pub struct RecordReader<'a> {
    path: PathBuf,
    source: Source<'a>,
}

enum Source<'a> {
    Jsonl {
        reader: Box<dyn BufRead + Send + 'a>,
        line: usize,
    },
    Csv {
        reader: Box<csv::Reader<LineCounter<Box<dyn Read + Send + 'a>>>>,
        headers: csv::StringRecord,
        format: Delimited,
    },
}

impl RecordReader<'static> {
    /// Opens a JSON Lines, CSV or TSV file (by the `.csv` or `.tsv` extension, else JSON Lines);
    /// `-` reads standard input as JSON Lines.
    pub fn open(path: &Path) -> Result<Self> {
        if path == Path::new("-") {
            return Ok(Self::jsonl(
                Box::new(BufReader::new(std::io::stdin())),
                path,
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        match Delimited::of(path) {
            Some(format) => Self::csv(Box::new(file), path, format),
            None => Ok(Self::jsonl(
                Box::new(BufReader::with_capacity(1 << 16, file)),
                path,
            )),
        }
    }
}

impl<'a> RecordReader<'a> {
    fn csv(file: Box<dyn Read + Send + 'a>, path: &Path, format: Delimited) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .delimiter(format.delimiter())
            .from_reader(LineCounter::new(file));
        let headers = reader
            .headers()
            .map_err(|e| {
                bad(
                    path,
                    1,
                    format!("cannot read {} header: {e}", format.name()),
                )
            })?
            .clone();
        Ok(RecordReader {
            path: path.to_path_buf(),
            source: Source::Csv {
                reader: Box::new(reader),
                headers,
                format,
            },
        })
    }

    fn jsonl(reader: Box<dyn BufRead + Send + 'a>, path: &Path) -> Self {
        RecordReader {
            path: path.to_path_buf(),
            source: Source::Jsonl { reader, line: 0 },
        }
    }

    /// Every record, parsed.
    pub fn read_all(mut self, opts: &ReadOptions) -> Result<Vec<Record>> {
        let path = self.path.clone();
        let mut out = Vec::new();
        while let Some(raw) = self.next_raw()? {
            out.extend(raw.parse(&path, opts)?);
        }
        Ok(out)
    }

    /// The next record, unparsed; `None` at the end.
    pub fn next_raw(&mut self) -> Result<Option<RawRecord>> {
        let path = &self.path;
        match &mut self.source {
            Source::Jsonl { reader, line } => {
                *line += 1;
                let mut bytes = Vec::new();
                match read_line_limited(reader.as_mut(), &mut bytes, MAX_LINE_BYTES) {
                    Ok((0, _)) => Ok(None),
                    Ok((n, true)) => Ok(Some(RawRecord::TooLong {
                        line: *line,
                        bytes: n,
                    })),
                    Ok(_) => {
                        if bytes.ends_with(b"\n") {
                            bytes.pop();
                            if bytes.ends_with(b"\r") {
                                bytes.pop();
                            }
                        }
                        Ok(Some(RawRecord::Json { line: *line, bytes }))
                    }
                    Err(e) => Err(bad(path, *line, format!("cannot read line: {e}"))),
                }
            }
            Source::Csv {
                reader,
                headers,
                format,
            } => {
                let mut row = csv::StringRecord::new();
                let name = format.name();
                // The csv crate's own line numbers are off after `\r\n` endings and blank lines;
                // the line is counted from the record's byte offset instead.
                let more = match reader.read_record(&mut row) {
                    Ok(more) => more,
                    Err(e)
                        if matches!(
                            e.kind(),
                            csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                        ) =>
                    {
                        let line = record_line(reader, e.position());
                        return Ok(Some(RawRecord::Invalid {
                            line,
                            reason: format!(
                                "malformed {name}: {}; every row needs one cell per header column",
                                csv_reason(&e)
                            ),
                        }));
                    }
                    Err(e) => {
                        let line = record_line(reader, e.position());
                        return Err(bad(
                            path,
                            line,
                            format!("malformed {name}: {}", csv_reason(&e)),
                        ));
                    }
                };
                if !more {
                    return Ok(None);
                }
                let line = record_line(reader, row.position());
                let mut fields = Map::new();
                for (name, value) in headers.iter().zip(row.iter()) {
                    let value = if name == "topics" {
                        Value::Array(split_topics(value).map(Value::from).collect())
                    } else {
                        Value::String(value.to_string())
                    };
                    fields.insert(name.to_string(), value);
                }
                Ok(Some(RawRecord::Csv { line, fields }))
            }
        }
    }
}

/// The line a CSV record starts on, from its byte offset.
fn record_line<R: Read>(
    reader: &mut csv::Reader<LineCounter<R>>,
    position: Option<&csv::Position>,
) -> usize {
    position.map_or(0, |p| reader.get_mut().line_at(p.byte()))
}

/// A csv error without the crate's own record position, whose line number can be wrong (the
/// message names the right line already).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} cell(s) but the header has {expected_len} column(s)"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!(
                "invalid UTF-8 in cell {}; convert the file to UTF-8",
                err.field() + 1
            )
        }
        _ => e.to_string(),
    }
}

/// Passes the bytes of a CSV file through and counts its lines, so that a record's line can be
/// told from its byte offset. Only the bytes not yet passed by a query are kept: the csv
/// reader's read-ahead and the record being read.
struct LineCounter<R> {
    inner: R,
    window: VecDeque<u8>,
    /// Offset of the first byte in `window`.
    start: u64,
    /// Line of the byte at `start` (1-based).
    line: usize,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            window: VecDeque::new(),
            start: 0,
            line: 1,
        }
    }

    /// The line of the first byte at or after `offset` that is not a line ending: the line a
    /// record that the csv reader places at `offset` starts on. Offsets must not decrease.
    fn line_at(&mut self, offset: u64) -> usize {
        let skip = usize::try_from(offset.saturating_sub(self.start))
            .unwrap_or(usize::MAX)
            .min(self.window.len());
        self.line += self.window.range(..skip).filter(|&&b| b == b'\n').count();
        self.window.drain(..skip);
        self.start += skip as u64;
        // Record ends and blank lines before the record's first cell.
        while let Some(&b) = self.window.front() {
            if b != b'\n' && b != b'\r' {
                break;
            }
            self.line += usize::from(b == b'\n');
            self.window.pop_front();
            self.start += 1;
        }
        self.line
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.extend(&buf[..n]);
        Ok(n)
    }
}

fn split_topics(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '|', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn to_record(
    fields: Map<String, Value>,
    path: &Path,
    line: usize,
    opts: &ReadOptions,
) -> Result<Record> {
    let text = match fields.get(&opts.text_field) {
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(bad(
                path,
                line,
                format!("field {:?} is empty; give the sentence", opts.text_field),
            ))
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(bad(
                path,
                line,
                format!("field {:?} is not a string", opts.text_field),
            ))
        }
        None => {
            return Err(bad(
                path,
                line,
                format!("missing field {:?}", opts.text_field),
            ))
        }
    };
    let label = match &opts.label_field {
        Some(name) => optional_string(&fields, name, path, line)?,
        None => match DEFAULT_LABEL_FIELDS
            .iter()
            .find(|f| fields.contains_key(**f))
        {
            Some(name) => optional_string(&fields, name, path, line)?,
            None => None,
        },
    };
    let topics = match fields.get("topics") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(string_items(items, path, line)?),
        Some(Value::String(s)) => Some(split_topics(s).map(str::to_string).collect()),
        Some(_) => {
            return Err(bad(
                path,
                line,
                "field \"topics\" must be a list of strings".into(),
            ))
        }
    };
    Ok(Record {
        line,
        id: scalar_string(fields.get("id")),
        speaker: optional_string(&fields, "speaker", path, line)?.filter(|s| !s.trim().is_empty()),
        text,
        label,
        topics,
        fields,
    })
}

fn optional_string(
    fields: &Map<String, Value>,
    name: &str,
    path: &Path,
    line: usize,
) -> Result<Option<String>> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad(
            path,
            line,
            format!("field {name:?} must be a string, found {other}"),
        )),
    }
}

fn string_items(items: &[Value], path: &Path, line: usize) -> Result<Vec<String>> {
    items
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(bad(path, line, format!("topic {other} is not a string"))),
        })
        .collect()
}

/// Ids may be strings or numbers; both are kept as text.
fn scalar_string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads one line, newline included, into `buf`; returns the bytes read and whether the line
/// was longer than `limit` (then `buf` is left empty and the rest of the line is skipped).
fn read_line_limited(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<(usize, bool)> {
    let (mut total, mut too_long) = (0, false);
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((total, too_long));
        }
        let (n, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long && buf.len() + n > limit {
            too_long = true;
            *buf = Vec::new();
        }
        if !too_long {
            buf.extend_from_slice(&available[..n]);
        }
        total += n;
        reader.consume(n);
        if done {
            return Ok((total, too_long));
        }
    }
}

fn bad(path: &Path, line: usize, reason: String) -> Error {
    Error::BadRecord {
        path: PathBuf::from(path),
        line,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(text: &str) -> Result<Vec<Record>> {
        read_jsonl(
            text.as_bytes(),
            Path::new("t.jsonl"),
            &ReadOptions::default(),
        )
    }

    #[test]
    fn reads_stance_or_label_and_topics() {
        let recs = jsonl(
            "{\"id\":\"q1\",\"text\":\"A\",\"stance\":\"neutral\",\"topics\":[\"energy\"]}\n\n\
             {\"id\":7,\"text\":\"B\",\"label\":\"optimistic\",\"extra\":1}\n",
        )
        .unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].label.as_deref(), Some("neutral"));
        assert_eq!(recs[0].topics, Some(vec!["energy".to_string()]));
        assert_eq!(recs[1].id.as_deref(), Some("7"));
        assert_eq!(recs[1].line, 3);
        assert_eq!(recs[1].topics, None);
        assert!(recs[1].fields.contains_key("extra"));
    }

    #[test]
    fn malformed_json_names_the_line() {
        let err = jsonl("{\"text\":\"ok\"}\n{\"text\": oops}\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.jsonl:2: malformed JSON"), "{msg}");
    }

    #[test]
    fn missing_text_field_names_field_and_line() {
        let err = jsonl("{\"label\":\"neutral\"}\n").unwrap_err();
        assert_eq!(err.to_string(), "t.jsonl:1: missing field \"text\"");
    }

    #[test]
    fn non_string_label_is_an_error() {
        let err = jsonl("{\"text\":\"a\",\"stance\":3}\n").unwrap_err();
        assert!(err
            .to_string()
            .contains("t.jsonl:1: field \"stance\" must be a string"));
    }

    #[test]
    fn custom_fields() {
        let opts = ReadOptions {
            text_field: "sentence".into(),
            label_field: Some("y".into()),
            ..ReadOptions::default()
        };
        let recs = read_jsonl(
            "{\"sentence\":\"s\",\"y\":\"cautionary\",\"stance\":\"neutral\"}".as_bytes(),
            Path::new("x"),
            &opts,
        )
        .unwrap();
        assert_eq!(recs[0].text, "s");
        assert_eq!(recs[0].label.as_deref(), Some("cautionary"));
    }

    #[test]
    fn csv_with_topics_and_lines() {
        let data =
            "id,text,stance,topics\n1,\"multi\nline\",optimistic,energy;economy\n2,b,neutral,\n";
        let recs = read_csv(data.as_bytes(), Path::new("t.csv"), &ReadOptions::default()).unwrap();
        assert_eq!(recs[0].text, "multi\nline");
        assert_eq!(
            recs[0].topics,
            Some(vec!["energy".into(), "economy".into()])
        );
        assert_eq!(recs[1].line, 4);
        assert_eq!(recs[1].topics, Some(vec![]));
    }

    #[test]
    fn csv_with_missing_column_names_the_line() {
        let data = "text,stance\na,neutral\nb\n";
        let err =
            read_csv(data.as_bytes(), Path::new("t.csv"), &ReadOptions::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("t.csv:3: malformed CSV"),
            "{err}"
        );
    }

    #[test]
    fn csv_lines_count_crlf_endings_blank_lines_and_multiline_cells() {
        let data = "text,stance\r\na,neutral\r\n\r\n\"b\r\nc\",neutral\r\n\n\nd,neutral\r\n";
        let recs = read_csv(data.as_bytes(), Path::new("t.csv"), &ReadOptions::default()).unwrap();
        let lines: Vec<usize> = recs.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 8]);
        assert_eq!(recs[1].text, "b\r\nc");
    }
}
