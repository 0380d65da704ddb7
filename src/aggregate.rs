//! Aggregation per (expert, topic): the mean polarity score of the expert's sentences on the
//! topic, the stance it amounts to, the number of sentences, and the sentences that show it
//! best. Every expert also gets an `all` row over all of their sentences, topic or not.
//! Spelling variants of one expert's name are merged first ([`SpeakerIndex`]).

use crate::aliases::SpeakerIndex;
use crate::score::{ScoredQuote, UNCERTAIN};
use serde::Serialize;
use std::collections::HashMap;

/// The topic name of the row that covers all of an expert's sentences.
pub const ALL_TOPICS: &str = "all";

/// Settings of the aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateParams {
    /// Evidence quotes kept per row; default 2.
    pub evidence: usize,
    /// Scores within `(-band, band)` are neutral; default 0.15.
    pub neutral_band: f64,
}

impl Default for AggregateParams {
    fn default() -> Self {
        AggregateParams {
            evidence: 2,
            neutral_band: 0.15,
        }
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
    /// Mean of P(optimistic) - P(cautionary), in [-1, 1]; `None` for models without those labels.
    pub score: Option<f64>,
    pub stance: String,
    pub n: usize,
    pub evidence: Vec<Evidence>,
}

/// Aggregates scored sentences; experts in order of first appearance, topics in the order the
/// model lists them after the `all` row. Sentences without a speaker, and uncertain ones, are
/// left out.
pub fn aggregate(
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
        rows.push(row(quotes, &expert, ALL_TOPICS, &mine, params));
        for topic in topics {
            let on_topic: Vec<usize> = mine
                .iter()
                .copied()
                .filter(|&i| quotes[i].topics.iter().any(|t| &t.topic == topic))
                .collect();
            if !on_topic.is_empty() {
                rows.push(row(quotes, &expert, topic, &on_topic, params));
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

fn row(
    quotes: &[ScoredQuote],
    expert: &Expert,
    topic: &str,
    members: &[usize],
    params: &AggregateParams,
) -> ExpertTopic {
    let n = members.len();
    let scores: Option<Vec<f64>> = members.iter().map(|&i| quotes[i].score).collect();
    let score = scores.map(|s| s.iter().sum::<f64>() / n as f64);
    let stance = match score {
        Some(s) if s >= params.neutral_band => "optimistic".to_string(),
        Some(s) if s <= -params.neutral_band => "cautionary".to_string(),
        Some(_) => "neutral".to_string(),
        None => most_probable_label(quotes, members),
    };
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
    ExpertTopic {
        speaker: expert.name.to_string(),
        variants: expert.variants.clone(),
        topic: topic.to_string(),
        score,
        stance,
        n,
        evidence,
    }
}

/// The label with the highest mean probability over `members`.
fn most_probable_label(quotes: &[ScoredQuote], members: &[usize]) -> String {
    let labels = &quotes[members[0]].probabilities;
    let means: Vec<f64> = labels
        .iter()
        .map(|(l, _)| members.iter().map(|&i| quotes[i].probability(l)).sum())
        .collect();
    labels[crate::metrics::argmax(&means)].0.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::QuoteInput;
    use crate::topics::TopicHit;

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
        let rows = aggregate(
            &quotes,
            &topics,
            &AggregateParams::default(),
            &SpeakerIndex::default(),
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
    fn spelling_variants_are_one_expert() {
        let quotes = vec![
            quote("Ilgar Velizade", [0.8, 0.1, 0.1], &[]),
            quote("Ilgar Valizade", [0.6, 0.2, 0.2], &[]),
            quote("Ilgar Velizade", [0.7, 0.1, 0.2], &[]),
        ];
        let names = quotes.iter().filter_map(|q| q.input.speaker.as_deref());
        let index = SpeakerIndex::build(names, &crate::aliases::Aliases::default());
        let rows = aggregate(&quotes, &[], &AggregateParams::default(), &index);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].speaker.as_str(), rows[0].n), ("Ilgar Velizade", 3));
        assert_eq!(rows[0].variants, ["Ilgar Valizade"]);
    }

    #[test]
    fn uncertain_sentences_are_not_aggregated() {
        let mut q = quote("A", [0.4, 0.3, 0.3], &[]);
        q.stance = UNCERTAIN.into();
        let rows = aggregate(
            &[q, quote("A", [0.8, 0.1, 0.1], &[])],
            &[],
            &AggregateParams::default(),
            &SpeakerIndex::default(),
        );
        assert_eq!((rows[0].n, rows[0].evidence[0].index), (1, 1));
    }

    #[test]
    fn sentences_without_speaker_are_not_aggregated() {
        let mut q = quote("A", [0.3, 0.3, 0.4], &[]);
        q.input.speaker = None;
        assert!(aggregate(
            &[q],
            &[],
            &AggregateParams::default(),
            &SpeakerIndex::default()
        )
        .is_empty());
    }
}
