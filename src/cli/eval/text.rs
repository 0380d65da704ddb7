//! `eval`'s plain-text report: headline figures, per-label scores, the confusion matrix,
//! calibration and reliability, topics.

use super::Evaluation;

pub(super) fn write_text(w: &mut dyn std::io::Write, e: &Evaluation) -> std::io::Result<()> {
    let s = &e.stance;
    writeln!(w, "sentences  {}", s.n)?;
    writeln!(w, "accuracy   {:.4}", s.accuracy)?;
    writeln!(w, "macro-F1   {:.4}", s.macro_f1)?;
    if let Some(folds) = &e.fold_macro_f1 {
        let list: Vec<String> = folds.iter().map(|f| format!("{f:.4}")).collect();
        writeln!(
            w,
            "folds      {} (macro-F1 per fold: {})",
            folds.len(),
            list.join(" ")
        )?;
    }
    let width = s
        .confusion
        .labels
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        w,
        "\n{:width$}  precision  recall  f1      support",
        "label"
    )?;
    for label in &s.confusion.labels {
        let l = &s.per_label[label];
        writeln!(
            w,
            "{label:width$}  {:<9.4}  {:<6.4}  {:<6.4}  {}",
            l.precision, l.recall, l.f1, l.support
        )?;
    }
    writeln!(w, "\nconfusion (rows: true label, columns: predicted)")?;
    write!(w, "{:width$}", "")?;
    for label in &s.confusion.labels {
        write!(w, "  {label:>width$}")?;
    }
    writeln!(w)?;
    for (label, row) in s.confusion.labels.iter().zip(&s.confusion.matrix) {
        write!(w, "{label:width$}")?;
        for n in row {
            write!(w, "  {n:>width$}")?;
        }
        writeln!(w)?;
    }
    write_calibration(w, e)?;
    if let Some(t) = &e.topics {
        writeln!(
            w,
            "\ntopics     micro-F1 {:.4}  macro-F1 {:.4}  ({} sentences)",
            t.micro_f1, t.macro_f1, t.n
        )?;
        let width = t
            .per_topic
            .keys()
            .map(String::len)
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(w, "{:width$}  precision  recall  f1      support", "topic")?;
        for (topic, l) in &t.per_topic {
            writeln!(
                w,
                "{topic:width$}  {:<9.4}  {:<6.4}  {:<6.4}  {}",
                l.precision, l.recall, l.f1, l.support
            )?;
        }
    }
    Ok(())
}

fn write_calibration(w: &mut dyn std::io::Write, e: &Evaluation) -> std::io::Result<()> {
    if let Some(c) = &e.calibration {
        writeln!(
            w,
            "\ncalibration temperature {:.3}, fitted on {} (their ECE {:.4} -> {:.4})",
            c.temperature,
            c.fitted_on(),
            c.ece_before,
            c.ece_after
        )?;
    }
    let Some(r) = &e.reliability else {
        return Ok(());
    };
    writeln!(w, "\nexpected calibration error (ECE) {:.4}", r.ece)?;
    if let Some(c) = &e.confident {
        writeln!(
            w,
            "confidence >= {:.1}: {} sentences ({:.1}%), accuracy {}",
            c.at_least,
            c.n,
            100.0 * c.n as f64 / e.stance.n.max(1) as f64,
            c.accuracy.map_or("-".into(), |a| format!("{a:.4}"))
        )?;
    }
    writeln!(w, "confidence  sentences  mean confidence  accuracy")?;
    for b in r.bins.iter().filter(|b| b.n > 0) {
        writeln!(
            w,
            "{:.1}-{:.1}     {:>9}  {:>15.3}  {:>8.3}",
            b.lower, b.upper, b.n, b.confidence, b.accuracy
        )?;
    }
    Ok(())
}
