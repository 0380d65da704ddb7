//! Article-level tests, one per pattern of `guide/article-formats.md`, on small made-up
//! articles. They pin the behaviour of the whole pipeline where a pattern needs several stages
//! to agree (a quote left open across paragraphs, an answer paraphrased in the third person).

use super::{extract, QuoteKind};
use QuoteKind::{Answer, Direct, Reported};

/// (speaker, kind, text) of every unit, after checking every span.
pub(super) fn run(article: &str) -> Vec<(String, QuoteKind, String)> {
    let got = extract(article);
    for e in &got {
        assert_eq!(&article[e.span.clone()], e.text);
    }
    got.into_iter()
        .map(|e| (e.speaker, e.kind, e.text))
        .collect()
}

pub(super) fn unit(speaker: &str, kind: QuoteKind, text: &str) -> (String, QuoteKind, String) {
    (speaker.to_string(), kind, text.to_string())
}

#[test]
fn reported_speech_runs_on_in_its_paragraph() {
    let article = "Tilda Marsh, a historian, said the bridge opened in May. Traffic was light.\n\
                   In her opinion, tolls are too high. Drivers will avoid the bridge.";
    let marsh = |k, t| unit("Tilda Marsh", k, t);
    assert_eq!(
        run(article),
        vec![
            marsh(
                Reported,
                "Tilda Marsh, a historian, said the bridge opened in May."
            ),
            marsh(Reported, "Traffic was light."),
            marsh(Reported, "In her opinion, tolls are too high."),
            marsh(Reported, "Drivers will avoid the bridge.")
        ]
    );
}

#[test]
fn paragraph_final_attribution_covers_the_sentences_before() {
    let article = "Bram Oort, an economist, noted that wages rose.\n\
                   Prices lag behind. Savings will grow, Oort believes.\n\
                   Fares rose. Rail is cheap, said Professor Ida Venn of the Rail Institute.";
    assert_eq!(
        run(article),
        vec![
            unit(
                "Bram Oort",
                Reported,
                "Bram Oort, an economist, noted that wages rose."
            ),
            unit("Bram Oort", Reported, "Prices lag behind."),
            unit("Bram Oort", Reported, "Savings will grow, Oort believes."),
            unit("Ida Venn", Reported, "Fares rose."),
            unit(
                "Ida Venn",
                Reported,
                "Rail is cheap, said Professor Ida Venn of the Rail Institute."
            )
        ]
    );
}

#[test]
fn speaker_named_after_the_quote() {
    let article = "Harbour dues: a new fight\n\
                   “The harbour is full. It needs a second pier.”\n\
                   This is the view of Dr. Nils P. Aune, a fellow at the Sea Centre.\n\
                   “Dredging comes first,” Aune said.\n\
                   “Piers are cheap. Land is not.”\n\
                   The words were spoken at a forum last week.\n\
                   Their author, Rosa Lind, a planner, believes that land is scarce.";
    let aune = |t| unit("Nils P. Aune", Direct, t);
    let lind = |k, t| unit("Rosa Lind", k, t);
    assert_eq!(
        run(article),
        vec![
            aune("The harbour is full."),
            aune("It needs a second pier."),
            aune("Dredging comes first"),
            lind(Direct, "Piers are cheap."),
            lind(Direct, "Land is not."),
            lind(
                Reported,
                "Their author, Rosa Lind, a planner, believes that land is scarce."
            )
        ]
    );
}

#[test]
fn quote_asked_of_a_named_person() {
    let article = "“Ports win,” said Ugo Brandt.\n“Rail wins,” said Pia Holm.\n\
                   We asked Brandt about it. “She is right.”";
    let got = run(article);
    assert_eq!(got[2], unit("Ugo Brandt", Direct, "She is right."));
}

#[test]
fn unclosed_quotes_end_where_narrative_attribution_starts() {
    let article = "‘The fleet is old. Ships rust, he said.\n\
                   Omar Tell, a surveyor, objected that most hulls are sound.\n\
                   ‘Hulls are fine,’ he said.";
    assert_eq!(
        run(article),
        vec![
            unit(
                "Omar Tell",
                Reported,
                "Omar Tell, a surveyor, objected that most hulls are sound."
            ),
            unit("Omar Tell", Direct, "Hulls are fine")
        ]
    );
    let article = "Lea Fors, a captain, warned that ships are old.\n‘The fleet is old. Ships rust, she said.\nOthers disagree.";
    let got = run(article);
    assert_eq!(got[1], unit("Lea Fors", Direct, "The fleet is old."));
    assert_eq!(got[2], unit("Lea Fors", Direct, "Ships rust"));
    assert_eq!(got.len(), 3);
}

#[test]
fn marks_of_every_kind() {
    let article = "Vera Koss, an analyst, noted that it was calm.\n\
                   «The border is quiet. Nobody wants a war», the analyst said.\n\
                   “Trade is up. It will grow. \" \n\
                   \"Tariffs fell\" claims economist Ivo Rask of Nord Bank.";
    let koss = |t| unit("Vera Koss", Direct, t);
    let got = run(article);
    assert_eq!(
        got[1..4],
        [
            koss("The border is quiet."),
            koss("Nobody wants a war"),
            koss("Trade is up.")
        ]
    );
    assert_eq!(got[4], koss("It will grow."));
    assert_eq!(got[5], unit("Ivo Rask", Direct, "Tariffs fell"));
}

#[test]
fn unmarked_interview_with_paraphrased_answers() {
    let article = "Rail or road? The debate\n\
                   OSLO, May 2. The outlet spoke with Kari Dahl, head of the Rail Forum.\n\
                   Will rail win?\n\
                   According to Dahl, rail will win. She believes roads are full.\n\
                   Kari Dahl. Photo: Rail Forum\n\
                   And costs? They rose.\n\
                   Costs will fall.\n\
                   Interview by Ola Berg";
    let dahl = |t| unit("Kari Dahl", Answer, t);
    assert_eq!(
        run(article),
        vec![
            dahl("According to Dahl, rail will win."),
            dahl("She believes roads are full."),
            dahl("Costs will fall.")
        ]
    );
}

#[test]
fn headline_quote_and_glued_dateline_are_not_speech() {
    let article = "Jon Vik: \"Peace needs villages\"\n\
                   (MENAFN- Wire News) Jon Vik, a mediator, said that talks resume.\n\
                   WIRE0204202500023ID11093";
    assert_eq!(
        run(article),
        vec![unit(
            "Jon Vik",
            Reported,
            "Jon Vik, a mediator, said that talks resume."
        )]
    );
}

#[test]
fn spelling_variants_and_nested_citation() {
    let article = "Economist Elmir Cavadli said that oil will fall.\n\
                   As the President noted, gas matters, Javadli said.\n\
                   Observers hailed the plan. Analysts said it was late.";
    let cav = |t| unit("Elmir Cavadli", Reported, t);
    assert_eq!(
        run(article),
        vec![
            cav("Economist Elmir Cavadli said that oil will fall."),
            cav("As the President noted, gas matters, Javadli said.")
        ]
    );
}

#[test]
fn back_to_back_quotes_with_apposition_tail() {
    let article =
        "“We signed,” Ali Rey, chairman of the Growers Association, told a news conference. \
                   “This is big.”";
    let rey = |t| unit("Ali Rey", Direct, t);
    assert_eq!(run(article), vec![rey("We signed"), rey("This is big.")]);
}

#[test]
fn a_reported_run_stops_at_a_sentence_about_someone() {
    let article = "Markets fell.\n\
                   Ada Holm stated that rates will hold. Banks agree. He is expected in Oslo. \
                   Ivo Lund reports.";
    let holm = |t| unit("Ada Holm", Reported, t);
    assert_eq!(
        run(article),
        vec![
            holm("Ada Holm stated that rates will hold."),
            holm("Banks agree.")
        ]
    );
}

#[test]
fn a_quote_closed_too_early_keeps_its_speaker() {
    let article = "Markets fell.\n\
                   Ada Holm said: “Costs must be counted.”It comes down to price. \
                   How many will sign?\n\
                   “We agreed,” she said. We will start in May.";
    let holm = |k, t| unit("Ada Holm", k, t);
    assert_eq!(
        run(article),
        vec![
            holm(Direct, "Costs must be counted.”It comes down to price."),
            holm(Reported, "How many will sign?"),
            holm(Direct, "We agreed"),
            holm(Direct, "We will start in May.")
        ]
    );
}

#[test]
fn a_lead_in_with_content_takes_the_first_sentence_of_its_inline_quote() {
    let article = "Markets fell.\n\
                   Jo Lee stressed that exports matter: “The strike hurts us. It is hard.”\n\
                   According to her, the key is the port:\n\
                   “Ships must come.”";
    let lee = |k, t| unit("Jo Lee", k, t);
    assert_eq!(
        run(article),
        vec![
            lee(
                Reported,
                "Jo Lee stressed that exports matter: “The strike hurts us."
            ),
            lee(Direct, "It is hard."),
            lee(Reported, "According to her, the key is the port"),
            lee(Direct, "Ships must come.")
        ]
    );
}
