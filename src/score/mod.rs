//! Scoring stage. Takes articles or quote records and a model; gives scored sentences
//! (`quote`: the type scoring produces and aggregation consumes) and per-(expert, topic)
//! aggregates with evidence (`aggregate`), one expert per person across spellings (`aliases`).
//!
//! Scoring: sentences from articles (through [`crate::extract`]) or from quote records go
//! through the model, and each comes out with its stance, the probability of every label, its
//! polarity score and its topics, keeping the input's id, speaker and other fields.

pub mod aggregate;
pub mod aliases;
mod quote;

pub use quote::{QuoteInput, ScoredQuote, UNCERTAIN};

use crate::corpus::data::{RawRecord, ReadOptions};
use crate::error::{Error, Result};
use crate::extract::date::article_date;
use crate::model::StanceModel;
use aggregate::{order_key, Sentence};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::ops::Range;
use std::path::Path;

/// How to score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreOptions {
    /// Attach an explanation to every sentence; default false.
    pub explain: bool,
    /// A sentence whose most probable label has a lower probability gets the stance
    /// [`UNCERTAIN`] and stays out of the aggregates; default 0 (never).
    pub min_confidence: f64,
}

/// Scores every input, in order. With an encoder model, sentences are embedded together.
pub fn score_all(
    model: &StanceModel,
    inputs: Vec<QuoteInput>,
    options: &ScoreOptions,
) -> Result<Vec<ScoredQuote>> {
    let texts: Vec<&str> = inputs.iter().map(|i| i.text.as_str()).collect();
    let predictions = model.predict_batch(&texts, options.explain)?;
    Ok(inputs
        .into_iter()
        .zip(predictions)
        .map(|(input, (p, explanation))| scored(model, input, p, explanation, options))
        .collect())
}

/// Scores one sentence.
pub fn score_one(
    model: &StanceModel,
    input: QuoteInput,
    options: &ScoreOptions,
) -> Result<ScoredQuote> {
    Ok(score_all(model, vec![input], options)?.remove(0))
}

fn scored(
    model: &StanceModel,
    input: QuoteInput,
    p: crate::model::Prediction,
    explanation: Option<crate::model::explain::Explanation>,
    options: &ScoreOptions,
) -> ScoredQuote {
    ScoredQuote {
        explanation,
        stance: if p.probabilities[p.label] < options.min_confidence {
            UNCERTAIN.to_string()
        } else {
            model.label(p.label).to_string()
        },
        score: model.signed_score(&p.probabilities),
        probabilities: model
            .labels()
            .iter()
            .cloned()
            .zip(p.probabilities)
            .collect(),
        topics: p.topics,
        input,
    }
}

/// Units of work per parallel chunk.
pub const CHUNK: usize = 64;

/// The scored sentences of one chunk: their rendered output, and what aggregation reads of them
/// packed into a few buffers, so that the thread that aggregates and writes them frees a handful
/// of allocations per chunk rather than dozens per sentence (freeing on another thread than the
/// one that allocated is what makes glibc's allocator contend).
#[derive(Debug, Default)]
pub struct Chunk {
    /// The rendered sentences, in order.
    pub output: Vec<u8>,
    /// The sentences themselves, when asked to keep them.
    pub quotes: Vec<ScoredQuote>,
    /// The error that stopped the chunk, after the sentences before it.
    pub error: Option<Error>,
    /// Bad records or articles passed over (with `skip_invalid`), in order.
    pub skipped: Vec<Error>,
    /// What each article of the chunk gave, in order (none for quote records).
    pub articles: Vec<ArticleTally>,
    strings: String,
    rows: Vec<Row>,
    probabilities: Vec<f64>,
    topics: Vec<usize>,
}

/// One packed sentence: ranges into the chunk's buffers.
#[derive(Debug)]
struct Row {
    order: u64,
    speaker: Option<Range<usize>>,
    id: Option<Range<usize>>,
    text: Range<usize>,
    uncertain: bool,
    score: Option<f64>,
    probabilities: Range<usize>,
    topics: Range<usize>,
}

impl Chunk {
    fn with_capacity(units: usize) -> Self {
        Chunk {
            output: Vec::with_capacity(units * 1024),
            strings: String::with_capacity(units * 256),
            rows: Vec::with_capacity(units),
            ..Chunk::default()
        }
    }

    fn push_str(&mut self, s: &str) -> Range<usize> {
        let start = self.strings.len();
        self.strings.push_str(s);
        start..self.strings.len()
    }

    fn record(&mut self, q: &ScoredQuote, order: u64, model_topics: &[String]) {
        let speaker = q.input.speaker.as_deref().map(|s| self.push_str(s));
        let id = q.input.id.as_deref().map(|s| self.push_str(s));
        let text = self.push_str(&q.input.text);
        let start = self.probabilities.len();
        self.probabilities
            .extend(q.probabilities.iter().map(|(_, p)| *p));
        let probabilities = start..self.probabilities.len();
        let start = self.topics.len();
        self.topics.extend(
            q.topics
                .iter()
                .filter_map(|t| model_topics.iter().position(|m| *m == t.topic)),
        );
        self.rows.push(Row {
            order,
            speaker,
            id,
            text,
            uncertain: q.stance == UNCERTAIN,
            score: q.score,
            probabilities,
            topics: start..self.topics.len(),
        });
    }

    /// Number of sentences.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the chunk has no sentence.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The sentences as aggregation reads them.
    pub fn sentences(&self) -> impl Iterator<Item = Sentence<'_>> {
        self.rows.iter().map(move |r| Sentence {
            order: r.order,
            speaker: r.speaker.clone().map(|s| &self.strings[s]),
            id: r.id.clone().map(|s| &self.strings[s]),
            text: &self.strings[r.text.clone()],
            uncertain: r.uncertain,
            score: r.score,
            probabilities: &self.probabilities[r.probabilities.clone()],
            topics: &self.topics[r.topics.clone()],
        })
    }
}

/// What one article gave: its attributed sentences and distinct speakers (as written), for the
/// per-article accounting of a batch run, articles with nothing found included.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleTally {
    pub article: String,
    /// The date the article's first lines give (`YYYY-MM-DD`), when they give one in full.
    pub date: Option<String>,
    pub sentences: usize,
    pub speakers: usize,
}

impl ArticleTally {
    fn new(article: String, date: Option<String>, scored: &[ScoredQuote]) -> ArticleTally {
        let speakers: std::collections::HashSet<&str> = scored
            .iter()
            .filter_map(|q| q.input.speaker.as_deref())
            .collect();
        ArticleTally {
            article,
            date,
            sentences: scored.len(),
            speakers: speakers.len(),
        }
    }
}

/// How a run writes what it scored: each sentence, and each article's tally after its sentences.
pub trait Render: Sync {
    fn quote(&self, q: &ScoredQuote, out: &mut Vec<u8>);
    fn article(&self, tally: &ArticleTally, out: &mut Vec<u8>);
}

/// One unit of input for [`Scorer::score_chunks`].
#[derive(Debug)]
pub enum Work {
    /// An article's bytes, named `name` in the output; decoded by the worker.
    Article { name: String, bytes: Vec<u8> },
    /// A quote record, parsed by the worker that scores it.
    Record(RawRecord),
    /// An article record (`id`, `text`, optional `position`, and `date` and other fields
    /// carried onto its sentences), parsed by the worker that scores it.
    ArticleRecord(RawRecord),
    /// An input that could not be read: its error, reported in its place.
    Unreadable(Error),
}

/// The text of an article file: UTF-8 (or, with `lossy`, anything, invalid bytes replaced by
/// U+FFFD), and not binary (no NUL byte in its first 8 KB).
pub fn decode_article(name: &str, bytes: Vec<u8>, lossy: bool) -> Result<String> {
    let bad = |reason: String| Error::BadArticle {
        path: name.into(),
        reason,
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(bad(
            "looks like a binary file (it has NUL bytes), not a text article; give .txt files"
                .into(),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) if lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => Err(bad(format!(
            "invalid UTF-8 at byte offset {}; convert the file to UTF-8 or pass --lossy to \
             replace it",
            e.utf8_error().valid_up_to()
        ))),
    }
}

/// The sentences of one unit of work.
#[derive(Debug, Default)]
pub struct Unit {
    pub inputs: Vec<QuoteInput>,
    /// For an article: its name and the date of the article (`YYYY-MM-DD`), which every sentence
    /// also has as its `date` field.
    pub article: Option<(String, Option<String>)>,
    /// The unit's position in the input, when the input gives it (an article record's
    /// `position`); else its ordinal.
    pub position: Option<u64>,
}

impl Unit {
    /// The sentences of the article `text` named `name`, each with the fields `extra`; the date
    /// is `extra`'s `date` when it is a string, else the one the article's first lines give.
    fn article(
        name: String,
        text: &str,
        mut extra: Map<String, Value>,
        position: Option<u64>,
    ) -> Unit {
        let date = match extra.get("date") {
            Some(Value::String(date)) => Some(date.clone()),
            _ => article_date(text),
        };
        if let Some(date) = &date {
            extra.insert("date".into(), date.clone().into());
        }
        let mut inputs = QuoteInput::from_article(&name, text);
        for input in &mut inputs {
            input.extra = extra.clone();
        }
        Unit {
            inputs,
            article: Some((name, date)),
            position,
        }
    }
}

/// Scores batches of [`Work`] in parallel (on the current rayon pool), results in input order.
/// Scores do not depend on the number of threads or the batch size: every sentence is scored on
/// its own.
pub struct Scorer<'a> {
    pub model: &'a StanceModel,
    pub options: &'a ScoreOptions,
    /// How quote records are read, and the file they come from (named in errors).
    pub read: &'a ReadOptions,
    pub path: &'a Path,
    /// Report a bad record or article in [`Chunk::skipped`] and go on, instead of stopping.
    pub skip_invalid: bool,
}

impl Scorer<'_> {
    /// The sentences of one unit of work, with the article's name and date for an article.
    pub fn inputs(&self, work: Work) -> Result<Unit> {
        Ok(match work {
            Work::Article { name, bytes } => {
                let text = decode_article(&name, bytes, self.read.lossy)?;
                Unit::article(name, &text, Map::new(), None)
            }
            Work::Unreadable(e) => return Err(e),
            Work::Record(raw) => match raw.parse(self.path, self.read)? {
                Some(record) => Unit {
                    inputs: vec![QuoteInput::from_record(
                        record,
                        &self.read.text_field,
                        self.path,
                    )],
                    article: None,
                    position: None,
                },
                None => Unit::default(),
            },
            Work::ArticleRecord(raw) => {
                let line = raw.line();
                let bad = |reason: &str| Error::BadRecord {
                    path: self.path.to_path_buf(),
                    line,
                    reason: reason.to_string(),
                };
                let Some(record) = raw.parse(self.path, self.read)? else {
                    return Ok(Unit::default());
                };
                let id = record
                    .id
                    .filter(|id| !id.trim().is_empty())
                    .ok_or_else(|| bad("an article record needs an \"id\""))?;
                let position =
                    match record.fields.get("position") {
                        None => None,
                        // Order keys keep 40 bits for the position, 24 for the sentence.
                        Some(p) => Some(p.as_u64().filter(|&p| p < 1 << 40).ok_or_else(|| {
                            bad("\"position\" must be an integer from 0 to 2^40 - 1 (the article's \
                             place in the archive)")
                        })?),
                    };
                // `position` orders the run (it is the record's place in the archive, which a
                // split run attaches); it is not a field of the article.
                let extra: Map<String, Value> = record
                    .fields
                    .into_iter()
                    .filter(|(k, _)| !["id", "position"].contains(&k.as_str()))
                    .filter(|(k, _)| k != &self.read.text_field)
                    .collect();
                Unit::article(id, &record.text, extra, position)
            }
        })
    }

    /// Scores `batch`, whose first unit is unit `offset` of the input, in parallel, in chunks of
    /// [`CHUNK`] units, results in input order. Each
    /// chunk writes its sentences with `render` into one buffer and packs what aggregation reads
    /// into a few more ([`Chunk`]); each sentence is freed on the thread that made it. An error
    /// stops its chunk after the sentences before it.
    pub fn score_chunks(
        &self,
        batch: Vec<Work>,
        offset: u64,
        keep_quotes: bool,
        render: &impl Render,
    ) -> Vec<Chunk> {
        batch
            .into_par_iter()
            .enumerate()
            .chunks(CHUNK)
            .map(|units| {
                let mut chunk = Chunk::with_capacity(units.len());
                // The sentences of every readable unit, scored together (an encoder embeds
                // them in a few batches), with the article's name when the unit is one.
                let mut sentences = Vec::new();
                for (i, work) in units {
                    match self.inputs(work) {
                        Ok(unit) => {
                            let position = unit.position.unwrap_or(offset + i as u64);
                            sentences.push(((position, unit.article), unit.inputs))
                        }
                        Err(e) if self.skip_invalid => chunk.skipped.push(e),
                        Err(e) => {
                            chunk.error = Some(e);
                            break;
                        }
                    }
                }
                let texts: Vec<&str> = sentences
                    .iter()
                    .flat_map(|(_, unit)| unit)
                    .map(|i| i.text.as_str())
                    .collect();
                match self.model.predict_batch(&texts, self.options.explain) {
                    Ok(predictions) => {
                        let mut predictions = predictions.into_iter();
                        for (article, unit) in sentences {
                            let scored = unit
                                .into_iter()
                                .zip(predictions.by_ref())
                                .map(|(input, (p, e))| {
                                    scored(self.model, input, p, e, self.options)
                                })
                                .collect();
                            self.record(article, scored, &mut chunk, keep_quotes, render);
                        }
                    }
                    // Find the unit that failed: the ones before it are kept.
                    Err(_) => {
                        for (article, unit) in sentences {
                            match score_all(self.model, unit, self.options) {
                                Ok(scored) => {
                                    self.record(article, scored, &mut chunk, keep_quotes, render)
                                }
                                Err(e) if self.skip_invalid => chunk.skipped.push(e),
                                Err(e) => {
                                    chunk.error = Some(e);
                                    break;
                                }
                            }
                        }
                    }
                }
                chunk
            })
            .collect()
    }

    /// Writes the scored sentences of the unit at `position` into `chunk`, then, when the unit
    /// is an article, its tally.
    fn record(
        &self,
        (position, article): (u64, Option<(String, Option<String>)>),
        scored: Vec<ScoredQuote>,
        chunk: &mut Chunk,
        keep_quotes: bool,
        render: &impl Render,
    ) {
        let tally = article.map(|(name, date)| ArticleTally::new(name, date, &scored));
        for (n, q) in scored.into_iter().enumerate() {
            render.quote(&q, &mut chunk.output);
            chunk.record(&q, order_key(position, n), self.model.topics());
            if keep_quotes {
                chunk.quotes.push(q);
            }
        }
        if let Some(tally) = tally {
            render.article(&tally, &mut chunk.output);
            chunk.articles.push(tally);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::topics::TopicHit;
    use serde_json::Map;

    #[test]
    fn a_chunk_gives_back_what_aggregation_reads() {
        let labels: Vec<String> = ["optimistic", "cautionary", "neutral"]
            .map(String::from)
            .into();
        let model_topics: Vec<String> = ["economy", "energy"].map(String::from).into();
        let quote =
            |speaker: Option<&str>, text: &str, stance: &str, topics: &[&str]| ScoredQuote {
                input: QuoteInput {
                    id: Some(format!("id-{text}")),
                    article: None,
                    speaker: speaker.map(String::from),
                    text: text.into(),
                    span: None,
                    kind: None,
                    extra: Map::new(),
                },
                stance: stance.into(),
                probabilities: labels.iter().cloned().zip([0.5, 0.3, 0.2]).collect(),
                score: Some(0.2),
                topics: topics
                    .iter()
                    .map(|t| TopicHit {
                        topic: t.to_string(),
                        probability: None,
                        keywords: vec![],
                    })
                    .collect(),
                explanation: None,
            };
        let mut chunk = Chunk::with_capacity(2);
        chunk.record(
            &quote(Some("Anna Lee"), "Gas flows.", "optimistic", &["energy"]),
            7,
            &model_topics,
        );
        chunk.record(
            &quote(
                None,
                "Rates rise.",
                UNCERTAIN,
                &["economy", "energy", "other"],
            ),
            8,
            &model_topics,
        );
        let got: Vec<Sentence> = chunk.sentences().collect();
        assert_eq!(chunk.len(), 2);
        assert_eq!(
            (
                got[0].speaker,
                got[0].id,
                got[0].text,
                got[0].uncertain,
                got[0].topics
            ),
            (
                Some("Anna Lee"),
                Some("id-Gas flows."),
                "Gas flows.",
                false,
                &[1usize][..]
            )
        );
        assert_eq!(
            (got[1].speaker, got[1].uncertain, got[1].topics),
            (None, true, &[0usize, 1][..])
        );
        assert_eq!(got[1].probabilities, [0.5, 0.3, 0.2]);
        assert_eq!(got[0].score, Some(0.2));
        assert_eq!((got[0].order, got[1].order), (7, 8));
    }
}
