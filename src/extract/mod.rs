//! Extraction stage. Takes article text; gives the sentences attributed to named people, each
//! with its speaker, byte span, kind and confidence. Imports nothing from later stages.
//!
//! Quote extraction: every sentence of a news commentary article that is attributed to a named
//! person, with the person's canonical name and the sentence's byte span in the article.
//!
//! Stance scoring needs sentences that belong to one expert, not whole articles, and real
//! articles attribute speech in many ways (quotes running over paragraphs, tails such as
//! `,” the analyst explained.`, reported speech, pronouns and role nouns, Q&A interviews). The
//! extractor is a pipeline with one module per stage, in order:
//!
//! 1. `paragraphs`: paragraphs with byte offsets, without headings, captions and credit lines;
//! 2. `interview`: Q&A turns (marked or not), taken out before quote scanning;
//! 3. `quotes` (with `marks`): speech quotes across paragraphs versus narrative pieces;
//! 4. `attribution`: tails and leading clauses of each quote;
//! 5. `reported` (with `narrative`): reported-speech sentences, datelines, back-references;
//! 6. `speakers` (with `mentions`): subject phrases to people, spelling variants, per article;
//! 7. `assemble` (with `walk`): the walk in article order that emits [`Extracted`] units.
//!
//! Word lists live in `lexicon`; `patterns` tests each article format end to end. Every stage
//! is linear in the input, slices only at char boundaries and never panics; spans always satisfy
//! `&article[span] == text`.

mod assemble;
mod attribution;
pub mod date;
mod interview;
mod layout;
mod lexicon;
mod marks;
mod mentions;
mod narrative;
mod paragraphs;
#[cfg(test)]
mod patterns;
mod quotes;
mod reported;
mod sentences;
mod speakers;
mod walk;
mod words;

use serde::Serialize;
use std::ops::Range;

pub use sentences::split_sentences;

/// How a sentence was attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Inside quote marks.
    Direct,
    /// Narrative with an attribution phrase kept ("Velizade recalled that ...").
    Reported,
    /// An interviewee's answer in a Q&A interview.
    Answer,
}

impl QuoteKind {
    /// The kind's name as it appears in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Reported => "reported",
            QuoteKind::Answer => "answer",
        }
    }
}

/// One sentence attributed to a named person.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// Canonical speaker name: the fullest form of the name seen in the article ("Kyle Inan").
    pub speaker: String,
    /// The sentence, enclosing quote marks and surrounding whitespace removed; `&article[span] == text`.
    pub text: String,
    /// Byte span of `text` in the article.
    pub span: Range<usize>,
    pub kind: QuoteKind,
    /// How sure the extractor is of the speaker, from how it was found: 0.95 for a name in the
    /// sentence's own attribution, down to 0.7 for reported speech running on after one.
    pub confidence: f64,
}

/// Every sentence attributed to a named person, in article order. Never panics, for any input.
pub fn extract(article: &str) -> Vec<Extracted> {
    let flat = layout::soften_line_breaks(article);
    let mut found = extract_flat(&flat);
    // A page cut off mid-sentence: its last, unfinished sentence is nobody's statement.
    let end = article.trim_end().len();
    found.retain(|e| e.span.end < end || e.text.ends_with(['.', '!', '?', '…']));
    for item in &mut found {
        if let Some(original) = article.get(item.span.clone()) {
            if original != item.text {
                item.text = original.to_string();
            }
        }
    }
    found
}

/// [`extract`] on an article whose soft line breaks are already spaces.
fn extract_flat(article: &str) -> Vec<Extracted> {
    let paras = paragraphs::body_paragraphs(article);
    let turns = interview::turns(article, &paras);
    let skip: Vec<bool> = turns
        .iter()
        .map(|t| t.turn != interview::Turn::None)
        .collect();
    let mut scan = quotes::scan(article, &paras, &skip);
    let attributions = attribution::attribute(article, &mut scan);
    quotes::take_glued_sentences(article, &mut scan);
    let captions: Vec<&str> = paragraphs::paragraphs(article)
        .into_iter()
        .filter_map(|p| paragraphs::caption_name(&article[p]))
        .collect();
    assemble::assemble(&assemble::Stages {
        text: article,
        captions: &captions,
        paragraphs: &paras,
        turns: &turns,
        scan: &scan,
        attributions: &attributions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuoteKind::{Direct, Reported};

    const SEED: &str = include_str!("../../data/articles/azerbaijan-us-partnership.txt");
    const INAN: &str = "Kyle Inan";
    const VELIZADE: &str = "Ilgar Velizade";

    /// Every sentence the seed article attributes, in order.
    const SEED_EXPECTED: &[(&str, QuoteKind, &str)] = &[
        (INAN, Reported, "Kyle Inan, Chief Global Strategist at KI Asset Management Co. (USA), noted that his assessment takes into account the clear changes in the regional and global environment."),
        (INAN, Direct, "The timing of the creation of this working group is no coincidence, nor is its scale."),
        (INAN, Direct, "Azerbaijan–U.S. relations are entering a phase that is far less symbolic and significantly more practical, strategic, and future-oriented."),
        (INAN, Direct, "These relations should be built on connectivity and geoeconomics."),
        (INAN, Direct, "Azerbaijan’s position at the crossroads of the East–West and North–South corridors is no longer a theoretical advantage; it is a concrete strategic asset."),
        (INAN, Direct, "In an era of fragmented supply chains, the United States should increasingly view Azerbaijan not only as an energy partner but also as a logistics and trade hub linking Central Asia, the South Caucasus, and Europe."),
        (INAN, Direct, "This requires constant attention to the development of infrastructure, ports, and railways, coordination of customs procedures, and the implementation of digital trade systems."),
        (INAN, Direct, "Today, connectivity is directly transforming into an economic lever and a factor of long-term stability."),
        (INAN, Direct, "Technology and digital infrastructure—especially artificial intelligence—represent another critically important area."),
        (INAN, Direct, "Azerbaijan has the potential to become a regional digital hub if investments are combined with the development of human capital, regulatory clarity, and serious cooperation in cybersecurity."),
        (INAN, Direct, "From Washington’s perspective, this also involves setting standards and ensuring the implementation of open and competitive systems in the region."),
        (INAN, Direct, "A pragmatic approach that mobilises private-sector investment and provides strategic guidance will be far more effective than rigid or ideologically driven frameworks"),
        (INAN, Reported, "He also believes that cooperation in the energy sector should continue to develop."),
        (INAN, Direct, "While oil and gas remain important components, the next phase should focus on leadership in the energy transition, including renewable energy, power grid modernisation, green hydrogen, and Europe’s long-term energy security."),
        (INAN, Direct, "Azerbaijan is capable of playing a stabilising role in this process, while the United States will provide technology, capital, and strategic authority."),
        (INAN, Direct, "Security cooperation should focus on resilience."),
        (INAN, Direct, "Border security, counterterrorism, maritime safety in the Caspian Sea, and the protection of critical infrastructure are areas where collaboration can deepen without disturbing the regional balance."),
        (INAN, Direct, "Quiet, professional coordination will yield longer-term results than loud gestures."),
        (INAN, Direct, "Overall, the future of Azerbaijan–U.S. relations lies in strengthening connectivity, technology, modernising energy cooperation, and pragmatic security engagement based on mutual interests rather than abstract concepts."),
        (INAN, Direct, "With a disciplined approach and strategic patience, this partnership can become one of the key pillars of stability and economic growth in the South Caucasus"),
        (VELIZADE, Reported, "Ilgar Velizade, an international affairs expert and head of the “South Caucasus” political analysts’ club, recalled that a few months ago, Azerbaijan and the United States announced their intention to soon begin preparing a Charter of Strategic Partnership."),
        (VELIZADE, Direct, "One could say that this working group is being created precisely for that purpose."),
        (VELIZADE, Direct, "From the American side, a head of the group has already been appointed—I believe it is the U.S. Deputy Secretary of State."),
        (VELIZADE, Direct, "I think that today the key topics on the bilateral agenda are primarily economic and energy cooperation, security collaboration, and mutual investments."),
        (VELIZADE, Direct, "These are extremely important areas—not declarative statements, but the very pillars on which the foundation of Azerbaijan–U.S. cooperation can be built for years to come."),
        (VELIZADE, Direct, "And, of course, there should be fewer declarations and more concrete actions."),
        (VELIZADE, Direct, "One hopes that these were exactly the issues discussed during the meetings"),
        (VELIZADE, Reported, "Regarding the linkage of bilateral cooperation with regional dynamics, he noted that today, multilateral diplomacy is focusing on processes related to the implementation of the TRIPP project."),
        (VELIZADE, Direct, "This aligns with the post-conflict agenda, so there are grounds to expect that the Charter of Strategic Partnership will fit organically into regional dynamics, reflecting the current state of affairs and defining future development prospects."),
        (VELIZADE, Direct, "This cooperation also sends a message to external powers that may perceive it as having hidden motives."),
        (VELIZADE, Direct, "I do not consider such an approach correct, especially since Azerbaijan has proven itself over recent decades as a reliable partner for many countries."),
        (VELIZADE, Direct, "Our country does not build relations with anyone to the detriment of the interests of its neighbours or any other states."),
        (VELIZADE, Direct, "Therefore, there is no need to look for hidden pitfalls."),
        (VELIZADE, Direct, "I believe the dialogue in Washington was structured precisely with this understanding."),
        (VELIZADE, Direct, "It should also be noted that, for the Azerbaijani side—and, as we see today, this is also understood by the American side—it is important to remove any obstacles to cooperation between the two countries."),
        (VELIZADE, Direct, "In this case, this refers to Section 907."),
        (VELIZADE, Direct, "It is likely that the parties also discussed issues related to its removal, as it does not reflect the modern nature of bilateral relations and does not correspond to the vision that will most likely be enshrined in the text of the Charter of Strategic Partnership between the two countries"),
    ];

    #[test]
    fn seed_article_sentence_by_sentence() {
        let got = extract(SEED);
        for (i, (item, (speaker, kind, text))) in got.iter().zip(SEED_EXPECTED).enumerate() {
            assert_eq!(item.text, *text, "text of item {i}");
            assert_eq!(item.speaker, *speaker, "speaker of item {i}: {text}");
            assert_eq!(item.kind, *kind, "kind of item {i}: {text}");
            assert_eq!(&SEED[item.span.clone()], item.text, "span of item {i}");
        }
        assert_eq!(got.len(), SEED_EXPECTED.len());
        assert!(
            got.windows(2).all(|w| w[0].span.end <= w[1].span.start),
            "article order"
        );
    }

    #[test]
    fn seed_article_sentences_keep_abbreviations() {
        let line = "Yesterday, senior U.S. and Azerbaijani officials met. Then the U.S. Deputy \
                    Secretary of State spoke. KI Asset Management Co. (USA) agreed.";
        assert_eq!(split_sentences(line).len(), 3);
    }

    #[test]
    fn never_panics_on_adversarial_input() {
        let long = "word \u{201c}quote. ".repeat(12_000);
        let no_newline = "a".repeat(200_000);
        let marks = "’ “ ".repeat(50_000);
        let inputs = [
            "\"",
            "“",
            "”",
            "‘",
            "’",
            "«",
            "\"\"\"",
            "“\n\n”",
            "\u{0}\u{1}\u{7f}\r\r\t",
            "😀“😀”😀, said 😀.",
            "Q:\nA:\n- \n— ?",
            ".",
            "...",
            "“.”",
            ", said",
            "Dr.",
            "U.S.",
            "A: “Kim Lee said: \u{201c}",
            "\u{feff}Ā. Ā. Ā“é",
            &long,
            &no_newline,
            &marks,
        ];
        for input in inputs {
            for item in extract(input) {
                assert_eq!(&input[item.span.clone()], item.text);
            }
            for r in split_sentences(input) {
                assert!(input.get(r).is_some());
            }
        }
    }
}
