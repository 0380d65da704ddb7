//! stance: find what named experts said in news commentary and score their stance
//! (optimistic, cautionary, neutral) on each topic, with the quotes behind every score.
//!
//! The pipeline, one folder per stage, each importing only the stages before it:
//!
//! - [`extract`]: article text -> sentences attributed to named people, with byte spans;
//! - [`corpus`]: labelled data files -> records; `data check`; extraction gold files;
//! - [`features`]: text -> tokens (Hugging Face tokenizers), n-gram TF-IDF, cue lexicons;
//! - [`model`]: the fitted linear stance classifier, topic tagger and calibration, and the
//!   model file that holds them (with a record of how they were trained);
//! - [`train`]: labelled examples -> a model: fitting, cross-validation, tuning;
//! - [`score`]: sentences -> stances and topics, aggregated per expert and topic with evidence;
//! - [`report`]: scored sentences and experts -> table, JSON Lines, CSV or an HTML page.
//!
//! [`metrics`] (F1, confusion matrices, calibration error), [`error`] and [`atomic`] (files
//! written by rename) serve every stage. The old flat paths (`stance::data`, `stance::output`,
//! ...) are re-exported so existing code keeps compiling.

pub mod atomic;
pub mod corpus;
pub mod error;
pub mod extract;
pub mod features;
pub mod metrics;
pub mod model;
pub mod report;
pub mod score;
pub mod train;

pub use corpus::{data, datacheck, gold};
pub use error::{Error, Result};
pub use features::{lexicon, tokenize};
pub use model::{calibrate, explain, linear, topics};
pub use report as output;
pub use score::{aggregate, aliases};
pub use train::{cv, tune};
