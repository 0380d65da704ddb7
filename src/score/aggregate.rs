//! Aggregation per (expert, topic): the mean probability of each of the model's labels over
//! the expert's sentences on the topic, the label it amounts to, the mean signed score where the
//! model has a polarity, the number of sentences, and the sentences that show the stance best.
//! Every expert also gets an `all` row over all of their sentences, topic or not.
//! Spelling variants of one expert's name are merged first ([`SpeakerIndex`]).
//!
//! One rule gives a sentence's stance and an aggregate's: the label of highest probability, of
//! the sentence or the mean over the row's sentences. A row of one sentence has that sentence's
//! stance, and a model with labels of its own aggregates in them.

use crate::score::aliases::{Aliases, SpeakerIndex};
use crate::score::quote::{ScoredQuote, UNCERTAIN};
use serde::Serialize;

pub mod partial;
use std::collections::HashMap;

/// The topic name of the row that covers all of an expert's sentences.
pub const ALL_TOPICS: &str = "all";

/// Settings of the aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateParams {
    /// Evidence quotes kept per row; default 2.
    pub evidence: usize,
}

impl Default for AggregateParams {
    fn default() -> Self {
        AggregateParams { evidence: 2 }
    }
}

/// One piece of evidence: a sentence and how strongly it shows the row's stance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The sentence's [`order_key`].
    #[serde(skip)]
    pub order: u64,
    pub id: Option<String>,
    pub text: String,
    /// The sentence's probability of the row's stance.
    pub probability: f64,
}

/// The stance of one expert on one topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpertTopic {
    /// The expert's canonical name.
    pub speaker: String,
    /// Other spellings of the name merged into this expert.
    pub variants: Vec<String>,
    pub topic: String,
    /// Mean signed score of the sentences, in [-1, 1]; `None` for models without polarity.
    pub score: Option<f64>,
    /// The label of highest mean probability.
    pub stance: String,
    /// `(label, mean probability over the sentences)`, in model order.
    pub probabilities: Vec<(String, f64)>,
    pub n: usize,
    pub evidence: Vec<Evidence>,
}

/// Aggregates scored sentences; experts in order of first appearance, topics in the order the
/// model lists them after the `all` row. Sentences without a speaker, and uncertain ones, are
/// left out. Spellings are merged with `aliases` (see [`SpeakerIndex`]), which is returned too.
/// The labels are the first sentence's; sentence `i` has the order key `i`.
pub fn aggregate(
    quotes: &[ScoredQuote],
    topics: &[String],
    params: &AggregateParams,
    aliases: &Aliases,
) -> (Vec<ExpertTopic>, SpeakerIndex) {
    let labels: Vec<String> = quotes.first().map_or(Vec::new(), |q| {
        q.probabilities.iter().map(|(l, _)| l.clone()).collect()
    });
    let mut aggregator = Aggregator::new(&labels, topics, params.clone());
    for (i, q) in quotes.iter().enumerate() {
        aggregator.add(q, i as u64);
    }
    aggregator.finish(aliases)
}

/// The global order of a sentence: the position of its unit (article or quote record) in the
/// input, then its number in the unit (0 for a quote record). Sentences are ranked by it wherever
/// input order matters (ties of evidence, the order of experts, the choice of a spelling), so a
/// run split into parts that keep their units' positions aggregates as one run does.
pub fn order_key(unit: u64, sentence: usize) -> u64 {
    (unit << 24) | (sentence as u64).min(0xFF_FFFF)
}

/// Fixed-point scale of the sums: integer sums add up exactly, in any order.
const ONE: f64 = (1u64 << 60) as f64;

fn fixed(x: f64) -> i128 {
    (x * ONE).round() as i128
}

fn float(sum: i128) -> f64 {
    sum as f64 / ONE
}

/// What aggregation reads of a scored sentence, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Sentence<'a> {
    /// Its [`order_key`].
    pub order: u64,
    pub speaker: Option<&'a str>,
    pub id: Option<&'a str>,
    pub text: &'a str,
    /// Below the minimum confidence: counted for the speaker's name, not aggregated.
    pub uncertain: bool,
    pub score: Option<f64>,
    /// The sentence's probability of each of the aggregator's labels, in order.
    pub probabilities: &'a [f64],
    /// Positions of the sentence's topics in the aggregator's topic list.
    pub topics: &'a [usize],
}

/// Aggregation as sentences arrive, in memory that grows with the number of speakers and
/// topics, not of sentences: per spelling of a name and per topic it keeps the count, the exact
/// (fixed-point) sums of scores and probabilities, and for every stance the row could end up
/// with, the strongest few sentences. Two aggregators of parts of an input [`merge`] into the
/// aggregator of the whole, whatever the split and the order (the state is written and read as
/// JSON Lines by [`partial`]). [`Aggregator::finish`] merges spellings into experts.
///
/// [`merge`]: Aggregator::merge
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregator {
    labels: Vec<String>,
    topics: Vec<String>,
    params: AggregateParams,
    names: Vec<Spelling>,
    by_name: HashMap<String, usize>,
}

/// One spelling of a speaker's name and its sentences so far.
#[derive(Debug, Clone, PartialEq)]
struct Spelling {
    name: String,
    /// Sentences, uncertain ones included (for choosing the canonical spelling).
    count: usize,
    /// Order key of the first sentence.
    first: u64,
    /// First sentence that counts in the aggregates.
    first_counted: Option<u64>,
    /// The `all` group, then one per topic.
    groups: Vec<Group>,
}

/// Running totals of one (spelling, topic).
#[derive(Debug, Clone, Default, PartialEq)]
struct Group {
    n: usize,
    /// Fixed-point sum; `None` once a sentence had no score.
    score_sum: Option<i128>,
    /// Fixed-point sums of the probability of each label, in model order.
    probability_sums: Vec<i128>,
    /// For each label (the stance the row could take), the strongest sentences for it.
    evidence: Vec<Vec<Evidence>>,
}

/// Two aggregators that cannot be merged: what differs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("partial aggregates differ in their {what}: {mine} and {theirs}")]
pub struct Mismatch {
    pub what: &'static str,
    pub mine: String,
    pub theirs: String,
}

impl Aggregator {
    pub fn new(labels: &[String], topics: &[String], params: AggregateParams) -> Self {
        Aggregator {
            labels: labels.to_vec(),
            topics: topics.to_vec(),
            params,
            names: Vec::new(),
            by_name: HashMap::new(),
        }
    }

    /// Takes a scored sentence with its [`order_key`].
    pub fn add(&mut self, q: &ScoredQuote, order: u64) {
        let probabilities: Vec<f64> = self.labels.iter().map(|l| q.probability(l)).collect();
        let topics: Vec<usize> = self
            .topics
            .iter()
            .enumerate()
            .filter(|(_, t)| q.topics.iter().any(|h| &h.topic == *t))
            .map(|(k, _)| k)
            .collect();
        self.add_sentence(&Sentence {
            order,
            speaker: q.input.speaker.as_deref(),
            id: q.input.id.as_deref(),
            text: &q.input.text,
            uncertain: q.stance == UNCERTAIN,
            score: q.score,
            probabilities: &probabilities,
            topics: &topics,
        });
    }

    /// Takes a sentence, borrowed; sentences may come in any order.
    pub fn add_sentence(&mut self, q: &Sentence) {
        let Some(name) = q.speaker else {
            return;
        };
        let groups = self.topics.len() + 1;
        let at = self.spelling(name, q.order, groups);
        let spelling = &mut self.names[at];
        spelling.count += 1;
        spelling.first = spelling.first.min(q.order);
        if q.uncertain {
            return;
        }
        spelling.first_counted = Some(spelling.first_counted.map_or(q.order, |f| f.min(q.order)));
        let keep = self.params.evidence;
        spelling.groups[0].add(q, keep);
        for &k in q.topics {
            if let Some(group) = spelling.groups.get_mut(k + 1) {
                group.add(q, keep);
            }
        }
    }

    /// The position of `name` among the spellings, added (with no sentence yet) if new.
    fn spelling(&mut self, name: &str, first: u64, groups: usize) -> usize {
        if let Some(&at) = self.by_name.get(name) {
            return at;
        }
        self.names.push(Spelling {
            name: name.to_string(),
            count: 0,
            first,
            first_counted: None,
            groups: vec![Group::default(); groups],
        });
        self.by_name.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }

    /// Adds the sentences `other` took: counts and sums add, first sentences are the earlier,
    /// evidence lists the strongest of both. Both must have the same labels, topics and evidence
    /// count.
    pub fn merge(&mut self, other: Aggregator) -> Result<(), Mismatch> {
        self.check(&other.labels, &other.topics, other.params.evidence)?;
        for theirs in other.names {
            self.merge_spelling(theirs);
        }
        Ok(())
    }

    /// Whether a state with these labels, topics and evidence count can be merged into this one.
    pub fn check(&self, labels: &[String], topics: &[String], k: usize) -> Result<(), Mismatch> {
        let differ = |what, mine: String, theirs: String| Mismatch { what, mine, theirs };
        if self.labels != labels {
            return Err(differ("labels", self.labels.join(","), labels.join(",")));
        }
        if self.topics != topics {
            return Err(differ("topics", self.topics.join(","), topics.join(",")));
        }
        if self.params.evidence != k {
            return Err(differ(
                "evidence count",
                self.params.evidence.to_string(),
                k.to_string(),
            ));
        }
        Ok(())
    }

    fn merge_spelling(&mut self, theirs: Spelling) {
        let at = self.spelling(&theirs.name, theirs.first, theirs.groups.len());
        let keep = self.params.evidence;
        let mine = &mut self.names[at];
        mine.count += theirs.count;
        mine.first = mine.first.min(theirs.first);
        mine.first_counted = match (mine.first_counted, theirs.first_counted) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (group, other) in mine.groups.iter_mut().zip(&theirs.groups) {
            group.merge(other, keep);
        }
    }

    /// Shows `n` evidence quotes per row instead of the number kept; returns false, changing
    /// nothing, when `n` is more than that (the rest was not kept).
    pub fn show_evidence(&mut self, n: usize) -> bool {
        if n > self.params.evidence {
            return false;
        }
        self.params.evidence = n;
        true
    }

    /// The rows, with spellings merged into experts by `aliases` and the guess.
    pub fn finish(mut self, aliases: &Aliases) -> (Vec<ExpertTopic>, SpeakerIndex) {
        // Spellings in order of first sentence, whatever order they were added or merged in.
        self.names.sort_by_key(|s| s.first);
        let speakers = SpeakerIndex::from_counts(
            self.names
                .iter()
                .map(|s| (s.name.as_str(), s.count, s.first as usize)),
            aliases,
        );
        let mut experts: Vec<(u64, &str, Vec<&Spelling>)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for spelling in &self.names {
            let Some(first) = spelling.first_counted else {
                continue;
            };
            let canonical = speakers.canonical(&spelling.name);
            let at = *position.entry(canonical).or_insert_with(|| {
                experts.push((first, canonical, Vec::new()));
                experts.len() - 1
            });
            experts[at].0 = experts[at].0.min(first);
            experts[at].2.push(spelling);
        }
        experts.sort_by_key(|(first, _, _)| *first);
        let mut rows = Vec::new();
        for (_, name, spellings) in experts {
            let variants = speakers.variants(name);
            for g in 0..=self.topics.len() {
                let mut merged = Group::default();
                spellings
                    .iter()
                    .for_each(|s| merged.merge(&s.groups[g], usize::MAX));
                if merged.n == 0 {
                    continue;
                }
                let topic = if g == 0 {
                    ALL_TOPICS
                } else {
                    &self.topics[g - 1]
                };
                rows.push(merged.row(name, &variants, topic, &self.labels, &self.params));
            }
        }
        (rows, speakers)
    }
}

impl Group {
    fn add(&mut self, q: &Sentence, keep: usize) {
        if self.n == 0 {
            self.score_sum = Some(0);
            self.probability_sums = vec![0; q.probabilities.len()];
            self.evidence = vec![Vec::new(); q.probabilities.len()];
        }
        self.n += 1;
        self.score_sum = self.score_sum.zip(q.score).map(|(a, b)| a + fixed(b));
        for (sum, &p) in self.probability_sums.iter_mut().zip(q.probabilities) {
            *sum += fixed(p);
        }
        for (list, &probability) in self.evidence.iter_mut().zip(q.probabilities) {
            let rank = list.partition_point(|e| stronger(e, probability, q.order));
            if rank < keep {
                list.insert(
                    rank,
                    Evidence {
                        order: q.order,
                        id: q.id.map(String::from),
                        text: q.text.to_string(),
                        probability,
                    },
                );
                list.truncate(keep);
            }
        }
    }

    /// Adds `other`'s sentences, keeping the `keep` strongest of each evidence list.
    fn merge(&mut self, other: &Group, keep: usize) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            return;
        }
        self.n += other.n;
        self.score_sum = self.score_sum.zip(other.score_sum).map(|(a, b)| a + b);
        for (a, b) in self
            .probability_sums
            .iter_mut()
            .zip(&other.probability_sums)
        {
            *a += b;
        }
        for (mine, theirs) in self.evidence.iter_mut().zip(&other.evidence) {
            mine.extend(theirs.iter().cloned());
            mine.sort_by(|a, b| {
                b.probability
                    .total_cmp(&a.probability)
                    .then(a.order.cmp(&b.order))
            });
            mine.truncate(keep);
        }
    }

    fn row(
        &self,
        speaker: &str,
        variants: &[String],
        topic: &str,
        labels: &[String],
        params: &AggregateParams,
    ) -> ExpertTopic {
        let n = self.n as f64;
        let probabilities: Vec<(String, f64)> = labels
            .iter()
            .zip(&self.probability_sums)
            .map(|(l, &sum)| (l.clone(), float(sum) / n))
            .collect();
        let means: Vec<f64> = probabilities.iter().map(|(_, p)| *p).collect();
        let best = crate::metrics::argmax(&means);
        let mut evidence = self.evidence.get(best).cloned().unwrap_or_default();
        evidence.truncate(params.evidence);
        ExpertTopic {
            speaker: speaker.to_string(),
            variants: variants.to_vec(),
            topic: topic.to_string(),
            score: self.score_sum.map(|s| float(s) / n),
            stance: probabilities
                .get(best)
                .map(|(l, _)| l.clone())
                .unwrap_or_default(),
            probabilities,
            n: self.n,
            evidence,
        }
    }
}

/// Whether `e` ranks before a sentence with order key `order` and `probability`: strongest
/// first, input order on ties, so the choice is stable.
fn stronger(e: &Evidence, probability: f64, order: u64) -> bool {
    e.probability > probability || (e.probability == probability && e.order < order)
}

#[cfg(test)]
mod tests;
