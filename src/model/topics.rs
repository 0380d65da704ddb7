//! Multi-label topic tagging: one binary logistic model per topic with enough labelled sentences,
//! combined with the keyword lexicon. A topic is given when its model says so, or when a lexicon
//! keyword occurs and the model does not rule the topic out; a topic with too few examples to
//! train is tagged by the lexicon alone.

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

/// Fitted topic tagger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicTagger {
    params: TopicParams,
    topics: Vec<String>,
    models: BTreeMap<String, LinearModel>,
    lexicon: Lexicon,
}

impl TopicParams {
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

    /// Topics of one sentence, in the tagger's topic order.
    pub fn tag(&self, x: &SparseVec, text: &str) -> Vec<TopicHit> {
        let mut found = self.lexicon.matches_all(&LexiconWords::new(text));
        self.topics
            .iter()
            .filter_map(|topic| {
                let probability = self.models.get(topic).map(|m| m.probability(x, 1));
                let keywords = found.remove(topic.as_str()).unwrap_or_default();
                let given = match probability {
                    Some(p) => {
                        p >= self.params.threshold
                            || (!keywords.is_empty() && p >= self.params.lexicon_threshold)
                    }
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
}
