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
    /// Position of the sentence in the scored input.
    #[serde(skip)]
    pub index: usize,
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
pub fn aggregate(
    quotes: &[ScoredQuote],
    topics: &[String],
    params: &AggregateParams,
    aliases: &Aliases,
) -> (Vec<ExpertTopic>, SpeakerIndex) {
    let mut aggregator = Aggregator::new(topics, params.clone());
    quotes.iter().for_each(|q| aggregator.add(q));
    aggregator.finish(aliases)
}

/// What aggregation reads of a scored sentence, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Sentence<'a> {
    pub speaker: Option<&'a str>,
    pub id: Option<&'a str>,
    pub text: &'a str,
    /// Below the minimum confidence: counted for the speaker's name, not aggregated.
    pub uncertain: bool,
    pub score: Option<f64>,
    /// The model's labels and the sentence's probability of each.
    pub labels: &'a [String],
    pub probabilities: &'a [f64],
    /// Positions of the sentence's topics in the aggregator's topic list.
    pub topics: &'a [usize],
}

/// Aggregation as sentences arrive, in memory that grows with the number of speakers and
/// topics, not of sentences: per spelling of a name and per topic it keeps the count, the sums
/// of scores and probabilities, and for every stance the row could end up with, the strongest
/// few sentences. [`Aggregator::finish`] merges spellings into experts.
#[derive(Debug, Clone)]
pub struct Aggregator {
    topics: Vec<String>,
    params: AggregateParams,
    names: Vec<Spelling>,
    by_name: HashMap<String, usize>,
    /// Index of the next sentence.
    next: usize,
}

/// One spelling of a speaker's name and its sentences so far.
#[derive(Debug, Clone)]
struct Spelling {
    name: String,
    /// Sentences, uncertain ones included (for choosing the canonical spelling).
    count: usize,
    first: usize,
    /// First sentence that counts in the aggregates.
    first_counted: Option<usize>,
    /// The `all` group, then one per topic.
    groups: Vec<Group>,
}

/// Running totals of one (spelling, topic).
#[derive(Debug, Clone, Default)]
struct Group {
    n: usize,
    /// `None` once a sentence had no score.
    score_sum: Option<f64>,
    /// `(label, sum of probabilities)` in model order.
    probability_sums: Vec<(String, f64)>,
    /// For each label (the stance the row could take), the strongest sentences for it.
    evidence: Vec<Vec<Evidence>>,
}

impl Aggregator {
    pub fn new(topics: &[String], params: AggregateParams) -> Self {
        Aggregator {
            topics: topics.to_vec(),
            params,
            names: Vec::new(),
            by_name: HashMap::new(),
            next: 0,
        }
    }

    /// Takes the next sentence (sentences must come in input order).
    pub fn add(&mut self, q: &ScoredQuote) {
        let labels: Vec<String> = q.probabilities.iter().map(|(l, _)| l.clone()).collect();
        let probabilities: Vec<f64> = q.probabilities.iter().map(|(_, p)| *p).collect();
        let topics: Vec<usize> = self
            .topics
            .iter()
            .enumerate()
            .filter(|(_, t)| q.topics.iter().any(|h| &h.topic == *t))
            .map(|(k, _)| k)
            .collect();
        self.add_sentence(&Sentence {
            speaker: q.input.speaker.as_deref(),
            id: q.input.id.as_deref(),
            text: &q.input.text,
            uncertain: q.stance == UNCERTAIN,
            score: q.score,
            labels: &labels,
            probabilities: &probabilities,
            topics: &topics,
        });
    }

    /// Takes the next sentence, borrowed (sentences must come in input order).
    pub fn add_sentence(&mut self, q: &Sentence) {
        let index = self.next;
        self.next += 1;
        let Some(name) = q.speaker else {
            return;
        };
        let at = match self.by_name.get(name) {
            Some(&at) => at,
            None => {
                self.names.push(Spelling {
                    name: name.to_string(),
                    count: 0,
                    first: index,
                    first_counted: None,
                    groups: vec![Group::default(); self.topics.len() + 1],
                });
                self.by_name.insert(name.to_string(), self.names.len() - 1);
                self.names.len() - 1
            }
        };
        let spelling = &mut self.names[at];
        spelling.count += 1;
        if q.uncertain {
            return;
        }
        spelling.first_counted.get_or_insert(index);
        let keep = self.params.evidence;
        spelling.groups[0].add(q, index, keep);
        for &k in q.topics {
            if let Some(group) = spelling.groups.get_mut(k + 1) {
                group.add(q, index, keep);
            }
        }
    }

    /// The rows, with spellings merged into experts by `aliases` and the guess.
    pub fn finish(self, aliases: &Aliases) -> (Vec<ExpertTopic>, SpeakerIndex) {
        let speakers = SpeakerIndex::from_counts(
            self.names
                .iter()
                .map(|s| (s.name.as_str(), s.count, s.first)),
            aliases,
        );
        let mut experts: Vec<(usize, &str, Vec<&Spelling>)> = Vec::new();
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
                spellings.iter().for_each(|s| merged.merge(&s.groups[g]));
                if merged.n == 0 {
                    continue;
                }
                let topic = if g == 0 {
                    ALL_TOPICS
                } else {
                    &self.topics[g - 1]
                };
                rows.push(merged.row(name, &variants, topic, &self.params));
            }
        }
        (rows, speakers)
    }
}

impl Group {
    fn add(&mut self, q: &Sentence, index: usize, keep: usize) {
        if self.n == 0 {
            self.score_sum = Some(0.0);
            self.probability_sums = q.labels.iter().map(|l| (l.clone(), 0.0)).collect();
            self.evidence = vec![Vec::new(); q.labels.len()];
        }
        self.n += 1;
        self.score_sum = self.score_sum.zip(q.score).map(|(a, b)| a + b);
        // A group's labels are its first sentence's, the model's, in the same order: the
        // probabilities line up by position.
        for ((_, sum), p) in self.probability_sums.iter_mut().zip(q.probabilities) {
            *sum += p;
        }
        for (list, &probability) in self.evidence.iter_mut().zip(q.probabilities) {
            let rank = list.partition_point(|e| stronger(e, probability, index));
            if rank < keep {
                list.insert(
                    rank,
                    Evidence {
                        index,
                        id: q.id.map(String::from),
                        text: q.text.to_string(),
                        probability,
                    },
                );
                list.truncate(keep);
            }
        }
    }

    fn merge(&mut self, other: &Group) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            return;
        }
        self.n += other.n;
        self.score_sum = self.score_sum.zip(other.score_sum).map(|(a, b)| a + b);
        for ((_, a), (_, b)) in self
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
                    .then(a.index.cmp(&b.index))
            });
        }
    }

    fn row(
        &self,
        speaker: &str,
        variants: &[String],
        topic: &str,
        params: &AggregateParams,
    ) -> ExpertTopic {
        let n = self.n as f64;
        let probabilities: Vec<(String, f64)> = self
            .probability_sums
            .iter()
            .map(|(l, sum)| (l.clone(), sum / n))
            .collect();
        let means: Vec<f64> = probabilities.iter().map(|(_, p)| *p).collect();
        let best = crate::metrics::argmax(&means);
        let mut evidence = self.evidence.get(best).cloned().unwrap_or_default();
        evidence.truncate(params.evidence);
        ExpertTopic {
            speaker: speaker.to_string(),
            variants: variants.to_vec(),
            topic: topic.to_string(),
            score: self.score_sum.map(|s| s / n),
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

/// Whether `e` ranks before a sentence at `index` with `probability`: strongest first, input
/// order on ties, so the choice is stable.
fn stronger(e: &Evidence, probability: f64, index: usize) -> bool {
    e.probability > probability || (e.probability == probability && e.index < index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::topics::TopicHit;
    use crate::score::quote::QuoteInput;

    fn quote(speaker: &str, p: [f64; 3], topics: &[&str]) -> ScoredQuote {
        let labels = ["optimistic", "cautionary", "neutral"];
        ScoredQuote {
            input: QuoteInput {
                id: None,
                article: None,
                speaker: Some(speaker.into()),
                text: format!("{speaker} {p:?}"),
                span: None,
                kind: None,
                extra: Default::default(),
            },
            stance: labels[crate::metrics::argmax(&p)].into(),
            probabilities: labels.iter().map(|l| l.to_string()).zip(p).collect(),
            score: Some(p[0] - p[1]),
            explanation: None,
            topics: topics
                .iter()
                .map(|t| TopicHit {
                    topic: t.to_string(),
                    probability: None,
                    keywords: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn mean_score_stance_and_evidence_per_expert_and_topic() {
        let quotes = vec![
            quote("A", [0.8, 0.1, 0.1], &["energy"]),
            quote("B", [0.1, 0.7, 0.2], &["energy"]),
            quote("A", [0.6, 0.2, 0.2], &["energy", "economy"]),
            quote("A", [0.2, 0.6, 0.2], &[]),
        ];
        let topics = vec!["economy".to_string(), "energy".to_string()];
        let (rows, _) = aggregate(
            &quotes,
            &topics,
            &AggregateParams::default(),
            &Aliases::default(),
        );
        let keys: Vec<(&str, &str, usize)> = rows
            .iter()
            .map(|r| (r.speaker.as_str(), r.topic.as_str(), r.n))
            .collect();
        assert_eq!(
            keys,
            [
                ("A", "all", 3),
                ("A", "economy", 1),
                ("A", "energy", 2),
                ("B", "all", 1),
                ("B", "energy", 1)
            ]
        );
        let a_all = &rows[0];
        assert!((a_all.score.unwrap() - (0.7 + 0.4 - 0.4) / 3.0).abs() < 1e-12);
        assert_eq!(a_all.stance, "optimistic");
        assert_eq!(
            a_all.evidence.iter().map(|e| e.index).collect::<Vec<_>>(),
            [0, 2]
        );
        assert!((rows[2].score.unwrap() - 0.55).abs() < 1e-12);
        assert_eq!(rows[4].stance, "cautionary");
    }

    #[test]
    fn a_row_of_one_sentence_has_that_sentences_stance() {
        // Neutral by a little, with a score of -0.27: the score never overrides the stance.
        let q = quote("A", [0.1, 0.37, 0.53], &[]);
        assert_eq!(q.stance, "neutral");
        let (rows, _) = aggregate(&[q], &[], &AggregateParams::default(), &Aliases::default());
        assert_eq!(rows[0].stance, "neutral");
        assert!((rows[0].score.unwrap() + 0.27).abs() < 1e-12);
        assert_eq!(rows[0].evidence[0].probability, 0.53);
    }

    #[test]
    fn a_model_with_labels_of_its_own_aggregates_in_them() {
        let labels = ["dovish", "hawkish"];
        let sentence = |p: [f64; 2]| {
            let mut q = quote("A", [0.0; 3], &[]);
            q.probabilities = labels.iter().map(|l| l.to_string()).zip(p).collect();
            q.stance = labels[crate::metrics::argmax(&p)].into();
            q.score = None;
            q
        };
        let quotes = [
            sentence([0.9, 0.1]),
            sentence([0.3, 0.7]),
            sentence([0.2, 0.8]),
        ];
        let (rows, _) = aggregate(
            &quotes,
            &[],
            &AggregateParams::default(),
            &Aliases::default(),
        );
        let row = &rows[0];
        assert_eq!(
            (row.stance.as_str(), row.score, row.n),
            ("hawkish", None, 3)
        );
        assert_eq!(row.probabilities[0].0, "dovish");
        assert!((row.probabilities[1].1 - 1.6 / 3.0).abs() < 1e-12);
        let strongest: Vec<f64> = row.evidence.iter().map(|e| e.probability).collect();
        assert_eq!(strongest, [0.8, 0.7]);
    }

    #[test]
    fn spelling_variants_are_one_expert() {
        let quotes = vec![
            quote("Ilgar Velizade", [0.8, 0.1, 0.1], &[]),
            quote("Ilgar Valizade", [0.6, 0.2, 0.2], &[]),
            quote("Ilgar Velizade", [0.7, 0.1, 0.2], &[]),
        ];
        let (rows, index) = aggregate(
            &quotes,
            &[],
            &AggregateParams::default(),
            &Aliases::default(),
        );
        assert_eq!(index.canonical("Ilgar Valizade"), "Ilgar Velizade");
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].speaker.as_str(), rows[0].n), ("Ilgar Velizade", 3));
        assert_eq!(rows[0].variants, ["Ilgar Valizade"]);
    }

    #[test]
    fn uncertain_sentences_are_not_aggregated() {
        let mut q = quote("A", [0.4, 0.3, 0.3], &[]);
        q.stance = UNCERTAIN.into();
        let (rows, _) = aggregate(
            &[q, quote("A", [0.8, 0.1, 0.1], &[])],
            &[],
            &AggregateParams::default(),
            &Aliases::default(),
        );
        assert_eq!((rows[0].n, rows[0].evidence[0].index), (1, 1));
    }

    #[test]
    fn sentences_without_speaker_are_not_aggregated() {
        let mut q = quote("A", [0.3, 0.3, 0.4], &[]);
        q.input.speaker = None;
        assert!(
            aggregate(&[q], &[], &AggregateParams::default(), &Aliases::default())
                .0
                .is_empty()
        );
    }

    // The all-at-once aggregation this module had before it streamed, kept as the reference.
    fn aggregate_all_at_once(
        quotes: &[ScoredQuote],
        topics: &[String],
        params: &AggregateParams,
        speakers: &SpeakerIndex,
    ) -> Vec<ExpertTopic> {
        let mut experts: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for (i, q) in quotes
            .iter()
            .enumerate()
            .filter(|(_, q)| q.stance != UNCERTAIN)
        {
            if let Some(s) = q.input.speaker.as_deref() {
                let name = speakers.canonical(s);
                let at = *position.entry(name).or_insert_with(|| {
                    experts.push((name, Vec::new()));
                    experts.len() - 1
                });
                experts[at].1.push(i);
            }
        }
        let mut rows = Vec::new();
        for (speaker, mine) in experts {
            let expert = Expert {
                name: speaker,
                variants: speakers.variants(speaker),
            };
            rows.push(reference_row(quotes, &expert, ALL_TOPICS, &mine, params));
            for topic in topics {
                let on_topic: Vec<usize> = mine
                    .iter()
                    .copied()
                    .filter(|&i| quotes[i].topics.iter().any(|t| &t.topic == topic))
                    .collect();
                if !on_topic.is_empty() {
                    rows.push(reference_row(quotes, &expert, topic, &on_topic, params));
                }
            }
        }
        rows
    }

    /// An expert's canonical name and its merged spellings.
    struct Expert<'a> {
        name: &'a str,
        variants: Vec<String>,
    }

    fn reference_row(
        quotes: &[ScoredQuote],
        expert: &Expert,
        topic: &str,
        members: &[usize],
        params: &AggregateParams,
    ) -> ExpertTopic {
        let n = members.len();
        let scores: Option<Vec<f64>> = members.iter().map(|&i| quotes[i].score).collect();
        let score = scores.map(|s| s.iter().sum::<f64>() / n as f64);
        let stance = reference_most_probable(quotes, members);
        let mut evidence: Vec<Evidence> = members
            .iter()
            .map(|&i| Evidence {
                index: i,
                id: quotes[i].input.id.clone(),
                text: quotes[i].input.text.clone(),
                probability: quotes[i].probability(&stance),
            })
            .collect();
        // Strongest first; input order breaks ties, so the choice is stable.
        evidence.sort_by(|a, b| {
            b.probability
                .total_cmp(&a.probability)
                .then(a.index.cmp(&b.index))
        });
        evidence.truncate(params.evidence);
        let probabilities = quotes[members[0]]
            .probabilities
            .iter()
            .map(|(l, _)| {
                let sum: f64 = members.iter().map(|&i| quotes[i].probability(l)).sum();
                (l.clone(), sum / n as f64)
            })
            .collect();
        ExpertTopic {
            speaker: expert.name.to_string(),
            variants: expert.variants.clone(),
            topic: topic.to_string(),
            score,
            stance,
            probabilities,
            n,
            evidence,
        }
    }

    /// The label with the highest mean probability over `members`.
    fn reference_most_probable(quotes: &[ScoredQuote], members: &[usize]) -> String {
        let labels = &quotes[members[0]].probabilities;
        let means: Vec<f64> = labels
            .iter()
            .map(|(l, _)| members.iter().map(|&i| quotes[i].probability(l)).sum())
            .collect();
        labels[crate::metrics::argmax(&means)].0.clone()
    }

    proptest::proptest! {
        #[test]
        fn streaming_aggregation_equals_the_all_at_once_reference(
            rows in proptest::collection::vec(
                (0usize..6, 0.0f64..1.0, 0.0f64..1.0, proptest::bool::ANY, 0u8..4, 0usize..4),
                0..60,
            ),
            evidence in 1usize..4,
        ) {
            let names = ["Ilgar Velizade", "Ilgar Valizade", "Anna Lee", "Omar Said", "Omar Saad", "X"];
            let topics: Vec<String> = ["economy", "energy", "security"].map(String::from).to_vec();
            let quotes: Vec<ScoredQuote> = rows
                .iter()
                .map(|&(speaker, a, b, uncertain, topic_bits, round)| {
                    // Coarse probabilities make ties, which must break the same way.
                    let (a, b) = ((a * 4.0).round() / 4.0, (b * 4.0).round() / 4.0 * (1.0 - a));
                    let p = [a, b, 1.0 - a - b];
                    let on: Vec<&str> = topics
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| topic_bits & (1 << i) != 0)
                        .map(|(_, t)| t.as_str())
                        .collect();
                    let mut q = quote(names[speaker], p, &on);
                    if uncertain {
                        q.stance = UNCERTAIN.into();
                    }
                    if round == 0 {
                        q.input.speaker = None;
                    }
                    q
                })
                .collect();
            let params = AggregateParams { evidence };
            let (streamed, index) = aggregate(&quotes, &topics, &params, &Aliases::default());
            let names = quotes.iter().filter_map(|q| q.input.speaker.as_deref());
            let reference_index = SpeakerIndex::build(names, &Aliases::default());
            let reference = aggregate_all_at_once(&quotes, &topics, &params, &reference_index);
            proptest::prop_assert_eq!(streamed.len(), reference.len());
            for (s, r) in streamed.iter().zip(&reference) {
                proptest::prop_assert_eq!(
                    (&s.speaker, &s.variants, &s.topic, &s.stance, s.n),
                    (&r.speaker, &r.variants, &r.topic, &r.stance, r.n)
                );
                let close = (s.score.unwrap() - r.score.unwrap()).abs() < 1e-9;
                proptest::prop_assert!(close);
                for ((sl, sp), (rl, rp)) in s.probabilities.iter().zip(&r.probabilities) {
                    proptest::prop_assert!(sl == rl && (sp - rp).abs() < 1e-9);
                }
                let ids = |e: &[Evidence]| e.iter().map(|e| e.index).collect::<Vec<_>>();
                proptest::prop_assert_eq!(ids(&s.evidence), ids(&r.evidence));
            }
            for q in &quotes {
                if let Some(name) = q.input.speaker.as_deref() {
                    proptest::prop_assert_eq!(index.canonical(name), reference_index.canonical(name));
                }
            }
        }
    }
}
