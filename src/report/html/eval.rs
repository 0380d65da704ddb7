//! The page of `stance eval --format html`: headline figures, the confusion matrix as a heatmap,
//! per-label precision / recall / F1, the reliability diagram with its ECE, topic figures, and the
//! most confident mistakes with their explanations.
//!
//! Unlike the big reports, an evaluation is small and bounded (a k x k matrix, ten bins, twenty
//! mistakes), so the page is written out here as finished HTML and SVG, with no script: it reads
//! the same in any browser, prints, and every piece of text from the data goes through
//! [`escape`]. Cells, bars and marks carry `data-*` attributes with their figures for tests and
//! for anyone scraping the page.

use super::{escape, write_head};
use crate::calibrate::{Calibration, Reliability};
use crate::explain::Explanation;
use crate::metrics::{LabelScores, StanceReport, TopicReport};
use std::collections::BTreeMap;
use std::io::{self, Write};

const CSS: &str = include_str!("eval.css");

/// Explanation terms shown per mistake.
pub const TERMS_SHOWN: usize = 8;

/// A wrong prediction, with why the model made it.
pub struct Mistake {
    pub text: String,
    /// Where the sentence is: `file:line`.
    pub source: String,
    pub truth: String,
    pub predicted: String,
    /// The probability of the predicted label.
    pub probability: f64,
    pub explanation: Explanation,
}

/// Everything the page shows. `--cv` evaluations have no model, reliability or mistakes.
pub struct EvalPage<'a> {
    /// The model's name; `None` for cross-validation of the training settings.
    pub model: Option<&'a str>,
    /// The labelled files, as given.
    pub data: &'a [String],
    pub stance: &'a StanceReport,
    pub topics: Option<&'a TopicReport>,
    pub reliability: Option<&'a Reliability>,
    pub calibration: Option<&'a Calibration>,
    /// Macro-F1 of each fold, with `--cv`.
    pub folds: Option<&'a [f64]>,
    /// The most confident mistakes, most confident first (`None` with `--cv`).
    pub mistakes: Option<&'a [Mistake]>,
}

/// Writes the whole page.
pub fn write_eval(w: &mut dyn Write, page: &EvalPage) -> io::Result<()> {
    let title = match page.model {
        Some(model) => format!("stance eval: {model}"),
        None => "stance eval: cross-validation".to_string(),
    };
    write_head(w, &title, CSS)?;
    writeln!(w, "<body>\n<main>\n<h1>{}</h1>", escape(&title))?;
    write_headline(w, page)?;
    write_confusion(w, page.stance)?;
    write_per_label(w, page.stance)?;
    match page.reliability {
        Some(r) => write_reliability(w, r)?,
        None => writeln!(
            w,
            "<section id=\"reliability\"><h2>Reliability</h2><p class=\"note\">Not available \
             with --cv: the folds' models are not kept, so there are no per-sentence \
             probabilities to bin.</p></section>"
        )?,
    }
    if let Some(t) = page.topics {
        write_topics(w, t)?;
    }
    match page.mistakes {
        Some(m) => write_mistakes(w, m, mistakes_in(page.stance))?,
        None => writeln!(
            w,
            "<section id=\"mistakes\"><h2>Most confident mistakes</h2><p class=\"note\">Not \
             available with --cv: evaluate a trained model (--model) to see them.</p></section>"
        )?,
    }
    writeln!(w, "</main>\n</body>\n</html>")
}

/// Wrong predictions: the off-diagonal of the confusion matrix.
fn mistakes_in(s: &StanceReport) -> usize {
    let right: usize = (0..s.confusion.labels.len())
        .map(|i| s.confusion.matrix[i][i])
        .sum();
    s.n - right
}

fn write_headline(w: &mut dyn Write, page: &EvalPage) -> io::Result<()> {
    let s = page.stance;
    writeln!(w, "<section id=\"headline\"><div class=\"figures\">")?;
    let mut figure = |id: &str, name: &str, value: String| {
        writeln!(
            w,
            "<div class=\"figure\" id=\"{id}\"><span class=\"value\">{value}</span>\
             <span class=\"name\">{name}</span></div>"
        )
    };
    figure("accuracy", "accuracy", format!("{:.3}", s.accuracy))?;
    figure("macro-f1", "macro-F1", format!("{:.3}", s.macro_f1))?;
    figure("n", "sentences", s.n.to_string())?;
    if let Some(r) = page.reliability {
        figure("headline-ece", "ECE", format!("{:.4}", r.ece))?;
    }
    if let Some(folds) = page.folds {
        figure("folds", "folds", folds.len().to_string())?;
    }
    writeln!(w, "</div>\n<dl class=\"about\">")?;
    match page.model {
        Some(m) => writeln!(w, "<dt>model</dt><dd id=\"model\">{}</dd>", escape(m))?,
        None => writeln!(
            w,
            "<dt>evaluated</dt><dd id=\"model\">the training settings, by stratified \
             cross-validation</dd>"
        )?,
    }
    let files: Vec<String> = page.data.iter().map(|d| escape(d)).collect();
    writeln!(w, "<dt>data</dt><dd>{}</dd>", files.join(", "))?;
    let calibration = match page.calibration {
        Some(c) => format!(
            "temperature {:.3}, fitted on {} (their ECE {:.4} → {:.4})",
            c.temperature,
            escape(&c.fitted_on()),
            c.ece_before,
            c.ece_after
        ),
        None => "none: the probabilities are the raw softmax".to_string(),
    };
    writeln!(
        w,
        "<dt>calibration</dt><dd id=\"calibration\">{calibration}</dd>"
    )?;
    if let Some(folds) = page.folds {
        let list: Vec<String> = folds.iter().map(|f| format!("{f:.3}")).collect();
        writeln!(
            w,
            "<dt>macro-F1 per fold</dt><dd id=\"fold-f1\">{}</dd>",
            list.join(" · ")
        )?;
    }
    writeln!(w, "</dl></section>")
}

fn write_confusion(w: &mut dyn Write, s: &StanceReport) -> io::Result<()> {
    let labels = &s.confusion.labels;
    writeln!(
        w,
        "<section id=\"confusion\"><h2>Confusion matrix</h2><p class=\"note\">Rows: true label; \
         columns: predicted. Colour: the cell's share of its row.</p>\n<table class=\"heatmap\">\
         <thead><tr><th class=\"corner\">true \\ predicted</th>"
    )?;
    for label in labels {
        write!(w, "<th class=\"pred\" scope=\"col\">{}</th>", escape(label))?;
    }
    writeln!(w, "<th class=\"total\">total</th></tr></thead><tbody>")?;
    for (label, row) in labels.iter().zip(&s.confusion.matrix) {
        let total: usize = row.iter().sum();
        write!(
            w,
            "<tr><th class=\"true\" scope=\"row\">{}</th>",
            escape(label)
        )?;
        for (pred, &count) in labels.iter().zip(row) {
            let share = count as f64 / total.max(1) as f64;
            let class = if pred == label { "cell diag" } else { "cell" };
            write!(
                w,
                "<td class=\"{class}{}\" data-true=\"{}\" data-pred=\"{}\" data-count=\"{count}\" \
                 style=\"background:{}\" title=\"{:.1}% of the row\">{count}</td>",
                if share > 0.5 { " dark" } else { "" },
                escape(label),
                escape(pred),
                heat(share),
                100.0 * share
            )?;
        }
        writeln!(w, "<td class=\"total\">{total}</td></tr>")?;
    }
    writeln!(w, "</tbody></table></section>")
}

/// A sequential blue for a share in [0, 1]: near white to deep blue, apart from the stance
/// colours.
fn heat(share: f64) -> String {
    format!("hsl(212,60%,{:.0}%)", 97.0 - 62.0 * share.clamp(0.0, 1.0))
}

/// A table of precision, recall, F1 and support, with bars: per label or per topic.
fn write_scores_table(
    w: &mut dyn Write,
    what: &str,
    rows: &BTreeMap<String, LabelScores>,
    order: &[String],
) -> io::Result<()> {
    writeln!(
        w,
        "<table class=\"scores\"><thead><tr><th>{what}</th><th>precision</th><th>recall</th>\
         <th>F1</th><th>support</th></tr></thead><tbody>"
    )?;
    for name in order {
        let Some(l) = rows.get(name) else { continue };
        write!(w, "<tr data-label=\"{0}\"><th>{0}</th>", escape(name))?;
        for (metric, v) in [
            ("precision", l.precision),
            ("recall", l.recall),
            ("f1", l.f1),
        ] {
            write!(
                w,
                "<td class=\"metric\" data-metric=\"{metric}\"><span class=\"value\">{v:.3}\
                 </span><span class=\"bar\"><i style=\"width:{:.1}%\"></i></span></td>",
                100.0 * v
            )?;
        }
        writeln!(w, "<td class=\"support\">{}</td></tr>", l.support)?;
    }
    writeln!(w, "</tbody></table>")
}

fn write_per_label(w: &mut dyn Write, s: &StanceReport) -> io::Result<()> {
    writeln!(w, "<section id=\"per-label\"><h2>Per label</h2>")?;
    write_scores_table(w, "label", &s.per_label, &s.confusion.labels)?;
    writeln!(w, "</section>")
}

fn write_topics(w: &mut dyn Write, t: &TopicReport) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"topics\"><h2>Topics</h2><p>micro-F1 <b id=\"topic-micro-f1\">{:.3}</b> · \
         macro-F1 <b id=\"topic-macro-f1\">{:.3}</b> over {} sentences labelled for topics</p>",
        t.micro_f1, t.macro_f1, t.n
    )?;
    let order: Vec<String> = t.per_topic.keys().cloned().collect();
    write_scores_table(w, "topic", &t.per_topic, &order)?;
    writeln!(w, "</section>")
}

/// Plot geometry of the reliability diagram: the square's side and its margins.
const SIDE: f64 = 300.0;
const LEFT: f64 = 48.0;
const TOP: f64 = 24.0;

fn write_reliability(w: &mut dyn Write, r: &Reliability) -> io::Result<()> {
    let (x, y) = (|v: f64| LEFT + SIDE * v, |v: f64| TOP + SIDE * (1.0 - v));
    writeln!(
        w,
        "<section id=\"reliability\"><h2>Reliability</h2><p>Expected calibration error \
         (ECE) <b id=\"ece\">{:.4}</b>: the bins' gap between accuracy and mean confidence, \
         weighted by their share of sentences. Bars: a bin's accuracy; dots: its mean \
         confidence; on the diagonal a probability of 0.8 is right 80% of the time.</p>\n\
         <svg class=\"reliability\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" role=\"img\" aria-label=\"reliability diagram\">",
        r.ece,
        width = LEFT + SIDE + 16.0,
        height = TOP + SIDE + 44.0
    )?;
    for tick in 0..=5 {
        let v = f64::from(tick) / 5.0;
        writeln!(
            w,
            "<line class=\"grid\" x1=\"{x0}\" y1=\"{yv}\" x2=\"{x1}\" y2=\"{yv}\"/>\
             <text class=\"tick\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{v:.1}</text>\
             <text class=\"tick\" x=\"{xv}\" y=\"{by}\" text-anchor=\"middle\">{v:.1}</text>",
            x0 = x(0.0),
            x1 = x(1.0),
            yv = y(v),
            tx = x(0.0) - 6.0,
            ty = y(v) + 4.0,
            xv = x(v),
            by = y(0.0) + 16.0,
        )?;
    }
    for b in r.bins.iter().filter(|b| b.n > 0) {
        let (n, conf, acc) = (b.n, b.confidence, b.accuracy);
        writeln!(
            w,
            "<g class=\"bin\"><rect class=\"bar\" x=\"{bx:.1}\" y=\"{top:.1}\" width=\"{bw:.1}\" \
             height=\"{bh:.1}\"/><circle class=\"mark\" cx=\"{cx:.1}\" cy=\"{top:.1}\" r=\"4\" \
             data-n=\"{n}\" data-confidence=\"{conf:.4}\" data-accuracy=\"{acc:.4}\"/>\
             <text class=\"count\" x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{n}</text>\
             <title>confidence {lo:.1}-{hi:.1}: {n} sentences, mean confidence {conf:.3}, \
             accuracy {acc:.3}</title></g>",
            bx = x(b.lower) + 1.5,
            top = y(acc),
            bw = SIDE / 10.0 - 3.0,
            bh = SIDE * acc,
            cx = x(conf),
            tx = x((b.lower + b.upper) / 2.0),
            ty = y(acc) - 8.0,
            lo = b.lower,
            hi = b.upper,
        )?;
    }
    writeln!(
        w,
        "<line class=\"diagonal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
         <rect class=\"frame\" x=\"{0}\" y=\"{3}\" width=\"{SIDE}\" height=\"{SIDE}\"/>\
         <text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">confidence (highest \
         probability)</text><text class=\"axis\" transform=\"translate(12 {}) rotate(-90)\" \
         text-anchor=\"middle\">accuracy</text></svg></section>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0),
        x(0.5),
        y(0.0) + 36.0,
        y(0.5),
    )
}

fn write_mistakes(w: &mut dyn Write, mistakes: &[Mistake], total: usize) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"mistakes\"><h2>Most confident mistakes</h2><p class=\"note\">{} of {total} \
         wrong predictions, most confident first, each with the terms that pushed the model to \
         its label (positive) or to the runner-up (negative); weights add up to the margin, \
         ln(P(label) / P(runner-up)).</p>\n<ol class=\"mistakes\">",
        mistakes.len()
    )?;
    for m in mistakes {
        let e = &m.explanation;
        writeln!(
            w,
            "<li class=\"mistake\" data-confidence=\"{:.6}\"><blockquote class=\"text\">{}\
             </blockquote><p class=\"verdict\">true <span class=\"chip truth\" data-label=\"{2}\">\
             {2}</span> predicted <span class=\"chip predicted\" data-label=\"{3}\">{3}</span> \
             <span class=\"probability\">{4:.3}</span> <span class=\"source\">{5}</span></p>",
            m.probability,
            escape(&m.text),
            escape(&m.truth),
            escape(&m.predicted),
            m.probability,
            escape(&m.source),
        )?;
        let encoder = e
            .encoder
            .map(|v| format!(" + sentence embedding {v:+.3}"))
            .unwrap_or_default();
        writeln!(
            w,
            "<p class=\"margin\">margin over {}: {:+.3} = intercept {:+.3}{encoder} + {} terms\
             </p><ul class=\"terms\">",
            escape(&e.versus),
            e.margin,
            e.intercept,
            e.terms.len()
        )?;
        for t in e.top(TERMS_SHOWN) {
            writeln!(
                w,
                "<li class=\"term {}\" data-weight=\"{:.6}\"><span class=\"weight\">{:+.3}</span> \
                 <span class=\"word\">{}</span></li>",
                if t.weight > 0.0 { "toward" } else { "against" },
                t.weight,
                t.weight,
                escape(&t.term)
            )?;
        }
        writeln!(w, "</ul></li>")?;
    }
    writeln!(w, "</ol></section>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_and_labels_are_escaped() {
        let labels = vec!["<b>a</b>".to_string(), "b".to_string()];
        let stance = StanceReport::new(&labels, &[0, 1], &[1, 1]);
        let mistake = Mistake {
            text: "\"><img src=x onerror=alert(1)><script>alert(2)</script>".into(),
            source: "<x>.jsonl:3".into(),
            truth: labels[0].clone(),
            predicted: "b".into(),
            probability: 0.9,
            explanation: Explanation {
                label: "b".into(),
                versus: labels[0].clone(),
                margin: 1.0,
                intercept: 1.0,
                encoder: None,
                terms: Vec::new(),
            },
        };
        let page = EvalPage {
            model: Some("m<"),
            data: &["d&.jsonl".to_string()],
            stance: &stance,
            topics: None,
            reliability: None,
            calibration: None,
            folds: None,
            mistakes: Some(std::slice::from_ref(&mistake)),
        };
        let mut out = Vec::new();
        write_eval(&mut out, &page).unwrap();
        let html = String::from_utf8(out).unwrap();
        for raw in ["<img", "<script>alert", "<b>a", "m<", "<x>", "d&."] {
            assert!(!html.contains(raw), "{raw} unescaped");
        }
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn heat_runs_light_to_dark() {
        assert_eq!(heat(0.0), "hsl(212,60%,97%)");
        assert_eq!(heat(1.0), "hsl(212,60%,35%)");
    }
}
