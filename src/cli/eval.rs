//! `stance eval`: accuracy, macro-F1, per-label scores and the confusion matrix of a model on
//! labelled files, or of the training settings by stratified K-fold cross-validation (`--cv`).
//! As text, JSON, or one self-contained HTML page (`--format html --out eval.html`) with the
//! confusion matrix as a heatmap, the reliability diagram and the most confident mistakes.

mod text;

use super::train::{
    after_skipping, check_known, check_out_dir, read_examples, Examples, TrainFlags,
};
use super::{display_paths, load_model, FieldArgs, Outcome};
use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use serde_json::json;
use stance::calibrate::{Calibration, Reliability};
use stance::cv::cross_validate;
use stance::metrics::{StanceReport, TopicReport};
use stance::model::{InputFields, StanceModel};
use stance::output::html::eval::{write_eval, EvalPage, Mistake};
use std::path::PathBuf;

/// Evaluate a model on labelled files, or cross-validate the training settings with --cv.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled files (JSON Lines, or CSV or TSV by extension).
    #[arg(long, required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Model to evaluate [default: $STANCE_MODEL, else the shipped models/default.json].
    #[arg(long, conflicts_with = "cv")]
    model: Option<PathBuf>,
    /// Instead of a model, cross-validate the training settings with K stratified folds.
    #[arg(long, value_name = "K")]
    cv: Option<usize>,
    /// Output format: text, json, or html (one self-contained page; needs --out).
    #[arg(long, value_enum, default_value = "text")]
    format: EvalFormat,
    /// Write the report to this file (replaced whole, never left half-written) instead of
    /// standard output. Required with --format html.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exit with status 1 when macro-F1 is below this value.
    #[arg(long)]
    min_macro_f1: Option<f64>,
    #[command(flatten)]
    fields: FieldArgs,
    #[command(flatten)]
    settings: TrainFlags,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EvalFormat {
    Text,
    Json,
    Html,
}

/// What is evaluated: a model, or the training settings by K-fold cross-validation.
enum Subject {
    Model(Box<StanceModel>),
    Folds(usize),
}

/// What an evaluation found.
struct Evaluation {
    /// The model's name (not for --cv).
    model: Option<String>,
    stance: StanceReport,
    topics: Option<TopicReport>,
    fold_macro_f1: Option<Vec<f64>>,
    /// Reliability of the model's probabilities on the data (not for --cv).
    reliability: Option<Reliability>,
    /// The temperature fitted on cross-validation folds or held-out data, with the error
    /// before and after.
    calibration: Option<Calibration>,
    /// How often the confident predictions are right (not for --cv).
    confident: Option<Confident>,
    /// The most confident mistakes with their explanations (html only, not for --cv).
    mistakes: Option<Vec<Mistake>>,
}

/// Predictions at or above a confidence, and the share of them that is right.
#[derive(Debug, serde::Serialize)]
struct Confident {
    at_least: f64,
    n: usize,
    /// `None` when no prediction is that confident.
    accuracy: Option<f64>,
}

/// Sentences predicted together.
const EVAL_CHUNK: usize = 512;

/// The confidence `eval` reports the accuracy above: what `score --min-confidence 0.8` keeps.
const CONFIDENT: f64 = 0.8;

/// Mistakes the html page lists.
const MISTAKES_SHOWN: usize = 20;

impl Confident {
    fn new(probabilities: &[Vec<f64>], truth: &[usize], at_least: f64) -> Confident {
        let (mut n, mut right) = (0, 0);
        for (p, &t) in probabilities.iter().zip(truth) {
            let best = stance::metrics::argmax(p);
            if p[best] >= at_least {
                n += 1;
                right += usize::from(best == t);
            }
        }
        Confident {
            at_least,
            n,
            accuracy: (n > 0).then(|| right as f64 / n as f64),
        }
    }
}

pub fn run(args: EvalArgs) -> Result<Outcome> {
    // Where the report goes is checked before anything is read or predicted.
    match (&args.out, args.format) {
        (None, EvalFormat::Html) => bail!(
            "--format html writes a page to a file: add --out FILE (for example --out eval.html)"
        ),
        (Some(out), _) => check_out_dir(out, "report", "eval.html")?,
        (None, _) => {}
    }
    args.settings.start_threads()?;
    // A model is read first: its fields are the default ones.
    let subject = match args.cv {
        Some(k) => Subject::Folds(k),
        None => Subject::Model(Box::new(load_model(args.model.as_deref())?)),
    };
    let defaults = match &subject {
        Subject::Model(model) => model.fields().clone(),
        Subject::Folds(_) => InputFields::default(),
    };
    let read = read_examples(&args.data, &args.fields, &defaults)?;
    let (examples, skipped) = (&read.examples, read.skipped);
    if examples.is_empty() {
        bail!("no labelled sentences in {}", display_paths(&args.data));
    }
    let evaluation = match subject {
        Subject::Folds(k) => {
            let params = args.settings.params(0).validate()?;
            let encoded = args.settings.encode(examples, None)?;
            let lexicon = args.settings.lexicon()?;
            let cv = cross_validate(&params, examples, &lexicon, k, encoded.as_ref())?;
            Evaluation {
                model: None,
                stance: cv.stance,
                topics: cv.topics,
                fold_macro_f1: Some(cv.fold_macro_f1),
                reliability: None,
                calibration: cv.calibration,
                confident: None,
                mistakes: None,
            }
        }
        Subject::Model(model) => evaluate_model(&model, &args, &read)?,
    };
    match &args.out {
        Some(path) => {
            let mut bytes = Vec::new();
            write_report(&mut bytes, &evaluation, &args)?;
            stance::atomic::write_atomic(path, &bytes)?;
        }
        None => write_report(&mut std::io::stdout().lock(), &evaluation, &args)?,
    }
    let short = args
        .min_macro_f1
        .is_some_and(|min| evaluation.stance.macro_f1 < min);
    let outcome = if short {
        Outcome::FellShort
    } else {
        Outcome::Done
    };
    Ok(after_skipping(skipped, outcome))
}

fn write_report(w: &mut dyn std::io::Write, e: &Evaluation, args: &EvalArgs) -> Result<()> {
    match args.format {
        EvalFormat::Text => text::write_text(w, e)?,
        EvalFormat::Json => {
            let mut value = serde_json::to_value(&e.stance)?;
            value["topics"] = json!(e.topics);
            value["fold_macro_f1"] = json!(e.fold_macro_f1);
            value["ece"] = json!(e.reliability.as_ref().map(|r| r.ece));
            value["reliability"] = json!(e.reliability.as_ref().map(|r| &r.bins));
            value["calibration"] = json!(e.calibration);
            value["confident"] = json!(e.confident);
            serde_json::to_writer(&mut *w, &value)?;
            w.write_all(b"\n")?;
        }
        EvalFormat::Html => {
            let data: Vec<String> = args.data.iter().map(|p| p.display().to_string()).collect();
            let page = EvalPage {
                model: e.model.as_deref(),
                data: &data,
                stance: &e.stance,
                topics: e.topics.as_ref(),
                reliability: e.reliability.as_ref(),
                calibration: e.calibration.as_ref(),
                folds: e.fold_macro_f1.as_deref(),
                mistakes: e.mistakes.as_deref(),
            };
            write_eval(w, &page)?;
        }
    }
    Ok(())
}

/// Predicts every record of the files and scores the predictions. Labels and topics the model
/// does not know are errors naming file and line.
fn evaluate_model(model: &StanceModel, args: &EvalArgs, read: &Examples) -> Result<Evaluation> {
    // Every label and topic is checked before any sentence is predicted: a bad line fails at
    // once, not after the whole file has been encoded.
    let truth = read
        .examples
        .iter()
        .zip(&read.origins)
        .map(|(ex, &(file, line))| check_known(model, ex, &args.data[file], line))
        .collect::<Result<Vec<usize>, _>>()?;
    let (mut predicted, mut probabilities) = (Vec::new(), Vec::new());
    let (mut topic_truth, mut topic_pred) = (Vec::new(), Vec::new());
    // Sentences are predicted together, so the encoder (when the model has one) runs in batches.
    let texts: Vec<&str> = read.examples.iter().map(|e| e.text.as_str()).collect();
    let mut predictions = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(EVAL_CHUNK) {
        predictions.extend(
            model
                .predict_batch(chunk, false)?
                .into_iter()
                .map(|(p, _)| p),
        );
    }
    for (ex, p) in read.examples.iter().zip(predictions) {
        predicted.push(p.label);
        probabilities.push(p.probabilities);
        if let Some(topics) = &ex.topics {
            topic_truth.push(topics.clone());
            topic_pred.push(p.topics.into_iter().map(|h| h.topic).collect());
        }
    }
    let topics = (!topic_truth.is_empty())
        .then(|| TopicReport::new(model.topics(), &topic_truth, &topic_pred));
    let mistakes = matches!(args.format, EvalFormat::Html)
        .then(|| confident_mistakes(model, args, read, &truth, &probabilities))
        .transpose()?;
    Ok(Evaluation {
        model: Some(model.name().to_string()),
        stance: StanceReport::new(model.labels(), &truth, &predicted),
        topics,
        fold_macro_f1: None,
        reliability: Some(Reliability::new(&probabilities, &truth)),
        calibration: model.calibration().cloned(),
        confident: Some(Confident::new(&probabilities, &truth, CONFIDENT)),
        mistakes,
    })
}

/// The [`MISTAKES_SHOWN`] wrong predictions of highest confidence (file order on ties), with
/// their explanations: only those sentences are predicted again, with `explain` set (label and
/// probability stay those of the first pass, which chose them).
fn confident_mistakes(
    model: &StanceModel,
    args: &EvalArgs,
    read: &Examples,
    truth: &[usize],
    probabilities: &[Vec<f64>],
) -> Result<Vec<Mistake>> {
    let mut wrong: Vec<(usize, f64)> = probabilities
        .iter()
        .zip(truth)
        .enumerate()
        .filter_map(|(i, (p, &t))| {
            let best = stance::metrics::argmax(p);
            (best != t).then_some((i, p[best]))
        })
        .collect();
    wrong.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    wrong.truncate(MISTAKES_SHOWN);
    let texts: Vec<&str> = wrong
        .iter()
        .map(|&(i, _)| read.examples[i].text.as_str())
        .collect();
    let explained = model.predict_batch(&texts, true)?;
    Ok(wrong
        .iter()
        .zip(explained)
        .map(|(&(i, probability), (_, e))| {
            let (file, line) = read.origins[i];
            Mistake {
                text: read.examples[i].text.clone(),
                source: format!("{}:{line}", args.data[file].display()),
                truth: model.label(truth[i]).to_string(),
                predicted: model
                    .label(stance::metrics::argmax(&probabilities[i]))
                    .to_string(),
                probability,
                explanation: e.expect("predicted with explain"),
            }
        })
        .collect())
}
