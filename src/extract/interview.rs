//! Stage 6: Q&A interviews. Interview turns carry no quote marks, so they are recognised by
//! paragraph markers instead: "Q:"/"A:" ("Question:"/"Answer:") or a leading dash ("- ", "– ",
//! "— "). An interview starts at the first question ("Q:" or a dash paragraph asking something);
//! from then on turns alternate (see [`classify`]). Answers belong
//! to the interviewee, the most recent person named before the interview; questions are never
//! emitted. Runs before quote scanning so turns are not read as narrative.
//!
//! Broadcast transcripts label every turn with its speaker instead ("AMANPOUR: ...", "JO LEE,
//! MINISTER OF TRADE: ...", "Jo Lee: ..."). A labelled paragraph is an answer by the labelled
//! person unless that label mostly asks questions: then it is the host's, and a question.

use super::lexicon::{self, has};
use super::narrative::metadata_date;
use super::words::{clean, is_name_word, is_particle, lower};
use std::collections::HashMap;
use std::ops::Range;

/// The part a paragraph plays in an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Not part of an interview.
    None,
    Question,
    Answer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Question,
    Answer,
    Dash,
}

const MARKERS: &[(&str, Marker)] = &[
    ("Q:", Marker::Question),
    ("Q.", Marker::Question),
    ("Question:", Marker::Question),
    ("A:", Marker::Answer),
    ("Answer:", Marker::Answer),
    ("- ", Marker::Dash),
    ("– ", Marker::Dash),
    ("— ", Marker::Dash),
];

/// One paragraph's part in an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnSpan {
    pub turn: Turn,
    /// The paragraph's text without its marker or label.
    pub content: Range<usize>,
    /// The speaker label's name ("JO LEE" of "JO LEE, MINISTER:"), if the paragraph has one.
    pub label: Option<Range<usize>>,
}

/// The turn of each paragraph and its text without the marker.
pub fn turns(text: &str, paragraphs: &[Range<usize>]) -> Vec<TurnSpan> {
    let labels: Vec<Option<(Range<usize>, usize)>> = paragraphs
        .iter()
        .map(|p| {
            speaker_label(&text[p.clone()])
                .map(|(name, end)| (p.start + name.start..p.start + name.end, p.start + end))
        })
        .collect();
    let hosts = hosts(text, paragraphs, &labels);
    let mut last = Turn::None;
    let mut announced = false;
    let mut labelled_before = false;
    let mut last_labelled = false;
    let mut out = Vec::with_capacity(paragraphs.len());
    for (para, label) in paragraphs.iter().zip(labels) {
        let slice = &text[para.clone()];
        let found = MARKERS.iter().find(|(m, _)| slice.starts_with(m));
        let glued_dash = found.is_none()
            && slice.starts_with('-')
            && slice[1..].chars().next().is_some_and(char::is_uppercase);
        let body_start = match (&label, found) {
            (Some((_, end)), _) => *end,
            (None, Some((m, _))) => para.start + m.len(),
            (None, None) => para.start + usize::from(glued_dash),
        };
        let marker = found
            .map(|(_, m)| *m)
            .or(glued_dash.then_some(Marker::Dash));
        let body = &text[body_start..para.end];
        let lead = body.len() - body.trim_start().len();
        let content = body_start + lead..para.end;
        let turn = match &label {
            Some((name, _)) if hosts.contains(&label_key(&text[name.clone()])) => Turn::Question,
            Some(_) => Turn::Answer,
            // In a transcript an unlabelled paragraph goes on with the turn before it, unless
            // it asks (an unlabelled question); a quote or a header ending in a colon leaves the
            // transcript.
            None if labelled_before => {
                let leaves =
                    body.starts_with(['“', '"', '«', '‘']) || body.trim_end().ends_with(':');
                if leaves {
                    labelled_before = false;
                    Turn::None
                } else if body.trim_end_matches(['”', '"', ' ']).ends_with('?') {
                    Turn::Question
                } else if last == Turn::Question && !last_labelled {
                    // An unlabelled question is answered by the next paragraph.
                    Turn::Answer
                } else {
                    last
                }
            }
            None => classify(marker, body, last, announced),
        };
        labelled_before |= label.is_some();
        last_labelled = label.is_some();
        announced |= turn == Turn::None && announces_interview(body);
        last = turn;
        let content = if turn == Turn::None {
            para.clone()
        } else {
            content
        };
        let label = label.filter(|_| turn != Turn::None).map(|(name, _)| name);
        out.push(TurnSpan {
            turn,
            content,
            label,
        });
    }
    out
}

/// Keys of the labels that mostly ask: the host's.
fn hosts(
    text: &str,
    paragraphs: &[Range<usize>],
    labels: &[Option<(Range<usize>, usize)>],
) -> Vec<String> {
    let mut votes: HashMap<String, (usize, usize)> = HashMap::new();
    let mut titled = Vec::new();
    for (para, label) in paragraphs.iter().zip(labels) {
        if let Some((name, end)) = label {
            let key = label_key(&text[name.clone()]);
            // "JO LEE, HOST:": a label that says it is the host's is, whatever it asks.
            let title = text[name.end..*end].to_lowercase();
            if HOST_TITLES.iter().any(|t| title.contains(t)) {
                titled.push(key.clone());
            }
            let v = votes.entry(key).or_default();
            v.0 += 1;
            v.1 += usize::from(text[*end..para.end].contains('?'));
        }
    }
    let mut out: Vec<String> = votes
        .into_iter()
        .filter(|(k, (n, asks))| asks * 2 > *n || titled.contains(k))
        .map(|(k, _)| k)
        .collect();
    out.sort();
    out
}

/// Titles in a transcript label that mark the host.
const HOST_TITLES: &[&str] = &["host", "anchor", "moderator", "interviewer", "presenter"];

/// The surname of a label, lowercase: "AMANPOUR" and "CHRISTIANE AMANPOUR" are one host.
fn label_key(name: &str) -> String {
    lower(
        name.split_whitespace()
            .last()
            .unwrap_or(name)
            .trim_matches('.'),
    )
}

/// A transcript speaker label at the start of a paragraph: the name part's range and the byte
/// just past the colon. "KULEBA:", "AMB. LAMBRINIDIS:", "JO LEE, MINISTER OF TRADE:", and a
/// name of two or more capitalised words ("Jean Roe:"). Place names, single capitalised words
/// ("Source:", "Interview:") and sentences are not labels.
pub fn speaker_label(paragraph: &str) -> Option<(Range<usize>, usize)> {
    let skip = metadata_date(paragraph).map_or(0, |n| {
        n + paragraph[n..].len() - paragraph[n..].trim_start().len()
    });
    let (name, end) = bare_label(&paragraph[skip..])?;
    Some((name.start + skip..name.end + skip, end + skip))
}

/// Capitalised kickers of headlines that look like transcript labels ("EXCLUSIVE: ...").
fn is_kicker(word: &str) -> bool {
    const KICKERS: &[&str] = &[
        "exclusive",
        "breaking",
        "update",
        "updated",
        "watch",
        "video",
        "opinion",
        "analysis",
        "editorial",
        "interview",
        "photos",
        "live",
        "explainer",
        "comment",
        "review",
        "source",
        "note",
        "editor",
        "correction",
        "read",
        "also",
        "related",
        "tags",
        "q",
        "a",
    ];
    KICKERS.contains(&lower(word.trim_end_matches('.')).as_str())
}

/// [`speaker_label`] on a paragraph that starts with the label.
fn bare_label(paragraph: &str) -> Option<(Range<usize>, usize)> {
    const MAX_LABEL: usize = 90;
    const MAX_NAME_WORDS: usize = 6;
    let colon = paragraph.find(':').filter(|&c| c <= MAX_LABEL)?;
    if paragraph[colon + 1..].trim().is_empty() {
        return None;
    }
    let head = &paragraph[..colon];
    let name_end = head.find(',').unwrap_or(head.len());
    let name = head[..name_end].trim_end();
    let words: Vec<&str> = name.split_whitespace().collect();
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if words.is_empty() || words.len() > MAX_NAME_WORDS || letters < 2 {
        return None;
    }
    let shouted =
        |w: &&str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
    let all_caps = words.iter().all(shouted);
    let capitalised = words.iter().all(|w| is_name_word(w) || is_particle(w));
    let rest_ok = head[name_end..]
        .split_whitespace()
        .all(|w| shouted(&w) || matches!(w, "of" | "for" | "and" | "the" | "at" | ","));
    let bare: Vec<&str> = words.iter().map(|w| clean(w)).collect();
    let places = lexicon::is_place_name(&bare);
    let nobody = words
        .iter()
        .any(|w| has(lexicon::NOBODY_NOUNS, &lower(clean(w))));
    let single_plain = words.len() == 1 && (!all_caps || is_kicker(words[0]));
    let ok = (all_caps || capitalised) && rest_ok && !places && !nobody && !single_plain;
    let start = name.len() - name.trim_start().len();
    ok.then_some((start..name.len(), colon + 1))
}

/// Lowercase phrases of an introduction that announces an interview ("presents an interview
/// with", "spoke with"); capitalised "Interview" in site navigation does not count.
const ANNOUNCEMENTS: &[&str] = &[
    "interview",
    "spoke with",
    "spoke to",
    "talked to",
    "talked with",
    "talked about",
    "have talked",
    "conversation with",
    "sat down with",
    "in conversation",
];

/// True if a narrative paragraph announces an interview, so that an unmarked paragraph ending
/// in "?" after it starts one.
fn announces_interview(body: &str) -> bool {
    ANNOUNCEMENTS.iter().any(|a| body.contains(a))
}

/// The turn of one paragraph from its marker, its text and the previous paragraph's turn. Turns
/// alternate: after a question comes an answer even if it asks something back; after an answer a
/// dash paragraph with a question mark (it may add a remark after the question) is a question.
/// Without markers, an interview starts at a paragraph ending in "?" once one was `announced`,
/// and a paragraph after an answer is a question if its first or last sentence asks.
fn classify(marker: Option<Marker>, body: &str, last: Turn, announced: bool) -> Turn {
    let asks = body.contains('?');
    let ends_asking = body.trim_end_matches(['”', '"', '»', ' ']).ends_with('?');
    let opens_asking = body.chars().find(|c| matches!(c, '.' | '!' | '?')) == Some('?');
    match (marker, last) {
        (Some(Marker::Question), _) => Turn::Question,
        (Some(Marker::Answer), _) => Turn::Answer,
        (_, Turn::Question) => Turn::Answer,
        (Some(Marker::Dash), _) if asks => Turn::Question,
        (None, Turn::Answer) if ends_asking || opens_asking => Turn::Question,
        (None, Turn::None) if ends_asking && announced => Turn::Question,
        (_, Turn::Answer) => Turn::Answer,
        _ => Turn::None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::paragraphs::paragraphs;
    use super::*;

    fn roles(text: &str) -> Vec<(Turn, &str)> {
        turns(text, &paragraphs(text))
            .into_iter()
            .map(|t| (t.turn, &text[t.content]))
            .collect()
    }

    #[test]
    fn transcript_labels() {
        let text = "Intro.\nJO LEE: Will it last?\nANN ROE, MINISTER OF TRADE: It will.\n\
                    More of it.\nLEE: And prices?\nROE: Lower.\nSource: Wire";
        assert_eq!(
            roles(text),
            vec![
                (Turn::None, "Intro."),
                (Turn::Question, "Will it last?"),
                (Turn::Answer, "It will."),
                (Turn::Answer, "More of it."),
                (Turn::Question, "And prices?"),
                (Turn::Answer, "Lower."),
                (Turn::Answer, "Source: Wire")
            ]
        );
        assert_eq!(speaker_label("AMB. ROE: Yes."), Some((0..8, 9)));
        assert_eq!(speaker_label("Jean Roe: Yes."), Some((0..8, 9)));
        assert_eq!(speaker_label("Source: Wire"), None);
        assert_eq!(speaker_label("South Sea: a story"), None);
        assert_eq!(speaker_label("He said: yes."), None);
        assert_eq!(speaker_label("Q: Why?"), None);
        assert_eq!(speaker_label("EXCLUSIVE: Ports reopen, says Jo Lee"), None);
    }

    #[test]
    fn dash_glued_to_the_question() {
        let text = "We spoke with Jo Lee.\n-What now?\n- We wait.";
        assert_eq!(
            roles(text),
            vec![
                (Turn::None, "We spoke with Jo Lee."),
                (Turn::Question, "What now?"),
                (Turn::Answer, "We wait.")
            ]
        );
    }

    #[test]
    fn q_and_a_markers() {
        let text = "Intro.\nQ: Why?\nA: Because.\nMore of it.";
        assert_eq!(
            roles(text),
            vec![
                (Turn::None, "Intro."),
                (Turn::Question, "Why?"),
                (Turn::Answer, "Because."),
                (Turn::Answer, "More of it.")
            ]
        );
    }

    #[test]
    fn dash_markers() {
        let text = "- A list item\n- What now?\n- We wait.";
        assert_eq!(
            roles(text),
            vec![
                (Turn::None, "- A list item"),
                (Turn::Question, "What now?"),
                (Turn::Answer, "We wait.")
            ]
        );
    }

    #[test]
    fn unmarked_questions_after_an_announcement() {
        let text = "Is it? No.\nWe spoke with Jo Lee.\nWhy now?\nRates fell.\nMore.\n\
                    And jobs? Few.\nYes. Why not?\nSo?\nNo.";
        let got: Vec<Turn> = roles(text).into_iter().map(|(t, _)| t).collect();
        use Turn::{Answer, None, Question};
        let want = [
            None, None, Question, Answer, Answer, Question, Answer, Question, Answer,
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn question_with_a_remark_and_answer_with_a_question() {
        let text = "- Why now? Rates fell.\n- Why not? They fell.\n- And next? Or later?\n- Soon.";
        let got: Vec<Turn> = roles(text).into_iter().map(|(t, _)| t).collect();
        use Turn::{Answer, Question};
        assert_eq!(got, vec![Question, Answer, Question, Answer]);
    }
}
