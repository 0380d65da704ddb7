//! Word lists that drive attribution, kept in one place so that new outlets' habits
//! (another cue verb, another role noun, another abbreviation) are a one-line change.
//!
//! All entries are lowercase; callers lowercase the token they test. Lists are small, so a
//! linear `contains` per token keeps the whole pipeline linear in the input size.

/// Verbs that attribute speech in narrative ("X noted that ...") and in quote tails.
#[rustfmt::skip]
pub const CUE_VERBS: &[&str] = &[
    "said", "says", "told", "tells", "noted", "notes", "emphasized", "emphasizes", "emphasised",
    "emphasises", "stressed", "stresses", "concluded", "concludes", "explained", "explains",
    "elaborated", "added", "adds", "warned", "warns", "claimed", "claims", "recalled", "recalls",
    "reminded", "reminds", "believes", "believed", "objected", "expressed", "stated", "argued",
    "argues", "pointed", "points", "underlined", "underlines", "underscored", "highlighted",
    "highlights", "observed", "remarked", "commented", "asserted", "insisted", "insists",
    "suggested", "suggests", "predicted", "predicts", "cautioned", "thinks", "considers", "opined",
    "reported", "dismissed", "acknowledged", "admitted", "mentioned", "estimated", "maintained",
    "maintains", "contended", "contends", "assessed", "clarified", "specified", "summarized",
    "summarised", "continued", "stressing", "welcomed", "welcomes", "urged", "urges", "forecast",
    "forecasts", "expects", "hopes", "hoped", "reiterated", "reiterates", "affirmed",
    "confirmed", "denied", "revealed", "indicated", "outlined", "praised", "criticised",
    "criticized", "described", "recommended", "advised", "voiced", "proposed",
    "assured", "declared", "questioned", "doubted", "feels",
    "felt", "believe", "wrote", "writes", "adding", "saying", "noting", "explaining",
    "warning", "insisting", "arguing", "outlines", "welcomes", "reiterates", "highlighting",
    "describes", "recommends", "predicted", "acknowledges", "admits", "assures", "declares",
    "raises", "raised", "cites", "cited", "offers", "offered", "suggesting", "calls", "called",
    "rejected", "rejects", "floated", "floats", "dismisses", "doubts",
];

/// Cue verbs that state an opinion: the unattributed sentences after them in the same paragraph
/// go on with the speaker's argument ("He believes ... . The new format must ...").
pub const ARGUMENT_CUES: &[&str] = &["believes", "thinks", "argues", "considers", "opined"];

/// Cue verbs accepted only right after a closing quote mark ("..., the statement read.").
pub const TAIL_ONLY_CUES: &[&str] = &["read", "asked", "replied", "responded", "wrote", "writes"];

/// Nouns that name a person by role; with "the" they refer back to the most recent person.
#[rustfmt::skip]
pub const ROLE_NOUNS: &[&str] = &[
    "analyst", "expert", "scientist", "professor", "economist", "director", "head", "chairman",
    "chairwoman", "chair", "president", "ex-president", "minister", "ambassador", "author",
    "researcher", "scholar", "diplomat", "official", "spokesman", "spokeswoman", "spokesperson",
    "adviser", "advisor", "strategist", "commentator", "journalist", "historian", "lawyer",
    "politician", "deputy", "secretary", "lecturer", "observer", "interlocutor", "interviewee",
    "guest", "specialist", "orientalist", "politologist", "leader", "founder", "chief", "ceo",
    "editor", "columnist", "writer", "senator", "mp", "general", "colonel", "officer", "envoy",
    "representative", "fellow", "manager", "partner", "academic", "sociologist", "dean", "rector",
    "coordinator", "commissioner", "governor", "amir", "emir", "king", "queen", "prince",
    "chancellor", "mayor", "secretary-general", "vice-president", "premier", "commander",
    "correspondent", "anchor", "host", "banker", "executive", "chairperson", "treasurer",
    "attorney", "judge", "prosecutor", "activist", "member", "negotiator", "consul", "lawmaker",
    "legislator", "congressman", "congresswoman", "councillor", "councilor", "economist", "cto",
    "cfo", "coo", "principal", "governor-general", "boss", "physicist", "engineer", "investor",
    "entrepreneur", "owner", "vice-chairman", "undersecretary", "under-secretary", "pm",
];

/// Capitalised titles that may precede a name ("Professor John Smith", "Dr. Jones").
pub const TITLES: &[&str] = &["mr", "mrs", "ms", "dr", "prof", "sir", "madam", "professor"];

/// Adjectives that pad a role phrase ("renowned political analyst", "former deputy minister").
#[rustfmt::skip]
pub const ROLE_MODIFIERS: &[&str] = &[
    "international", "independent", "leading", "renowned", "prominent", "well-known", "senior",
    "former", "ex", "regional", "military", "economic", "energy", "foreign", "american",
    "azerbaijani", "russian", "turkish", "armenian", "georgian", "iranian", "british", "german",
    "french", "chinese", "european", "famous", "local", "veteran", "security", "policy", "affairs",
    "chief", "global", "executive", "prime", "vice", "associate", "assistant", "visiting",
    "military-political", "socio-political", "political",
];

/// Heads of subject phrases that are not a person: institutions, documents, anonymous groups.
#[rustfmt::skip]
pub const NOBODY_NOUNS: &[&str] = &[
    "embassy", "ministry", "statement", "government", "office", "department", "agency", "service",
    "council", "committee", "commission", "parliament", "administration", "kremlin", "house",
    "bank", "fund", "company", "corporation", "group", "organization", "organisation", "union",
    "alliance", "report", "document", "communique", "declaration", "press", "outlet", "newspaper",
    "website", "portal", "analysts", "experts", "observers", "officials", "sources", "source",
    "diplomats", "commentators", "critics", "residents", "media", "authorities", "sides", "parties",
    "states", "nations", "country", "side", "party", "team", "delegation", "institute", "center",
    "centre", "university", "court", "army", "republic", "kingdom", "co", "ltd", "inc", "llc",
    "plc", "corp", "jsc", "holding", "news", "times", "post", "tv", "radio", "people", "scientists",
    "economists", "politicians", "leaders", "many", "some", "others", "participants", "message",
    "letter", "article", "study", "survey", "publication", "site", "channel", "board", "bureau",
    "mission", "programme", "program", "initiative", "project", "forum", "summit", "exchange",
    "index", "port", "airport", "corridor", "pipeline", "consortium", "association", "federation",
    "network", "foundation", "society", "club", "academy", "authority", "authorities", "school",
    "college", "platform", "reuters", "bloomberg", "cnn", "bbc", "ministers", "markets",
    "investors", "traders", "firm", "firms", "organisations", "organizations", "nato", "eu", "un",
    "imf", "ecb", "opec", "cabinet", "senate", "congress", "assembly", "presidency", "secretariat",
    "directorate", "unit", "division", "coalition", "movement", "campaign", "treaty", "agreement",
    "studies", "research", "sciences", "economics", "affairs", "relations", "development",
    "magazine", "journal", "daily", "weekly", "images", "photo", "getty",
];

/// Places and regions: a capitalised run made only of these is never a person ("Asia Pacific",
/// "South Caucasus", "Middle East").
#[rustfmt::skip]
pub const PLACE_WORDS: &[&str] = &[
    "asia", "pacific", "europe", "africa", "america", "americas", "caucasus", "caspian", "gulf",
    "middle", "east", "west", "north", "south", "central", "eastern", "western", "northern",
    "southern", "atlantic", "arctic", "baltic", "balkans", "mediterranean", "sea", "ocean",
    "eurasia", "latin", "sahel", "nordic", "levant", "region", "kingdom", "states", "united",
    "republic", "federation", "emirates", "island", "islands", "valley", "province", "city",
    "washington", "london", "paris", "berlin", "brussels",
    "moscow", "beijing", "tokyo", "delhi", "baku", "tbilisi", "yerevan", "ankara", "tehran",
    "astana", "tashkent", "ashgabat", "dubai", "doha", "riyadh", "cairo", "singapore",
    "afghanistan", "albania", "algeria", "angola", "argentina", "armenia", "australia", "austria",
    "azerbaijan", "bahrain", "bangladesh", "belarus", "belgium", "bolivia", "bosnia", "brazil",
    "bulgaria", "cambodia", "cameroon", "canada", "chile", "china", "colombia", "croatia", "cuba",
    "cyprus", "czechia", "denmark", "ecuador", "egypt", "estonia", "ethiopia", "finland",
    "france", "georgia", "germany", "ghana", "greece", "hungary", "iceland", "india", "indonesia",
    "iran", "iraq", "ireland", "israel", "italy", "japan", "jordan", "kazakhstan", "kenya",
    "korea", "kosovo", "kuwait", "kyrgyzstan", "laos", "latvia", "lebanon", "libya", "lithuania",
    "malaysia", "mali", "mexico", "moldova", "mongolia", "montenegro", "morocco", "myanmar",
    "nepal", "netherlands", "nigeria", "niger", "norway", "oman", "pakistan", "palestine",
    "panama", "peru", "philippines", "poland", "portugal", "qatar", "romania", "russia",
    "rwanda", "senegal", "serbia", "slovakia", "slovenia", "somalia", "spain", "sudan", "sweden",
    "switzerland", "syria", "taiwan", "tajikistan", "tanzania", "thailand", "tunisia", "turkey",
    "türkiye", "turkmenistan", "uganda", "ukraine", "uruguay", "uzbekistan", "venezuela",
    "vietnam", "yemen", "zambia", "zimbabwe", "britain", "england", "scotland", "wales",
    "crimea", "karabakh", "kurdistan", "tibet", "xinjiang", "nakhchivan", "gaza", "egyptian",
    "iranian", "russian", "chinese", "american", "turkish", "azerbaijani", "armenian", "georgian",
    "kazakh", "kazakhstani", "uzbek", "turkmen", "kyrgyz", "tajik", "indian", "pakistani",
    "saudi", "qatari", "emirati", "kuwaiti", "israeli", "palestinian", "ukrainian", "european",
    "british", "french", "german", "italian", "spanish", "polish", "japanese", "korean",
    "vietnamese", "philippine", "filipino", "indonesian", "nigerian", "african", "asian",
    "arab", "canadian", "mexican", "brazilian", "swedish", "norwegian", "finnish",
];

/// Last words of a geographic name ("Red Sea", "Gilan Province", "Suez Canal").
#[rustfmt::skip]
pub const PLACE_HEADS: &[&str] = &[
    "sea", "ocean", "gulf", "river", "lake", "canal", "strait", "straits", "bay", "island",
    "islands", "valley", "province", "region", "peninsula", "desert", "mountains", "basin",
    "coast", "corridor", "zone", "oblast", "district", "county", "governorate",
];

/// True if a run of capitalised words names a place: only place words, or a geographic head
/// last ("Red Sea").
pub fn is_place_name(words: &[&str]) -> bool {
    let low: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    !low.is_empty()
        && (low.iter().all(|w| has(PLACE_WORDS, w))
            || low.last().is_some_and(|w| has(PLACE_HEADS, w)))
}

/// Third-person pronouns that refer back to the most recent person.
pub const PERSON_PRONOUNS: &[&str] = &["he", "she", "him", "her"];

/// Pronouns that never name a person we can attribute to.
pub const NOBODY_PRONOUNS: &[&str] = &[
    "they", "it", "we", "i", "you", "this", "that", "them", "one",
];

/// Words between a subject and its cue verb that do not change who speaks ("He also believes").
#[rustfmt::skip]
pub const ADVERBS: &[&str] = &[
    "also", "further", "additionally", "then", "later", "once", "again", "has", "had", "have",
    "previously", "earlier", "recently", "however", "too", "subsequently", "firmly", "strongly",
    "repeatedly", "rightly", "correctly", "specifically", "particularly", "separately", "moreover",
    "therefore", "thus", "meanwhile", "even", "still", "clearly", "personally", "only", "already",
    "now",
];

/// Words that may open a clause before its subject ("And he added", "As she noted").
#[rustfmt::skip]
pub const CONNECTIVES: &[&str] = &[
    "and", "but", "yet", "so", "as", "while", "meanwhile", "moreover", "however", "besides",
];

/// Capitalised portfolio words that end a role before a name ("Minister of Foreign Trade Jo
/// Lee"): never the first word of a person's name.
#[rustfmt::skip]
pub const PORTFOLIO_WORDS: &[&str] = &[
    "trade", "economy", "finance", "transport", "energy", "foreign", "affairs", "defence",
    "defense", "health", "education", "industry", "agriculture", "development", "digital",
    "investment", "infrastructure", "communications", "justice", "interior", "labour", "labor",
    "environment", "culture", "tourism", "commerce", "planning", "technology", "innovation",
    "security", "oil", "gas", "petroleum", "mines", "mining", "water", "housing", "economic",
    "monetary", "fiscal", "policy", "strategy", "logistics", "maritime", "shipping", "ports",
];

/// Words that start a new sentence after a dotted acronym ("... the U.K. He is ...").
pub const SENTENCE_STARTS: &[&str] = &[
    "he", "she", "it", "we", "they", "i", "this", "these", "those", "there", "but", "however",
];

/// Words that open a sentence in capitals and never start a name.
#[rustfmt::skip]
pub const OPENERS: &[&str] = &[
    "the", "a", "an", "in", "on", "at", "for", "from", "to", "by", "with", "after", "before",
    "so", "but", "and", "or", "yet", "then", "also", "this", "that", "these", "those", "his",
    "her", "its", "their", "our", "my", "when", "while", "if", "as", "since", "according",
    "meanwhile", "however", "moreover", "speaking", "asked", "during", "under", "over", "last",
    "next", "mr", "mrs", "ms",
];

/// Nouns in "In his opinion, ..." style openers.
#[rustfmt::skip]
pub const OPINION_NOUNS: &[&str] = &[
    "opinion", "view", "estimation", "words", "assessment", "belief", "judgment", "judgement",
    "analysis", "understanding", "estimate",
];

/// Lowercase words that may follow a titled name in a subject phrase ("economist Ken Doe of
/// Delta Research", "analyst Ken Doe from Oslo").
pub const NAME_FOLLOWERS: &[&str] = &["of", "at", "from", "with", "in", "who", "for"];

/// Verbs and prepositions that introduce an interviewee ("Caliber.Az interviewed Jane Roe").
pub const INTERVIEW_WORDS: &[&str] = &["interviewed", "interviewing", "interview"];

/// Words before a full stop that do not end a sentence.
pub const ABBREVIATIONS: &[&str] = &[
    "co", "ltd", "inc", "corp", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "vs", "gen",
    "col", "lt", "sgt", "capt", "sen", "rep", "gov", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "dept", "approx", "est", "mt", "ave", "blvd",
    "univ", "assoc", "bros", "cf", "e.g", "i.e",
];

/// Abbreviations that do not end a sentence only when a number follows ("No. 5", "Art. 9").
pub const NUMBERED_ABBREVIATIONS: &[&str] = &["no", "nos", "art", "fig", "vol", "para", "p", "pp"];

/// Name particles allowed in lowercase inside a name ("Bashar al-Assad", "Ursula von der Leyen").
pub const NAME_PARTICLES: &[&str] = &[
    "al", "de", "van", "von", "der", "den", "bin", "ibn", "el", "da", "du", "di", "le", "la", "ter",
];

/// True if `word` (already lowercase) is in `list`.
pub fn has(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

/// Endings of specialists' names for a role ("Americanist", "political scientist" aside):
/// "-ologist" (Kremlinologist, sociologist), "-anist" (Americanist, Iranist).
const ROLE_SUFFIXES: &[&str] = &["ologist", "anist"];

/// True if the lowercase word names a role, also through a prefix ("ex-president", "71-year-old")
/// or a specialist's ending ("americanist").
pub fn is_role(word: &str) -> bool {
    let tail = word.rsplit('-').next().unwrap_or(word);
    has(ROLE_NOUNS, tail)
        || ROLE_SUFFIXES
            .iter()
            .any(|s| tail.len() > s.len() + 2 && tail.ends_with(s))
}

/// True if the lowercase word is a role noun with one typo (one letter changed, added or
/// dropped, or two neighbours swapped: "anlayst", "expret"). Short nouns are left out, where one
/// edit turns a word into another word.
pub fn is_misspelled_role(word: &str) -> bool {
    const MIN_LEN: usize = 6;
    let plural = word
        .strip_suffix('s')
        .is_some_and(|stem| has(ROLE_NOUNS, stem));
    word.len() >= MIN_LEN
        && !plural
        && ROLE_NOUNS
            .iter()
            .any(|r| r.len() >= MIN_LEN && one_edit(r.as_bytes(), word.as_bytes()))
}

/// True if `a` and `b` differ by exactly one substitution, insertion, deletion or adjacent swap.
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (
        &a[..a.len() - suffix.min(a.len())],
        &b[..b.len() - suffix.min(b.len())],
    );
    match (a.len(), b.len()) {
        (0, 0) => false,
        (1, 1) | (1, 0) | (0, 1) => true,
        (2, 2) => a[0] == b[1] && a[1] == b[0],
        _ => false,
    }
}

/// True if the lowercase word only pads a role phrase (modifiers, ages such as "71-year-old").
pub fn is_modifier(word: &str) -> bool {
    has(ROLE_MODIFIERS, word) || word.chars().any(|c| c.is_ascii_digit())
}

/// True if a cue verb, in narrative (`tail = false`) or right after a quote (`tail = true`).
pub fn is_cue(word: &str, tail: bool) -> bool {
    has(CUE_VERBS, word) || (tail && has(TAIL_ONLY_CUES, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase() {
        for list in [
            CUE_VERBS,
            TAIL_ONLY_CUES,
            ROLE_NOUNS,
            TITLES,
            ROLE_MODIFIERS,
            NOBODY_NOUNS,
            PLACE_WORDS,
            PLACE_HEADS,
            OPENERS,
            PORTFOLIO_WORDS,
        ] {
            for w in list {
                assert_eq!(*w, w.to_lowercase(), "{w}");
            }
        }
    }

    #[test]
    fn roles_through_prefixes() {
        assert!(is_role("ex-president"));
        assert!(is_role("analyst"));
        assert!(is_role("americanist") && is_role("kremlinologist"));
        assert!(!is_role("list") && !is_role("biologists"));
        assert!(is_misspelled_role("anlayst") && is_misspelled_role("professsor"));
        assert!(!is_misspelled_role("analyst") && !is_misspelled_role("senate"));
        assert!(!is_role("analysts"));
        assert!(is_modifier("71-year-old"));
        assert!(is_cue("read", true) && !is_cue("read", false));
    }
}
