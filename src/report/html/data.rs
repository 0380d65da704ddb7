//! What a report keeps of each scored sentence while a run streams: a compact record (names and
//! articles, dates and explanation terms interned as numbers, probabilities as `f32`, the five
//! strongest terms),
//! so that 100,000 sentences fit in tens of megabytes; and what the over-time chart reads of
//! them, per expert and month.

use crate::score::aggregate::{
    AggregateParams, Aggregator, ExpertTopic, Sentence as AggregateSentence,
};
use crate::score::aliases::{Aliases, SpeakerIndex};
use crate::score::ScoredQuote;
use std::collections::{BTreeMap, HashMap};

/// Explanation terms kept per sentence, strongest first.
pub const TERMS: usize = 5;

/// Strings numbered in order of first appearance.
#[derive(Debug, Default)]
pub struct Interner {
    pub names: Vec<String>,
    at: HashMap<String, u32>,
}

impl Interner {
    /// The number of `name`, given one when it is new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.at.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.at.insert(name.to_string(), i);
        i
    }
}

/// One scored sentence as the report keeps it.
#[derive(Debug)]
pub struct Sentence {
    /// The speaker as written (see [`ReportData::speakers`]).
    pub speaker: Option<u32>,
    pub article: Option<u32>,
    pub text: Box<str>,
    /// Byte span in the article.
    pub span: Option<(usize, usize)>,
    /// Position of the stance among the labels; `None` when uncertain.
    pub stance: Option<u8>,
    pub score: Option<f32>,
    pub probabilities: Box<[f32]>,
    /// Positions of the sentence's topics in the report's topic list.
    pub topics: Box<[u8]>,
    /// `YYYY-MM-DD` or `YYYY-MM` (see [`ReportData::dates`]).
    pub date: Option<u32>,
    /// The strongest explanation terms (see [`ReportData::terms`]) and their weights.
    pub terms: Box<[(u32, f32)]>,
}

/// The sentences of a run, collected as they are scored.
#[derive(Debug)]
pub struct ReportData {
    pub labels: Vec<String>,
    pub topics: Vec<String>,
    pub speakers: Interner,
    pub articles: Interner,
    pub dates: Interner,
    pub terms: Interner,
    pub sentences: Vec<Sentence>,
    /// Topics not in `topics` are added as they come (for scored sentences read back, whose
    /// model is not at hand), instead of being left out.
    pub open_topics: bool,
}

/// Rounds to three decimals, enough for a page.
pub fn round3(x: f64) -> f32 {
    ((x * 1000.0).round() / 1000.0) as f32
}

impl ReportData {
    pub fn new(labels: &[String], topics: &[String]) -> Self {
        ReportData {
            labels: labels.to_vec(),
            topics: topics.to_vec(),
            speakers: Interner::default(),
            articles: Interner::default(),
            dates: Interner::default(),
            terms: Interner::default(),
            sentences: Vec::new(),
            open_topics: false,
        }
    }

    /// Keeps what the report shows of `q`, dated `date` (already checked, see [`parse_date`]).
    pub fn add(&mut self, q: &ScoredQuote, date: Option<&str>) {
        let input = &q.input;
        let terms = q.explanation.as_ref().map_or(&[][..], |e| e.top(TERMS));
        if self.open_topics {
            for t in &q.topics {
                if !self.topics.contains(&t.topic) {
                    self.topics.push(t.topic.clone());
                }
            }
        }
        self.sentences.push(Sentence {
            speaker: input.speaker.as_deref().map(|s| self.speakers.intern(s)),
            article: input.article.as_deref().map(|a| self.articles.intern(a)),
            text: input.text.as_str().into(),
            span: input.span.as_ref().map(|s| (s.start, s.end)),
            stance: self
                .labels
                .iter()
                .position(|l| *l == q.stance)
                .map(|i| i as u8),
            score: q.score.map(round3),
            probabilities: q.probabilities.iter().map(|(_, p)| round3(*p)).collect(),
            topics: q
                .topics
                .iter()
                .filter_map(|t| self.topics.iter().position(|m| *m == t.topic))
                .filter_map(|i| u8::try_from(i).ok())
                .collect(),
            date: date.map(|d| self.dates.intern(d)),
            terms: terms
                .iter()
                .map(|t| (self.terms.intern(&t.term), round3(t.weight)))
                .collect(),
        });
    }

    /// The (expert, topic) rows of the sentences kept, as `score` aggregates them (from the
    /// probabilities as kept, to three decimals), spellings merged by `aliases` and the guess.
    pub fn aggregate(&self, aliases: &Aliases) -> (Vec<ExpertTopic>, SpeakerIndex) {
        let params = AggregateParams { evidence: 0 };
        let mut aggregator = Aggregator::new(&self.labels, &self.topics, params);
        // The sentences are kept in input order: their index orders them as score's keys do.
        for (order, s) in (0u64..).zip(&self.sentences) {
            let probabilities: Vec<f64> = s.probabilities.iter().map(|&p| f64::from(p)).collect();
            let topics: Vec<usize> = s.topics.iter().map(|&t| usize::from(t)).collect();
            aggregator.add_sentence(&AggregateSentence {
                order,
                speaker: s.speaker.map(|k| self.speakers.names[k as usize].as_str()),
                id: None,
                text: &s.text,
                uncertain: s.stance.is_none(),
                score: s.score.map(f64::from),
                probabilities: &probabilities,
                topics: &topics,
            });
        }
        aggregator.finish(aliases)
    }

    /// The expert (position in `experts`, the canonical names in row order) of each speaker.
    pub fn speaker_experts(&self, experts: &[&str], index: &SpeakerIndex) -> Vec<Option<u32>> {
        let at: HashMap<&str, u32> = experts
            .iter()
            .enumerate()
            .map(|(i, e)| (*e, i as u32))
            .collect();
        let names = &self.speakers.names;
        names
            .iter()
            .map(|n| at.get(index.canonical(n)).copied())
            .collect()
    }

    /// The over-time chart: per expert and month, the counted sentences (not uncertain, with an
    /// expert); and how many counted sentences had no date.
    pub fn timeline(&self, expert_of: &[Option<u32>]) -> Timeline {
        let mut by_month: BTreeMap<&str, BTreeMap<u32, Point>> = BTreeMap::new();
        let mut undated = 0;
        for s in &self.sentences {
            let Some(expert) = s.speaker.and_then(|k| expert_of[k as usize]) else {
                continue;
            };
            if s.stance.is_none() {
                continue;
            }
            let Some(date) = s.date else {
                undated += 1;
                continue;
            };
            let month = &self.dates.names[date as usize][..7];
            let point = by_month
                .entry(month)
                .or_default()
                .entry(expert)
                .or_default();
            point.n += 1;
            point.score = match (point.n, point.score, s.score) {
                (1, _, Some(x)) => Some(f64::from(x)),
                (_, Some(sum), Some(x)) => Some(sum + f64::from(x)),
                _ => None,
            };
            if point.probabilities.is_empty() {
                point.probabilities = vec![0.0; s.probabilities.len()];
            }
            for (sum, p) in point.probabilities.iter_mut().zip(&s.probabilities[..]) {
                *sum += f64::from(*p);
            }
        }
        let months: Vec<String> = by_month.keys().map(|m| m.to_string()).collect();
        let points = by_month
            .into_values()
            .enumerate()
            .flat_map(|(m, experts)| {
                experts.into_iter().map(move |(e, p)| {
                    let n = p.n as f64;
                    (
                        e,
                        m as u32,
                        p.n,
                        p.score.map(|s| round3(s / n)),
                        p.probabilities.iter().map(|x| round3(x / n)).collect(),
                    )
                })
            })
            .collect();
        Timeline {
            months,
            points,
            undated,
        }
    }
}

/// Running sums of one expert in one month.
#[derive(Default)]
struct Point {
    n: usize,
    score: Option<f64>,
    probabilities: Vec<f64>,
}

/// One expert in one month: `(expert, month, sentences, mean score, mean probability of each
/// label)`, positions in the experts and the months.
pub type TimePoint = (u32, u32, usize, Option<f32>, Vec<f32>);

/// The points of the over-time chart.
#[derive(Debug, serde::Serialize)]
pub struct Timeline {
    /// `YYYY-MM`, in order.
    pub months: Vec<String>,
    pub points: Vec<TimePoint>,
    /// Counted sentences without a date.
    pub undated: usize,
}

/// The date as the report keeps it, when `text` is one: `YYYY-MM-DD` or `YYYY-MM` (a longer
/// ISO timestamp gives its date); anything else is no date, never a guess.
pub fn parse_date(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() < 7 || !digits(0..4) || b[4] != b'-' || !digits(5..7) {
        return None;
    }
    let m: u32 = text[5..7].parse().ok()?;
    if !(1..=12).contains(&m) {
        return None;
    }
    if b.len() == 7 {
        return Some(text);
    }
    if b.len() < 10 || b[7] != b'-' || !digits(8..10) || (b.len() > 10 && b[10] != b'T') {
        return None;
    }
    let d: u32 = text[8..10].parse().ok()?;
    (1..=31).contains(&d).then(|| &text[..10])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days_or_months_and_nothing_else() {
        assert_eq!(parse_date("2024-05-16"), Some("2024-05-16"));
        assert_eq!(parse_date("2024-05"), Some("2024-05"));
        assert_eq!(parse_date("2024-05-16T10:00:00Z"), Some("2024-05-16"));
        for bad in [
            "May 2024",
            "2024",
            "2024-13",
            "2024-05-40",
            "16.05.2024",
            "2024-05-1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
