//! The state carried through an article while [`super::assemble`] walks it in order: who spoke
//! last, which quotes are still waiting for their speaker, and which narrative sentences of the
//! current paragraph may still be claimed by an attribution.
//!
//! Three rules need this state. Reported speech ("The governor stated that ...", "In his
//! opinion, ...") goes on in the following unattributed sentences of the paragraph, as it does
//! in wire copy that attributes once and reports for several sentences. A paragraph-final attribution
//! ("..., Jafarli believes.") covers the unattributed sentences before it. A quote with no
//! attribution inherits the previous speaker, but is handed to a person named after it when a
//! back-reference says so ("This is the view of ...", "Their author, ...") or, if nobody spoke
//! before it, to the next person attributed in the same or the next paragraph.

use super::interview::Turn;
use super::lexicon;
use super::mentions::{scan_appositions, scan_introduction, scan_mentions};
use super::narrative::{back_reference, is_dateline, BackRef};
use super::reported::report;
use super::speakers::{classify, label_mention, Mention, Speakers};
use super::words::{clean, is_name_word};
use super::QuoteKind;
use std::ops::Range;

/// One emitted sentence; `id` is `None` while its speaker is still unknown.
pub struct Unit {
    pub id: Option<usize>,
    pub span: Range<usize>,
    pub kind: QuoteKind,
    pub basis: Basis,
}

/// How a unit's speaker was found, from the most to the least direct evidence. Each basis has
/// a fixed confidence, set by hand before measuring (README gives the precision measured for
/// each on real pages); it orders units for `--min-confidence`, it is not a probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The speaker is named in the unit's own attribution ("Jo Lee said", a "LEE:" label).
    Named,
    /// A pronoun or role noun in the unit's own attribution ("he said", "the analyst noted").
    Referred,
    /// An interview answer given to the interviewee introduced before the interview.
    Interviewee,
    /// A quote without attribution, given to the person named or quoted just before it.
    Inherited,
    /// A sentence after an attribution in the same paragraph (reported speech running on, an
    /// attribution closing the paragraph, first-person narrative after a quote).
    RunOn,
}

impl Basis {
    /// The confidence reported for units found this way.
    pub fn confidence(self) -> f64 {
        match self {
            Basis::Named => 0.95,
            Basis::Referred => 0.9,
            Basis::Interviewee => 0.85,
            Basis::Inherited => 0.8,
            Basis::RunOn => 0.7,
        }
    }

    fn of(mention: &Mention) -> Basis {
        match mention {
            Mention::Name { .. } => Basis::Named,
            _ => Basis::Referred,
        }
    }
}

/// Walk state; see the module docs.
pub struct Walker<'a> {
    text: &'a str,
    paragraphs: &'a [Range<usize>],
    pub speakers: Speakers,
    pub units: Vec<Unit>,
    previous: Option<usize>,
    /// Paragraph in which `previous` last spoke.
    previous_para: usize,
    /// Units of unattributed quotes since the last explicit attribution, with their paragraph.
    orphans: Vec<(usize, usize)>,
    /// A back-reference marker was seen since the last explicit attribution.
    armed: bool,
    para: usize,
    /// Speaker whose argument goes on in the current paragraph.
    arguing: Option<usize>,
    /// Unattributed narrative sentences of the current paragraph.
    uncovered: Vec<Range<usize>>,
    interviewee: Option<usize>,
    /// A reported sentence ending in a colon right before a quote on the same line: the
    /// quote's first sentence belongs to it.
    joins_quote: Option<usize>,
}

impl<'a> Walker<'a> {
    pub fn new(text: &'a str, paragraphs: &'a [Range<usize>]) -> Self {
        Walker {
            text,
            paragraphs,
            speakers: Speakers::default(),
            units: Vec::new(),
            previous: None,
            previous_para: 0,
            orphans: Vec::new(),
            armed: false,
            para: 0,
            arguing: None,
            uncovered: Vec::new(),
            interviewee: None,
            joins_quote: None,
        }
    }

    /// Moves to the paragraph holding byte `at`; events arrive in article order.
    fn enter(&mut self, at: usize) {
        let before = self.para;
        while self.paragraphs.get(self.para).is_some_and(|p| p.end <= at) {
            self.para += 1;
        }
        if self.para != before {
            self.arguing = None;
            self.uncovered.clear();
        }
    }

    /// A narrative sentence.
    pub fn sentence(&mut self, range: Range<usize>) {
        self.enter(range.start);
        let sentence = &self.text[range.clone()];
        if is_dateline(sentence) {
            return;
        }
        if scan_mentions(sentence, &mut self.speakers) == 0
            && scan_appositions(sentence, &mut self.speakers) == 0
        {
            scan_introduction(sentence, &mut self.speakers);
        }
        let backref = back_reference(sentence);
        self.armed |= backref == Some(BackRef::Marker);
        let Some(r) = report(sentence) else {
            return self.unattributed(range, backref);
        };
        let Some(id) = self.speakers.resolve(&r.mention) else {
            self.previous = None;
            self.arguing = None;
            self.uncovered.clear();
            return;
        };
        if r.bare || r.trailing && self.ends_paragraph(range.end) {
            for span in std::mem::take(&mut self.uncovered) {
                self.push(Some(id), span, QuoteKind::Reported, Basis::RunOn);
            }
        }
        if !r.lead_in && !r.bare {
            // "According to him, the key is the corridor:" before a quote in the next paragraph
            // keeps its words, not the colon that hands over to the quote; a quote opened on the
            // same line ("... a security issue: “The strike ...") finishes the sentence, so its
            // first sentence joins this one.
            let rest = &self.text[range.end..];
            let next = rest.trim_start();
            let quote_next = next.starts_with(['“', '"', '«', '‘', '\'']);
            let inline = !rest[..rest.len() - next.len()].contains('\n');
            let colon = sentence.ends_with(':') && quote_next;
            let end = range.end - usize::from(colon && !inline);
            let basis = Basis::of(&r.mention);
            self.joins_quote = (colon && inline).then_some(self.units.len());
            self.push(Some(id), range.start..end, QuoteKind::Reported, basis);
        }
        self.explicit(id);
        self.arguing = Some(id);
    }

    /// A narrative sentence without a cue: a back-reference, a continued argument or narrative.
    fn unattributed(&mut self, range: Range<usize>, backref: Option<BackRef>) {
        // "Jo Lee, chief economist at Delta Bank:" heads the quote that follows.
        let sentence = &self.text[range.clone()];
        if sentence.ends_with(':') {
            // The header's own name first, registering it ("Javier Ruiz de Alarcón, chief
            // economist at Delta Bank:"), else a known name in it.
            let head = sentence.split(',').next().unwrap_or(sentence);
            let named = match classify(head) {
                m @ Mention::Name { .. } if head.len() < sentence.len() => {
                    self.speakers.resolve(&m)
                }
                _ => None,
            };
            if let Some(id) = named.or_else(|| self.speakers.mentioned(sentence)) {
                self.explicit(id);
                return;
            }
        }
        if let Some(BackRef::Names(m)) = backref {
            if let Some(id) = self.speakers.resolve(&m) {
                self.armed = true;
                self.explicit(id);
                return;
            }
        }
        // "We will build it.": first-person narrative right after a quote in the same
        // paragraph is still the quoted person speaking (the page closed the quote early).
        let first_person = is_first_person(sentence);
        if self.arguing.is_none() && self.previous_para == self.para && first_person {
            if let Some(id) = self.previous {
                self.arguing = Some(id);
                return self.push(Some(id), range, QuoteKind::Direct, Basis::RunOn);
            }
        }
        if is_about_someone(sentence) && !first_person {
            self.arguing = None;
        }
        match self.arguing {
            Some(id) => self.push(Some(id), range, QuoteKind::Reported, Basis::RunOn),
            None => {
                // Narrative that names someone else ends the previous speaker's turn; a
                // remark without a person ("on the economy. Part of the plan is ...") does not.
                let other = self
                    .speakers
                    .mentioned(&self.text[range.clone()])
                    .is_some_and(|id| Some(id) != self.previous);
                if other || self.previous_para != self.para {
                    self.previous = None;
                }
                self.uncovered.push(range);
            }
        }
    }

    /// A quote block split into `sentences`, with its own attribution if it has one and the
    /// person named in the narrative right before it in the same paragraph.
    /// `runs_on`: the closing mark is glued to the next word (`looked at.”It all ...`), so the
    /// page dropped a reopening mark and the speaker goes on in the rest of the paragraph.
    pub fn block(
        &mut self,
        open: usize,
        sentences: Vec<Range<usize>>,
        attribution: Option<&Mention>,
        named_before: Option<usize>,
        runs_on: bool,
    ) {
        self.enter(open);
        self.arguing = None;
        self.uncovered.clear();
        let mut sentences = sentences;
        if let Some(u) = self.joins_quote.take() {
            let lead = self.units.get_mut(u).filter(|unit| unit.span.end <= open);
            if let (Some(unit), false) = (lead, sentences.is_empty()) {
                unit.span.end = sentences.remove(0).end;
            }
        }
        let Some(mention) = attribution else {
            let id = named_before.or(self.previous);
            for span in sentences {
                self.orphans.push((self.units.len(), self.para));
                self.push(id, span, QuoteKind::Direct, Basis::Inherited);
            }
            self.previous = id;
            self.previous_para = self.para;
            self.arguing = id.filter(|_| runs_on);
            return;
        };
        let id = self.speakers.resolve(mention);
        for span in sentences {
            self.push(id, span, QuoteKind::Direct, Basis::of(mention));
        }
        match id {
            Some(id) => self.explicit(id),
            None => {
                self.orphans.clear();
                self.previous = None;
            }
        }
        self.arguing = id.filter(|_| runs_on);
    }

    /// An interview turn; answers belong to the labelled speaker ("ROE: ..."), else to the
    /// person introduced before the interview.
    pub fn turn(&mut self, turn: Turn, label: Option<&str>, sentences: Vec<Range<usize>>) {
        if turn != Turn::Answer {
            // The host's turns are never emitted, but they introduce the guests by full name
            // ("Joining me is Ada Obi, head of ...") before labels give surnames only.
            for span in sentences {
                let sentence = &self.text[span];
                if scan_mentions(sentence, &mut self.speakers) == 0
                    && scan_appositions(sentence, &mut self.speakers) == 0
                {
                    scan_introduction(sentence, &mut self.speakers);
                }
            }
            return;
        }
        let labelled = label.and_then(|l| self.speakers.resolve(&label_mention(l)));
        self.interviewee = labelled.or(self.interviewee).or(self.speakers.last());
        let basis = if labelled.is_some() {
            Basis::Named
        } else {
            Basis::Interviewee
        };
        for span in sentences {
            self.push(self.interviewee, span, QuoteKind::Answer, basis);
        }
    }

    /// An explicit attribution to `id`: waiting quotes are settled and `id` speaks last.
    fn explicit(&mut self, id: usize) {
        for (u, para) in std::mem::take(&mut self.orphans) {
            if let Some(unit) = self.units.get_mut(u) {
                if self.armed || unit.id.is_none() && para + 1 >= self.para {
                    unit.id = Some(id);
                }
            }
        }
        self.armed = false;
        self.previous = Some(id);
        self.previous_para = self.para;
    }

    fn push(&mut self, id: Option<usize>, span: Range<usize>, kind: QuoteKind, basis: Basis) {
        self.units.push(Unit {
            id,
            span,
            kind,
            basis,
        });
    }

    /// True if only whitespace or closing marks follow `end` in the current paragraph.
    fn ends_paragraph(&self, end: usize) -> bool {
        let para_end = self.paragraphs.get(self.para).map_or(end, |p| p.end);
        self.text.get(end..para_end).is_some_and(|rest| {
            rest.trim_matches(|c: char| c.is_whitespace() || "”\"’»".contains(c))
                .is_empty()
        })
    }
}

/// True if the sentence speaks in the first person ("We will build it.", "I hope so.").
fn is_first_person(sentence: &str) -> bool {
    sentence
        .split(|c: char| !c.is_alphabetic())
        .any(|w| matches!(w, "I" | "we" | "We" | "our" | "Our" | "my" | "My" | "us"))
}

/// True for a sentence about someone rather than by them, which ends a run of reported speech:
/// one that opens with a pronoun ("He is expected in May.") or with another person's name and a
/// verb ("Gwyneth Teo reports.").
fn is_about_someone(sentence: &str) -> bool {
    let mut opening = sentence.split_whitespace();
    let (first, second) = (opening.next().unwrap_or(""), opening.next().unwrap_or(""));
    let verb = opening
        .next()
        .is_some_and(|w| w.starts_with(char::is_lowercase) && !matches!(w, "and" | "of"));
    let named = verb
        && is_name_word(first)
        && is_name_word(clean(second))
        && !lexicon::has(lexicon::OPENERS, &first.to_lowercase())
        && !lexicon::is_place_name(&[first]);
    matches!(first, "He" | "She" | "His" | "Her") || named
}
