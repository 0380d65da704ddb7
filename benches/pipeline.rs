//! Throughput of each pipeline stage and of scoring end to end, on the shipped n-gram model
//! (`models/fast.json`) and data; the encoder model has its own bench (`benches/encoder.rs`).
//! Inputs are built outside the timed closures. Run with `cargo bench`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stance::extract::extract;
use stance::model::StanceModel;
use stance::score::{score_all, QuoteInput};
use std::path::Path;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn test_sentences() -> Vec<String> {
    let text = std::fs::read_to_string(repo("data/corpus/test.jsonl")).expect("test split");
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("valid JSON");
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let model = StanceModel::load(&repo("models/fast.json")).expect("shipped model");
    let sentences = test_sentences();
    let bytes: usize = sentences.iter().map(String::len).sum();
    let article =
        std::fs::read_to_string(repo("data/articles/azerbaijan-us-partnership.txt")).expect("seed");

    let tokenizer = model.tokenizer();
    // Each pass goes over every test sentence; the groups below count it in sentences and bytes.
    let tokenize_fast = || {
        sentences
            .iter()
            .map(|s| tokenizer.tokens(s).map(|t| t.ids.len()).unwrap_or(0))
            .sum::<usize>()
    };
    let featurize = || {
        sentences
            .iter()
            .map(|s| model.featurize(s).map(|v| v.len()).unwrap_or(0))
            .sum::<usize>()
    };
    let predict = || {
        sentences
            .iter()
            .filter(|s| model.predict(s).is_ok())
            .count()
    };

    let mut group = c.benchmark_group("sentences");
    group.throughput(Throughput::Elements(sentences.len() as u64));
    group.bench_function("tokenize (fast path)", |b| b.iter(tokenize_fast));
    group.bench_function("tokenize (tokenizers pipeline)", |b| {
        b.iter(|| {
            sentences
                .iter()
                .map(|s| tokenizer.tokens_slow(s).map(|t| t.ids.len()).unwrap_or(0))
                .sum::<usize>()
        })
    });
    group.bench_function("featurize (tokenize + tf-idf)", |b| b.iter(featurize));
    group.bench_function("predict (features + stance + topics)", |b| b.iter(predict));
    group.bench_function("score quote records end to end (to JSON Lines)", |b| {
        b.iter(|| score_records(&model, &sentences))
    });
    group.finish();

    let mut group = c.benchmark_group("bytes");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("tokenize (fast path)", |b| b.iter(tokenize_fast));
    group.bench_function("predict", |b| b.iter(predict));
    group.bench_function("featurize", |b| b.iter(featurize));
    group.finish();

    let mut group = c.benchmark_group("article");
    group.throughput(Throughput::Bytes(article.len() as u64));
    group.bench_function("extract", |b| b.iter(|| extract(black_box(&article)).len()));
    group.bench_function("score end to end", |b| {
        b.iter(|| {
            let inputs = QuoteInput::from_article("seed", black_box(&article));
            score_all(&model, inputs, &Default::default())
                .map(|q| q.len())
                .unwrap_or(0)
        })
    });
    group.finish();
}

/// Scores sentences as quote records and writes their JSON Lines, as `score --quotes` does on
/// one thread (without the file reading and the aggregation).
fn score_records(model: &StanceModel, sentences: &[String]) -> usize {
    let inputs: Vec<QuoteInput> = sentences
        .iter()
        .map(|text| QuoteInput::sentence(text.as_str(), Some("A Speaker")))
        .collect();
    let mut out = Vec::new();
    for q in score_all(model, inputs, &Default::default()).unwrap_or_default() {
        stance::output::jsonl::write_quote(&mut out, &q, "bench").expect("in memory");
    }
    out.len()
}

/// Extraction time must grow linearly with input size: the fixture articles and the seed,
/// concatenated up to 10 KB, 100 KB, 1 MB and 10 MB.
fn extract_scaling(c: &mut Criterion) {
    let mut corpus =
        std::fs::read_to_string(repo("data/articles/azerbaijan-us-partnership.txt")).expect("seed");
    let mut fixtures: Vec<_> = std::fs::read_dir(repo("tests/fixtures/articles"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    fixtures.sort();
    for path in fixtures {
        corpus.push_str("\n\n");
        corpus.push_str(&std::fs::read_to_string(path).expect("fixture"));
    }
    let mut group = c.benchmark_group("extract_scaling");
    group.sample_size(10);
    for size in [10_000, 100_000, 1_000_000, 10_000_000] {
        let mut text = String::with_capacity(size + corpus.len());
        while text.len() < size {
            text.push_str(&corpus);
            text.push_str("\n\n");
        }
        let cut = (0..=size)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("{} KB", size / 1000), |b| {
            b.iter(|| extract(black_box(&text)).len())
        });
    }
    group.finish();
}

/// Loading the shipped model: reading, parsing and building the lookup tables.
fn model_load(c: &mut Criterion) {
    let path = repo("models/fast.json");
    let mut group = c.benchmark_group("model");
    group.sample_size(20);
    group.bench_function("load", |b| {
        b.iter(|| {
            let model = StanceModel::load(&path).expect("shipped model");
            // The lookup tables are built on first use; one prediction includes them.
            model.predict("Growth will continue.").map(|p| p.label).ok()
        })
    });
    group.finish();
}

criterion_group!(benches, stages, extract_scaling, model_load);
criterion_main!(benches);
