//! The scored sentence that scoring produces and aggregation consumes, with its input: one
//! type shared by both stages, so that neither imports the other's internals.

use crate::corpus::data::Record;
use crate::extract::{extract, QuoteKind};
use crate::model::explain::Explanation;
use crate::model::topics::TopicHit;
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
    /// A sentence by `speaker` with no id, article or other fields.
    pub fn sentence(text: impl Into<String>, speaker: Option<&str>) -> QuoteInput {
        QuoteInput {
            id: None,
            article: None,
            speaker: speaker.map(String::from),
            text: text.into(),
            span: None,
            kind: None,
            extra: Default::default(),
        }
    }

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

    /// A sentence from a quote record of the file `source` (`text`, optional `speaker` and `id`,
    /// other fields kept). A record without an id (or with an empty one) gets `<source>:<line>`, the place error
    /// messages name, so that every output row has one.
    pub fn from_record(record: Record, text_field: &str, source: &Path) -> QuoteInput {
        let extra = record
            .fields
            .into_iter()
            .filter(|(k, _)| !OWN_FIELDS.contains(&k.as_str()) && k != text_field)
            .collect();
        QuoteInput {
            id: Some(
                record
                    .id
                    .filter(|id| !id.trim().is_empty())
                    .unwrap_or_else(|| format!("{}:{}", source.display(), record.line)),
            ),
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
