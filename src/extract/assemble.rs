//! Stage 7: walk narrative sentences, quote blocks and interview turns in article order, resolve
//! every attribution against the speaker registry as it stands at that point (so "the analyst"
//! means the person named most recently before it) and emit one unit per attributed sentence.
//! The rules that carry state from one event to the next live in `walk`.

use super::interview::{Turn, TurnSpan};
use super::narrative::dateline_prefix;
use super::quotes::{Block, Scan};
use super::sentences::split_sentences;
use super::speakers::Mention;
use super::walk::{Unit, Walker};
use super::words::trim_marks;
use super::Extracted;
use std::ops::Range;

enum Event {
    Sentence(Range<usize>),
    Block(usize),
    Turn(usize),
}

/// Everything the earlier stages found, ready to be walked.
pub struct Stages<'a> {
    pub text: &'a str,
    pub paragraphs: &'a [Range<usize>],
    pub turns: &'a [TurnSpan],
    pub scan: &'a Scan,
    pub attributions: &'a [Option<Mention>],
    /// Names that photo captions give; known to the registry before the walk starts.
    pub captions: &'a [&'a str],
}

/// Emits every attributed sentence in article order with canonical speaker names.
pub fn assemble(stages: &Stages) -> Vec<Extracted> {
    let text = stages.text;
    let mut walker = Walker::new(text, stages.paragraphs);
    walker.speakers.register_quietly(stages.captions);
    for event in events(stages) {
        match event {
            Event::Sentence(range) => walker.sentence(range),
            Event::Block(b) => {
                let Some(block) = stages.scan.blocks.get(b) else {
                    continue;
                };
                let attribution = stages.attributions.get(b).and_then(Option::as_ref);
                let named_before = match (attribution, block.before) {
                    (None, Some(n)) => stages
                        .scan
                        .narrative
                        .get(n)
                        .and_then(|r| last_sentence(text, r.clone()))
                        .and_then(|s| walker.speakers.mentioned(s)),
                    _ => None,
                };
                let spans = block_sentences(text, block);
                let runs_on = block.runs_on(text);
                walker.block(block.open, spans, attribution, named_before, runs_on);
            }
            Event::Turn(i) => {
                let t = &stages.turns[i];
                let label = t.label.clone().and_then(|r| text.get(r));
                walker.turn(t.turn, label, sentences_in(text, t.content.clone()));
            }
        }
    }
    let Walker {
        speakers, units, ..
    } = walker;
    let mut units: Vec<Unit> = units.into_iter().filter(|u| u.id.is_some()).collect();
    units.sort_by_key(|u| u.span.start);
    units
        .into_iter()
        .filter_map(|u| {
            Some(Extracted {
                speaker: speakers.name(u.id?).to_string(),
                text: text.get(u.span.clone())?.to_string(),
                span: u.span,
                kind: u.kind,
                confidence: u.basis.confidence(),
            })
        })
        .collect()
}

/// The last sentence of a narrative piece.
fn last_sentence(text: &str, range: Range<usize>) -> Option<&str> {
    let slice = text.get(range)?;
    let last = split_sentences(slice).pop()?;
    slice.get(last)
}

/// All events sorted by their start offset.
fn events(stages: &Stages) -> Vec<Event> {
    let text = stages.text;
    let mut events: Vec<(usize, Event)> = Vec::new();
    for piece in &stages.scan.narrative {
        for s in sentences_in(text, piece.clone()) {
            events.push((s.start, Event::Sentence(s)));
        }
    }
    for (i, block) in stages.scan.blocks.iter().enumerate() {
        events.push((block.open, Event::Block(i)));
    }
    for (i, t) in stages.turns.iter().enumerate() {
        if t.turn != Turn::None {
            events.push((t.content.start, Event::Turn(i)));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    events.into_iter().map(|(_, e)| e).collect()
}

/// Sentences of `range`, as article spans trimmed of quote marks and glued datelines; empty
/// ones dropped.
fn sentences_in(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let Some(slice) = text.get(range.clone()) else {
        return Vec::new();
    };
    split_sentences(slice)
        .into_iter()
        .filter(|s| {
            // "(Port news)": a link or tag in brackets is nobody's sentence.
            let t = &slice[s.clone()];
            !(t.starts_with('(') && t.ends_with(')'))
        })
        .filter_map(|s| {
            let skip = dateline_prefix(&slice[s.clone()]);
            trim_marks(text, range.start + s.start + skip..range.start + s.end)
        })
        .collect()
}

/// Sentences of a quote block; the last loses the comma that stands for its full stop.
fn block_sentences(text: &str, block: &Block) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = block
        .parts
        .iter()
        .flat_map(|p| sentences_in(text, p.clone()))
        .collect();
    if let Some(last) = out.pop() {
        let trimmed = text[last.clone()].trim_end_matches([',', ' ', '\t']).len();
        if let Some(r) = trim_marks(text, last.start..last.start + trimmed) {
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::patterns::{run, unit};
    use super::super::QuoteKind;
    use QuoteKind::{Answer, Direct, Reported};

    #[test]
    fn straight_quotes_with_said_tail() {
        let article = "Prices rose in May.\n\"Prices will rise. Wages will not,\" said Mary Poe. The bank disagreed.";
        assert_eq!(
            run(article),
            vec![
                unit("Mary Poe", Direct, "Prices will rise."),
                unit("Mary Poe", Direct, "Wages will not")
            ]
        );
    }

    #[test]
    fn leading_attribution_and_back_to_back_quotes() {
        let article = "Tom Reed said: \"The port is ready.\"\n\
                       “Trains come next,” he told reporters. “Ships follow.”";
        assert_eq!(
            run(article),
            vec![
                unit("Tom Reed", Direct, "The port is ready."),
                unit("Tom Reed", Direct, "Trains come next"),
                unit("Tom Reed", Direct, "Ships follow.")
            ]
        );
    }

    #[test]
    fn institutions_are_nobody() {
        let article = "Ann Bell noted that talks went well.\n\
                       “We welcome the talks,” the Foreign Ministry said.\n\
                       Observers said that the mood was calm. The ministry reported that trade grew.";
        assert_eq!(
            run(article),
            vec![unit(
                "Ann Bell",
                Reported,
                "Ann Bell noted that talks went well."
            )]
        );
    }

    #[test]
    fn role_nouns_and_pronouns_resolve_to_the_last_person() {
        let article = "Political analyst John Doe said the summit was useful.\n\
                       The analyst warned that risks remain. Later the bridge opened.\n\
                       He also believes that trade will grow. In his opinion, the road matters.\n\
                       According to Doe, rail is next.";
        let doe = |t: &str| unit("John Doe", Reported, t);
        assert_eq!(
            run(article),
            vec![
                doe("Political analyst John Doe said the summit was useful."),
                doe("The analyst warned that risks remain."),
                doe("Later the bridge opened."),
                doe("He also believes that trade will grow."),
                doe("In his opinion, the road matters."),
                doe("According to Doe, rail is next.")
            ]
        );
    }

    #[test]
    fn canonical_name_is_the_fullest_form() {
        let article = "“Gas is key,” said economist Rossi.\nLater, economist Marco Rossi added that oil is too.";
        assert_eq!(
            run(article),
            vec![
                unit("Marco Rossi", Direct, "Gas is key"),
                unit(
                    "Marco Rossi",
                    Reported,
                    "Later, economist Marco Rossi added that oil is too."
                )
            ]
        );
    }

    #[test]
    fn unbalanced_quote_at_end_of_text() {
        let article = "Eva Stone said: “The deal holds. It will last.\n";
        assert_eq!(
            run(article),
            vec![
                unit("Eva Stone", Direct, "The deal holds."),
                unit("Eva Stone", Direct, "It will last.")
            ]
        );
    }

    #[test]
    fn sentence_cut_off_by_the_end_of_the_page_is_dropped() {
        let article = "Eva Stone said: “The deal holds. It will last until the\n";
        assert_eq!(
            run(article),
            vec![unit("Eva Stone", Direct, "The deal holds.")]
        );
    }

    #[test]
    fn unattributed_quote_inherits_the_reported_speaker() {
        let article = "Expert Lena Park recalled that the plan is old.\n“It dates from 1990. It still works.”";
        assert_eq!(
            run(article),
            vec![
                unit(
                    "Lena Park",
                    Reported,
                    "Expert Lena Park recalled that the plan is old."
                ),
                unit("Lena Park", Direct, "It dates from 1990."),
                unit("Lena Park", Direct, "It still works.")
            ]
        );
    }

    #[test]
    fn q_and_a_interview() {
        let article = "Our outlet interviewed Sara Khan, a regional economist.\n\
                       Q: Will prices fall next year?\n\
                       A: I expect a slow decline. Much depends on oil.\n\
                       - And the currency?\n\
                       - It will stay stable.";
        assert_eq!(
            run(article),
            vec![
                unit("Sara Khan", Answer, "I expect a slow decline."),
                unit("Sara Khan", Answer, "Much depends on oil."),
                unit("Sara Khan", Answer, "It will stay stable.")
            ]
        );
    }

    #[test]
    fn interview_without_named_interviewee_emits_nothing() {
        assert!(run("Q: Why?\nA: Because.").is_empty());
    }
}
