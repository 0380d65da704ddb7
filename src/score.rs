//! Scoring: sentences from articles (through [`crate::extract`]) or from quote records go
//! through the model, and each comes out with its stance, the probability of every label, its
//! polarity score and its topics, keeping the input's id, speaker and other fields.

use crate::data::{RawRecord, ReadOptions, Record};
use crate::error::Result;
use crate::explain::Explanation;
use crate::extract::{extract, QuoteKind};
use crate::model::StanceModel;
use crate::topics::TopicHit;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::ops::Range;
use std::path::Path;

/// One sentence to score.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteInput {
    pub id: Option<String>,
    /// The article the sentence was extracted from.
    pub article: Option<String>,
    pub speaker: Option<String>,
    pub text: String,
    /// Byte span in the article.
    pub span: Option<Range<usize>>,
    pub kind: Option<QuoteKind>,
    /// Other fields of the input record, carried through to the output.
    pub extra: Map<String, Value>,
}

/// Fields of a quote record that scoring replaces rather than carries through.
const OWN_FIELDS: [&str; 8] = [
    "type",
    "id",
    "speaker",
    "text",
    "stance",
    "score",
    "probabilities",
    "topics",
];

impl QuoteInput {
    /// The attributed sentences of one article, named `article` in the output.
    pub fn from_article(article: &str, text: &str) -> Vec<QuoteInput> {
        extract(text)
            .into_iter()
            .enumerate()
            .map(|(i, q)| QuoteInput {
                id: Some(format!("{article}#{}", i + 1)),
                article: Some(article.to_string()),
                speaker: Some(q.speaker),
                text: q.text,
                span: Some(q.span),
                kind: Some(q.kind),
                extra: Map::new(),
            })
            .collect()
    }

    /// A sentence from a quote record (`text`, optional `speaker` and `id`, other fields kept).
    pub fn from_record(record: Record, text_field: &str) -> QuoteInput {
        let extra = record
            .fields
            .into_iter()
            .filter(|(k, _)| !OWN_FIELDS.contains(&k.as_str()) && k != text_field)
            .collect();
        QuoteInput {
            id: record.id,
            article: None,
            speaker: record.speaker,
            text: record.text,
            span: None,
            kind: None,
            extra,
        }
    }
}

/// A scored sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredQuote {
    pub input: QuoteInput,
    /// The most probable label.
    pub stance: String,
    /// `(label, probability)` for every label, in model order.
    pub probabilities: Vec<(String, f64)>,
    /// P(optimistic) - P(cautionary), when the model has those labels.
    pub score: Option<f64>,
    pub topics: Vec<TopicHit>,
    /// Why the sentence got its stance, when asked for.
    pub explanation: Option<Explanation>,
}

impl ScoredQuote {
    /// The probability of `label`, 0 when the model does not have it.
    pub fn probability(&self, label: &str) -> f64 {
        self.probabilities
            .iter()
            .find(|(l, _)| l == label)
            .map_or(0.0, |(_, p)| *p)
    }
}

/// The stance of a sentence whose most probable label is below the minimum confidence.
pub const UNCERTAIN: &str = "uncertain";

/// How to score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreOptions {
    /// Attach an explanation to every sentence; default false.
    pub explain: bool,
    /// A sentence whose most probable label has a lower probability gets the stance
    /// [`UNCERTAIN`] and stays out of the aggregates; default 0 (never).
    pub min_confidence: f64,
}

/// Scores every input, in order.
pub fn score_all(
    model: &StanceModel,
    inputs: Vec<QuoteInput>,
    options: &ScoreOptions,
) -> Result<Vec<ScoredQuote>> {
    inputs
        .into_iter()
        .map(|input| score_one(model, input, options))
        .collect()
}

/// Scores one sentence.
pub fn score_one(
    model: &StanceModel,
    input: QuoteInput,
    options: &ScoreOptions,
) -> Result<ScoredQuote> {
    let (p, explanation) = if options.explain {
        let (p, e) = model.explain(&input.text)?;
        (p, Some(e))
    } else {
        (model.predict(&input.text)?, None)
    };
    Ok(ScoredQuote {
        explanation,
        stance: if p.probabilities[p.label] < options.min_confidence {
            UNCERTAIN.to_string()
        } else {
            model.label(p.label).to_string()
        },
        score: model.polarity(&p.probabilities),
        probabilities: model
            .labels()
            .iter()
            .cloned()
            .zip(p.probabilities)
            .collect(),
        topics: p.topics,
        input,
    })
}

/// One unit of input for [`Scorer::score_batch`].
#[derive(Debug, Clone)]
pub enum Work {
    /// An article, named `name` in the output.
    Article { name: String, text: String },
    /// A quote record, parsed by the worker that scores it.
    Record(RawRecord),
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
}

impl Scorer<'_> {
    /// The sentences of one unit of work.
    pub fn inputs(&self, work: Work) -> Result<Vec<QuoteInput>> {
        Ok(match work {
            Work::Article { name, text } => QuoteInput::from_article(&name, &text),
            Work::Record(raw) => match raw.parse(self.path, self.read)? {
                Some(record) => vec![QuoteInput::from_record(record, &self.read.text_field)],
                None => Vec::new(),
            },
        })
    }

    /// Scores every unit of `batch` and renders each scored sentence with `render` (for
    /// example into its output line), in parallel; one result per unit, in order.
    pub fn score_batch<T: Send>(
        &self,
        batch: Vec<Work>,
        render: impl Fn(&ScoredQuote) -> T + Sync,
    ) -> Vec<Result<Vec<(ScoredQuote, T)>>> {
        batch
            .into_par_iter()
            .map(|work| {
                self.inputs(work)?
                    .into_iter()
                    .map(|input| {
                        let q = score_one(self.model, input, self.options)?;
                        let rendered = render(&q);
                        Ok((q, rendered))
                    })
                    .collect()
            })
            .collect()
    }
}
