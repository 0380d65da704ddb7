//! A BERT encoder (the architecture of all-MiniLM-L6-v2 and its family): weights read from
//! safetensors by candle, kept as row-major `f32` matrices already transposed for the products,
//! with the query, key and value projections of each layer fused into one matrix.
//!
//! Sentences of a batch are packed end to end, without padding: every dense layer treats tokens
//! as independent rows, and attention runs over each sentence's own rows only. So a batch does
//! no work on padding, and a sentence's embedding does not depend on the batch it is in.

use super::kernels::{add_layer_norm, affine, gelu, normalize, softmax};
use crate::error::{Error, Result};
use candle_core::{safetensors, DType, Device, Tensor};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The fields of a Hugging Face `config.json` that the encoder uses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_act")]
    pub hidden_act: String,
}

impl BertConfig {
    /// Checks what the forward pass relies on; the reason names the bad setting.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.hidden_act != "gelu" {
            return Err(format!(
                "activation {:?} is not supported (only gelu)",
                self.hidden_act
            ));
        }
        if self.num_attention_heads == 0
            || !self.hidden_size.is_multiple_of(self.num_attention_heads)
        {
            return Err(format!(
                "hidden size {} is not a multiple of {} heads",
                self.hidden_size, self.num_attention_heads
            ));
        }
        if self.hidden_size == 0 || self.max_position_embeddings < 2 || self.vocab_size == 0 {
            return Err("hidden size, vocabulary and positions must not be empty".into());
        }
        Ok(())
    }
}

fn default_eps() -> f64 {
    1e-12
}

fn default_act() -> String {
    "gelu".into()
}

struct Layer {
    qkv: Vec<f32>,
    qkv_bias: Vec<f32>,
    out: Vec<f32>,
    out_bias: Vec<f32>,
    norm1: (Vec<f32>, Vec<f32>),
    up: Vec<f32>,
    up_bias: Vec<f32>,
    down: Vec<f32>,
    down_bias: Vec<f32>,
    norm2: (Vec<f32>, Vec<f32>),
}

/// A loaded BERT encoder.
pub struct Bert {
    config: BertConfig,
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    norm: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
}

/// Working buffers of one batch, reused across batches on a thread.
#[derive(Default)]
pub struct Scratch {
    x: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    wide: Vec<f32>,
    scores: Vec<f32>,
}

/// The tensors of a safetensors file, by name, with a `bert.` prefix accepted.
struct Weights<'a> {
    tensors: HashMap<String, Tensor>,
    path: &'a Path,
}

impl Weights<'_> {
    /// The tensor `name` as `f32` values, checked against `shape`.
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let t = self
            .tensors
            .get(name)
            .or_else(|| self.tensors.get(&format!("bert.{name}")))
            .ok_or_else(|| self.bad(format!("tensor {name} is missing")))?;
        if t.dims() != shape {
            return Err(self.bad(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                t.dims()
            )));
        }
        t.to_dtype(DType::F32)
            .and_then(|t| t.flatten_all())
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| self.bad(format!("tensor {name}: {e}")))
    }

    /// A `[out, in]` linear weight, transposed to row-major `[in, out]`.
    fn linear(&self, name: &str, out: usize, inp: usize) -> Result<Vec<f32>> {
        let w = self.get(&format!("{name}.weight"), &[out, inp])?;
        Ok(transpose(&w, out, inp))
    }

    fn norm(&self, name: &str, width: usize) -> Result<(Vec<f32>, Vec<f32>)> {
        Ok((
            self.get(&format!("{name}.weight"), &[width])?,
            self.get(&format!("{name}.bias"), &[width])?,
        ))
    }

    fn bad(&self, reason: String) -> Error {
        Error::BadEncoder {
            path: self.path.to_path_buf(),
            reason,
        }
    }
}

fn transpose(w: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; w.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = w[r * cols + c];
        }
    }
    t
}

impl Bert {
    /// Reads the weights of `config` (checked with [`BertConfig::validate`]) from the bytes of a
    /// safetensors file (any float type; `f16` is widened); `path` names the file in errors.
    pub fn load(config: BertConfig, bytes: &[u8], path: &Path) -> Result<Bert> {
        let bad = |reason: String| Error::BadEncoder {
            path: path.to_path_buf(),
            reason,
        };
        let tensors =
            safetensors::load_buffer(bytes, &Device::Cpu).map_err(|e| bad(e.to_string()))?;
        let w = Weights { tensors, path };
        let (h, i) = (config.hidden_size, config.intermediate_size);
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for l in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            let (q, k, v) = (
                w.linear(&format!("{p}.attention.self.query"), h, h)?,
                w.linear(&format!("{p}.attention.self.key"), h, h)?,
                w.linear(&format!("{p}.attention.self.value"), h, h)?,
            );
            let mut qkv = Vec::with_capacity(3 * h * h);
            for r in 0..h {
                for m in [&q, &k, &v] {
                    qkv.extend_from_slice(&m[r * h..(r + 1) * h]);
                }
            }
            let mut qkv_bias = Vec::with_capacity(3 * h);
            for part in ["query", "key", "value"] {
                qkv_bias.extend(w.get(&format!("{p}.attention.self.{part}.bias"), &[h])?);
            }
            layers.push(Layer {
                qkv,
                qkv_bias,
                out: w.linear(&format!("{p}.attention.output.dense"), h, h)?,
                out_bias: w.get(&format!("{p}.attention.output.dense.bias"), &[h])?,
                norm1: w.norm(&format!("{p}.attention.output.LayerNorm"), h)?,
                up: w.linear(&format!("{p}.intermediate.dense"), i, h)?,
                up_bias: w.get(&format!("{p}.intermediate.dense.bias"), &[i])?,
                down: w.linear(&format!("{p}.output.dense"), h, i)?,
                down_bias: w.get(&format!("{p}.output.dense.bias"), &[h])?,
                norm2: w.norm(&format!("{p}.output.LayerNorm"), h)?,
            });
        }
        // Sentences are one segment: only the first token type is used, however many there are.
        let name = "embeddings.token_type_embeddings.weight";
        let types = match w.tensors.get(name).map(|t| t.dims().to_vec()) {
            Some(dims) if dims.len() == 2 && dims[0] >= 1 => dims[0],
            _ => 2,
        };
        let token_type = w.get(name, &[types, h])?;
        Ok(Bert {
            word: w.get("embeddings.word_embeddings.weight", &[config.vocab_size, h])?,
            position: w.get(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, h],
            )?,
            token_type: token_type[..h].to_vec(),
            norm: w.norm("embeddings.LayerNorm", h)?,
            layers,
            config,
        })
    }

    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// The mean of the last hidden states of each sentence of token ids (with special tokens
    /// already added; each sentence non-empty, at most `max_position_embeddings` long, every id
    /// below `vocab_size`), appended to `pooled` in order.
    pub fn mean_pooled(&self, sentences: &[&[u32]], s: &mut Scratch, pooled: &mut Vec<Vec<f32>>) {
        let c = &self.config;
        let (h, heads) = (c.hidden_size, c.num_attention_heads);
        let d = h / heads;
        let eps = c.layer_norm_eps as f32;
        let m: usize = sentences.iter().map(|t| t.len()).sum();
        resize(&mut s.x, m * h);
        resize(&mut s.qkv, m * 3 * h);
        resize(&mut s.ctx, m * h);
        resize(&mut s.tmp, m * h);
        resize(&mut s.wide, m * c.intermediate_size);
        let mut row = 0;
        for ids in sentences {
            for (pos, &id) in ids.iter().enumerate() {
                let x = &mut s.x[row * h..(row + 1) * h];
                let word = &self.word[id as usize * h..][..h];
                let place = &self.position[pos * h..][..h];
                for (j, v) in x.iter_mut().enumerate() {
                    *v = word[j] + place[j] + self.token_type[j];
                }
                normalize(x, &self.norm.0, &self.norm.1, eps);
                row += 1;
            }
        }
        let scale = 1.0 / (d as f32).sqrt();
        for layer in &self.layers {
            affine(&s.x, &layer.qkv, &layer.qkv_bias, &mut s.qkv, m, h);
            let mut start = 0;
            for ids in sentences {
                let len = ids.len();
                attend(&s.qkv, &mut s.ctx, &mut s.scores, start, len, h, d, scale);
                start += len;
            }
            affine(&s.ctx, &layer.out, &layer.out_bias, &mut s.tmp, m, h);
            add_layer_norm(&mut s.x, &s.tmp, &layer.norm1.0, &layer.norm1.1, eps);
            affine(&s.x, &layer.up, &layer.up_bias, &mut s.wide, m, h);
            gelu(&mut s.wide);
            affine(
                &s.wide,
                &layer.down,
                &layer.down_bias,
                &mut s.tmp,
                m,
                c.intermediate_size,
            );
            add_layer_norm(&mut s.x, &s.tmp, &layer.norm2.0, &layer.norm2.1, eps);
        }
        let mut start = 0;
        for ids in sentences {
            let len = ids.len();
            let mut mean = vec![0.0f32; h];
            for r in start..start + len {
                mean.iter_mut()
                    .zip(&s.x[r * h..(r + 1) * h])
                    .for_each(|(a, v)| *a += v);
            }
            mean.iter_mut().for_each(|v| *v /= len as f32);
            pooled.push(mean);
            start += len;
        }
    }
}

fn resize(buf: &mut Vec<f32>, len: usize) {
    buf.clear();
    buf.resize(len, 0.0);
}

/// Self-attention of one sentence (rows `start..start + len` of the fused `qkv` buffer), every
/// head, written to the same rows of `ctx`.
#[allow(clippy::too_many_arguments)]
fn attend(
    qkv: &[f32],
    ctx: &mut [f32],
    scores: &mut Vec<f32>,
    start: usize,
    len: usize,
    h: usize,
    d: usize,
    scale: f32,
) {
    let stride = 3 * h;
    scores.resize(len, 0.0);
    for head in 0..h / d {
        let (qo, ko, vo) = (head * d, h + head * d, 2 * h + head * d);
        for i in 0..len {
            let q = &qkv[(start + i) * stride + qo..][..d];
            for (j, sc) in scores.iter_mut().enumerate() {
                let k = &qkv[(start + j) * stride + ko..][..d];
                *sc = q.iter().zip(k).map(|(a, b)| a * b).sum::<f32>() * scale;
            }
            softmax(&mut scores[..len]);
            let out = &mut ctx[(start + i) * h + head * d..][..d];
            out.fill(0.0);
            for (j, &p) in scores.iter().enumerate() {
                let v = &qkv[(start + j) * stride + vo..][..d];
                out.iter_mut().zip(v).for_each(|(o, v)| *o += p * v);
            }
        }
    }
}
