//! Tokenization with the Hugging Face `tokenizers` crate: NFKC and lowercase normalization,
//! words and punctuation split apart, and a word-level vocabulary trained on the training
//! sentences. The whole tokenizer is saved inside the model file, so prediction uses exactly the
//! pipeline that training used. Words outside the vocabulary map to [`UNK`].

use crate::error::{Error, Result};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use tokenizers::models::wordlevel::{WordLevel, WordLevelTrainer};
use tokenizers::models::TrainerWrapper;
use tokenizers::normalizers::{Lowercase, Sequence, NFKC};
use tokenizers::pre_tokenizers::whitespace::Whitespace;
use tokenizers::{AddedToken, ModelWrapper, NormalizerWrapper, PreTokenizerWrapper, Tokenizer};

/// The token every out-of-vocabulary word becomes.
pub const UNK: &str = "[UNK]";

/// A tokenized sentence: token ids, and the words behind its [`UNK`] ids in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tokens {
    pub ids: Vec<u32>,
    pub unknown: Vec<String>,
}

/// A trained word-level tokenizer.
///
/// Most sentences take a fast path that does what the `tokenizers` pipeline does (NFKC leaves
/// the characters it covers unchanged, lowercasing maps each to one character; the `Whitespace`
/// pre-tokenizer splits `\w+|[^\w\s]+`; `WordLevel` looks each piece up) without building an
/// `Encoding`; differential tests hold the two to the same output. Sentences with any other
/// character (see [`char_class`]) go through `tokenizers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WordTokenizer {
    inner: Tokenizer,
    /// The vocabulary for the fast path, built on first use; `None` when the pipeline is not the
    /// one the fast path reproduces (then every sentence goes through `tokenizers`).
    #[serde(skip)]
    fast: OnceLock<Option<FastVocab>>,
}

/// The word-level vocabulary as a plain map, for the ASCII fast path.
#[derive(Debug, Clone)]
struct FastVocab {
    ids: HashMap<String, u32>,
    unk: u32,
}

/// The normalizer the fast path reproduces.
fn normalizer() -> NormalizerWrapper {
    NormalizerWrapper::from(Sequence::new(vec![NFKC.into(), Lowercase.into()]))
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
        inner
            .with_normalizer(Some(normalizer()))
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
        Ok(WordTokenizer {
            inner,
            fast: OnceLock::new(),
        })
    }

    /// Token ids of `text`, in order; unknown words give the id of [`UNK`].
    pub fn ids(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .inner
            .encode_fast(text, false)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Token ids of `text` with the words behind the unknown ones: the original text of each
    /// [`UNK`] token, lowercased, in order. Character n-grams use those words.
    pub fn tokens(&self, text: &str) -> Result<Tokens> {
        match self.fast_vocab() {
            Some(vocab) if !text.contains(UNK) => match vocab.tokens(text) {
                Some(tokens) => Ok(tokens),
                None => self.tokens_slow(text),
            },
            _ => self.tokens_slow(text),
        }
    }

    /// [`Self::tokens`] through the `tokenizers` pipeline, whatever the text.
    pub fn tokens_slow(&self, text: &str) -> Result<Tokens> {
        let encoding = self
            .inner
            .encode(text, false)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let ids = encoding.get_ids().to_vec();
        let unk = self.unk_id();
        let unknown = ids
            .iter()
            .zip(encoding.get_offsets())
            .filter(|(id, _)| Some(**id) == unk)
            .map(|(_, &(start, end))| text.get(start..end).unwrap_or_default().to_lowercase())
            .collect();
        Ok(Tokens { ids, unknown })
    }

    fn fast_vocab(&self) -> Option<&FastVocab> {
        self.fast
            .get_or_init(|| {
                let same = |a: Option<serde_json::Value>, b: Option<serde_json::Value>| {
                    a.is_some() && a == b
                };
                let normalizer_ok = same(
                    self.inner
                        .get_normalizer()
                        .and_then(|n| serde_json::to_value(n).ok()),
                    serde_json::to_value(normalizer()).ok(),
                );
                let pre_ok = same(
                    self.inner
                        .get_pre_tokenizer()
                        .and_then(|p| serde_json::to_value(p).ok()),
                    serde_json::to_value(PreTokenizerWrapper::from(Whitespace {})).ok(),
                );
                let word_level = matches!(self.inner.get_model(), ModelWrapper::WordLevel(_));
                let plain = self.inner.get_post_processor().is_none()
                    && self.inner.get_added_tokens_decoder().len() <= 1;
                if !(normalizer_ok && pre_ok && word_level && plain) {
                    return None;
                }
                let ids: HashMap<String, u32> = self.inner.get_vocab(false).into_iter().collect();
                let unk = self.unk_id()?;
                Some(FastVocab { ids, unk })
            })
            .as_ref()
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

impl FastVocab {
    /// Splits `text` as `\w+|[^\w\s]+`, lowercases and looks each piece up; `None` when a
    /// character is outside the fast path.
    fn tokens(&self, text: &str) -> Option<Tokens> {
        let mut out = Tokens {
            ids: Vec::with_capacity(text.len() / 5),
            unknown: Vec::new(),
        };
        let mut piece = String::new();
        let mut chars = text.chars().peekable();
        while let Some(first) = chars.next() {
            let class = char_class(first)?;
            if class == CharClass::Space {
                continue;
            }
            piece.clear();
            piece.push(lower(first));
            while let Some(&c) = chars.peek() {
                if char_class(c)? != class {
                    break;
                }
                piece.push(lower(c));
                chars.next();
            }
            match self.ids.get(piece.as_str()) {
                Some(&id) => out.ids.push(id),
                None => {
                    out.ids.push(self.unk);
                    out.unknown.push(piece.clone());
                }
            }
        }
        Some(out)
    }
}

/// How the `Whitespace` pre-tokenizer sees a character: part of `\w+`, `\s`, or part of
/// `[^\w\s]+`.
#[derive(PartialEq, Clone, Copy)]
enum CharClass {
    Word,
    Space,
    Other,
}

/// The class of the characters the fast path covers: ASCII, Latin letters with diacritics
/// (Latin-1 and Latin Extended-A, and Azerbaijani schwa) and typographic quotes, dashes and
/// guillemets. Each of these is unchanged by NFKC and lowercases to one character. `None` for
/// anything else, which sends the sentence through `tokenizers`.
fn char_class(c: char) -> Option<CharClass> {
    Some(match c {
        '0'..='9' | 'a'..='z' | 'A'..='Z' | '_' => CharClass::Word,
        ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' => CharClass::Space,
        '\0'..='\u{7f}' => CharClass::Other,
        '\u{d7}' | '\u{f7}' => CharClass::Other,
        // Compatibility forms (Ĳ ĳ Ŀ ŀ ŉ ſ) change under NFKC; İ lowercases to two characters.
        '\u{130}' | '\u{132}' | '\u{133}' | '\u{13f}' | '\u{140}' | '\u{149}' | '\u{17f}' => {
            return None
        }
        '\u{c0}'..='\u{17f}' | '\u{18f}' | '\u{259}' => CharClass::Word,
        '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2013}' | '\u{2014}' | '\u{ab}'
        | '\u{bb}' => CharClass::Other,
        _ => return None,
    })
}

/// Lowercase of a character [`char_class`] covers (always one character).
fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
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
        let with_words = tok.tokens("gas Prices. Cable").unwrap();
        assert_eq!(
            (with_words.ids, with_words.unknown),
            (ids, vec!["cable".to_string()])
        );
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

    fn corpus_texts(split: &str) -> Vec<String> {
        let path = format!("{}/data/corpus/{split}.jsonl", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    fn corpus_tokenizer() -> &'static WordTokenizer {
        static TOK: OnceLock<WordTokenizer> = OnceLock::new();
        TOK.get_or_init(|| WordTokenizer::train(&corpus_texts("train"), 2).unwrap())
    }

    #[test]
    fn fast_path_matches_tokenizers_on_the_corpus() {
        let tok = corpus_tokenizer();
        assert!(tok.fast_vocab().is_some(), "the fast path must be on");
        let mut unknown = 0;
        for split in ["train", "dev", "test"] {
            for text in corpus_texts(split) {
                let fast = tok.tokens(&text).unwrap();
                assert_eq!(fast, tok.tokens_slow(&text).unwrap(), "{text}");
                unknown += fast.unknown.len();
            }
        }
        assert!(unknown > 100, "the test split has unseen words: {unknown}");
    }

    #[test]
    fn unk_in_the_text_and_non_ascii_take_the_slow_path() {
        let tok = corpus_tokenizer();
        for text in [
            "a [UNK] b",
            "Caf\u{e9} \u{fb01}scal growth",
            "\u{212b}ngstr\u{f6}m",
        ] {
            assert_eq!(tok.tokens(text).unwrap(), tok.tokens_slow(text).unwrap());
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_tokenizers_on_any_ascii(text in "[\\x00-\\x7f]{0,80}") {
            let tok = corpus_tokenizer();
            proptest::prop_assert_eq!(tok.tokens(&text).unwrap(), tok.tokens_slow(&text).unwrap());
        }

        #[test]
        fn fast_path_covers_accents_and_typographic_quotes(
            text in "[a-zA-Z0-9 .,\\u{c0}-\\u{12f}\\u{134}-\\u{13e}\\u{141}-\\u{148}\\u{14a}-\\u{17e}\\u{18f}\\u{259}\\u{2018}\\u{2019}\\u{201c}\\u{201d}\\u{2013}\\u{2014}\\u{ab}\\u{bb}]{0,40}"
        ) {
            let tok = corpus_tokenizer();
            let fast = tok.fast_vocab().unwrap().tokens(&text);
            proptest::prop_assert!(fast.is_some(), "{:?} left the fast path", text);
            proptest::prop_assert_eq!(fast.unwrap(), tok.tokens_slow(&text).unwrap());
        }

        #[test]
        fn other_characters_give_the_same_tokens_too(
            text in "[a-z \\u{e9}\\u{d7}\\u{a0}\\u{2026}\\u{300}\\u{fb01}\\u{130}\\u{17f}\\u{3b1}\\u{416}]{0,30}"
        ) {
            let tok = corpus_tokenizer();
            proptest::prop_assert_eq!(tok.tokens(&text).unwrap(), tok.tokens_slow(&text).unwrap());
        }

        #[test]
        fn fast_path_matches_on_word_like_ascii(text in "([A-Za-z_0-9]{1,8}[ .,;'\"()\\t\\n-]{1,3}){0,12}") {
            let tok = corpus_tokenizer();
            proptest::prop_assert_eq!(tok.tokens(&text).unwrap(), tok.tokens_slow(&text).unwrap());
        }
    }
}
