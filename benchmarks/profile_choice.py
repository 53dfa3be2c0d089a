"""How a profile's settings were chosen: candidates scored on a validation split that holds out whole movies.

    python -m benchmarks.profile_choice --base cpu|cpu-pretrained --data-dir DATA [--only NAME ...]

IMDB's test reviews are of other movies than its training reviews, but the usual random validation split shares
movies with training: a model that learns actors' names and titles looks better there than it will be on test
(`splits.by_movie_validation`). So every candidate here trains with `--validation by-movie` (seed 42), and **the
candidate with the highest by-movie validation accuracy is chosen** among those whose training runs its whole
schedule inside the profile's 5-minute cap (status "completed": a run cut by the cap did not finish its own
schedule). Test accuracy is recorded too, for the record, and plays no part in the choice. TF-IDF + logistic
regression is scored on the same split.

Each candidate is `python -m sentiment_helpers train --profile BASE --validation by-movie --set ...`, run in this
benchmark's process; rows go to benchmarks/results/<base>-choice.{json,md} (`pretraining-choice` for cpu-pretrained),
rewritten after every run. Training times depend on the machine: the `cpu` candidates run on a slow float32 stand-in
(`SENTIMENT_AMP=0 OMP_NUM_THREADS=1`), recorded in the table's header.
"""
from __future__ import annotations

import argparse
import json
import os
import time

from sentiment_helpers import baseline, data, pipeline
from sentiment_helpers.profiles import apply_settings, get_profile

from . import common

# variants of the profile: each sets what it changes, so the list stays right whatever the profile ships with (the
# first row is cpu-pretrained as first shipped: word2vec, embedding fine-tuned, 25,000 words from train, 3 epochs)
PRETRAINED_CANDIDATES = {
    "fine-tuned embedding (cpu-pretrained as first shipped)": ["model.embed_dim=128", "freeze_embedding=false",
                                                               "epochs=3"],
    "random init, same model": ["model.embed_dim=128", "pretrain=none", "freeze_embedding=false", "epochs=3"],
    "hidden 128, 256 tokens, 2 epochs, fine-tuned": ["model.embed_dim=128", "model.hidden_dim=128", "max_len=256",
                                                     "epochs=2", "freeze_embedding=false"],
    "hidden 128, 256 tokens, 2 epochs, frozen": ["model.embed_dim=128", "model.hidden_dim=128", "max_len=256",
                                                 "epochs=2", "freeze_embedding=true"],
    "frozen embedding, 3 epochs": ["model.embed_dim=128", "freeze_embedding=true", "epochs=3"],
    "frozen, 50,000 words from train + unlabeled": ["model.embed_dim=128", "freeze_embedding=true", "epochs=3",
                                                    "vocab_source=train+unlabeled", "max_vocab=50000"],
    "frozen, 4 epochs": ["model.embed_dim=128", "freeze_embedding=true", "epochs=4"],
    "frozen, word2vec 10 passes": ["model.embed_dim=128", "freeze_embedding=true", "epochs=3", "pretrain_epochs=10"],
    "frozen, 256-d word2vec": ["freeze_embedding=true", "epochs=3", "model.embed_dim=256"],
    # second round (2026-11-28, later), from the profile as then shipped (256-d, frozen, 3 epochs), measured again
    # first; from this round on, a candidate must also fit the time targets: its epochs finish inside the
    # 5-minute cap
    "256-d frozen as shipped, again": [],
    "256-d frozen, 2 epochs": ["epochs=2"],
    "256-d frozen, embedding dropout 0.25": ["model.embed_dropout=0.25"],
    "256-d frozen, 300 tokens": ["max_len=300"],
    "256-d frozen, projected to 64, 3 epochs": ["model.embed_projection=64"],
    "256-d frozen, projected to 64, 5 epochs": ["model.embed_projection=64", "epochs=5"],
}

# variants of the `cpu` profile, all on every training review: each must run its 3 epochs inside the 5-minute cap on
# a slow float32 CPU. They change the profile as shipped before this choice (embedding 128 read directly by a BiLSTM
# of hidden 128), which BEFORE restores
CPU_BEFORE = ["model.embed_dim=128", "model.embed_projection=none", "model.hidden_dim=128"]
CPU_CANDIDATES = {name: CPU_BEFORE + settings for name, settings in {
    "hidden 128 (cpu as shipped before this choice)": [],
    "hidden 96": ["model.hidden_dim=96"],
    "hidden 64": ["model.hidden_dim=64"],
    "hidden 64, 4 epochs": ["model.hidden_dim=64", "epochs=4"],
    "hidden 64, 25,000 words, 400 tokens": ["model.hidden_dim=64", "max_vocab=25000", "min_freq=2", "max_len=400"],
    "hidden 96, embedding 64": ["model.hidden_dim=96", "model.embed_dim=64"],
    # second round: the smaller models lose more than a point; fewer epochs of the wider ones instead
    "hidden 128, 2 epochs": ["epochs=2"],
    "hidden 112, 2 epochs": ["model.hidden_dim=112", "epochs=2"],
    # third round: keep hidden 128 and 3 epochs, and halve the BiLSTM's steps by reading the words in pairs
    "hidden 128, words in pairs": ["model.word_pairs=true"],
    "hidden 128, words in pairs, 25,000 words, 400 tokens": ["model.word_pairs=true", "max_vocab=25000", "min_freq=2",
                                                             "max_len=400"],
    # fourth round: the model of `cpu-pretrained` from a random init (its twin scored 89.10% on test at full size):
    # a wide embedding, cheap to look up, projected to 64 numbers for a small BiLSTM
    "embedding 256 projected to 64, hidden 64, 25,000 words, 400 tokens": [
        "model.embed_dim=256", "model.embed_projection=64", "model.hidden_dim=64", "max_vocab=25000", "min_freq=2",
        "max_len=400"],
    "embedding 256 projected to 64, hidden 64": ["model.embed_dim=256", "model.embed_projection=64",
                                                 "model.hidden_dim=64"],
    # fifth round: its best epoch was the second, so regularise the embedding; or spend the time left on hidden 96
    "embedding 256 projected to 64, hidden 64, embedding dropout 0.25": [
        "model.embed_dim=256", "model.embed_projection=64", "model.hidden_dim=64", "model.embed_dropout=0.25"],
    "embedding 256 projected to 64, hidden 64, embedding dropout 0.25, 4 epochs": [
        "model.embed_dim=256", "model.embed_projection=64", "model.hidden_dim=64", "model.embed_dropout=0.25",
        "epochs=4"],
    "embedding 256 projected to 64, hidden 96": ["model.embed_dim=256", "model.embed_projection=64",
                                                 "model.hidden_dim=96"],
    "embedding 256 projected to 128, hidden 64": ["model.embed_dim=256", "model.embed_projection=128",
                                                  "model.hidden_dim=64"],
}.items()}
CANDIDATES = {"cpu": CPU_CANDIDATES, "cpu-pretrained": PRETRAINED_CANDIDATES}
RESULT_NAMES = {"cpu": "cpu-choice", "cpu-pretrained": "pretraining-choice"}


def table(base: str, machine: str, notes: str, rows: list[dict]) -> str:
    """The candidates' table, the chosen one marked: the highest by-movie validation accuracy among the runs that
    completed their schedule."""
    eligible = [r for r in rows if r["model"] != "TF-IDF" and r.get("status", "completed").startswith("completed")]
    best = max(eligible, key=lambda r: r["val_accuracy"], default=None)
    lines = "\n".join(
        f"| {r['model']}{' (chosen)' if r is best else ''} | {r['val_accuracy']:.4f} | {r['test_accuracy']:.4f} | "
        f"{r['train_seconds']:.0f} | {r['epochs_run']} | {r.get('status', '-')} | {r.get('commit', '-')} | "
        f"`{r['command']}` |" for r in rows)
    command = common.command_line("profile_choice", f"--base {base} --data-dir {common.DATA} [--only NAME ...]")
    return (f"`{base}` candidates on a by-movie validation split (split seed 42, classifier seed 42), data: "
            f"{common.DATA}; {machine}, {time.strftime('%Y-%m-%d')}.\nCommand: `{command}`. Chosen: the highest "
            "by-movie validation accuracy; test accuracy plays no part in the choice. Each row's settings change the "
            "profile as it was when the row ran (the commit column).\n\n" + (f"{notes}\n\n" if notes else "")
            + "| candidate | by-movie validation acc. | test acc. | training s | epochs | status | commit | command |\n"
            f"|---|---|---|---|---|---|---|---|\n{lines}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", choices=list(CANDIDATES), default="cpu-pretrained", help="the profile to choose")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--only", nargs="+", help="run only these candidates (names as in the table)")
    parser.add_argument("--rewrite", action="store_true", help="run nothing: write the table again from the .json")
    args = parser.parse_args()
    base, candidates, name = args.base, CANDIDATES[args.base], RESULT_NAMES[args.base]
    unknown = set(args.only or []) - set(candidates)
    if unknown:
        parser.error(f"no such {base} candidate: {', '.join(sorted(unknown))}")
    stand_in, described = common.stand_in(), common.machine()
    machine = common.machine_line(described) + (f", {stand_in}" if stand_in else "")
    os.environ.update({**common.OFFLINE, "SENTIMENT_ARTIFACTS": str(common.RESULTS / "runs" / name / "artifacts")})
    json_path = common.RESULTS / f"{name}.json"
    earlier = json.loads(json_path.read_text()) if json_path.is_file() and (args.only or args.rewrite) else {}
    # with --only, the other candidates' rows stay (a row run again replaces its old one); notes are kept
    rows: list[dict] = [r for r in earlier.get("rows", []) if r["model"] not in (args.only or [])]
    notes = earlier.get("notes", "")

    def record(row: dict | None) -> None:
        if row is not None:
            rows.append({**row, "commit": described["commit"]})
            print(row, flush=True)
        common.write_results(name, table(base, machine, notes, rows),
                             {"machine": common.machine_line(described), **described, "notes": notes, "rows": rows})

    if args.rewrite:
        return record(None)
    if not any(r["model"] == "TF-IDF" for r in rows):
        tfidf = baseline.train_baseline(data.load_imdb(args.data_dir, seed=42, validation="by-movie"))
        record({"model": "TF-IDF", "val_accuracy": tfidf.validation.metrics["accuracy"],
                "test_accuracy": tfidf.test.metrics["accuracy"], "train_seconds": tfidf.fit_seconds, "epochs_run": "-",
                "command": "this benchmark (sentiment_helpers.baseline.train_baseline on the same split)"})
    for candidate, settings in candidates.items():
        if args.only and candidate not in args.only:
            continue
        profile = apply_settings(get_profile(base), settings)
        run = pipeline.run_training(profile, args.data_dir, common.RESULTS / "runs" / name / "run", seed=42,
                                    split_seed=42, validation="by-movie", progress=False)
        m = run.metrics
        record({"model": candidate, "val_accuracy": m["val_accuracy"], "test_accuracy": m["test_accuracy"],
                "train_seconds": m["train_seconds"], "epochs_run": m["epochs_run"], "status": m["status"],
                "best_epoch": m["best_epoch"], "settings": settings, "machine": machine,
                "command": f"{stand_in + ' ' if stand_in else ''}python -m sentiment_helpers train --profile {base} "
                           "--validation by-movie " + " ".join(f"--set {s}" for s in settings)
                           + f" --data-dir {common.DATA}"})


if __name__ == "__main__":
    main()
