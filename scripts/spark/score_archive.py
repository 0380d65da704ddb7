#!/usr/bin/env python3
"""Score a news archive on Apache Spark with the `stance` binary, exactly as one process would.

    spark-submit [--master local[2]] scripts/spark/score_archive.py \
        --input ARCHIVE.jsonl|ARCHIVE.parquet --output OUT --binary target/release/stance \
        --model models/fast.json [--partitions 8] [--threads 1] [--quotes-format jsonl|parquet]

The archive holds article records (`id`, `text`, optional `date`, `title`, `url`, other fields).
Each record gets its position in the archive (`position`, from `zipWithIndex`), so that the
order-dependent parts of the aggregate (which expert comes first, which evidence wins a tie) are
those of one `stance score --articles` over the whole archive. Each partition is piped through
`stance score --articles - --emit quotes,partial` (a deterministic map: a retried task gives the
same lines); the partial states are merged on the driver by `stance aggregate`.

Writes OUT/quotes (JSON Lines or Parquet), OUT/articles.jsonl (one line per article: sentences
found, or `skipped` with its id and the reason), OUT/experts.jsonl (byte-identical to the expert
lines of one process) and prints a summary. On a cluster, ship the binary and the models folder with
`--files`/`--archives` and pass their names as seen by the executors (see docs/spark.md).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, help="article records: .jsonl/.json or .parquet")
    p.add_argument("--output", required=True, help="output folder (must not exist)")
    p.add_argument("--binary", required=True, help="the stance binary, as the executors see it")
    p.add_argument("--model", required=True, help="model file, as the executors see it")
    p.add_argument("--partitions", type=int, default=0, help="default: Spark's parallelism")
    p.add_argument("--threads", type=int, default=1, help="stance threads per task")
    p.add_argument("--quotes-format", choices=["jsonl", "parquet"], default="jsonl")
    p.add_argument("--aliases", help="alias file for stance aggregate (driver side)")
    p.add_argument("--local-binary", help="the stance binary on the driver [default: --binary]")
    p.add_argument("--master", help="Spark master when not run by spark-submit, e.g. local[2]")
    return p.parse_args(argv)


def read_records(spark, path):
    """(position, JSON line) of every article record, in archive order."""
    if path.endswith(".parquet") or os.path.isdir(path) and not path.endswith((".jsonl", ".json")):
        rows = spark.read.parquet(path).rdd.map(lambda r: json.dumps(r.asDict(), ensure_ascii=False))
    else:
        rows = spark.sparkContext.textFile(path).filter(lambda l: l.strip())
    return rows.zipWithIndex().map(lambda x: (x[1], x[0]))


def with_position(item):
    position, line = item
    record = json.loads(line)
    record["position"] = position
    return json.dumps(record, ensure_ascii=False)


def on_executor(path):
    """Where a file shipped with the job is on this executor: as given when it is there (a local
    path, or YARN's working folder), else under SparkFiles' root (--files and --archives on other
    cluster managers)."""
    if os.path.exists(path):
        return path
    from pyspark import SparkFiles

    for candidate in (os.path.join(SparkFiles.getRootDirectory(), path),
                      SparkFiles.get(os.path.basename(path))):
        if os.path.exists(candidate):
            return candidate
    return path


def skipped_line(message, lines):
    """A `skipped` line for stance's "stance: skipped -:LINE: reason" message about the
    partition's input: the record's id and position, and the reason; None for other messages."""
    prefix = "stance: skipped -:"
    if not message.startswith(prefix):
        return None
    number, _, reason = message[len(prefix):].partition(": ")
    record = {}
    if number.isdigit() and 0 < int(number) <= len(lines):
        try:
            record = json.loads(lines[int(number) - 1])
        except ValueError:
            pass
    if not isinstance(record, dict):
        record = {}
    return json.dumps({"type": "skipped", "id": record.get("id"),
                       "position": record.get("position"), "reason": reason})


def score_partition(binary, model, threads):
    """A mapPartitions function: the partition's records through `stance score`."""

    def run(lines):
        lines = list(lines)
        if not lines:
            return iter(())
        exe, model_path = on_executor(binary), on_executor(model)
        if not os.access(exe, os.X_OK):
            # --files does not always keep the executable bit.
            os.chmod(exe, os.stat(exe).st_mode | 0o111)
        cmd = [exe, "score", "--model", model_path, "--articles", "-", "--format", "jsonl",
               "--emit", "quotes,partial", "--skip-invalid", "--threads", str(threads)]
        proc = subprocess.run(cmd, input=("\n".join(lines) + "\n").encode("utf-8"),
                              capture_output=True)
        # 1: ran but skipped a record or found nothing; 2: an error, so the task fails (and is
        # retried by Spark).
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"stance exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
        out = proc.stdout.decode("utf-8").splitlines()
        skipped = [skipped_line(l, lines) for l in proc.stderr.decode("utf-8").splitlines()]
        return iter(out + [l for l in skipped if l])

    return run


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("stance score_archive")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    records = read_records(spark, args.input).map(with_position)
    total = records.count()
    partitions = args.partitions or sc.defaultParallelism
    scored = (records.repartition(partitions)
              .mapPartitions(score_partition(args.binary, args.model, args.threads))
              .map(lambda l: (json.loads(l)["type"], l)))
    scored.cache()
    os.makedirs(args.output)
    quotes = scored.filter(lambda t: t[0] == "quote").map(lambda t: t[1])
    if args.quotes_format == "parquet":
        spark.read.json(quotes).write.parquet(os.path.join(args.output, "quotes"))
    else:
        quotes.saveAsTextFile(os.path.join(args.output, "quotes"))
    accounted = scored.filter(lambda t: t[0] in ("article", "skipped")).map(lambda t: t[1]).collect()
    with open(os.path.join(args.output, "articles.jsonl"), "w", encoding="utf-8") as f:
        for line in accounted:
            f.write(line + "\n")
    partial = scored.filter(lambda t: t[0] == "partial").map(lambda t: t[1]).collect()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for line in partial:
            f.write(line + "\n")
        partial_path = f.name
    cmd = [args.local_binary or args.binary, "aggregate", partial_path]
    if args.aliases:
        cmd += ["--aliases", args.aliases]
    experts = os.path.join(args.output, "experts.jsonl")
    with open(experts + ".tmp", "wb") as out:
        subprocess.run(cmd, stdout=out, check=True)
    os.replace(experts + ".tmp", experts)
    os.unlink(partial_path)
    n_quotes = quotes.count()
    n_articles = sum(1 for l in accounted if json.loads(l)["type"] == "article")
    n_skipped = len(accounted) - n_articles
    print(json.dumps({"records": total, "articles": n_articles, "skipped": n_skipped,
                      "quotes": n_quotes, "partitions": partitions}))
    spark.stop()


if __name__ == "__main__":
    main()
