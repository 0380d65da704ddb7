//! stance: find what named experts said in news commentary and score their stance
//! (optimistic, cautionary, neutral) on each topic, with the quotes behind every score.
//!
//! The pipeline, one module per stage in order: [`extract`] (quotes, speakers, byte spans) ->
//! [`tokenize`] (Hugging Face tokenizers) -> [`features`] (n-gram TF-IDF) -> [`linear`] (linfa
//! logistic regression) and [`topics`] -> [`aggregate`] (per expert and topic, with evidence) ->
//! [`output`]. [`train`], [`cv`] and [`metrics`] fit and judge models; [`model`] is the file.

pub mod aggregate;
pub mod aliases;
pub mod atomic;
pub mod calibrate;
pub mod cv;
pub mod data;
pub mod datacheck;
pub mod error;
pub mod explain;
pub mod extract;
pub mod features;
pub mod gold;
pub mod lexicon;
pub mod linear;
pub mod metrics;
pub mod model;
pub mod output;
pub mod score;
pub mod tokenize;
pub mod topics;
pub mod train;
pub mod tune;

pub use error::{Error, Result};
