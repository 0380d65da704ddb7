//! The sentence encoder (`stance::features::encoder`), checked two ways.
//!
//! - A tiny BERT that the tests build themselves (40 word pieces, hidden size 8, 2 layers, 2
//!   heads, 16 positions; pseudo-random weights written with candle in F32 and in F16, a WordPiece
//!   `tokenizer.json` written with the `tokenizers` crate) is run through [`Encoder::embed`] and
//!   through a naive `f64` forward pass written here plainly from the BERT definition: the two must
//!   agree for sentences of different lengths, the empty one and one with an unknown word. The
//!   same encoder checks that a sentence's embedding does not depend on the batch it shares or on
//!   the number of threads, that long inputs are cut at the position limit, and that a broken or
//!   altered encoder folder is refused with an error that names the file.
//! - The shipped all-MiniLM-L6-v2 is pinned against the token ids and mean-pooled embeddings that
//!   PyTorch/transformers computed on the same weights (`tests/fixtures/encoder/reference.json`),
//!   and its weights file against the checksum recorded in its `SOURCE.md`.
//!
//! Why: these vectors are the classifier's features. A transposed weight, a wrong kernel or a
//! batching bug would change them without any error, and only a comparison with an independent
//! forward pass (ours for the arithmetic, PyTorch's for the real model) would notice.

use candle_core::{DType, Device, Tensor};
use serde::Deserialize;
use stance::error::Error;
use stance::features::encoder::{file_sha256, Encoder, EncoderSpec, FILES, MAX_TOKENS};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::Tokenizer;

// ---------------------------------------------------------------------------------------------
// The tiny encoder
// ---------------------------------------------------------------------------------------------

/// Word pieces of the tiny tokenizer; a piece's id is its position here.
const VOCAB: [&str; 40] = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "minister", "said", "gas", "price",
    "will", "rise", "fall", "bank", "debt", "talks", "on", "tuesday", "growth", "risk", "high",
    "low", "new", "pipeline", "oil", "market", "we", "are", "not", "cheap", "un", ".", ",", "##s",
    "##ed", "##ing", "##er", "##likely", "##ly",
];

/// Whole words of [`VOCAB`] (one word piece each), for generated texts.
const WORDS: std::ops::Range<usize> = 5..31;

const HIDDEN: usize = 8;
const LAYERS: usize = 2;
const HEADS: usize = 2;
const INTERMEDIATE: usize = 16;
const MAX_POSITIONS: usize = 16;
const EPS: f64 = 1e-12;

/// Sentences the tiny encoder is compared with the naive forward pass on: the empty one (just
/// `[CLS] [SEP]`), one word, word pieces, an unknown word and a unknown punctuation mark, and the
/// longest that fits in 16 positions.
const SENTENCES: [&str; 6] = [
    "",
    "Gas",
    "The minister said gas will rise.",
    "We are unlikely, the zebra market will not fall.",
    "Talks on Tuesday: debt rises, growth falls.",
    "the new pipeline said oil price will fall on tuesday, a bank said.",
];

/// Ids of word pieces named by their text.
fn ids_of(pieces: &[&str]) -> Vec<u32> {
    pieces
        .iter()
        .map(|p| VOCAB.iter().position(|v| v == p).expect("piece in VOCAB") as u32)
        .collect()
}

/// Deterministic pseudo-random numbers: a 64-bit LCG (Knuth's MMIX constants), top 53 bits.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[-scale, scale)`.
    fn uniform(&mut self, scale: f64) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let unit = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        (2.0 * unit - 1.0) * scale
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (((self.uniform(0.5) + 0.5) * n as f64) as usize).min(n - 1)
    }
}

/// One tensor of the tiny model: name, shape, values.
type Named = (String, Vec<usize>, Vec<f32>);

/// Names and shapes of the tiny model's tensors, as in Hugging Face's `BertModel`.
fn tensor_shapes(vocab_size: usize) -> Vec<(String, Vec<usize>)> {
    let (h, i) = (HIDDEN, INTERMEDIATE);
    let mut shapes = vec![
        (
            "embeddings.word_embeddings.weight".to_string(),
            vec![vocab_size, h],
        ),
        (
            "embeddings.position_embeddings.weight".to_string(),
            vec![MAX_POSITIONS, h],
        ),
        (
            "embeddings.token_type_embeddings.weight".to_string(),
            vec![2, h],
        ),
        ("embeddings.LayerNorm.weight".to_string(), vec![h]),
        ("embeddings.LayerNorm.bias".to_string(), vec![h]),
    ];
    for l in 0..LAYERS {
        let p = format!("encoder.layer.{l}");
        for part in ["query", "key", "value"] {
            shapes.push((format!("{p}.attention.self.{part}.weight"), vec![h, h]));
            shapes.push((format!("{p}.attention.self.{part}.bias"), vec![h]));
        }
        for (name, shape) in [
            ("attention.output.dense.weight", vec![h, h]),
            ("attention.output.dense.bias", vec![h]),
            ("attention.output.LayerNorm.weight", vec![h]),
            ("attention.output.LayerNorm.bias", vec![h]),
            ("intermediate.dense.weight", vec![i, h]),
            ("intermediate.dense.bias", vec![i]),
            ("output.dense.weight", vec![h, i]),
            ("output.dense.bias", vec![h]),
            ("output.LayerNorm.weight", vec![h]),
            ("output.LayerNorm.bias", vec![h]),
        ] {
            shapes.push((format!("{p}.{name}"), shape));
        }
    }
    shapes
}

/// Pseudo-random weights (scale 0.5; layer norm scales around 1) from `seed`.
fn tiny_weights(seed: u64, vocab_size: usize) -> Vec<Named> {
    let mut rng = Lcg::new(seed);
    tensor_shapes(vocab_size)
        .into_iter()
        .map(|(name, shape)| {
            let centre = if name.ends_with("LayerNorm.weight") {
                1.0
            } else {
                0.0
            };
            let len = shape.iter().product();
            let values = (0..len)
                .map(|_| (centre + rng.uniform(0.5)) as f32)
                .collect();
            (name, shape, values)
        })
        .collect()
}

/// Writes `weights` as a safetensors file of `dtype`.
fn write_weights(path: &Path, weights: &[Named], dtype: DType) {
    let tensors: HashMap<String, Tensor> = weights
        .iter()
        .map(|(name, shape, values)| {
            let t = Tensor::from_vec(values.clone(), shape.as_slice(), &Device::Cpu)
                .and_then(|t| t.to_dtype(dtype))
                .expect("tensor");
            (name.clone(), t)
        })
        .collect();
    candle_core::safetensors::save(&tensors, path).expect("write model.safetensors");
}

/// Writes a Hugging Face BERT `config.json` for the tiny model.
fn write_config(dir: &Path, vocab_size: usize, hidden_act: &str) {
    let config = serde_json::json!({
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE,
        "max_position_embeddings": MAX_POSITIONS,
        "type_vocab_size": 2,
        "layer_norm_eps": EPS,
        "hidden_act": hidden_act,
        "pad_token_id": 0,
    });
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .expect("write config.json");
}

/// A BERT uncased tokenizer over [`VOCAB`]: lowercasing normaliser, BERT pre-tokenizer,
/// WordPiece with `##` continuations and `[UNK]`, `[CLS] A [SEP]` added.
fn tiny_tokenizer() -> Tokenizer {
    let vocab: [(String, u32); VOCAB.len()] =
        std::array::from_fn(|i| (VOCAB[i].to_string(), i as u32));
    let wordpiece = WordPiece::builder()
        .vocab(vocab)
        .unk_token("[UNK]".into())
        .build()
        .expect("wordpiece");
    let mut tokenizer = Tokenizer::new(wordpiece);
    tokenizer
        .with_normalizer(Some(BertNormalizer::default()))
        .expect("normalizer");
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    let [cls, sep] = [ids_of(&["[CLS]"])[0], ids_of(&["[SEP]"])[0]];
    tokenizer.with_post_processor(Some(BertProcessing::new(
        ("[SEP]".into(), sep),
        ("[CLS]".into(), cls),
    )));
    tokenizer
}

/// A tiny encoder folder with weights of `dtype` from seed 1 (removed when dropped).
fn tiny_encoder_dir(dtype: DType) -> TempDir {
    tiny_encoder_dir_with(dtype, VOCAB.len(), "gelu")
}

/// A tiny encoder folder whose config and weights say `vocab_size` and `hidden_act`.
fn tiny_encoder_dir_with(dtype: DType, vocab_size: usize, hidden_act: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_config(dir.path(), vocab_size, hidden_act);
    let tokenizer_path = dir.path().join("tokenizer.json");
    tiny_tokenizer()
        .save(&tokenizer_path, false)
        .expect("write tokenizer.json");
    Tokenizer::from_file(&tokenizer_path).expect("tokenizer.json reads back");
    write_weights(
        &dir.path().join("model.safetensors"),
        &tiny_weights(1, vocab_size),
        dtype,
    );
    dir
}

fn load(dir: &Path) -> Encoder {
    Encoder::load(dir, "tiny").expect("tiny encoder loads")
}

/// The error of loading `dir`, which must fail.
fn load_error(dir: &Path) -> Error {
    Encoder::load(dir, "tiny").expect_err("the encoder must be refused")
}

// ---------------------------------------------------------------------------------------------
// The naive reference forward pass (f64)
// ---------------------------------------------------------------------------------------------

/// The tensors of a safetensors file as the encoder sees them (f16 rounding included), in f64.
fn read_weights(path: &Path) -> HashMap<String, Vec<f64>> {
    candle_core::safetensors::load(path, &Device::Cpu)
        .expect("read model.safetensors")
        .into_iter()
        .map(|(name, t)| {
            let values = t
                .to_dtype(DType::F32)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1::<f32>())
                .expect("f32 values");
            (name, values.into_iter().map(f64::from).collect())
        })
        .collect()
}

/// The error function, from its series without cancellation,
/// erf x = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (1 3 5 ... (2n+1)): accurate to f64 rounding
/// for |x| < 6; beyond, erf x is +-1 within 2e-17.
fn erf(x: f64) -> f64 {
    if x.abs() >= 6.0 {
        return x.signum();
    }
    let (mut term, mut sum, mut n) = (x, x, 0.0);
    while term.abs() > 1e-17 * sum.abs() {
        n += 1.0;
        term *= 2.0 * x * x / (2.0 * n + 1.0);
        sum += term;
    }
    2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp() * sum
}

/// BERT's exact GELU.
fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

/// `b + W x` for a weight `W` stored `[out, in]`.
fn linear(x: &[f64], weight: &[f64], bias: &[f64]) -> Vec<f64> {
    bias.iter()
        .zip(weight.chunks_exact(x.len()))
        .map(|(b, row)| b + row.iter().zip(x).map(|(w, v)| w * v).sum::<f64>())
        .collect()
}

fn layer_norm(x: &[f64], gamma: &[f64], beta: &[f64]) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let inv = 1.0 / (var + EPS).sqrt();
    x.iter()
        .zip(gamma.iter().zip(beta))
        .map(|(v, (g, b))| (v - mean) * inv * g + b)
        .collect()
}

fn softmax(scores: &[f64]) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

fn add(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x + y).collect()
}

/// BERT on one sentence of token ids (special tokens included), token type 0 everywhere, no
/// padding; the mean of the last hidden states over all tokens.
fn reference_embedding(w: &HashMap<String, Vec<f64>>, ids: &[u32]) -> Vec<f64> {
    let get = |name: &str| -> &[f64] { &w[name] };
    let (h, d) = (HIDDEN, HIDDEN / HEADS);
    let word = get("embeddings.word_embeddings.weight");
    let position = get("embeddings.position_embeddings.weight");
    let token_type = &get("embeddings.token_type_embeddings.weight")[..h];
    let mut x: Vec<Vec<f64>> = ids
        .iter()
        .enumerate()
        .map(|(pos, &id)| {
            let e: Vec<f64> = (0..h)
                .map(|j| word[id as usize * h + j] + position[pos * h + j] + token_type[j])
                .collect();
            layer_norm(
                &e,
                get("embeddings.LayerNorm.weight"),
                get("embeddings.LayerNorm.bias"),
            )
        })
        .collect();
    for l in 0..LAYERS {
        let p = format!("encoder.layer.{l}");
        let tensor = |name: &str| get(&format!("{p}.{name}"));
        let dense = |v: &[f64], name: &str| {
            linear(
                v,
                tensor(&format!("{name}.weight")),
                tensor(&format!("{name}.bias")),
            )
        };
        let project = |name: &str| -> Vec<Vec<f64>> { x.iter().map(|t| dense(t, name)).collect() };
        let (q, k, v) = (
            project("attention.self.query"),
            project("attention.self.key"),
            project("attention.self.value"),
        );
        // Scaled dot-product attention of each head over the sentence's own tokens.
        let mut context = vec![vec![0.0; h]; ids.len()];
        for head in 0..HEADS {
            let cols = head * d..(head + 1) * d;
            for (qi, ctx) in q.iter().zip(context.iter_mut()) {
                let scores: Vec<f64> = k
                    .iter()
                    .map(|kj| {
                        let dot: f64 = qi[cols.clone()]
                            .iter()
                            .zip(&kj[cols.clone()])
                            .map(|(a, b)| a * b)
                            .sum();
                        dot / (d as f64).sqrt()
                    })
                    .collect();
                for (p, vj) in softmax(&scores).iter().zip(&v) {
                    for c in cols.clone() {
                        ctx[c] += p * vj[c];
                    }
                }
            }
        }
        x = x
            .iter()
            .zip(&context)
            .map(|(t, ctx)| {
                let attended = add(t, &dense(ctx, "attention.output.dense"));
                let t = layer_norm(
                    &attended,
                    tensor("attention.output.LayerNorm.weight"),
                    tensor("attention.output.LayerNorm.bias"),
                );
                let wide: Vec<f64> = dense(&t, "intermediate.dense")
                    .into_iter()
                    .map(gelu)
                    .collect();
                let out = add(&t, &dense(&wide, "output.dense"));
                layer_norm(
                    &out,
                    tensor("output.LayerNorm.weight"),
                    tensor("output.LayerNorm.bias"),
                )
            })
            .collect();
    }
    (0..h)
        .map(|j| x.iter().map(|t| t[j]).sum::<f64>() / x.len() as f64)
        .collect()
}

/// Largest absolute difference between two vectors of the same length.
fn max_abs_diff(a: &[f32], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "vector lengths");
    a.iter()
        .zip(b)
        .map(|(x, y)| (f64::from(*x) - y).abs())
        .fold(0.0, f64::max)
}

fn max_abs_diff_f32(a: &[f32], b: &[f32]) -> f64 {
    let b: Vec<f64> = b.iter().map(|&v| f64::from(v)).collect();
    max_abs_diff(a, &b)
}

/// Worst difference between `Encoder::embed` and the naive forward pass on `texts`, checked to
/// be at most 1e-4 on every component.
fn check_against_reference(dir: &Path, texts: &[&str]) -> f64 {
    let encoder = load(dir);
    let weights = read_weights(&dir.join("model.safetensors"));
    let ids = encoder.token_ids(texts).unwrap();
    let embedded = encoder.embed(texts).unwrap();
    assert_eq!(embedded.len(), texts.len());
    let mut worst: f64 = 0.0;
    for ((text, ids), got) in texts.iter().zip(&ids).zip(&embedded) {
        let want = reference_embedding(&weights, ids);
        let diff = max_abs_diff(got, &want);
        assert!(
            diff <= 1e-4,
            "{text:?} ({} tokens): embed differs from the naive forward pass by {diff:e}\n\
             got  {got:?}\nwant {want:?}",
            ids.len()
        );
        worst = worst.max(diff);
    }
    worst
}

/// `count` texts of 1 to 14 known words (so at most 16 word pieces each), from `seed`.
fn generated_texts(count: usize, seed: u64) -> Vec<String> {
    let mut rng = Lcg::new(seed);
    (0..count)
        .map(|_| {
            let len = 1 + rng.below(MAX_POSITIONS - 2);
            (0..len)
                .map(|_| VOCAB[WORDS.start + rng.below(WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tiny encoder: the arithmetic
// ---------------------------------------------------------------------------------------------

#[test]
fn reference_erf_matches_known_values() {
    for (x, want) in [
        (0.0, 0.0),
        (0.5, 0.520_499_877_813_046_5),
        (1.0, 0.842_700_792_949_714_9),
        (2.0, 0.995_322_265_018_952_7),
        (-3.0, -0.999_977_909_503_001_4),
        (5.5, 0.999_999_999_999_992_6),
    ] {
        assert!((erf(x) - want).abs() < 1e-15, "erf({x}) = {}", erf(x));
    }
}

#[test]
fn tiny_tokenizer_adds_special_tokens_splits_word_pieces_and_marks_unknown_words() {
    let dir = tiny_encoder_dir(DType::F32);
    let ids = load(dir.path())
        .token_ids(&[SENTENCES[0], SENTENCES[2], SENTENCES[3]])
        .unwrap();
    assert_eq!(ids[0], ids_of(&["[CLS]", "[SEP]"]));
    assert_eq!(
        ids[1],
        ids_of(&["[CLS]", "the", "minister", "said", "gas", "will", "rise", ".", "[SEP]"])
    );
    assert_eq!(
        ids[2],
        ids_of(&[
            "[CLS]", "we", "are", "un", "##likely", ",", "the", "[UNK]", "market", "will", "not",
            "fall", ".", "[SEP]"
        ])
    );
}

#[test]
fn tiny_f32_encoder_matches_naive_forward_pass() {
    let dir = tiny_encoder_dir(DType::F32);
    let encoder = load(dir.path());
    assert_eq!(encoder.dim(), HIDDEN);
    let lengths: Vec<usize> = encoder
        .token_ids(&SENTENCES)
        .unwrap()
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(lengths.first(), Some(&2));
    assert_eq!(
        lengths.last(),
        Some(&MAX_POSITIONS),
        "the longest fills every position"
    );
    let worst = check_against_reference(dir.path(), &SENTENCES);
    eprintln!("tiny F32 encoder vs naive f64 forward pass: worst |diff| {worst:e}");
}

#[test]
fn tiny_f16_encoder_matches_naive_forward_pass_on_the_rounded_weights() {
    let dir = tiny_encoder_dir(DType::F16);
    let path = dir.path().join("model.safetensors");
    let stored = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
    assert!(stored.values().all(|t| t.dtype() == DType::F16));
    // The rounding is real, so the reference must (and does) use the weights read back.
    let rounded = read_weights(&path);
    let original = tiny_weights(1, VOCAB.len());
    let rounding = original
        .iter()
        .map(|(name, _, values)| max_abs_diff(values, &rounded[name]))
        .fold(0.0, f64::max);
    assert!(rounding > 1e-5, "f16 rounding of the weights: {rounding:e}");
    let worst = check_against_reference(dir.path(), &SENTENCES);
    eprintln!("tiny F16 encoder vs naive f64 forward pass: worst |diff| {worst:e}");
}

// ---------------------------------------------------------------------------------------------
// Tiny encoder: batches, threads, truncation
// ---------------------------------------------------------------------------------------------

#[test]
fn embedding_texts_together_equals_embedding_each_alone() {
    let dir = tiny_encoder_dir(DType::F32);
    let encoder = load(dir.path());
    // Each sentence twice, in different company.
    let texts: Vec<&str> = SENTENCES
        .iter()
        .chain(SENTENCES.iter().rev())
        .copied()
        .collect();
    let together = encoder.embed(&texts).unwrap();
    assert_eq!(together.len(), texts.len());
    for (text, got) in texts.iter().zip(&together) {
        let alone = &encoder.embed(&[text]).unwrap()[0];
        let diff = max_abs_diff_f32(got, alone);
        assert!(
            diff <= 1e-6,
            "{text:?}: batched vs alone differ by {diff:e}"
        );
    }
    assert!(encoder.embed(&[]).unwrap().is_empty());
}

#[test]
fn three_thousand_texts_in_several_batches_equal_one_at_a_time() {
    let dir = tiny_encoder_dir(DType::F32);
    let encoder = load(dir.path());
    let owned = generated_texts(3000, 7);
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let pieces: usize = encoder
        .token_ids(&texts)
        .unwrap()
        .iter()
        .map(Vec::len)
        .sum();
    assert!(
        pieces > 10 * 1024,
        "{pieces} word pieces should fill many batches"
    );
    let together = encoder.embed(&texts).unwrap();
    assert_eq!(together.len(), texts.len());
    let mut worst: f64 = 0.0;
    for i in (0..texts.len()).step_by(37).chain([texts.len() - 1]) {
        let alone = &encoder.embed(&[texts[i]]).unwrap()[0];
        let diff = max_abs_diff_f32(&together[i], alone);
        assert!(
            diff <= 1e-6,
            "text {i} {:?}: batched vs alone {diff:e}",
            texts[i]
        );
        worst = worst.max(diff);
    }
    eprintln!("3000 texts, batched vs alone: worst |diff| {worst:e}");
}

#[test]
fn embeddings_do_not_depend_on_the_number_of_threads() {
    let dir = tiny_encoder_dir(DType::F32);
    let encoder = load(dir.path());
    let owned = generated_texts(1000, 11);
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let with_threads = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| encoder.embed(&texts).unwrap())
    };
    let (one, three) = (with_threads(1), with_threads(3));
    for (i, (a, b)) in one.iter().zip(&three).enumerate() {
        let diff = max_abs_diff_f32(a, b);
        assert!(diff <= 1e-6, "text {i}: 1 vs 3 threads differ by {diff:e}");
    }
}

#[test]
fn text_longer_than_the_position_limit_is_cut_to_its_first_word_pieces() {
    let dir = tiny_encoder_dir(DType::F32);
    let encoder = load(dir.path());
    let limit = MAX_TOKENS.min(MAX_POSITIONS);
    assert_eq!(
        limit, MAX_POSITIONS,
        "the tiny config's 16 positions are the limit"
    );
    let repeated = "the minister said gas price will rise ".repeat(4);
    let words: Vec<&str> = repeated.split_whitespace().collect();
    let long = words.join(" ");
    let kept = words[..limit - 2].join(" ");
    let ids = encoder.token_ids(&[&long, &kept]).unwrap();
    assert_eq!(ids[0].len(), limit);
    assert_eq!(
        ids[0],
        ids[1],
        "cut to [CLS] + first {} pieces + [SEP]",
        limit - 2
    );
    let embedded = encoder.embed(&[&long, &kept]).unwrap();
    let diff = max_abs_diff_f32(&embedded[0], &embedded[1]);
    assert!(diff <= 1e-6, "long vs its kept prefix: {diff:e}");
    check_against_reference(dir.path(), &[&long]);
    // Far beyond MAX_TOKENS as well: cut, no panic.
    let huge = "gas ".repeat(5 * MAX_TOKENS);
    assert_eq!(encoder.token_ids(&[&huge]).unwrap()[0].len(), limit);
    assert_eq!(encoder.embed(&[&huge]).unwrap()[0].len(), HIDDEN);
}

// ---------------------------------------------------------------------------------------------
// Tiny encoder: refused folders
// ---------------------------------------------------------------------------------------------

#[test]
fn each_missing_file_is_reported_as_encoder_missing_with_its_path() {
    for name in FILES {
        let dir = tiny_encoder_dir(DType::F32);
        let missing = dir.path().join(name);
        std::fs::remove_file(&missing).unwrap();
        let err = load_error(dir.path());
        let message = err.to_string();
        match err {
            Error::EncoderMissing { path } => assert_eq!(path, missing),
            other => panic!("{name} missing: expected EncoderMissing, got {other:?}"),
        }
        assert!(message.contains(name), "{message}");
    }
}

/// Asserts `err` is `BadEncoder` about the file `file` of `dir` and that its message says `what`.
fn assert_bad_encoder(err: Error, dir: &Path, file: &str, what: &str) {
    let message = err.to_string();
    match err {
        Error::BadEncoder { path, reason } => {
            assert_eq!(path, dir.join(file), "{message}");
            assert!(
                reason.contains(what),
                "reason should mention {what:?}: {reason}"
            );
        }
        other => panic!("expected BadEncoder, got {other:?}"),
    }
    assert!(message.contains(file), "{message}");
}

#[test]
fn tensor_with_wrong_shape_is_refused_naming_the_tensor() {
    let dir = tiny_encoder_dir(DType::F32);
    let name = "encoder.layer.1.intermediate.dense.weight";
    let mut weights = tiny_weights(1, VOCAB.len());
    let entry = weights.iter_mut().find(|w| w.0 == name).unwrap();
    entry.1 = vec![INTERMEDIATE, HIDDEN + 1];
    entry.2 = vec![0.25; INTERMEDIATE * (HIDDEN + 1)];
    write_weights(&dir.path().join("model.safetensors"), &weights, DType::F32);
    let err = load_error(dir.path());
    assert!(err.to_string().contains(name), "{err}");
    assert_bad_encoder(err, dir.path(), "model.safetensors", name);
}

#[test]
fn missing_tensor_is_refused_naming_the_tensor() {
    let dir = tiny_encoder_dir(DType::F16);
    let name = "encoder.layer.0.attention.self.key.bias";
    let mut weights = tiny_weights(1, VOCAB.len());
    weights.retain(|w| w.0 != name);
    write_weights(&dir.path().join("model.safetensors"), &weights, DType::F16);
    let err = load_error(dir.path());
    assert!(err.to_string().contains(name), "{err}");
    assert_bad_encoder(err, dir.path(), "model.safetensors", name);
}

#[test]
fn relu_activation_is_refused() {
    let dir = tiny_encoder_dir_with(DType::F32, VOCAB.len(), "relu");
    let err = load_error(dir.path());
    let message = err.to_string();
    match err {
        // The library reports this config.json setting against model.safetensors
        // (`Bert::load` only knows the weights' path); either file of the folder is accepted.
        Error::BadEncoder { path, reason } => {
            assert_eq!(path.parent(), Some(dir.path()), "{message}");
            assert!(reason.contains("relu"), "{reason}");
        }
        other => panic!("expected BadEncoder, got {other:?}"),
    }
    assert!(
        message.contains("config.json") || message.contains("model.safetensors"),
        "{message}"
    );
}

#[test]
fn malformed_config_is_refused_naming_config_json() {
    let dir = tiny_encoder_dir(DType::F32);
    std::fs::write(dir.path().join("config.json"), r#"{"hidden_size": 8"#).unwrap();
    let err = load_error(dir.path());
    assert_bad_encoder(err, dir.path(), "config.json", "EOF");
}

#[test]
fn token_id_outside_the_model_vocabulary_is_an_error_not_a_panic() {
    // The tokenizer knows 40 pieces, the config and weights only the first 30.
    let dir = tiny_encoder_dir_with(DType::F32, 30, "gelu");
    let encoder = load(dir.path());
    assert_eq!(encoder.embed(&["the gas price"]).unwrap().len(), 1);
    let err = encoder
        .embed(&["cheap gas"])
        .expect_err("id 30 is outside a vocabulary of 30");
    assert_bad_encoder(err, dir.path(), "tokenizer.json", "outside the vocabulary");
}

// ---------------------------------------------------------------------------------------------
// Tiny encoder: checksums
// ---------------------------------------------------------------------------------------------

#[test]
fn load_records_the_checksum_of_every_file_and_load_checked_accepts_them() {
    let dir = tiny_encoder_dir(DType::F32);
    let spec: EncoderSpec = load(dir.path()).spec().clone();
    assert_eq!(spec.path, "tiny");
    assert_eq!(spec.dim, HIDDEN);
    let names: Vec<&str> = spec.sha256.keys().map(String::as_str).collect();
    let mut files = FILES.to_vec();
    files.sort_unstable();
    assert_eq!(names, files);
    for (name, sha) in &spec.sha256 {
        assert_eq!(sha, &file_sha256(&dir.path().join(name)).unwrap(), "{name}");
        assert_eq!(sha.len(), 64);
    }
    let checked = Encoder::load_checked(dir.path(), &spec).expect("matching spec loads");
    assert_eq!(checked.spec(), &spec);
    assert_eq!(checked.dir(), dir.path());
}

#[test]
fn load_checked_refuses_changed_weights_with_both_checksums() {
    let dir = tiny_encoder_dir(DType::F32);
    let spec = load(dir.path()).spec().clone();
    let weights_path: PathBuf = dir.path().join("model.safetensors");
    write_weights(&weights_path, &tiny_weights(2, VOCAB.len()), DType::F32);
    let now = file_sha256(&weights_path).unwrap();
    let recorded = spec.sha256["model.safetensors"].clone();
    assert_ne!(now, recorded);
    let err = Encoder::load_checked(dir.path(), &spec).expect_err("changed weights are refused");
    let message = err.to_string();
    match err {
        Error::EncoderChecksum {
            path,
            expected,
            found,
        } => {
            assert_eq!(path, weights_path);
            assert_eq!(expected, recorded);
            assert_eq!(found, now);
        }
        other => panic!("expected EncoderChecksum, got {other:?}"),
    }
    for part in ["model.safetensors", &recorded, &now] {
        assert!(message.contains(part), "{message} should contain {part}");
    }
}

#[test]
fn load_checked_refuses_a_spec_of_another_dimension() {
    let dir = tiny_encoder_dir(DType::F32);
    let mut spec = load(dir.path()).spec().clone();
    spec.dim = HIDDEN + 1;
    let err = Encoder::load_checked(dir.path(), &spec).expect_err("dimension differs");
    assert!(
        matches!(&err, Error::BadEncoder { reason, .. } if reason.contains("dimensions")),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The shipped encoder
// ---------------------------------------------------------------------------------------------

/// SHA-256 of the shipped f16 `model.safetensors` (models/all-MiniLM-L6-v2/SOURCE.md).
const SHIPPED_WEIGHTS_SHA256: &str =
    "779e37530891df7ff396ea5b1c0adc4c51375c8a57da10885cae88c3b058a4f5";

#[derive(Deserialize)]
struct ReferenceFile {
    max_tokens: usize,
    sentences: Vec<ReferenceSentence>,
}

#[derive(Deserialize)]
struct ReferenceSentence {
    text: String,
    ids: Vec<u32>,
    mean: Vec<f64>,
}

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn shipped_dir() -> PathBuf {
    repo_path("models/all-MiniLM-L6-v2")
}

#[test]
fn shipped_weights_have_the_recorded_checksum() {
    let found = file_sha256(&shipped_dir().join("model.safetensors")).unwrap();
    assert_eq!(found, SHIPPED_WEIGHTS_SHA256);
}

#[test]
fn shipped_encoder_matches_pytorch_reference_embeddings() {
    let text = std::fs::read_to_string(repo_path("tests/fixtures/encoder/reference.json"))
        .expect("reference.json");
    let reference: ReferenceFile = serde_json::from_str(&text).expect("reference.json parses");
    assert_eq!(reference.max_tokens, MAX_TOKENS);
    assert!(!reference.sentences.is_empty());

    let encoder = Encoder::load(&shipped_dir(), "all-MiniLM-L6-v2").expect("shipped encoder");
    assert_eq!(encoder.dim(), 384);
    assert_eq!(
        encoder.spec().sha256["model.safetensors"],
        SHIPPED_WEIGHTS_SHA256
    );
    let texts: Vec<&str> = reference
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    let ids = encoder.token_ids(&texts).unwrap();
    for (s, got) in reference.sentences.iter().zip(&ids) {
        assert_eq!(got, &s.ids, "token ids of {:?}", s.text);
    }

    let embedded = encoder.embed(&texts).unwrap();
    // (worst difference, sentence, dimension)
    let mut worst = (0.0f64, 0, 0);
    for (i, (s, got)) in reference.sentences.iter().zip(&embedded).enumerate() {
        assert_eq!(got.len(), s.mean.len());
        for (j, (g, want)) in got.iter().zip(&s.mean).enumerate() {
            let diff = (f64::from(*g) - want).abs();
            if diff > worst.0 || diff.is_nan() {
                worst = (diff, i, j);
            }
        }
        // The final layer norm's weight and bias are 0 in f16 there (see SOURCE.md).
        assert_eq!((got[127], got[223]), (0.0, 0.0), "{:?}", s.text);
    }
    let (diff, i, j) = worst;
    eprintln!(
        "shipped encoder vs PyTorch reference: worst |diff| {diff:e} (sentence {i}, dim {j})"
    );
    assert!(
        diff <= 1e-4,
        "worst difference from the PyTorch reference is {diff:e}, at sentence {i} ({:?}) \
         dimension {j}: got {}, want {}",
        texts[i],
        embedded[i][j],
        reference.sentences[i].mean[j]
    );
}
