//! Stage 6: Q&A interviews. Interview turns carry no quote marks, so they are recognised by
//! paragraph markers instead: "Q:"/"A:" ("Question:"/"Answer:") or a leading dash ("- ", "– ",
//! "— "). An interview starts at the first question ("Q:" or a dash paragraph asking something);
//! from then on turns alternate (see [`classify`]). Answers belong
//! to the interviewee, the most recent person named before the interview; questions are never
//! emitted. Runs before quote scanning so turns are not read as narrative.

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

/// The turn of each paragraph and its text without the marker.
pub fn turns(text: &str, paragraphs: &[Range<usize>]) -> Vec<(Turn, Range<usize>)> {
    let mut last = Turn::None;
    let mut announced = false;
    let mut out = Vec::with_capacity(paragraphs.len());
    for para in paragraphs {
        let slice = &text[para.clone()];
        let found = MARKERS.iter().find(|(m, _)| slice.starts_with(m));
        let body_start = para.start + found.map_or(0, |(m, _)| m.len());
        let body = &text[body_start..para.end];
        let lead = body.len() - body.trim_start().len();
        let content = body_start + lead..para.end;
        let turn = classify(found.map(|(_, m)| *m), body, last, announced);
        announced |= turn == Turn::None && announces_interview(body);
        last = turn;
        out.push((
            turn,
            if turn == Turn::None {
                para.clone()
            } else {
                content
            },
        ));
    }
    out
}

/// Lowercase phrases of an introduction that announces an interview ("presents an interview
/// with", "spoke with"); capitalised "Interview" in site navigation does not count.
const ANNOUNCEMENTS: &[&str] = &[
    "interview",
    "spoke with",
    "spoke to",
    "talked to",
    "talked with",
    "conversation with",
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
            .map(|(t, r)| (t, &text[r]))
            .collect()
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
