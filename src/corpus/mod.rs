//! Labelled data in: reading corpus files (JSON Lines and CSV) into records, checking them
//! against the annotation contract (`data check`), and reading extraction gold files. Takes
//! files; gives records, problems and gold sentences. Used by training, evaluation and scoring.

pub mod data;
pub mod datacheck;
pub mod gold;
