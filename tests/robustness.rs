//! Arbitrary and adversarial input never panics: the extractor, the readers and the scorer.
//! Every extracted span lies inside the article, on character boundaries, and equals its text.

use proptest::prelude::*;
use stance::data::{read_csv, read_jsonl, ReadOptions};
use stance::extract::{extract, split_sentences};
use stance::lexicon::Lexicon;
use stance::model::StanceModel;
use stance::train::{Example, TrainParams};
use std::path::Path;
use std::sync::OnceLock;

/// Pieces that stress quote pairing, attribution and sentence splitting.
const PIECES: &[&str] = &[
    "“",
    "”",
    "\"",
    "'",
    "‘",
    "’",
    "«",
    "»",
    "\n",
    "\n\n",
    " ",
    ". ",
    ", ",
    "?",
    "- ",
    "— ",
    "U.S.",
    "Co. (USA)",
    "Dr.",
    "J. R.",
    "2.5",
    "said",
    "noted that",
    "he",
    "She",
    "the analyst",
    "According to him,",
    "Anna Lee",
    "Kyle Inan",
    "Inan concluded.",
    "the statement read.",
    "Q:",
    "A:",
    "\u{0}",
    "\u{7}",
    "\t",
    "é",
    "😀",
    "ＡＢ",
    "(MENAFN- Trend)",
    "[should]",
    "(... - ed.)",
    "will grow",
    "risks remain",
];

fn adversarial() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..120).prop_map(|p| p.concat())
}

fn check_spans(text: &str) {
    for e in extract(text) {
        assert!(e.span.start <= e.span.end && e.span.end <= text.len());
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        assert_eq!(&text[e.span.clone()], e.text);
    }
    for r in split_sentences(text) {
        assert!(
            r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
        );
    }
}

fn tiny_model() -> &'static StanceModel {
    static MODEL: OnceLock<StanceModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let examples: Vec<Example> = (0..6)
            .flat_map(|i| {
                [
                    ("growth will bring benefits", "optimistic"),
                    ("risks remain serious", "cautionary"),
                    ("talks were held", "neutral"),
                ]
                .map(|(t, l)| Example {
                    text: format!("{t} {i}"),
                    label: l.into(),
                    topics: Some(vec![]),
                })
            })
            .collect();
        let params = TrainParams {
            cv_folds: 0,
            ..TrainParams::default()
        };
        params
            .validate()
            .unwrap()
            .fit(&examples, &Lexicon::builtin())
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn extract_never_panics_on_adversarial_text(text in adversarial()) {
        check_spans(&text);
    }

    #[test]
    fn extract_never_panics_on_any_string(text in any::<String>()) {
        check_spans(&text);
    }

    #[test]
    fn jsonl_reader_never_panics(lines in prop::collection::vec(any::<String>(), 0..8)) {
        let text = lines.join("\n");
        let _ = read_jsonl(text.as_bytes(), Path::new("p.jsonl"), &ReadOptions::default());
    }

    #[test]
    fn jsonl_reader_never_panics_on_raw_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200), lossy in any::<bool>()) {
        let opts = ReadOptions { lossy, ..ReadOptions::default() };
        let _ = read_jsonl(bytes.as_slice(), Path::new("p.jsonl"), &opts);
    }

    #[test]
    fn csv_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = read_csv(bytes.as_slice(), Path::new("p.csv"), &ReadOptions::default());
    }

    #[test]
    fn scorer_never_panics_and_gives_probabilities(text in adversarial()) {
        let p = tiny_model().predict(&text).unwrap();
        prop_assert!((p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}

#[test]
fn one_megabyte_without_a_newline() {
    let text = "“He said ‘yes. U.S. Co. (USA) noted that ".repeat(25_000);
    assert!(text.len() > 1_000_000);
    check_spans(&text);
}
