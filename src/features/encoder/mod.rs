//! Sentence embeddings from a pretrained BERT-family encoder (all-MiniLM-L6-v2 by default): the
//! encoder's own WordPiece `tokenizer.json` read by the `tokenizers` crate, a forward pass on
//! weights that candle reads from `model.safetensors` (see [`bert`]), and the mean of the last
//! hidden states over each sentence's tokens, as sentence-transformers computes it.
//!
//! An encoder is a folder with `config.json`, `tokenizer.json` and `model.safetensors`. Models
//! record the SHA-256 of each file ([`EncoderSpec`]) and refuse an encoder folder whose files
//! are missing or differ, since embeddings from other weights would silently mean something else
//! to the classifier.

pub mod bert;
pub mod kernels;

use crate::error::{Error, Result};
use bert::{Bert, BertConfig, Scratch};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tokenizers::{Tokenizer, TruncationParams};

/// The files of an encoder folder, in the order they are checked.
pub const FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// Longest input in word pieces, special tokens included (sentence-transformers' limit for
/// all-MiniLM-L6-v2); longer sentences are cut, as there.
pub const MAX_TOKENS: usize = 256;

/// Word pieces encoded in one batch, about: large enough that matrix products run at full
/// speed, small enough that a batch's buffers stay in cache (6 MB for the intermediate layer of
/// MiniLM). On our training sentences 256, 1,024 and 2,048 encode 168, 173 and 163 a second;
/// 5,000 realdev-length sentences through `score --quotes` take 31.1 s at 512 and 30.7 s at 1,024.
const BATCH_TOKENS: usize = 1024;

/// What a model file records about its encoder: where it is (relative to the model file's
/// folder, or absolute) and the SHA-256 of each of its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderSpec {
    pub path: String,
    pub sha256: BTreeMap<String, String>,
    /// Size of the pooled vector.
    pub dim: usize,
}

/// A loaded encoder.
pub struct Encoder {
    spec: EncoderSpec,
    dir: PathBuf,
    tokenizer: Tokenizer,
    bert: Bert,
    max_tokens: usize,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("dir", &self.dir)
            .field("spec", &self.spec)
            .finish()
    }
}

/// SHA-256 of a file, in lowercase hex.
pub fn file_sha256(path: &Path) -> Result<String> {
    Ok(sha256_hex(&read(path)?))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bytes of an encoder file; a missing file is [`Error::EncoderMissing`].
fn read(path: &Path) -> Result<Vec<u8>> {
    if !path.is_file() {
        return Err(Error::EncoderMissing {
            path: path.to_path_buf(),
        });
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

impl Encoder {
    /// Loads the encoder in `dir`, recording its files' checksums as found. `recorded` is the
    /// path to store in a model file (relative to the model's folder).
    pub fn load(dir: &Path, recorded: &str) -> Result<Encoder> {
        // Each file is read once: its checksum is taken from the bytes that are then loaded.
        let [config_bytes, tokenizer_bytes, weights] = FILES.map(|name| read(&dir.join(name)));
        let files = [config_bytes?, tokenizer_bytes?, weights?];
        let sha256 = FILES
            .iter()
            .zip(&files)
            .map(|(name, bytes)| (name.to_string(), sha256_hex(bytes)))
            .collect();
        let [config_bytes, tokenizer_bytes, weights] = &files;
        let config_path = dir.join("config.json");
        let config: BertConfig = serde_json::from_slice(config_bytes)
            .map_err(|e| e.to_string())
            .and_then(|c: BertConfig| c.validate().map(|()| c))
            .map_err(|reason| Error::BadEncoder {
                path: config_path.clone(),
                reason,
            })?;
        let bert = Bert::load(config, weights, &dir.join("model.safetensors"))?;
        let tokenizer_path = dir.join("tokenizer.json");
        let bad_tokenizer = |e: tokenizers::Error| Error::BadEncoder {
            path: tokenizer_path.clone(),
            reason: e.to_string(),
        };
        let max_tokens = MAX_TOKENS.min(bert.config().max_position_embeddings);
        let mut tokenizer = Tokenizer::from_bytes(tokenizer_bytes).map_err(bad_tokenizer)?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..Default::default()
            }))
            .map_err(bad_tokenizer)?;
        tokenizer.with_padding(None);
        let dim = bert.config().hidden_size;
        Ok(Encoder {
            spec: EncoderSpec {
                path: recorded.to_string(),
                sha256,
                dim,
            },
            dir: dir.to_path_buf(),
            tokenizer,
            bert,
            max_tokens,
        })
    }

    /// Loads the encoder a model file recorded, from `dir`, and checks that its files are the
    /// ones the model was trained with (the checksums are those [`Encoder::load`] takes).
    pub fn load_checked(dir: &Path, spec: &EncoderSpec) -> Result<Encoder> {
        if let Some(name) = FILES.iter().find(|f| !spec.sha256.contains_key(**f)) {
            return Err(Error::BadEncoder {
                path: dir.join(name),
                reason: "the model records no SHA-256 for this file; retrain the model".into(),
            });
        }
        let encoder = Encoder::load(dir, &spec.path)?;
        for (name, expected) in &spec.sha256 {
            let found = encoder.spec.sha256.get(name).cloned().unwrap_or_default();
            if &found != expected {
                return Err(Error::EncoderChecksum {
                    path: dir.join(name),
                    expected: expected.clone(),
                    found,
                });
            }
        }
        if encoder.dim() != spec.dim {
            return Err(Error::BadEncoder {
                path: dir.join("config.json"),
                reason: format!(
                    "gives {} dimensions, the model expects {}",
                    encoder.dim(),
                    spec.dim
                ),
            });
        }
        Ok(encoder)
    }

    /// What a model file records about this encoder.
    pub fn spec(&self) -> &EncoderSpec {
        &self.spec
    }

    /// The folder the encoder was read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Size of the pooled vector.
    pub fn dim(&self) -> usize {
        self.bert.config().hidden_size
    }

    /// Word-piece ids of each text, special tokens added, cut at the encoder's limit.
    pub fn token_ids(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        let vocab = self.bert.config().vocab_size;
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        encodings
            .into_iter()
            .map(|e| {
                let ids = e.get_ids().to_vec();
                match ids.iter().find(|&&id| id as usize >= vocab) {
                    Some(id) => Err(Error::BadEncoder {
                        path: self.dir.join("tokenizer.json"),
                        reason: format!("token id {id} is outside the vocabulary of {vocab}"),
                    }),
                    None if ids.is_empty() || ids.len() > self.max_tokens => {
                        Err(Error::BadEncoder {
                            path: self.dir.join("tokenizer.json"),
                            reason: format!("gave {} tokens for one sentence", ids.len()),
                        })
                    }
                    None => Ok(ids),
                }
            })
            .collect()
    }

    /// Mean-pooled embedding of each text, in order. Texts are encoded in batches of about
    /// [`BATCH_TOKENS`] word pieces, one batch per thread of the current rayon pool at a time;
    /// the result does not depend on the number of threads or on which texts share a batch.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let ids = self.token_ids(texts)?;
        let batches = batches(&ids, rayon::current_num_threads());
        let pooled: Vec<Vec<Vec<f32>>> = batches
            .into_par_iter()
            .map_init(Scratch::default, |scratch, range| {
                let batch: Vec<&[u32]> = ids[range].iter().map(Vec::as_slice).collect();
                let mut out = Vec::with_capacity(batch.len());
                self.bert.mean_pooled(&batch, scratch, &mut out);
                out
            })
            .collect();
        Ok(pooled.into_iter().flatten().collect())
    }
}

/// Splits sentences (in order) into batches of about [`BATCH_TOKENS`] word pieces, as many as a
/// multiple of `threads` so that no core waits for a last odd batch.
fn batches(ids: &[Vec<u32>], threads: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = ids.iter().map(Vec::len).sum();
    let threads = threads.max(1);
    let count = total.div_ceil(BATCH_TOKENS).div_ceil(threads) * threads;
    let target = total.div_ceil(count.max(1)).max(1);
    let mut batches = Vec::with_capacity(count);
    let (mut start, mut tokens) = (0, 0);
    for (i, t) in ids.iter().enumerate() {
        if tokens > 0 && tokens + t.len() / 2 > target {
            batches.push(start..i);
            (start, tokens) = (i, 0);
        }
        tokens += t.len();
    }
    if start < ids.len() {
        batches.push(start..ids.len());
    }
    batches
}

/// Appends the encoder block to a sentence's sparse n-gram vector: the embedding scaled to
/// length `weight`, at feature indices `offset..offset + dim`. The n-gram block has length 1
/// (L2-normalised TF-IDF), so `weight` sets how much the two blocks count beside each other.
pub fn append_block(
    x: &mut crate::features::SparseVec,
    offset: usize,
    embedding: &[f32],
    weight: f32,
) {
    let norm = embedding.iter().map(|v| v * v).sum::<f32>().sqrt();
    let scale = if norm > 0.0 { weight / norm } else { 0.0 };
    x.extend(
        embedding
            .iter()
            .enumerate()
            .map(|(d, v)| ((offset + d) as u32, v * scale)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_every_sentence_in_order_in_a_multiple_of_the_threads() {
        let ids: Vec<Vec<u32>> = (0..1000).map(|i| vec![0; 5 + i % 40]).collect();
        for threads in [1, 2, 3, 8] {
            let b = batches(&ids, threads);
            assert_eq!(b.first().map(|r| r.start), Some(0));
            assert_eq!(b.last().map(|r| r.end), Some(ids.len()));
            assert!(b
                .windows(2)
                .all(|w| w[0].end == w[1].start && !w[0].is_empty()));
            let total: usize = ids.iter().map(Vec::len).sum();
            let expected = total.div_ceil(BATCH_TOKENS).div_ceil(threads) * threads;
            // Sentence boundaries may add or drop one batch at the end.
            assert!(
                b.len().abs_diff(expected) <= 1,
                "{threads}: {} vs {expected}",
                b.len()
            );
        }
        assert!(batches(&[], 2).is_empty());
        assert_eq!(batches(&[vec![1; 3000]], 2), vec![0..1]);
    }
}
