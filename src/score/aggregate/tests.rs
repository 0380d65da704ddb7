//! The streaming aggregation against an all-at-once reference.
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
        a_all.evidence.iter().map(|e| e.order).collect::<Vec<_>>(),
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
    assert_eq!((rows[0].n, rows[0].evidence[0].order), (1, 1));
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
            order: i as u64,
            id: quotes[i].input.id.clone(),
            text: quotes[i].input.text.clone(),
            probability: quotes[i].probability(&stance),
        })
        .collect();
    // Strongest first; input order breaks ties, so the choice is stable.
    evidence.sort_by(|a, b| {
        b.probability
            .total_cmp(&a.probability)
            .then(a.order.cmp(&b.order))
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
            let ids = |e: &[Evidence]| e.iter().map(|e| e.order).collect::<Vec<_>>();
            proptest::prop_assert_eq!(ids(&s.evidence), ids(&r.evidence));
        }
        for q in &quotes {
            if let Some(name) = q.input.speaker.as_deref() {
                proptest::prop_assert_eq!(index.canonical(name), reference_index.canonical(name));
            }
        }
    }
}
