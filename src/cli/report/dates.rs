//! The date of each sentence in a report, first found of: `--date FILE=DATE` and `--dates FILE`
//! (by the article's path as given, or its file name; for quote records, by their `article`
//! field); the sentence's own `date` field (a quote record's, or the one `score` sets from the
//! article's first lines). `YYYY-MM-DD` or `YYYY-MM`; anything else is no date, never a guess.

use anyhow::{bail, Context, Result};
use stance::output::html::data::{parse_date, ReportData};
use stance::score::ScoredQuote;
use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;

/// Dates given on the command line, and a count of `date` fields that were not dates.
#[derive(Default)]
pub struct Dates {
    given: HashMap<String, String>,
    unreadable: Cell<usize>,
}

impl Dates {
    pub fn from_args(flags: &[String], file: Option<&Path>) -> Result<Dates> {
        let mut dates = Dates::default();
        for flag in flags {
            let Some((article, date)) = flag.rsplit_once('=') else {
                bail!("--date {flag:?}: give FILE=YYYY-MM-DD (or FILE=YYYY-MM)");
            };
            dates.insert(article, date, || format!("--date {flag:?}"))?;
        }
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the date file {}", path.display()))?;
            for (i, line) in text.lines().enumerate() {
                let line = line.trim_end_matches('\r');
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let cells = line.split_once('\t').or_else(|| line.rsplit_once(','));
                let place = || format!("{}:{}", path.display(), i + 1);
                let Some((article, date)) = cells else {
                    bail!("{}: expected \"article<TAB>date\", found {line:?}", place());
                };
                // A header line names the columns.
                if i == 0 && date.trim().eq_ignore_ascii_case("date") {
                    continue;
                }
                dates.insert(article.trim(), date.trim(), place)?;
            }
        }
        Ok(dates)
    }

    fn insert(&mut self, article: &str, date: &str, place: impl Fn() -> String) -> Result<()> {
        match parse_date(date) {
            Some(date) if !article.is_empty() => {
                self.given.insert(article.to_string(), date.to_string());
                Ok(())
            }
            Some(_) => bail!("{}: no article before the date", place()),
            None => bail!(
                "{}: {date:?} is not a date; write YYYY-MM-DD or YYYY-MM",
                place()
            ),
        }
    }

    /// Keeps `q` in `data` with its date.
    pub fn add(&self, data: &mut ReportData, q: &ScoredQuote) {
        let extra = &q.input.extra;
        let article = q
            .input
            .article
            .as_deref()
            .or_else(|| extra.get("article").and_then(|a| a.as_str()));
        let given = article.and_then(|a| {
            self.given.get(a).or_else(|| {
                let file = Path::new(a).file_name()?.to_str()?;
                self.given.get(file)
            })
        });
        let own = extra.get("date").filter(|d| !d.is_null());
        let date = match (given, own) {
            (Some(d), _) => Some(d.as_str()),
            (None, Some(d)) => {
                let date = d.as_str().and_then(parse_date);
                if date.is_none() {
                    self.unreadable.set(self.unreadable.get() + 1);
                }
                date
            }
            (None, None) => None,
        };
        data.add(q, date);
    }

    /// Says how many sentences had a `date` field that is not a date (they count as undated).
    pub fn warn_unreadable(&self) {
        let n = self.unreadable.get();
        if n > 0 {
            eprintln!(
                "stance: warning: {n} sentence(s) have a date field that is not YYYY-MM-DD or \
                 YYYY-MM; the report counts them as without a date"
            );
        }
    }
}
