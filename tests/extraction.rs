//! Extraction quality, pinned: every fixture article (written for this project, one or more
//! patterns of `../shared/guide/article-formats.md` each) must reach F1 >= 0.99 on
//! (speaker, sentence) pairs against its gold file, and the seed article must come out exactly.

use stance::aliases::{Aliases, SpeakerIndex};
use stance::extract::extract;
use stance::gold::{read_gold, ExtractionScore};
use std::path::{Path, PathBuf};

/// Every fixture is at F1 1.000 (`cargo run --release -- extract --format table
/// tests/fixtures/articles/*.txt --gold tests/fixtures/gold/*.jsonl`); the floor leaves a small
/// margin below that, so a single lost or extra pair in any fixture fails.
const MIN_F1: f64 = 0.99;

fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut articles: Vec<PathBuf> = std::fs::read_dir(root.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    articles.sort();
    articles
        .into_iter()
        .map(|a| {
            let gold = root
                .join("gold")
                .join(a.file_stem().unwrap())
                .with_extension("jsonl");
            (a, gold)
        })
        .collect()
}

#[test]
fn every_fixture_reaches_the_f1_floor_with_exact_spans() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 15, "expected at least 15 fixtures");
    let mut failures = Vec::new();
    for (article, gold) in &fixtures {
        let text = std::fs::read_to_string(article).unwrap();
        let extracted = extract(&text);
        for e in &extracted {
            assert_eq!(&text[e.span.clone()], e.text, "{}: span", article.display());
        }
        let score = ExtractionScore::new(&read_gold(gold).unwrap(), &extracted);
        if score.f1 < MIN_F1 {
            failures.push(format!(
                "{}: F1 {:.3} (P {:?}, R {:?})",
                article.display(),
                score.f1,
                score.precision,
                score.recall
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "below F1 {MIN_F1}:\n{}",
        failures.join("\n")
    );
}

#[test]
fn gold_files_quote_their_articles_verbatim() {
    for (article, gold) in fixtures() {
        let text = std::fs::read_to_string(&article).unwrap();
        for g in read_gold(&gold).unwrap() {
            assert!(
                text.contains(&g.text),
                "{}: {:?} is not in the article",
                gold.display(),
                g.text
            );
        }
    }
}

#[test]
fn spelling_variants_across_fixtures_are_one_expert() {
    let mut names = Vec::new();
    for (_, gold) in fixtures() {
        names.extend(read_gold(&gold).unwrap().into_iter().map(|g| g.speaker));
    }
    let index = SpeakerIndex::build(names.iter().map(String::as_str), &Aliases::default());
    let same = |a: &str, b: &str| index.canonical(a) == index.canonical(b);
    assert!(same("Samir Huseynzade", "Samir Guseinzade"));
    assert!(same("Anahit Grigoryan", "Anahit Grigorian"));
    let mut distinct: Vec<&str> = names.iter().map(String::as_str).collect();
    distinct.sort();
    distinct.dedup();
    let mut canonical: Vec<&str> = distinct.iter().map(|n| index.canonical(n)).collect();
    canonical.sort();
    canonical.dedup();
    assert_eq!(
        canonical.len(),
        distinct.len() - 2,
        "only the two known pairs merge"
    );
}
