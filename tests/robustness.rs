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

/// Text pieces that JSON must escape or that readers trip on: quotes, backslashes, control
/// characters, line and paragraph separators, a byte-order mark, non-BMP characters, combining
/// marks, right-to-left text, escape-like sequences and JSON-like text.
const HOSTILE: &[&str] = &[
    "\"",
    "\\",
    "\\\"",
    "\\n",
    "\\u0000",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1}",
    "\u{1f}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{200b}",
    "\u{fffd}",
    "😀",
    "𝔘",
    "e\u{301}",
    "שלום",
    "“quoted”",
    "{\"text\": \"x\"}",
    "}\n{",
    " ",
    "word",
    "Growth will come.",
];

/// Adversarial text: hostile pieces or arbitrary strings.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::collection::vec(prop::sample::select(HOSTILE), 0..40).prop_map(|p| p.concat()),
        1 => any::<String>(),
    ]
}

/// Adversarial text, now and then a very long run of one hostile piece (up to about 100 KB).
fn hostile_sentence() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => hostile_text(),
        1 => (prop::sample::select(HOSTILE), 1000usize..20_000).prop_map(|(p, n)| p.repeat(n)),
    ]
}

/// One record as written: the fields read specially, then extra fields.
#[derive(Debug, Clone)]
struct JsonRecord {
    text: String,
    id: Option<serde_json::Value>,
    speaker: Option<String>,
    label: Option<String>,
    topics: Option<Vec<String>>,
    extra: Vec<(String, serde_json::Value)>,
}

impl JsonRecord {
    /// The JSON object, fields in writing order.
    fn object(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        for (key, value) in &self.extra {
            m.insert(key.clone(), value.clone());
        }
        m.insert("text".into(), self.text.clone().into());
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone());
        }
        if let Some(s) = &self.speaker {
            m.insert("speaker".into(), s.clone().into());
        }
        if let Some(l) = &self.label {
            m.insert("label".into(), l.clone().into());
        }
        if let Some(t) = &self.topics {
            m.insert("topics".into(), t.clone().into());
        }
        m
    }
}

fn json_record() -> impl Strategy<Value = JsonRecord> {
    let id = prop_oneof![
        Just(None),
        hostile_text().prop_map(|s| Some(serde_json::Value::String(s))),
        any::<i64>().prop_map(|n| Some(serde_json::Value::from(n))),
    ];
    let extra_value = prop_oneof![
        hostile_text().prop_map(serde_json::Value::from),
        // Numbers that print and parse exactly (eighths).
        any::<i32>().prop_map(|n| serde_json::Value::from(f64::from(n) / 8.0)),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        prop::collection::vec(hostile_text(), 0..3).prop_map(serde_json::Value::from),
    ];
    // Extra field names may be anything but the names the reader gives a meaning to.
    let extra = prop::collection::vec((hostile_text(), extra_value), 0..4).prop_map(|fields| {
        fields
            .into_iter()
            .map(|(k, v)| (format!("x{k}"), v))
            .collect()
    });
    (
        hostile_sentence(),
        id,
        prop::option::of(hostile_text()),
        prop::option::of(hostile_text()),
        prop::option::of(prop::collection::vec(hostile_text(), 0..3)),
        extra,
    )
        .prop_map(|(text, id, speaker, label, topics, extra)| JsonRecord {
            text,
            id,
            speaker,
            label,
            topics,
            extra,
        })
}

/// The JSON Lines file of `records` (serialised by serde_json), with a blank line before record
/// `i` where `blank[i]`, and CRLF line ends when `crlf`; also the line each record is on.
fn jsonl_file(records: &[JsonRecord], blank: &[bool], crlf: bool) -> (String, Vec<usize>) {
    let end = if crlf { "\r\n" } else { "\n" };
    let (mut text, mut lines, mut line) = (String::new(), Vec::new(), 0);
    for (i, r) in records.iter().enumerate() {
        if blank[i] {
            text.push_str(end);
            line += 1;
        }
        let json = serde_json::to_string(&r.object()).unwrap();
        assert!(!json.contains('\n'), "serde_json escapes newlines");
        text.push_str(&json);
        text.push_str(end);
        line += 1;
        lines.push(line);
    }
    (text, lines)
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
        if let Err(e) = read_jsonl(text.as_bytes(), Path::new("p.jsonl"), &ReadOptions::default()) {
            prop_assert!(e.to_string().starts_with("p.jsonl:"), "{}", e);
        }
    }

    #[test]
    fn jsonl_reader_reads_valid_records_back_exactly(
        records in prop::collection::vec(json_record(), 1..6),
        blank in prop::collection::vec(any::<bool>(), 6),
        crlf in any::<bool>(),
    ) {
        let (text, lines) = jsonl_file(&records, &blank, crlf);
        let read = read_jsonl(text.as_bytes(), Path::new("p.jsonl"), &ReadOptions::default());
        if records.iter().any(|r| r.text.trim().is_empty()) {
            // A blank sentence is refused, with the line of the first one.
            let first = records.iter().position(|r| r.text.trim().is_empty()).unwrap();
            let err = read.unwrap_err().to_string();
            let expected = format!("p.jsonl:{}: field \"text\" is empty", lines[first]);
            prop_assert!(err.starts_with(&expected), "{} vs {}", err, expected);
        } else {
            let read = read.unwrap();
            prop_assert_eq!(read.len(), records.len());
            for ((got, want), line) in read.iter().zip(&records).zip(&lines) {
                prop_assert_eq!(&got.text, &want.text);
                prop_assert_eq!(got.line, *line);
                prop_assert_eq!(&got.label, &want.label);
                prop_assert_eq!(&got.topics, &want.topics);
                prop_assert_eq!(&got.id, &want.id.as_ref().map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }));
                let speaker = want.speaker.clone().filter(|s| !s.trim().is_empty());
                prop_assert_eq!(&got.speaker, &speaker);
                prop_assert_eq!(&got.fields, &want.object());
            }
        }
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
