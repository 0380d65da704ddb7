//! One error type for the library. Every variant carries what a user needs to find the problem:
//! the file, the line, the bad value. The binary adds context with `anyhow` at the edge only.

use std::path::PathBuf;

/// Errors raised by the stance library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The reason is part of the message and not a `source` as well, so that a report of the
    /// whole error chain (`{:#}`) gives it once.
    #[error("{}: {reason}", path.display())]
    Io {
        path: PathBuf,
        reason: std::io::Error,
    },

    #[error("{}:{line}: {reason}", path.display())]
    BadRecord {
        path: PathBuf,
        line: usize,
        reason: String,
    },

    #[error("{}: {reason}", path.display())]
    BadModel { path: PathBuf, reason: String },

    /// A model file that parses but holds a number predictions cannot use: `field` is its JSON
    /// path in the file (`calibration.temperature`, `stance.weights[0][17]`).
    #[error("{}: {field} is {value}: {reason}", path.display())]
    BadModelValue {
        path: PathBuf,
        field: String,
        value: String,
        reason: &'static str,
    },

    #[error("{}: {reason}", path.display())]
    BadArticle { path: PathBuf, reason: String },

    #[error(
        "{}: model format version {found} is not supported (this build reads version {supported}); \
         retrain the model with this version of stance",
        path.display()
    )]
    ModelVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error("invalid n-gram range {min}..={max}: need 1 <= min <= max <= 5")]
    InvalidNgramRange { min: usize, max: usize },

    #[error("invalid setting {name} = {value}: {reason}")]
    InvalidParam {
        name: &'static str,
        value: String,
        reason: &'static str,
    },

    #[error("training data: {0}")]
    BadTrainingData(String),

    #[error("unknown label {label:?} at {}:{line}; the model knows {known}", path.display())]
    UnknownLabel {
        path: PathBuf,
        line: usize,
        label: String,
        known: String,
    },

    #[error("unknown topic {topic:?} at {}:{line}; allowed topics: {known}", path.display())]
    UnknownTopic {
        path: PathBuf,
        line: usize,
        topic: String,
        known: String,
    },

    #[error("{}: sentence encoder: {reason}", path.display())]
    BadEncoder { path: PathBuf, reason: String },

    #[error(
        "{}: sentence encoder file is missing; the shipped encoder is in models/ (run \
         scripts/build_encoder.sh to rebuild it), or train with --encoder none",
        path.display()
    )]
    EncoderMissing { path: PathBuf },

    #[error(
        "{}: sentence encoder file differs from the one the model was trained with \
         (SHA-256 {found}, expected {expected})",
        path.display()
    )]
    EncoderChecksum {
        path: PathBuf,
        expected: String,
        found: String,
    },

    #[error("tokenizer: {0}")]
    Tokenizer(String),

    #[error("classifier: {0}")]
    Classifier(String),
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, reason: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            reason,
        }
    }
}
