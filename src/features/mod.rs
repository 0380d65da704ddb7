//! Features stage. Takes text; gives sparse feature vectors: words and n-grams from the
//! tokenizer (`tokenize`), TF-IDF weights fitted on training data, and cue-lexicon counts
//! (`lexicon`). Imports nothing from the model, training, scoring or report stages.
//!
//! Word n-gram TF-IDF features. Document frequencies are counted once, on the training data, and
//! kept in the model: a single sentence at prediction time is weighted with the training IDF
//! (unlike linfa-preprocessing's TF-IDF, which recomputes IDF from whatever batch it sees).
//! Features are sparse `(index, value)` pairs; only training builds a dense matrix.

pub mod encoder;
pub mod lexicon;
pub mod tokenize;

use crate::error::{Error, Result};
use crate::features::lexicon::{Lexicon, LexiconWords, CUE_LEXICON};
use crate::features::tokenize::{Tokens, WordTokenizer};
use std::path::Path;

/// Value of one occurrence of a cue, beside L2-normalised n-gram values.
const CUE_SCALE: f32 = 0.5;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

/// A sparse feature vector: `(feature index, value)` pairs sorted by index.
pub type SparseVec = Vec<(u32, f32)>;

/// How the kept n-grams are chosen when there are more than `max_features` candidates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Selection {
    /// The n-grams found in the most training sentences; word and character n-grams are capped
    /// separately, each at `max_features`.
    #[default]
    Frequency,
    /// The n-grams whose TF-IDF values depend most on the stance label (the chi-squared
    /// statistic, as in scikit-learn's `chi2`), word and character n-grams competing for
    /// `max_features` places together.
    Chi2,
}

impl std::str::FromStr for Selection {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "frequency" => Ok(Selection::Frequency),
            "chi2" => Ok(Selection::Chi2),
            _ => Err(Error::InvalidParam {
                name: "selection",
                value: s.into(),
                reason: "must be frequency or chi2",
            }),
        }
    }
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Selection::Frequency => "frequency",
            Selection::Chi2 => "chi2",
        })
    }
}

/// Settings of the featurizer, before fitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Shortest n-gram, in words; default 1.
    pub ngram_min: usize,
    /// Longest n-gram, in words; default 2.
    pub ngram_max: usize,
    /// Minimum number of training sentences an n-gram must occur in; default 2.
    pub min_df: usize,
    /// Keep at most this many n-grams; default 5,000 (on the dev split 5,000, 10,000 and all
    /// 10,665 word n-grams of the training split score macro-F1 0.825, 0.831 and 0.820, within
    /// noise, and training time grows with the count). See [`Selection`].
    pub max_features: usize,
    /// Use `1 + ln(tf)` instead of raw counts; default true.
    pub sublinear_tf: bool,
    /// Add cue-lexicon features (hedge, necessity, risk, opportunity, rebuttal; each plain and
    /// negated) from `data/lexicon/cues.tsv`; default false.
    #[serde(default)]
    pub cues: bool,
    /// Character n-grams of these lengths inside each word padded with a space on both sides
    /// (scikit-learn's `char_wb`), as a second TF-IDF block normalised on its own; default none.
    #[serde(default)]
    pub char_ngrams: Option<(usize, usize)>,
    /// How n-grams are chosen; default by frequency.
    #[serde(default)]
    pub selection: Selection,
}

impl Default for FeatureParams {
    fn default() -> Self {
        FeatureParams {
            ngram_min: 1,
            ngram_max: 2,
            min_df: 2,
            max_features: 5_000,
            sublinear_tf: true,
            cues: false,
            char_ngrams: None,
            selection: Selection::Frequency,
        }
    }
}

impl FeatureParams {
    /// Checks the settings; errors name the bad value.
    pub fn validate(&self) -> Result<()> {
        if self.ngram_min == 0 || self.ngram_min > self.ngram_max || self.ngram_max > 5 {
            return Err(Error::InvalidNgramRange {
                min: self.ngram_min,
                max: self.ngram_max,
            });
        }
        if let Some((min, max)) = self.char_ngrams {
            if min == 0 || min > max || max > 8 {
                return Err(Error::InvalidParam {
                    name: "char_ngrams",
                    value: format!("{min}-{max}"),
                    reason: "need 1 <= min <= max <= 8",
                });
            }
        }
        if self.max_features == 0 {
            return Err(Error::InvalidParam {
                name: "max_features",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        Ok(())
    }

    /// Counts document frequencies over tokenized training sentences and keeps the n-grams that
    /// pass `min_df`, chosen by `selection` up to `max_features`. `labels` (class indices, one
    /// per sentence) are used by chi-squared selection only.
    pub fn fit(
        &self,
        docs: &[Tokens],
        labels: &[usize],
        tokenizer: &WordTokenizer,
    ) -> Result<FittedFeaturizer> {
        self.validate()?;
        let min_df = self.min_df.max(1);
        let unk = tokenizer.unk_id();
        let mut df: HashMap<&[u32], usize> = HashMap::default();
        for doc in docs {
            let mut seen: Vec<&[u32]> = ngrams(&doc.ids, self.ngram_min, self.ngram_max)
                .filter(|g| unk.is_none_or(|u| !g.contains(&u)))
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for g in seen {
                *df.entry(g).or_default() += 1;
            }
        }
        let words: Vec<(String, usize)> = df
            .into_iter()
            .filter(|(_, n)| *n >= min_df)
            .map(|(g, n)| (term_text(g, tokenizer), n))
            .collect();
        let chars: Vec<(String, usize)> = match self.char_ngrams {
            Some(range) => char_document_frequencies(docs, tokenizer, range)
                .into_iter()
                .filter(|(_, n)| *n >= min_df)
                .collect(),
            None => Vec::new(),
        };
        let cap = match self.selection {
            Selection::Frequency => self.max_features,
            Selection::Chi2 => usize::MAX,
        };
        let n_docs = docs.len();
        let mut fitted = FittedFeaturizer::new(
            self.clone(),
            by_frequency(words, cap, n_docs),
            by_frequency(chars, cap, n_docs),
            tokenizer,
        )?;
        if self.selection == Selection::Chi2 && fitted.len() > self.max_features {
            let x: Vec<SparseVec> = docs.iter().map(|d| fitted.transform(d, "")).collect();
            let scores = chi2(&x, labels, fitted.len());
            let mut order: Vec<usize> = (0..scores.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            let mut keep = vec![false; scores.len()];
            order
                .into_iter()
                .take(self.max_features)
                .for_each(|j| keep[j] = true);
            let n_words = fitted.terms.len();
            let pick = |terms: &[String], idf: &[f32], offset: usize| -> Vec<(String, f32)> {
                terms
                    .iter()
                    .zip(idf)
                    .enumerate()
                    .filter(|(i, _)| keep[offset + i])
                    .map(|(_, (t, &w))| (t.clone(), w))
                    .collect()
            };
            let words = pick(&fitted.terms, &fitted.idf, 0);
            let chars = pick(&fitted.char_terms, &fitted.char_idf, n_words);
            fitted = FittedFeaturizer::new(self.clone(), words, chars, tokenizer)?;
        }
        if self.cues {
            fitted.cues = Lexicon::parse(CUE_LEXICON, Path::new("data/lexicon/cues.tsv"))?;
            fitted.cue_names = fitted.cues.topics().map(String::from).collect();
        }
        Ok(fitted)
    }
}

/// The `cap` most frequent terms (ties by text) with their smoothed IDF, sorted by text.
fn by_frequency(mut terms: Vec<(String, usize)>, cap: usize, n_docs: usize) -> Vec<(String, f32)> {
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(cap);
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    let n_docs = n_docs as f64;
    terms
        .into_iter()
        .map(|(t, n)| (t, (((1.0 + n_docs) / (1.0 + n as f64)).ln() + 1.0) as f32))
        .collect()
}

/// In how many documents each character n-gram occurs.
fn char_document_frequencies(
    docs: &[Tokens],
    tokenizer: &WordTokenizer,
    (min, max): (usize, usize),
) -> HashMap<String, usize> {
    let vocabulary = vocabulary_words(tokenizer);
    let mut df: HashMap<String, usize> = HashMap::default();
    for doc in docs {
        let mut unknown = doc.unknown.iter();
        let words: Vec<&str> = doc
            .ids
            .iter()
            .filter_map(|&id| match vocabulary.get(id as usize) {
                Some(Some(w)) => Some(w.as_str()),
                Some(None) => unknown.next().map(String::as_str),
                None => None,
            })
            .collect();
        let padded: Vec<String> = words.iter().map(|w| format!(" {w} ")).collect();
        let mut seen: Vec<&str> = Vec::new();
        for p in &padded {
            char_grams(p, min, max, |g| seen.push(g));
        }
        seen.sort_unstable();
        seen.dedup();
        for g in &seen {
            match df.get_mut(*g) {
                Some(n) => *n += 1,
                None => {
                    df.insert((*g).to_string(), 1);
                }
            }
        }
    }
    df
}

/// The word of every token id, `None` for the unknown-word token.
fn vocabulary_words(tokenizer: &WordTokenizer) -> Vec<Option<String>> {
    let unk = tokenizer.unk_id();
    (0..tokenizer.vocab_size() as u32)
        .map(|id| {
            if Some(id) == unk {
                None
            } else {
                tokenizer.id_to_token(id)
            }
        })
        .collect()
}

/// Calls `f` with every character n-gram of `padded` with `min..=max` characters.
fn char_grams<'a>(padded: &'a str, min: usize, max: usize, mut f: impl FnMut(&'a str)) {
    let bounds: Vec<usize> = padded
        .char_indices()
        .map(|(i, _)| i)
        .chain([padded.len()])
        .collect();
    let n_chars = bounds.len() - 1;
    for n in min..=max.min(n_chars) {
        for i in 0..=n_chars - n {
            f(&padded[bounds[i]..bounds[i + n]]);
        }
    }
}

/// scikit-learn's chi-squared statistic of each feature against the class labels, computed on
/// the feature values.
fn chi2(x: &[SparseVec], y: &[usize], n_features: usize) -> Vec<f64> {
    let n_classes = y.iter().max().map_or(0, |&c| c + 1);
    let mut observed = vec![vec![0f64; n_features]; n_classes];
    let mut class_docs = vec![0f64; n_classes];
    for (row, &c) in x.iter().zip(y) {
        class_docs[c] += 1.0;
        for &(j, v) in row {
            observed[c][j as usize] += f64::from(v);
        }
    }
    let n = x.len().max(1) as f64;
    (0..n_features)
        .map(|j| {
            let total: f64 = observed.iter().map(|o| o[j]).sum();
            observed
                .iter()
                .zip(&class_docs)
                .map(|(o, &nc)| {
                    let expected = total * nc / n;
                    if expected > 0.0 {
                        (o[j] - expected).powi(2) / expected
                    } else {
                        0.0
                    }
                })
                .sum()
        })
        .collect()
}

/// A featurizer with its vocabulary of n-grams and their IDF weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FittedFeaturizer {
    params: FeatureParams,
    /// The word n-grams, words separated by one space, in feature-index order (sorted).
    terms: Vec<String>,
    /// Inverse document frequency of each word n-gram.
    idf: Vec<f32>,
    /// The character n-grams, in feature-index order after the word n-grams (sorted).
    #[serde(default)]
    char_terms: Vec<String>,
    /// Inverse document frequency of each character n-gram.
    #[serde(default)]
    char_idf: Vec<f32>,
    /// The cue lexicon; its features follow the n-grams, two per cue (plain, negated).
    #[serde(default)]
    cues: Lexicon,
    #[serde(skip)]
    cue_names: Vec<String>,
    #[serde(skip)]
    index: HashMap<u64, u32>,
    #[serde(skip)]
    char_index: HashMap<u64, u32>,
    /// For each token id, the feature indices of its character n-grams (with repeats).
    #[serde(skip)]
    char_cache: Vec<Vec<u32>>,
    #[serde(skip)]
    unk_id: Option<u32>,
}

impl FittedFeaturizer {
    fn new(
        params: FeatureParams,
        words: Vec<(String, f32)>,
        chars: Vec<(String, f32)>,
        tokenizer: &WordTokenizer,
    ) -> Result<Self> {
        let (terms, idf) = words.into_iter().unzip();
        let (char_terms, char_idf) = chars.into_iter().unzip();
        let mut fitted = FittedFeaturizer {
            params,
            terms,
            idf,
            char_terms,
            char_idf,
            cues: Lexicon::default(),
            cue_names: Vec::new(),
            index: HashMap::default(),
            char_index: HashMap::default(),
            char_cache: Vec::new(),
            unk_id: None,
        };
        fitted.build_index(tokenizer)?;
        Ok(fitted)
    }

    /// Rebuilds the lookup from token ids to features; needed after deserializing.
    pub fn build_index(&mut self, tokenizer: &WordTokenizer) -> Result<()> {
        if self.terms.len() != self.idf.len() || self.char_terms.len() != self.char_idf.len() {
            return Err(Error::Tokenizer(format!(
                "{} + {} terms but {} + {} IDF weights",
                self.terms.len(),
                self.char_terms.len(),
                self.idf.len(),
                self.char_idf.len()
            )));
        }
        let mut index = HashMap::with_capacity_and_hasher(self.terms.len(), Default::default());
        for (i, term) in self.terms.iter().enumerate() {
            let ids: Option<Vec<u32>> = term.split(' ').map(|w| tokenizer.token_to_id(w)).collect();
            let ids = ids.ok_or_else(|| {
                Error::Tokenizer(format!(
                    "feature {term:?} has a word outside the vocabulary"
                ))
            })?;
            index.insert(key(&ids), i as u32);
        }
        self.index = index;
        self.unk_id = tokenizer.unk_id();
        let base = self.terms.len() as u32;
        self.char_index = self
            .char_terms
            .iter()
            .enumerate()
            .map(|(i, g)| (key_str(g), base + i as u32))
            .collect();
        self.char_cache = match self.params.char_ngrams {
            Some(_) if !self.char_terms.is_empty() => vocabulary_words(tokenizer)
                .iter()
                .map(|w| {
                    w.as_deref()
                        .map_or_else(Vec::new, |w| self.char_features(w))
                })
                .collect(),
            _ => Vec::new(),
        };
        self.cue_names = self.cues.topics().map(String::from).collect();
        Ok(())
    }

    /// Feature indices of the character n-grams of one word, with repeats.
    fn char_features(&self, word: &str) -> Vec<u32> {
        let Some((min, max)) = self.params.char_ngrams else {
            return Vec::new();
        };
        let padded = format!(" {word} ");
        let mut out = Vec::new();
        char_grams(&padded, min, max, |g| {
            if let Some(&j) = self.char_index.get(&key_str(g)) {
                out.push(j);
            }
        });
        out
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.terms.len() + self.char_terms.len() + 2 * self.cue_names.len()
    }

    /// True when no n-gram was kept.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.char_terms.is_empty()
    }

    /// The n-gram of a feature index: words separated by spaces, `chars:" ri"` for a character
    /// n-gram (spaces mark word edges), `cue:NAME` or `cue:NAME:negated` for a cue.
    pub fn term(&self, index: u32) -> String {
        let i = index as usize;
        let n_words = self.terms.len();
        let n_ngrams = n_words + self.char_terms.len();
        if i < n_words {
            self.terms[i].clone()
        } else if i < n_ngrams {
            format!("chars:{:?}", self.char_terms[i - n_words])
        } else {
            let k = i - n_ngrams;
            let negated = if k % 2 == 1 { ":negated" } else { "" };
            format!(
                "cue:{}{negated}",
                self.cue_names.get(k / 2).map_or("?", String::as_str)
            )
        }
    }

    /// The IDF weights by their field name in the model file: word n-grams, then character
    /// n-grams.
    pub fn idf_tables(&self) -> [(&'static str, &[f32]); 2] {
        [("idf", &self.idf), ("char_idf", &self.char_idf)]
    }

    /// The settings this featurizer was fitted with.
    pub fn params(&self) -> &FeatureParams {
        &self.params
    }

    /// The TF-IDF vector of a tokenized sentence (word n-grams, then character n-grams, each
    /// block L2-normalised), followed by its cue features.
    pub fn transform(&self, tokens: &Tokens, text: &str) -> SparseVec {
        let words = ngrams(&tokens.ids, self.params.ngram_min, self.params.ngram_max)
            .filter_map(|g| self.index.get(&key(g)).copied())
            .collect();
        let mut out = self.tfidf_block(words, &self.idf, 0);
        if !self.char_cache.is_empty() {
            let mut unknown = tokens.unknown.iter();
            let mut grams = Vec::new();
            for &id in &tokens.ids {
                if Some(id) == self.unk_id {
                    if let Some(word) = unknown.next() {
                        grams.extend(self.char_features(word));
                    }
                } else if let Some(cached) = self.char_cache.get(id as usize) {
                    grams.extend_from_slice(cached);
                }
            }
            let base = self.terms.len() as u32;
            out.extend(self.tfidf_block(grams, &self.char_idf, base));
        }
        if !self.cue_names.is_empty() {
            let base = (self.terms.len() + self.char_terms.len()) as u32;
            let counts = self.cues.cue_counts(&LexiconWords::new(text));
            for (k, (plain, negated)) in counts.into_iter().enumerate() {
                for (offset, n) in [(0, plain), (1, negated)] {
                    if n > 0 {
                        out.push((
                            base + 2 * k as u32 + offset,
                            CUE_SCALE * (1.0 + (n as f32).ln()),
                        ));
                    }
                }
            }
        }
        out
    }

    /// Sorted, counted, TF-IDF weighted and L2-normalised feature indices; `base` is the index of
    /// the block's first feature, whose IDF is `idf[0]`.
    fn tfidf_block(&self, mut indices: Vec<u32>, idf: &[f32], base: u32) -> SparseVec {
        indices.sort_unstable();
        let mut out: SparseVec = Vec::with_capacity(indices.len());
        for idx in indices {
            match out.last_mut() {
                Some((last, tf)) if *last == idx => *tf += 1.0,
                _ => out.push((idx, 1.0)),
            }
        }
        for (idx, v) in &mut out {
            let tf = if self.params.sublinear_tf {
                1.0 + v.ln()
            } else {
                *v
            };
            *v = tf * idf[(*idx - base) as usize];
        }
        let norm = out.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            out.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        out
    }
}

/// All n-grams of `ids` with lengths in `min..=max`.
fn ngrams(ids: &[u32], min: usize, max: usize) -> impl Iterator<Item = &[u32]> {
    (min..=max).flat_map(move |n| ids.windows(n))
}

/// A stable 64-bit key of an id sequence (FNV-1a over the ids and the length).
fn key(ids: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ ids.len() as u64;
    for &id in ids {
        for b in id.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A stable 64-bit key of a string (FNV-1a over its bytes).
fn key_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn term_text(ids: &[u32], tokenizer: &WordTokenizer) -> String {
    ids.iter()
        .map(|&i| tokenizer.id_to_token(i).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(texts: &[&str], params: FeatureParams) -> (WordTokenizer, FittedFeaturizer) {
        let tok = WordTokenizer::train(texts, 1).unwrap();
        let docs: Vec<Tokens> = texts.iter().map(|t| tok.tokens(t).unwrap()).collect();
        let labels: Vec<usize> = (0..texts.len()).map(|i| i % 2).collect();
        let fitted = params.fit(&docs, &labels, &tok).unwrap();
        (tok, fitted)
    }

    #[test]
    fn keeps_ngrams_by_document_frequency() {
        let params = FeatureParams::default();
        let (_, f) = setup(&["gas price rises", "gas price falls", "oil"], params);
        assert_eq!(f.terms, ["gas", "gas price", "price"]);
    }

    #[test]
    fn idf_comes_from_training_not_from_the_batch() {
        let params = FeatureParams {
            min_df: 1,
            ..FeatureParams::default()
        };
        let (tok, f) = setup(&["gas", "gas oil", "coal"], params);
        let v = f.transform(&tok.tokens("oil gas").unwrap(), "oil gas");
        // idf(gas) = ln(4/3)+1, idf(oil) = ln(4/2)+1; then L2 normalized.
        let (g, o) = ((4f32 / 3.0).ln() + 1.0, 2f32.ln() + 1.0);
        let n = (g * g + o * o).sqrt();
        let gas = v.iter().find(|(i, _)| f.term(*i) == "gas").unwrap().1;
        let oil = v.iter().find(|(i, _)| f.term(*i) == "oil").unwrap().1;
        assert!((gas - g / n).abs() < 1e-6 && (oil - o / n).abs() < 1e-6);
    }

    #[test]
    fn sublinear_term_frequency() {
        let params = FeatureParams {
            min_df: 1,
            ngram_max: 1,
            ..FeatureParams::default()
        };
        let (tok, f) = setup(&["gas gas gas oil"], params);
        let v = f.transform(&tok.tokens("gas gas gas oil").unwrap(), "gas gas gas oil");
        let ratio = v[0].1 / v[1].1; // idf equal; tf 1+ln 3 vs 1
        assert!((ratio - (1.0 + 3f32.ln())).abs() < 1e-5, "{v:?}");
    }

    #[test]
    fn cue_features_follow_the_ngrams_and_are_named() {
        let params = FeatureParams {
            cues: true,
            ..FeatureParams::default()
        };
        let text = "there is no risk, only growth and growth";
        let (tok, f) = setup(&[text, text], params);
        let v = f.transform(&tok.tokens(text).unwrap(), text);
        let names: Vec<String> = v
            .iter()
            .filter(|(i, _)| *i as usize >= f.terms.len())
            .map(|(i, _)| f.term(*i))
            .collect();
        assert_eq!(names, ["cue:opportunity", "cue:risk:negated"]);
        let growth = v
            .iter()
            .find(|(i, _)| f.term(*i) == "cue:opportunity")
            .unwrap()
            .1;
        assert!((growth - CUE_SCALE * (1.0 + 2f32.ln())).abs() < 1e-6);
        assert_eq!(f.len(), f.terms.len() + 10);
    }

    #[test]
    fn rejects_bad_ngram_range() {
        let p = FeatureParams {
            ngram_min: 3,
            ngram_max: 2,
            ..FeatureParams::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "invalid n-gram range 3..=2: need 1 <= min <= max <= 5"
        );
    }

    #[test]
    fn index_survives_serialization() {
        let (tok, f) = setup(&["a b", "a b c"], FeatureParams::default());
        let mut back: FittedFeaturizer =
            serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        back.build_index(&tok).unwrap();
        let ids = tok.tokens("a b").unwrap();
        assert_eq!(back.transform(&ids, "a b"), f.transform(&ids, "a b"));
    }

    #[test]
    fn char_ngrams_inside_padded_words() {
        let mut grams = Vec::new();
        char_grams(" gas ", 2, 3, |g| grams.push(g));
        assert_eq!(grams, [" g", "ga", "as", "s ", " ga", "gas", "as "]);
        let mut long = Vec::new();
        char_grams(" é ", 2, 5, |g| long.push(g));
        assert_eq!(long, [" é", "é ", " é "], "character, not byte, n-grams");
    }

    #[test]
    fn char_ngrams_reach_words_outside_the_vocabulary() {
        let params = FeatureParams {
            min_df: 1,
            char_ngrams: Some((3, 3)),
            ..FeatureParams::default()
        };
        let (tok, f) = setup(&["risks rise", "growth"], params);
        // "risky" is not in the vocabulary, but shares " ri", "ris" and "isk" with "risks".
        let v = f.transform(&tok.tokens("risky").unwrap(), "risky");
        let names: Vec<String> = v.iter().map(|(i, _)| f.term(*i)).collect();
        assert_eq!(
            names,
            [r#"chars:" ri""#, r#"chars:"isk""#, r#"chars:"ris""#]
        );
        let norm: f32 = v.iter().map(|(_, x)| x * x).sum();
        assert!(
            (norm - 1.0).abs() < 1e-6,
            "the character block is normalised: {norm}"
        );
        let both = f.transform(&tok.tokens("growth risks").unwrap(), "growth risks");
        let word_norm: f32 = both
            .iter()
            .filter(|(i, _)| (*i as usize) < f.terms.len())
            .map(|(_, x)| x * x)
            .sum();
        assert!((word_norm - 1.0).abs() < 1e-6, "each block on its own");
    }

    #[test]
    fn chi2_keeps_the_features_tied_to_the_labels() {
        let params = FeatureParams {
            ngram_max: 1,
            min_df: 1,
            max_features: 2,
            selection: Selection::Chi2,
            ..FeatureParams::default()
        };
        // Labels alternate 0, 1: "gain" only in class 0, "loss" only in class 1, the rest in both.
        let texts = [
            "the gain was",
            "the loss was",
            "a gain the",
            "a loss the",
            "was gain a",
            "was loss a",
        ];
        let (_, f) = setup(&texts, params);
        assert_eq!(f.terms, ["gain", "loss"]);
        let x = vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![(0, 1.0), (1, 1.0)]];
        let scores = chi2(&x, &[0, 1, 0], 2);
        // Feature 0: observed [2, 0], expected [4/3, 2/3]; feature 1: observed [1, 1], expected
        // [4/3, 2/3].
        let expect0 =
            (2.0f64 - 4.0 / 3.0).powi(2) / (4.0 / 3.0) + (2.0f64 / 3.0).powi(2) / (2.0 / 3.0);
        let expect1 =
            (1.0f64 - 4.0 / 3.0).powi(2) / (4.0 / 3.0) + (1.0f64 - 2.0 / 3.0).powi(2) / (2.0 / 3.0);
        assert!((scores[0] - expect0).abs() < 1e-12 && (scores[1] - expect1).abs() < 1e-12);
    }

    #[test]
    fn older_model_files_without_character_fields_still_load() {
        let (tok, f) = setup(&["a b", "a b c"], FeatureParams::default());
        let mut json = serde_json::to_value(&f).unwrap();
        let obj = json.as_object_mut().unwrap();
        obj.remove("char_terms");
        obj.remove("char_idf");
        obj["params"].as_object_mut().unwrap().remove("char_ngrams");
        obj["params"].as_object_mut().unwrap().remove("selection");
        let mut back: FittedFeaturizer = serde_json::from_value(json).unwrap();
        back.build_index(&tok).unwrap();
        assert_eq!(back.params().selection, Selection::Frequency);
        let t = tok.tokens("a b").unwrap();
        assert_eq!(back.transform(&t, "a b"), f.transform(&t, "a b"));
    }
}
