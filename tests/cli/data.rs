//! `data check` on files in other shapes than the annotated corpus: a plain `text,label` file is
//! checked for what applies to it, and the report names what was not checked.

use crate::util::stance;

/// Standard output and exit code of `data check` on `files`.
fn check(files: &[&std::path::Path]) -> (i32, String) {
    let out = stance()
        .args(["data", "check"])
        .args(files)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

const LONG_A: &str =
    "The new corridor will bring lasting benefits to every country along its route.";
const LONG_B: &str =
    "Sanctions remain a serious obstacle for investors who want to enter the market quickly.";

#[test]
fn data_check_passes_a_clean_plain_text_label_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.csv");
    std::fs::write(
        &path,
        format!("text,label\n\"{LONG_A}\",optimistic\n\"{LONG_B}\",cautionary\n"),
    )
    .unwrap();
    let (code, out) = check(&[&path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok: no problems"), "{out}");
    assert!(
        out.contains("not checked: id, speaker, topics, kind"),
        "{out}"
    );
}

#[test]
fn data_check_finds_what_applies_to_a_plain_file_and_skips_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("public.jsonl");
    let lines = [
        serde_json::json!({"text": LONG_A, "label": "positive"}),
        serde_json::json!({"text": "Too short.", "label": "negative"}),
        serde_json::json!({"text": LONG_A, "label": "positive"}),
        serde_json::json!({"text": LONG_B, "label": ""}),
    ];
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    let (code, out) = check(&[&path]);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "public.jsonl:2: 2 words; sentences must have 10 to 60",
        "public.jsonl:3: duplicate of",
        "public.jsonl:4: empty label",
        "not checked: id, speaker, topics, kind",
        "labels are the file's own",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in {out}");
    }
    for unexpected in [
        "missing id",
        "missing speaker",
        "missing topics",
        "is not one of",
    ] {
        assert!(!out.contains(unexpected), "{unexpected:?} in {out}");
    }
}
