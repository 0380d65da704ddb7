//! Multi-label topic tagging: one binary logistic model per topic with enough labelled sentences,
//! combined with the keyword lexicon. A topic is given when its model says so, or when a lexicon
//! keyword occurs and the model does not rule the topic out; a topic with too few examples to
//! train is tagged by the lexicon alone.
//!
//! The two probability cuts are settings shared by every topic until training is given held-out
//! data (`stance train --dev`): then each topic gets the pair of cuts that gives it the best F1
//! there ([`TopicTagger::choose_cuts`]), since topics differ in how often the model and the
//! lexicon over-reach.

use crate::error::Result;
use crate::features::lexicon::{Lexicon, LexiconWords};
use crate::features::SparseVec;
use crate::model::linear::{Algo, LinearModel, LogisticParams};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Settings of the topic tagger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicParams {
    /// A topic needs this many positive and this many negative training sentences to get a
    /// trained model; default 10.
    pub min_examples: usize,
    /// Model probability at or above which a topic is given; default 0.35 (chosen by 5-fold
    /// cross-validation on the training split: topic macro-F1 0.665 against 0.616 at 0.5).
    pub threshold: f64,
    /// With a lexicon keyword present, the topic is given at or above this probability;
    /// default 0.1.
    pub lexicon_threshold: f64,
}

impl Default for TopicParams {
    fn default() -> Self {
        TopicParams {
            min_examples: 10,
            threshold: 0.35,
            lexicon_threshold: 0.1,
        }
    }
}

/// One topic given to a sentence, with what supports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicHit {
    pub topic: String,
    /// The trained model's probability, when the topic has a model.
    pub probability: Option<f64>,
    /// Lexicon keywords found in the sentence.
    pub keywords: Vec<String>,
}

/// The two probability cuts of one topic: the topic is given at or above `threshold`, or at or
/// above `lexicon_threshold` when a lexicon keyword occurs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TopicCut {
    pub threshold: f64,
    pub lexicon_threshold: f64,
}

impl TopicCut {
    /// Whether a topic with model probability `p` (and a keyword when `keyword`) is given.
    pub fn gives(&self, p: f64, keyword: bool) -> bool {
        p >= self.threshold || (keyword && p >= self.lexicon_threshold)
    }
}

/// What one sentence offers the decision on one topic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopicEvidence {
    /// The topic model's probability (`None` for a topic tagged by the lexicon alone).
    pub probability: Option<f64>,
    /// Whether a lexicon keyword of the topic occurs.
    pub keyword: bool,
}

/// Threshold candidates searched by [`TopicTagger::choose_cuts`]: 0.05 to 0.95 by 0.05.
const CUT_GRID: std::ops::RangeInclusive<u32> = 1..=19;
/// A topic needs this many positive held-out sentences for its cuts to be chosen there.
pub const MIN_HELD_OUT_POSITIVES: usize = 10;

/// Fitted topic tagger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicTagger {
    params: TopicParams,
    topics: Vec<String>,
    models: BTreeMap<String, LinearModel>,
    lexicon: Lexicon,
    /// Cuts chosen on held-out data, by topic; other topics use the settings' cuts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    cuts: BTreeMap<String, TopicCut>,
}

impl TopicParams {
    /// The cuts these settings give every topic.
    pub fn cut(&self) -> TopicCut {
        TopicCut {
            threshold: self.threshold,
            lexicon_threshold: self.lexicon_threshold,
        }
    }

    /// Fits a model per topic of `topics` that has enough examples. `labels[i]` holds the topics
    /// of sentence `i`, or `None` when that sentence is not labelled for topics.
    pub fn fit(
        &self,
        topics: &[String],
        x: &[SparseVec],
        labels: &[Option<Vec<String>>],
        n_features: usize,
        logistic: &LogisticParams,
        lexicon: Lexicon,
    ) -> Result<TopicTagger> {
        // Topic models are logistic (their threshold is set for its probabilities), except under
        // naive Bayes, which is chosen to train in bounded memory.
        let logistic = LogisticParams {
            algo: match logistic.algo {
                Algo::Nb => Algo::Nb,
                _ => Algo::Logistic,
            },
            ..logistic.clone()
        };
        let mut models = BTreeMap::new();
        for topic in topics {
            let (rows, ys): (Vec<SparseVec>, Vec<usize>) = x
                .iter()
                .zip(labels)
                .filter_map(|(r, l)| {
                    l.as_ref()
                        .map(|l| (r.clone(), usize::from(l.contains(topic))))
                })
                .unzip();
            let positives = ys.iter().sum::<usize>();
            if positives >= self.min_examples && ys.len() - positives >= self.min_examples {
                models.insert(topic.clone(), logistic.fit(&rows, &ys, 2, n_features)?);
            }
        }
        Ok(TopicTagger {
            params: self.clone(),
            topics: topics.to_vec(),
            models,
            lexicon,
            cuts: BTreeMap::new(),
        })
    }
}

impl TopicTagger {
    /// The topics this tagger can give.
    pub fn topics(&self) -> &[String] {
        &self.topics
    }

    /// The settings the tagger decides with.
    pub fn params(&self) -> &TopicParams {
        &self.params
    }

    /// Each trained topic model, by topic name.
    pub fn models(&self) -> impl Iterator<Item = (&str, &LinearModel)> {
        self.models.iter().map(|(t, m)| (t.as_str(), m))
    }

    /// Topics with a trained model (the others are tagged by the lexicon alone).
    pub fn trained_topics(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    /// Checks every topic model's shape.
    pub fn check_shape(&self, n_features: usize) -> std::result::Result<(), String> {
        for (topic, m) in &self.models {
            m.check_shape(n_features)
                .map_err(|e| format!("topic {topic}: {e}"))?;
            if m.n_classes() != 2 {
                return Err(format!(
                    "topic {topic}: {} classes, expected 2",
                    m.n_classes()
                ));
            }
        }
        Ok(())
    }

    /// The cuts topic `topic` is decided with: those chosen on held-out data, else the settings'.
    pub fn cut(&self, topic: &str) -> TopicCut {
        self.cuts
            .get(topic)
            .copied()
            .unwrap_or_else(|| self.params.cut())
    }

    /// The cuts chosen on held-out data, by topic.
    pub fn chosen_cuts(&self) -> &BTreeMap<String, TopicCut> {
        &self.cuts
    }

    /// What one sentence offers each topic's decision, in the tagger's topic order.
    pub fn evidence(&self, x: &SparseVec, text: &str) -> Vec<TopicEvidence> {
        let found = self.lexicon.matches_all(&LexiconWords::new(text));
        self.topics
            .iter()
            .map(|topic| TopicEvidence {
                probability: self.models.get(topic).map(|m| m.probability(x, 1)),
                keyword: found.get(topic.as_str()).is_some_and(|k| !k.is_empty()),
            })
            .collect()
    }

    /// Chooses, for each trained topic with at least [`MIN_HELD_OUT_POSITIVES`] positive
    /// sentences among held-out ones, the cuts with the best F1 there: `evidence[i]` is what
    /// [`Self::evidence`] gives sentence `i`, `truth[i]` its topics (`None`: not labelled for
    /// topics). Ties go to the cuts nearest the settings'. Returns the chosen cuts.
    pub fn choose_cuts(
        &mut self,
        evidence: &[Vec<TopicEvidence>],
        truth: &[Option<Vec<String>>],
    ) -> &BTreeMap<String, TopicCut> {
        self.cuts.clear();
        let default = self.params.cut();
        for (t, topic) in self.topics.iter().enumerate() {
            if !self.models.contains_key(topic) {
                continue;
            }
            let cases: Vec<(f64, bool, bool)> = evidence
                .iter()
                .zip(truth)
                .filter_map(|(e, truth)| {
                    let truth = truth.as_ref()?;
                    Some((e[t].probability?, e[t].keyword, truth.contains(topic)))
                })
                .collect();
            if cases.iter().filter(|c| c.2).count() < MIN_HELD_OUT_POSITIVES {
                continue;
            }
            let grid = CUT_GRID.map(|i| f64::from(i) / 20.0);
            let mut best: Option<(f64, f64, TopicCut)> = None;
            for threshold in grid.clone() {
                for lexicon_threshold in grid.clone().filter(|&l| l <= threshold) {
                    let cut = TopicCut {
                        threshold,
                        lexicon_threshold,
                    };
                    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
                    for &(p, keyword, positive) in &cases {
                        match (cut.gives(p, keyword), positive) {
                            (true, true) => tp += 1,
                            (true, false) => fp += 1,
                            (false, true) => fn_ += 1,
                            (false, false) => {}
                        }
                    }
                    let f1 = 2.0 * tp as f64 / (2 * tp + fp + fn_).max(1) as f64;
                    let distance = (threshold - default.threshold).abs()
                        + (lexicon_threshold - default.lexicon_threshold).abs();
                    let better = best.as_ref().is_none_or(|&(bf, bd, _)| {
                        f1 > bf + 1e-12 || ((f1 - bf).abs() <= 1e-12 && distance < bd - 1e-12)
                    });
                    if better {
                        best = Some((f1, distance, cut));
                    }
                }
            }
            if let Some((_, _, cut)) = best {
                self.cuts.insert(topic.clone(), cut);
            }
        }
        &self.cuts
    }

    /// Topics of one sentence, in the tagger's topic order.
    pub fn tag(&self, x: &SparseVec, text: &str) -> Vec<TopicHit> {
        let mut found = self.lexicon.matches_all(&LexiconWords::new(text));
        self.topics
            .iter()
            .filter_map(|topic| {
                let probability = self.models.get(topic).map(|m| m.probability(x, 1));
                let keywords = found.remove(topic.as_str()).unwrap_or_default();
                let given = match probability {
                    Some(p) => self.cut(topic).gives(p, !keywords.is_empty()),
                    None => !keywords.is_empty(),
                };
                given.then(|| TopicHit {
                    topic: topic.clone(),
                    probability,
                    keywords,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn lexicon_alone_tags_topics_without_enough_examples() {
        let lex = Lexicon::parse("energy\tgas\n", Path::new("x")).unwrap();
        let topics = vec!["energy".to_string()];
        let tagger = TopicParams::default()
            .fit(
                &topics,
                &[vec![(0, 1.0)]],
                &[Some(vec![])],
                1,
                &LogisticParams::default(),
                lex,
            )
            .unwrap();
        assert_eq!(tagger.trained_topics().count(), 0);
        let hits = tagger.tag(&vec![], "Gas exports grow");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].keywords, ["gas"]);
        assert!(tagger.tag(&vec![], "Exports grow").is_empty());
    }

    #[test]
    fn trained_topic_follows_its_model() {
        let topics = vec!["energy".to_string()];
        let x: Vec<SparseVec> = (0..24).map(|i| vec![(i % 2, 1.0)]).collect();
        let labels: Vec<Option<Vec<String>>> = (0..24)
            .map(|i| Some(if i % 2 == 0 { topics.clone() } else { vec![] }))
            .collect();
        let params = TopicParams::default();
        let tagger = params
            .fit(
                &topics,
                &x,
                &labels,
                2,
                &LogisticParams::default(),
                Lexicon::default(),
            )
            .unwrap();
        assert_eq!(tagger.tag(&vec![(0, 1.0)], "")[0].topic, "energy");
        assert!(tagger.tag(&vec![(1, 1.0)], "").is_empty());
    }

    /// A tagger with one trained topic, `energy`, and the lexicon keyword `gas`.
    fn energy_tagger() -> TopicTagger {
        let topics = vec!["energy".to_string()];
        let x: Vec<SparseVec> = (0..24).map(|i| vec![(i % 2, 1.0)]).collect();
        let labels: Vec<Option<Vec<String>>> = (0..24)
            .map(|i| Some(if i % 2 == 0 { topics.clone() } else { vec![] }))
            .collect();
        let lex = Lexicon::parse("energy\tgas\n", Path::new("x")).unwrap();
        TopicParams::default()
            .fit(&topics, &x, &labels, 2, &LogisticParams::default(), lex)
            .unwrap()
    }

    fn evidence(p: f64, keyword: bool) -> Vec<TopicEvidence> {
        vec![TopicEvidence {
            probability: Some(p),
            keyword,
        }]
    }

    #[test]
    fn held_out_cuts_give_each_topic_its_best_f1() {
        let mut tagger = energy_tagger();
        // Held out: positives at 0.62 and above, negatives up to 0.55 (some with the keyword),
        // and positives at 0.3 only when the keyword occurs: the best cuts are a threshold
        // above 0.55 and a keyword cut between 0.3 and the negatives with a keyword (0.4).
        let mut ev = Vec::new();
        let mut truth = Vec::new();
        for i in 0..12 {
            ev.push(evidence(0.62 + 0.02 * i as f64, false));
            truth.push(Some(vec!["energy".to_string()]));
            ev.push(evidence(0.3, true));
            truth.push(Some(vec!["energy".to_string()]));
            ev.push(evidence(0.55, false));
            truth.push(Some(vec![]));
            ev.push(evidence(0.25, true));
            truth.push(Some(vec![]));
        }
        // Not labelled for topics: ignored.
        ev.push(evidence(0.99, true));
        truth.push(None);
        let cut = tagger.choose_cuts(&ev, &truth)["energy"];
        assert!(cut.threshold > 0.55 && cut.threshold <= 0.62, "{cut:?}");
        assert!(
            cut.lexicon_threshold > 0.25 && cut.lexicon_threshold <= 0.3,
            "{cut:?}"
        );
        assert_eq!(tagger.cut("energy"), cut);
        // The tagger decides with them: a sentence at 0.58 without the keyword is no longer
        // energy (it was at the settings' 0.35).
        assert!(
            !cut.gives(0.58, false)
                && TopicCut {
                    threshold: 0.35,
                    lexicon_threshold: 0.1
                }
                .gives(0.58, false)
        );
    }

    #[test]
    fn topics_with_few_held_out_positives_keep_the_settings_cuts() {
        let mut tagger = energy_tagger();
        let ev: Vec<_> = (0..40)
            .map(|i| evidence(f64::from(i) / 40.0, false))
            .collect();
        let truth: Vec<_> = (0..40)
            .map(|i| {
                Some(if i >= 40 - (MIN_HELD_OUT_POSITIVES - 1) {
                    vec!["energy".to_string()]
                } else {
                    vec![]
                })
            })
            .collect();
        assert!(tagger.choose_cuts(&ev, &truth).is_empty());
        assert_eq!(
            tagger.cut("energy").threshold,
            TopicParams::default().threshold
        );
    }

    #[test]
    fn ties_go_to_the_cuts_nearest_the_settings() {
        let mut tagger = energy_tagger();
        // Perfectly separated at any threshold in (0.2, 0.8]: the default 0.35 is kept.
        let mut ev = Vec::new();
        let mut truth = Vec::new();
        for _ in 0..MIN_HELD_OUT_POSITIVES {
            ev.push(evidence(0.9, false));
            truth.push(Some(vec!["energy".to_string()]));
            ev.push(evidence(0.1, false));
            truth.push(Some(vec![]));
        }
        let cut = tagger.choose_cuts(&ev, &truth)["energy"];
        assert_eq!(
            (cut.threshold, cut.lexicon_threshold),
            (0.35, 0.1),
            "{cut:?}"
        );
    }
}
