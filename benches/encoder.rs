//! Throughput of the sentence encoder and of scoring with the default (encoder + n-gram) model,
//! on the sentences of our test split and, when `../shared/realdev` is there, on the real
//! sentences of realdev (29 word pieces on average; read at run time, never stored here).
//! Inputs are built outside the timed closures. Run with `cargo bench --bench encoder`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stance::features::encoder::Encoder;
use stance::model::StanceModel;
use stance::score::{score_all, QuoteInput};
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The `text` field of every line of a JSON Lines file.
fn texts(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("readable")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("valid JSON");
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

fn sets() -> Vec<(&'static str, Vec<String>)> {
    let mut sets = vec![("test split", texts(&repo("data/corpus/test.jsonl")))];
    let realdev = repo("../shared/realdev/gold.jsonl");
    if realdev.is_file() {
        sets.push(("realdev", texts(&realdev)));
    } else {
        eprintln!("benches/encoder: ../shared/realdev is absent; benching the test split only");
    }
    sets
}

fn encoder(c: &mut Criterion) {
    let encoder = Encoder::load(&repo("models/all-MiniLM-L6-v2"), "all-MiniLM-L6-v2")
        .expect("shipped encoder");
    let model = StanceModel::load(&repo("models/default.json")).expect("shipped default model");
    let mut group = c.benchmark_group("encoder");
    group.sample_size(10);
    for (name, sentences) in sets() {
        let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
        let pieces: usize = encoder
            .token_ids(&refs)
            .expect("tokens")
            .iter()
            .map(Vec::len)
            .sum();
        eprintln!(
            "benches/encoder: {name}: {} sentences, {:.1} word pieces each",
            refs.len(),
            pieces as f64 / refs.len() as f64
        );
        let inputs: Vec<QuoteInput> = sentences
            .iter()
            .map(|text| QuoteInput::sentence(text.as_str(), Some("A Speaker")))
            .collect();
        group.throughput(Throughput::Elements(refs.len() as u64));
        group.bench_function(BenchmarkId::new("embed", name), |b| {
            b.iter(|| encoder.embed(&refs).expect("embeds"))
        });
        group.bench_function(BenchmarkId::new("score (default model)", name), |b| {
            b.iter_batched(
                || inputs.clone(),
                |inputs| score_all(&model, inputs, &Default::default()).expect("scores"),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, encoder);
criterion_main!(benches);
