//! The state of an [`Aggregator`] as JSON Lines, so that parts of a run scored apart (on the
//! executors of a Spark job, say) merge into the aggregates of the whole run. Every line has
//! `"type": "partial"`: a header with the model's labels and topics and the evidence count,
//! then one line per spelling of a speaker's name with its count, first order keys, and per
//! topic with sentences (`"all"` first) the count, the exact sums and the evidence candidates of
//! every label. Sums are fixed-point integers written as decimal strings (they do not fit JSON
//! numbers), evidence probabilities as decimal strings that read back to the same `f64`, so a
//! state read back is the state written. Scored quote lines (`"type": "quote"`) are read here
//! too ([`Aggregator::add_quote_line`]), for `stance aggregate` over quote lines.

use super::{Aggregator, Evidence, Group, Spelling, ALL_TOPICS};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{self, Write};

/// Version of the partial-state lines this build writes and reads.
pub const VERSION: u32 = 1;

/// The header line: what a state can be merged with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "partial")]
pub struct Header {
    pub version: u32,
    pub labels: Vec<String>,
    pub topics: Vec<String>,
    /// Evidence candidates kept per label.
    pub evidence: usize,
}

/// The line of one spelling.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename = "partial")]
pub struct SpellingLine {
    speaker: String,
    count: usize,
    first: u64,
    first_counted: Option<u64>,
    /// Groups with sentences only.
    groups: Vec<GroupLine>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupLine {
    topic: String,
    n: usize,
    score_sum: Option<String>,
    probability_sums: Vec<String>,
    evidence: Vec<Vec<EvidenceLine>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceLine {
    order: u64,
    id: Option<String>,
    text: String,
    probability: String,
}

/// A partial-state line, read.
#[derive(Debug)]
pub enum PartialLine {
    Header(Header),
    Spelling(SpellingLine),
}

/// Reads a `"type": "partial"` line (parsed as JSON); the error says what is wrong with it.
pub fn parse(value: Value) -> Result<PartialLine, String> {
    if value.get("labels").is_some() {
        let header: Header = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if header.version != VERSION {
            return Err(format!(
                "partial state version {} is not supported (this build reads version {VERSION})",
                header.version
            ));
        }
        Ok(PartialLine::Header(header))
    } else {
        serde_json::from_value(value)
            .map(PartialLine::Spelling)
            .map_err(|e| e.to_string())
    }
}

impl Aggregator {
    /// The header of this state.
    pub fn header(&self) -> Header {
        Header {
            version: VERSION,
            labels: self.labels.clone(),
            topics: self.topics.clone(),
            evidence: self.params.evidence,
        }
    }

    /// Writes the state: the header line, then a line per spelling in order of first sentence.
    pub fn write_partial(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", serde_json::to_string(&self.header())?)?;
        let mut names: Vec<&Spelling> = self.names.iter().collect();
        names.sort_by_key(|s| s.first);
        for s in names {
            writeln!(w, "{}", serde_json::to_string(&self.spelling_line(s))?)?;
        }
        Ok(())
    }

    fn spelling_line(&self, s: &Spelling) -> SpellingLine {
        let groups = s
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.n > 0)
            .map(|(at, g)| GroupLine {
                topic: self.topic_name(at).to_string(),
                n: g.n,
                score_sum: g.score_sum.map(|s| s.to_string()),
                probability_sums: g.probability_sums.iter().map(i128::to_string).collect(),
                evidence: g
                    .evidence
                    .iter()
                    .map(|list| {
                        list.iter()
                            .map(|e| EvidenceLine {
                                order: e.order,
                                id: e.id.clone(),
                                text: e.text.clone(),
                                probability: e.probability.to_string(),
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        SpellingLine {
            speaker: s.name.clone(),
            count: s.count,
            first: s.first,
            first_counted: s.first_counted,
            groups,
        }
    }

    fn topic_name(&self, group: usize) -> &str {
        match group {
            0 => ALL_TOPICS,
            g => &self.topics[g - 1],
        }
    }

    /// Merges the state of one spelling, read from a line written under this state's header.
    pub fn merge_line(&mut self, line: SpellingLine) -> Result<(), String> {
        let labels = self.labels.len();
        let mut groups = vec![Group::default(); self.topics.len() + 1];
        for g in line.groups {
            let at = (0..groups.len())
                .find(|&at| self.topic_name(at) == g.topic)
                .ok_or_else(|| format!("unknown topic {:?}", g.topic))?;
            if g.probability_sums.len() != labels || g.evidence.len() != labels {
                return Err(format!("topic {:?}: expected {labels} labels", g.topic));
            }
            let number = |s: &str| s.parse::<i128>().map_err(|e| format!("sum {s:?}: {e}"));
            let mut evidence = Vec::new();
            for list in g.evidence {
                let mut kept = Vec::new();
                for e in list {
                    let probability = e
                        .probability
                        .parse::<f64>()
                        .map_err(|err| format!("probability {:?}: {err}", e.probability))?;
                    kept.push(Evidence {
                        order: e.order,
                        id: e.id,
                        text: e.text,
                        probability,
                    });
                }
                evidence.push(kept);
            }
            groups[at] = Group {
                n: g.n,
                score_sum: g.score_sum.as_deref().map(number).transpose()?,
                probability_sums: g
                    .probability_sums
                    .iter()
                    .map(|s| number(s))
                    .collect::<Result<_, _>>()?,
                evidence,
            };
        }
        self.merge_spelling(Spelling {
            name: line.speaker,
            count: line.count,
            first: line.first,
            first_counted: line.first_counted,
            groups,
        });
        Ok(())
    }

    /// Adds a scored quote line (`"type": "quote"`, as `stance score --format jsonl` writes
    /// it) with the order key `order`: its `speaker`, `id`, `text`, `stance` (`uncertain` is
    /// counted for the name only), `score`, `probabilities` (the labels, in order) and `topics`.
    pub fn add_quote_line(&mut self, q: &Value, order: u64) -> Result<(), String> {
        let field = |name: &str| q.get(name).filter(|v| !v.is_null());
        let needs = |name: &str| format!("a quote line needs a {name:?}");
        let text = field("text")
            .and_then(Value::as_str)
            .ok_or_else(|| needs("text"))?;
        let stance = field("stance")
            .and_then(Value::as_str)
            .ok_or_else(|| needs("stance"))?;
        let Some(Value::Object(given)) = field("probabilities") else {
            return Err(needs("probabilities"));
        };
        if !given.keys().eq(self.labels.iter()) {
            let keys: Vec<&String> = given.keys().collect();
            return Err(format!(
                "the probabilities are of {keys:?}, the labels are {:?}",
                self.labels
            ));
        }
        let probabilities: Vec<f64> = given
            .values()
            .map(|p| {
                p.as_f64()
                    .ok_or_else(|| format!("probability {p} is not a number"))
            })
            .collect::<Result<_, _>>()?;
        let named = field("topics")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let topics: Vec<usize> = named
            .iter()
            .filter_map(|t| {
                self.topics
                    .iter()
                    .position(|m| Some(m.as_str()) == t.as_str())
            })
            .collect();
        self.add_sentence(&super::Sentence {
            order,
            speaker: field("speaker").and_then(Value::as_str),
            id: field("id").and_then(Value::as_str),
            text,
            uncertain: stance == crate::score::UNCERTAIN,
            score: field("score").and_then(Value::as_f64),
            probabilities: &probabilities,
            topics: &topics,
        });
        Ok(())
    }

    /// Reads back a state written by [`Aggregator::write_partial`].
    pub fn read_partial(text: &str) -> Result<Aggregator, String> {
        let mut aggregator: Option<Aggregator> = None;
        for (i, line) in text.lines().enumerate() {
            let fail = |e: String| format!("line {}: {e}", i + 1);
            let value: Value = serde_json::from_str(line).map_err(|e| fail(e.to_string()))?;
            match (parse(value).map_err(fail)?, &mut aggregator) {
                (PartialLine::Header(h), None) => {
                    aggregator = Some(Aggregator::new(
                        &h.labels,
                        &h.topics,
                        super::AggregateParams {
                            evidence: h.evidence,
                        },
                    ))
                }
                (PartialLine::Spelling(s), Some(a)) => a.merge_line(s).map_err(fail)?,
                _ => return Err(fail("expected one header line, first".into())),
            }
        }
        aggregator.ok_or_else(|| "no header line".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{order_key, AggregateParams, Aggregator, Sentence};
    use crate::report::jsonl;
    use crate::score::aliases::Aliases;
    use proptest::prelude::*;

    const LABELS: [&str; 3] = ["optimistic", "cautionary", "neutral"];
    const TOPICS: [&str; 3] = ["economy", "energy", "security"];

    /// One sentence: speaker (5: none), two coarse probabilities (ties), uncertain, topic bits,
    /// whether it starts a new unit.
    type Row = (usize, f64, f64, bool, u8, bool);

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    fn aggregator(k: usize) -> Aggregator {
        let params = AggregateParams { evidence: k };
        Aggregator::new(&strings(&LABELS), &strings(&TOPICS), params)
    }

    /// The sentences with their order keys and units.
    fn add(agg: &mut Aggregator, rows: &[(u64, usize, Row)], part: impl Fn(u64) -> bool) {
        let names = [
            "Ilgar Velizade",
            "Ilgar Valizade",
            "Anna Lee",
            "Omar Said",
            "Omar Saad",
        ];
        for &(unit, n, (speaker, a, b, uncertain, bits, _)) in rows {
            if !part(unit) {
                continue;
            }
            let (a, b) = ((a * 4.0).round() / 4.0, (b * 4.0).round() / 4.0 * (1.0 - a));
            let p = [a, b, 1.0 - a - b];
            let topics: Vec<usize> = (0..3).filter(|t| bits & (1 << t) != 0).collect();
            let text = format!("{speaker} {unit} {n}");
            agg.add_sentence(&Sentence {
                order: order_key(unit, n),
                speaker: names.get(speaker).copied(),
                id: Some(&text),
                text: &text,
                uncertain,
                score: Some(p[0] - p[1]),
                probabilities: &p,
                topics: &topics,
            });
        }
    }

    fn expert_lines(agg: Aggregator) -> Vec<u8> {
        let (rows, _) = agg.finish(&Aliases::default());
        let mut out = Vec::new();
        jsonl::write_experts(&mut out, &rows).unwrap();
        out
    }

    fn round_trip(agg: &Aggregator) -> Aggregator {
        let mut text = Vec::new();
        agg.write_partial(&mut text).unwrap();
        Aggregator::read_partial(std::str::from_utf8(&text).unwrap()).unwrap()
    }

    proptest! {
        #[test]
        fn merged_parts_write_the_bytes_of_one_run(
            input in proptest::collection::vec(
                (0usize..6, 0.0f64..1.0, 0.0f64..1.0, any::<bool>(), 0u8..8, any::<bool>()),
                0..60,
            ),
            parts in proptest::collection::vec(0usize..4, 60),
            picks in proptest::collection::vec(any::<usize>(), 8),
            k in 1usize..=4,
        ) {
            let mut rows = Vec::new();
            let (mut unit, mut n) = (0u64, 0usize);
            for (i, &row) in input.iter().enumerate() {
                if row.5 && i > 0 {
                    (unit, n) = (unit + 1, 0);
                }
                rows.push((unit, n, row));
                n += 1;
            }
            let mut whole = aggregator(k);
            add(&mut whole, &rows, |_| true);
            let mut states: Vec<Aggregator> = (0..4)
                .map(|p| {
                    let mut agg = aggregator(k);
                    add(&mut agg, &rows, |unit| parts[unit as usize % parts.len()] == p);
                    round_trip(&agg)
                })
                .collect();
            // Merge two states picked at random until one is left: any order, any grouping.
            let mut pick = picks.iter().cycle();
            while states.len() > 1 {
                let a = states.remove(pick.next().unwrap() % states.len());
                let at = pick.next().unwrap() % states.len();
                states[at].merge(a).unwrap();
                states[at] = round_trip(&states[at]);
            }
            let merged = states.pop().unwrap();
            prop_assert_eq!(
                String::from_utf8(expert_lines(merged)).unwrap(),
                String::from_utf8(expert_lines(whole)).unwrap()
            );
        }
    }

    #[test]
    fn a_state_reads_back_as_written() {
        let mut agg = aggregator(2);
        let row = |speaker, a, uncertain| (speaker, a, 0.5, uncertain, 3, true);
        let rows = [
            (0, 0, row(0, 0.8, false)),
            (1 << 30, 2, row(1, 0.3, true)),
            (7, 1, row(5, 0.1, false)),
        ];
        add(&mut agg, &rows, |_| true);
        let mut written = Vec::new();
        agg.write_partial(&mut written).unwrap();
        let mut again = Vec::new();
        round_trip(&agg).write_partial(&mut again).unwrap();
        assert_eq!(
            String::from_utf8(again).unwrap(),
            String::from_utf8(written).unwrap()
        );
    }

    #[test]
    fn states_of_other_labels_topics_or_evidence_do_not_merge() {
        let other = Aggregator::new(
            &strings(&LABELS),
            &strings(&TOPICS[..2]),
            AggregateParams { evidence: 2 },
        );
        let err = aggregator(2).merge(other).unwrap_err();
        assert_eq!(err.what, "topics");
        assert_eq!(
            aggregator(2).merge(aggregator(3)).unwrap_err().what,
            "evidence count"
        );
        let text =
            "{\"type\":\"partial\",\"version\":9,\"labels\":[],\"topics\":[],\"evidence\":2}";
        assert!(Aggregator::read_partial(text)
            .unwrap_err()
            .contains("version 9"));
    }
}
