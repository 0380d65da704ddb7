//! The report of a scoring run (`stance report`): one page with its data in JSON blocks that
//! `report.js` renders: the experts x topics heatmap with each cell's evidence, every article
//! with its attributed sentences highlighted, and stance over time.
//!
//! The data are compact (arrays, not objects; speakers, articles and dates as numbers) and
//! written as they are serialized, one sentence or article at a time; each article's text is
//! read only when its block is written, split at the sentences' byte spans here (so the script
//! never handles UTF-8 offsets), and parsed by the script only when the article is opened.

use super::data::{round3, ReportData, Sentence};
use super::{escape, write_head, write_script_json};
use crate::score::aggregate::{ExpertTopic, ALL_TOPICS};
use crate::score::aliases::SpeakerIndex;
use serde_json::json;
use std::io::{self, Write};

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");
const BODY: &str = include_str!("report.html");

/// What the page says about the run.
pub struct ReportInfo<'a> {
    pub title: &'a str,
    /// The model that scored.
    pub model: &'a str,
    /// Sentences below the minimum confidence (left out of the experts).
    pub min_confidence: f64,
}

/// Writes the page. `experts` are the run's (expert, topic) rows, `speakers` how spellings were
/// merged into them, `text` gives an article's text by name when it can be read.
pub fn write_report(
    w: &mut dyn Write,
    info: &ReportInfo,
    data: &ReportData,
    experts: &[ExpertTopic],
    speakers: &SpeakerIndex,
    text: &mut dyn FnMut(&str) -> Option<String>,
) -> io::Result<()> {
    write_head(w, info.title, CSS)?;
    writeln!(w, "<body>\n<h1>{}</h1>", escape(info.title))?;
    w.write_all(BODY.as_bytes())?;
    let (names, rows) = expert_rows(experts, &data.topics);
    let expert_of = data.speaker_experts(&names, speakers);
    let mut topics = vec![ALL_TOPICS.to_string()];
    topics.extend(data.topics.iter().cloned());
    let polarity = data.sentences.iter().any(|s| s.score.is_some());
    let meta = json!({
        "model": info.model,
        "labels": data.labels,
        "topics": topics,
        "polarity": polarity,
        "min_confidence": info.min_confidence,
        "sentences": data.sentences.len(),
    });
    block(w, "meta", &meta)?;
    block(w, "experts", &rows)?;
    let speaker_rows: Vec<(&str, Option<u32>)> = data
        .speakers
        .names
        .iter()
        .map(String::as_str)
        .zip(expert_of.iter().copied())
        .collect();
    block(w, "speakers", &speaker_rows)?;
    block(w, "dates", &data.dates.names)?;
    block(w, "terms", &data.terms.names)?;
    block(w, "timeline", &data.timeline(&expert_of))?;
    write_sentences(w, &data.sentences)?;
    write_articles(w, data, text)?;
    writeln!(w, "<script>{JS}</script>\n</body>\n</html>")
}

/// One expert's row of the heatmap: name, other spellings, and a cell
/// `(topic, n, score, stance, mean probability of each label)` per topic with sentences, the
/// topic as its position among `all` and the model's topics.
type ExpertRow<'a> = (&'a str, &'a [String], Vec<Cell>);
type Cell = (usize, usize, Option<f32>, usize, Vec<f32>);

/// The experts' names in row order, and their rows.
fn expert_rows<'a>(
    experts: &'a [ExpertTopic],
    topics: &[String],
) -> (Vec<&'a str>, Vec<ExpertRow<'a>>) {
    let mut names: Vec<&str> = Vec::new();
    let mut rows: Vec<ExpertRow> = Vec::new();
    for e in experts {
        if names.last() != Some(&e.speaker.as_str()) {
            names.push(&e.speaker);
            rows.push((&e.speaker, &e.variants, Vec::new()));
        }
        let topic = match topics.iter().position(|t| *t == e.topic) {
            Some(k) => k + 1,
            None => 0,
        };
        let stance = e.probabilities.iter().position(|(l, _)| *l == e.stance);
        let probabilities = e.probabilities.iter().map(|(_, p)| round3(*p)).collect();
        if let Some(row) = rows.last_mut() {
            let score = e.score.map(round3);
            row.2
                .push((topic, e.n, score, stance.unwrap_or(0), probabilities));
        }
    }
    (names, rows)
}

/// A `<script type="application/json">` block holding `value`.
fn block<T: serde::Serialize + ?Sized>(w: &mut dyn Write, id: &str, value: &T) -> io::Result<()> {
    write!(w, "<script type=\"application/json\" id=\"data-{id}\">")?;
    write_script_json(w, value)?;
    w.write_all(b"</script>\n")
}

/// The sentences, one array each: speaker, article, text, stance (-1: uncertain), score,
/// probabilities, topics, date, explanation terms (`[term, weight]`, the term as its position in
/// the `terms` block).
fn write_sentences(w: &mut dyn Write, sentences: &[Sentence]) -> io::Result<()> {
    w.write_all(b"<script type=\"application/json\" id=\"data-sentences\">[")?;
    for (i, s) in sentences.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        let row = (
            s.speaker.map_or(-1, i64::from),
            s.article.map_or(-1, i64::from),
            &s.text,
            s.stance.map_or(-1, i64::from),
            s.score,
            &s.probabilities,
            &s.topics,
            s.date.map_or(-1, i64::from),
            &s.terms,
        );
        write_script_json(w, &row)?;
    }
    w.write_all(b"]</script>\n")
}

/// The articles (`[name, sentences, has text]`), then a block per article whose text could be
/// read: its text as pieces, plain strings and `[sentence, text]` for attributed sentences.
fn write_articles(
    w: &mut dyn Write,
    data: &ReportData,
    text: &mut dyn FnMut(&str) -> Option<String>,
) -> io::Result<()> {
    let mut of_article: Vec<Vec<usize>> = vec![Vec::new(); data.articles.names.len()];
    for (i, s) in data.sentences.iter().enumerate() {
        if let Some(a) = s.article {
            of_article[a as usize].push(i);
        }
    }
    let mut list = Vec::new();
    for (a, name) in data.articles.names.iter().enumerate() {
        let has_text = match text(name) {
            Some(article) => {
                let pieces = split(&article, &of_article[a], &data.sentences);
                write!(
                    w,
                    "<script type=\"application/json\" id=\"data-article-{a}\">"
                )?;
                write_script_json(w, &pieces)?;
                w.write_all(b"</script>\n")?;
                true
            }
            None => false,
        };
        list.push((name.as_str(), of_article[a].len(), has_text));
    }
    block(w, "articles", &list)
}

/// One piece of an article: plain text, or an attributed sentence.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Piece<'a> {
    Plain(&'a str),
    Sentence(usize, &'a str),
}

/// `article` cut at the spans of its `sentences` (positions in `all`). A span that does not hold
/// its sentence's text (the file changed since it was scored) or overlaps the one before is left
/// unmarked.
fn split<'a>(article: &'a str, sentences: &[usize], all: &[Sentence]) -> Vec<Piece<'a>> {
    let mut spans: Vec<(usize, usize, usize)> = sentences
        .iter()
        .filter_map(|&i| all[i].span.map(|(s, e)| (s, e, i)))
        .collect();
    spans.sort_unstable();
    let mut pieces = Vec::new();
    let mut at = 0;
    for (start, end, i) in spans {
        if start < at || article.get(start..end) != Some(&*all[i].text) {
            continue;
        }
        if start > at {
            pieces.push(Piece::Plain(&article[at..start]));
        }
        pieces.push(Piece::Sentence(i, &article[start..end]));
        at = end;
    }
    if at < article.len() {
        pieces.push(Piece::Plain(&article[at..]));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str, span: (usize, usize)) -> Sentence {
        Sentence {
            speaker: None,
            article: Some(0),
            text: text.into(),
            span: Some(span),
            stance: Some(0),
            score: None,
            probabilities: Box::new([]),
            topics: Box::new([]),
            date: None,
            terms: Box::new([]),
        }
    }

    #[test]
    fn articles_split_at_byte_spans_of_multibyte_text() {
        let article = "Başlıq. “Gas flows,” said Əli. Then — “Rates rise.”";
        let gas = article.find("Gas").unwrap();
        let rates = article.find("Rates").unwrap();
        let all = vec![
            sentence("Rates rise.", (rates, rates + "Rates rise.".len())),
            sentence("Gas flows,", (gas, gas + "Gas flows,".len())),
            sentence("moved", (0, 5)),
        ];
        let pieces = serde_json::to_value(split(article, &[0, 1, 2], &all)).unwrap();
        assert_eq!(
            pieces,
            json!([
                "Başlıq. “",
                [1, "Gas flows,"],
                "” said Əli. Then — “",
                [0, "Rates rise."],
                "”"
            ])
        );
    }
}
