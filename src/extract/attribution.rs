//! Stage 3: attribution of quote blocks from the text around them in the same paragraph: a
//! trailing tail (`,” the analyst explained.`, `," said X.`) or a leading clause (`X said: “...`).
//! The consumed narrative is cut out of the neighbouring pieces so it is not read again as a
//! narrative sentence. Only a bounded window next to each mark is read, which keeps the stage
//! linear however long the paragraph.

use super::lexicon;
use super::quotes::{Block, Scan};
use super::reported::{report, subject_before};
use super::sentences::split_sentences;
use super::speakers::{classify, Mention};
use super::words::{ceil_boundary, clean, floor_boundary, lower, tokens};
use std::ops::Range;

/// Bytes read on either side of a quote when looking for its attribution.
const WINDOW: usize = 300;
/// A tail's cue verb must come within this many words of the closing mark (a name with an
/// apposition may stand before it: `," Ann Roe, chairman of the Growers Association, told ...`).
const TAIL_CUE_WORDS: usize = 18;

/// Finds each block's attribution (tail first, then leading clause) and trims the consumed text
/// out of `scan.narrative`. Returns one entry per block, `None` where nothing was found.
pub fn attribute(text: &str, scan: &mut Scan) -> Vec<Option<Mention>> {
    let mut found = Vec::with_capacity(scan.blocks.len());
    for block in &mut scan.blocks {
        let mut mention = None;
        if block.close.is_none() {
            if let Some(last) = block.parts.last_mut() {
                if let Some((m, comma)) = inner_tail(text, last.clone()) {
                    last.end = comma;
                    mention = Some(m);
                }
            }
        }
        if let Some(idx) = block.after {
            let piece = scan.narrative[idx].clone();
            if let Some((m, end)) = tail(text, block, piece) {
                scan.narrative[idx].start = end;
                mention = mention.or(Some(m));
            }
        }
        if let Some(idx) = block.before {
            let piece = scan.narrative[idx].clone();
            if let Some((m, start)) = leading(text, piece) {
                scan.narrative[idx].end = start.max(scan.narrative[idx].start);
                mention = mention.or(Some(m));
            }
        }
        found.push(mention);
    }
    found
}

/// `,” the analyst explained.` / `,” said Professor X.` / `” he told a news conference.`
fn tail(text: &str, block: &Block, piece: Range<usize>) -> Option<(Mention, usize)> {
    let end = floor_boundary(text, piece.end.min(piece.start + WINDOW));
    let window = text.get(piece.start..end)?;
    let skipped = window.len()
        - window
            .trim_start_matches(|c: char| c.is_whitespace() || c == ',')
            .len();
    let first = split_sentences(&window[skipped..]).into_iter().next()?;
    let sentence = &window[skipped + first.start..skipped + first.end];
    let inner = block
        .parts
        .last()
        .map_or("", |p| text[p.clone()].trim_end());
    let closed_sentence = inner.ends_with(['.', '!', '?', '…']);
    if closed_sentence && sentence.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    if sentence.trim_end().ends_with(':') {
        // "Jo Lee, head of the port, said:" introduces the next quote, not this one.
        return None;
    }
    let toks: Vec<(usize, &str)> = tokens(sentence).take(TAIL_CUE_WORDS).collect();
    let k = toks
        .iter()
        .position(|(_, t)| lexicon::is_cue(&lower(clean(t)), true))?;
    let mention = if k == 0 {
        classify(after_cue(sentence, &toks))
    } else {
        subject_before(&sentence[..toks[k].0])?
    };
    if mention == Mention::NotSubject {
        return None;
    }
    Some((mention, piece.start + skipped + first.end))
}

/// The attribution a writer left inside a quote that was never closed:
/// `‘Prices will fall, he said.` Returns the mention and where the comma before it sits.
fn inner_tail(text: &str, part: Range<usize>) -> Option<(Mention, usize)> {
    const MAX_WORDS: usize = 8;
    let from = ceil_boundary(text, part.start.max(part.end.saturating_sub(WINDOW)));
    let window = text.get(from..part.end)?;
    let comma = window.rfind(',')?;
    let clause = &window[comma + 1..];
    if !clause.trim_end().ends_with(['.', '!']) || tokens(clause).nth(MAX_WORDS).is_some() {
        return None;
    }
    let r = report(clause.trim())?;
    matches!(
        r.mention,
        Mention::Pronoun | Mention::Role | Mention::Name { .. }
    )
    .then_some((r.mention, from + comma))
}

/// The words after a tail-initial cue verb, up to the first comma: "said John Smith, director".
fn after_cue<'a>(sentence: &'a str, toks: &[(usize, &str)]) -> &'a str {
    let start = toks.get(1).map_or(sentence.len(), |(o, _)| *o);
    let rest = &sentence[start..];
    rest.split(',').next().unwrap_or(rest)
}

/// `X said: “...` / `He added, “...` / `She said “...`; returns the mention and where the
/// consumed clause starts.
fn leading(text: &str, piece: Range<usize>) -> Option<(Mention, usize)> {
    let from = ceil_boundary(text, piece.start.max(piece.end.saturating_sub(WINDOW)));
    let window = text.get(from..piece.end)?;
    let last = split_sentences(window).pop()?;
    let sentence = &window[last.clone()];
    let ends_with_cue = sentence
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|w| lexicon::is_cue(&lower(clean(w)), false));
    // "..., Peskov said." is a sentence of its own; only a bare "Peskov said." introduces.
    const MAX_BARE_WORDS: usize = 6;
    let complete = sentence.ends_with(['.', '!', '?']);
    let bare = !complete || tokens(sentence).nth(MAX_BARE_WORDS).is_none();
    if !(sentence.ends_with([':', ',']) || ends_with_cue && bare) {
        return None;
    }
    let cue_at = tokens(sentence)
        .skip(1)
        .find(|(_, t)| lexicon::is_cue(clean(t), false))
        .map(|(o, _)| o);
    // "The expert stressed that exports matter: “...”" says something of its own: it stays a
    // reported sentence (the walk joins the quote's first sentence to it), not a bare lead-in.
    let content = cue_at.is_some_and(|at| {
        tokens(&sentence[at..])
            .skip(1)
            .any(|(_, t)| lower(clean(t)) == "that")
    });
    if content && sentence.ends_with(':') {
        return None;
    }
    let mention = match cue_at {
        Some(at) => subject_before(&sentence[..at]),
        None if sentence.ends_with(':') => Some(classify(sentence.trim_end_matches(':'))),
        None => None,
    }?;
    (mention != Mention::NotSubject).then_some((mention, from + last.start))
}

#[cfg(test)]
mod tests {
    use super::super::paragraphs::paragraphs;
    use super::super::quotes::scan;
    use super::*;

    fn run(text: &str) -> (Vec<Option<Mention>>, Vec<&str>) {
        let mut s = scan(text, &paragraphs(text), &[]);
        let found = attribute(text, &mut s);
        let narrative = s
            .narrative
            .iter()
            .map(|r| text[r.clone()].trim())
            .filter(|t| !t.is_empty())
            .collect();
        (found, narrative)
    }

    fn name(n: &str) -> Option<Mention> {
        Some(Mention::Name {
            name: n.to_string(),
            titled: false,
        })
    }

    #[test]
    fn tails() {
        let (found, rest) =
            run("“Yes,” the analyst explained. Then he left.\n\"No,\" said Mary Poe.");
        assert_eq!(found, vec![Some(Mention::Role), name("Mary Poe")]);
        assert_eq!(rest, vec!["Then he left."]);
    }

    #[test]
    fn closed_sentence_is_not_a_tail() {
        let (found, rest) = run("“It is over.” Smith noted that talks ended.");
        assert_eq!(found, vec![None]);
        assert_eq!(rest, vec!["Smith noted that talks ended."]);
    }

    #[test]
    fn leading_clauses() {
        let (found, rest) = run("It rained. Kim Lee said: “We stay.”\nHe added, “Fine.”");
        assert_eq!(found, vec![name("Kim Lee"), Some(Mention::Pronoun)]);
        assert_eq!(rest, vec!["It rained."]);
    }

    #[test]
    fn tail_inside_an_unclosed_quote() {
        let text = "‘Prices will fall, he said.\nMore narrative.";
        let mut s = scan(text, &paragraphs(text), &[]);
        let found = attribute(text, &mut s);
        assert_eq!(found, vec![Some(Mention::Pronoun)]);
        let part = s.blocks[0].parts[0].clone();
        assert_eq!(&text[part], "Prices will fall");
    }

    #[test]
    fn institution_tail() {
        let (found, _) = run("“We act,” the statement read.");
        assert_eq!(found, vec![Some(Mention::Nobody)]);
    }
}
