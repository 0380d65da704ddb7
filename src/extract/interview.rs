//! Stage 6: Q&A interviews. Interview turns carry no quote marks, so they are recognised by
//! paragraph markers instead: "Q:"/"A:" ("Question:"/"Answer:") or a leading dash ("- ", "– ",
//! "— "). An interview starts at the first question ("Q:" or a dash paragraph ending in "?");
//! from then on dash or unmarked paragraphs are answers unless they end in "?". Answers belong
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
    let mut in_interview = false;
    let mut out = Vec::with_capacity(paragraphs.len());
    for para in paragraphs {
        let slice = &text[para.clone()];
        let found = MARKERS.iter().find(|(m, _)| slice.starts_with(m));
        let body_start = para.start + found.map_or(0, |(m, _)| m.len());
        let body = &text[body_start..para.end];
        let lead = body.len() - body.trim_start().len();
        let content = body_start + lead..para.end;
        let question = body.trim_end_matches(['”', '"', '»', ' ']).ends_with('?');
        let turn = match found.map(|(_, m)| *m) {
            Some(Marker::Question) => Turn::Question,
            Some(Marker::Answer) => Turn::Answer,
            Some(Marker::Dash) | None if question && (in_interview || found.is_some()) => {
                Turn::Question
            }
            Some(Marker::Dash) | None if in_interview => Turn::Answer,
            _ => Turn::None,
        };
        in_interview |= turn != Turn::None;
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
}
