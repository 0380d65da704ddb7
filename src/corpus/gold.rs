//! Judging extraction against gold files: a gold file lists every sentence attributed to a
//! named person as `{"speaker", "text", "kind"}` lines, for the article its records name in an
//! `article` field, else for the article its file is named after. Extracted and gold
//! (speaker, sentence) pairs are compared after whitespace normalisation, giving precision,
//! recall and F1, the share of gold sentences found with the right speaker, and the lists of
//! missed, spurious and misattributed sentences behind them.

mod compare;
mod pairing;

pub use compare::{Comparison, ExtractionScore};
pub use pairing::{pair_by_name, Pairing};

use crate::corpus::data::{read_records, ReadOptions};
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One gold sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldSentence {
    pub speaker: String,
    pub text: String,
    pub kind: Option<String>,
}

/// The gold of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldArticle {
    /// The article it is for: the records' `article` field, else the gold file's stem.
    pub name: String,
    /// The gold file it was read from, and the line of its first record there.
    pub file: PathBuf,
    pub line: usize,
    /// Its sentences, in file order.
    pub sentences: Vec<GoldSentence>,
}

/// Reads a gold file (JSON Lines with `speaker` and `text`; `kind` and `article` optional) as
/// one list, whatever articles its records name.
pub fn read_gold(path: &Path) -> Result<Vec<GoldSentence>> {
    Ok(read_gold_records(path)?
        .into_iter()
        .map(|(_, _, g)| g)
        .collect())
}

/// Reads a gold file grouped by article, in the order the articles first appear: records with
/// an `article` field belong to that article, the others to the article named like the file.
/// A file without records is the gold of an article with nothing to find.
pub fn read_gold_articles(path: &Path) -> Result<Vec<GoldArticle>> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let records = read_gold_records(path)?;
    if records.is_empty() {
        return Ok(vec![GoldArticle {
            name: stem,
            file: path.to_path_buf(),
            line: 1,
            sentences: Vec::new(),
        }]);
    }
    let mut out: Vec<GoldArticle> = Vec::new();
    for (line, article, sentence) in records {
        let name = article.unwrap_or_else(|| stem.clone());
        match out.iter_mut().find(|g| g.name == name) {
            Some(g) => g.sentences.push(sentence),
            None => out.push(GoldArticle {
                name,
                file: path.to_path_buf(),
                line,
                sentences: vec![sentence],
            }),
        }
    }
    Ok(out)
}

/// Each record's line, `article` field (if any) and sentence.
fn read_gold_records(path: &Path) -> Result<Vec<(usize, Option<String>, GoldSentence)>> {
    let records = read_records(path, &ReadOptions::default())?;
    records
        .into_iter()
        .map(|r| {
            let bad = |reason: &str| Error::BadRecord {
                path: path.to_path_buf(),
                line: r.line,
                reason: reason.into(),
            };
            let speaker = r.speaker.ok_or_else(|| bad("missing field \"speaker\""))?;
            let article = match r.fields.get("article") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()).filter(|a| !a.trim().is_empty()),
                Some(_) => return Err(bad("field \"article\" is not a string")),
            };
            let kind = r
                .fields
                .get("kind")
                .and_then(|k| k.as_str())
                .map(String::from);
            Ok((
                r.line,
                article,
                GoldSentence {
                    speaker,
                    text: r.text,
                    kind,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_files_name_their_articles_by_field_else_by_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mixed.jsonl");
        std::fs::write(
            &path,
            "{\"article\":\"b\",\"speaker\":\"A\",\"text\":\"one.\"}\n\
             {\"speaker\":\"A\",\"text\":\"two.\"}\n\
             {\"article\":\"b\",\"speaker\":\"A\",\"text\":\"three.\"}\n",
        )
        .unwrap();
        let got: Vec<(String, usize, usize)> = read_gold_articles(&path)
            .unwrap()
            .into_iter()
            .map(|g| (g.name, g.line, g.sentences.len()))
            .collect();
        assert_eq!(got, [("b".into(), 1, 2), ("mixed".into(), 2, 1)]);
        let empty = dir.path().join("quiet.jsonl");
        std::fs::write(&empty, "").unwrap();
        let got = read_gold_articles(&empty).unwrap();
        assert_eq!((got[0].name.as_str(), got[0].sentences.len()), ("quiet", 0));
        std::fs::write(
            &empty,
            "{\"article\":7,\"speaker\":\"A\",\"text\":\"x.\"}\n",
        )
        .unwrap();
        let err = read_gold_articles(&empty).unwrap_err().to_string();
        assert!(
            err.contains("quiet.jsonl:1") && err.contains("\"article\""),
            "{err}"
        );
    }
}
