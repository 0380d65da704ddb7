//! Tokenization with the Hugging Face `tokenizers` crate: NFKC and lowercase normalization,
//! words and punctuation split apart, and a word-level vocabulary trained on the training
//! sentences. The whole tokenizer is saved inside the model file, so prediction uses exactly the
//! pipeline that training used. Words outside the vocabulary map to [`UNK`].

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use tokenizers::models::wordlevel::{WordLevel, WordLevelTrainer};
use tokenizers::models::TrainerWrapper;
use tokenizers::normalizers::{Lowercase, Sequence, NFKC};
use tokenizers::pre_tokenizers::whitespace::Whitespace;
use tokenizers::{AddedToken, NormalizerWrapper, Tokenizer};

/// The token every out-of-vocabulary word becomes.
pub const UNK: &str = "[UNK]";

/// A trained word-level tokenizer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WordTokenizer {
    inner: Tokenizer,
}

impl WordTokenizer {
    /// Trains the vocabulary on `texts`, keeping words seen at least `min_frequency` times
    /// (at least 1). The same texts give the same vocabulary, ids included.
    pub fn train<S: AsRef<str> + Sync>(texts: &[S], min_frequency: u64) -> Result<Self> {
        let model = WordLevel::builder()
            .unk_token(UNK.to_string())
            .build()
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let mut inner = Tokenizer::new(model);
        let normalizer = Sequence::new(vec![NFKC.into(), Lowercase.into()]);
        inner
            .with_normalizer(Some(NormalizerWrapper::from(normalizer)))
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        inner.with_pre_tokenizer(Some(Whitespace {}));
        let trainer = WordLevelTrainer::builder()
            .min_frequency(min_frequency.max(1))
            .vocab_size(usize::MAX)
            .show_progress(false)
            .special_tokens(vec![AddedToken::from(UNK, true)])
            .build()
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let mut trainer = TrainerWrapper::WordLevelTrainer(trainer);
        inner
            .train(&mut trainer, texts.iter().map(|t| t.as_ref()))
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(WordTokenizer { inner })
    }

    /// Token ids of `text`, in order; unknown words give the id of [`UNK`].
    pub fn ids(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .inner
            .encode_fast(text, false)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// The id of a token, if it is in the vocabulary.
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// The token of an id.
    pub fn id_to_token(&self, id: u32) -> Option<String> {
        self.inner.id_to_token(id)
    }

    /// Id of the unknown-word token.
    pub fn unk_id(&self) -> Option<u32> {
        self.token_to_id(UNK)
    }

    /// Number of entries in the vocabulary, [`UNK`] included.
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trains_a_lowercased_vocabulary_and_maps_unknowns() {
        let tok = WordTokenizer::train(&["Gas flows.", "GAS prices rise!"], 1).unwrap();
        let ids = tok.ids("gas Prices. cable").unwrap();
        let tokens: Vec<String> = ids.iter().map(|&i| tok.id_to_token(i).unwrap()).collect();
        assert_eq!(tokens, ["gas", "prices", ".", UNK]);
    }

    #[test]
    fn min_frequency_drops_rare_words() {
        let tok = WordTokenizer::train(&["oil oil gas"], 2).unwrap();
        assert!(tok.token_to_id("oil").is_some());
        assert!(tok.token_to_id("gas").is_none());
    }

    #[test]
    fn same_texts_same_serialization() {
        let texts = ["b a c", "c b", "a d e f"];
        let a = serde_json::to_string(&WordTokenizer::train(&texts, 1).unwrap()).unwrap();
        let b = serde_json::to_string(&WordTokenizer::train(&texts, 1).unwrap()).unwrap();
        assert_eq!(a, b);
        let back: WordTokenizer = serde_json::from_str(&a).unwrap();
        assert_eq!(back.vocab_size(), 7);
    }
}
