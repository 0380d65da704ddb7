//! Command-line tests: every command run as a user would, on real files in temporary folders.

mod aggregate;
mod browser;
mod data;
mod emit;
mod encoder;
mod eval;
mod eval_html;
mod explain;
mod extract;
mod input;
mod labels;
mod output;
mod regression;
mod reliability;
mod report;
mod score;
mod train;
mod util;
