"""What each change of the course recipe buys: one training per variant, same data split, same seed.

    python -m benchmarks.ablation --data-dir DATA [--base cpu|full|cpu-pretrained] [--only NAME ...]

Each variant adds one change to the one above it, starting from the original design's recipe
(final states, first 256 tokens, constant Adam 1e-3). The TF-IDF + logistic regression baseline is
measured on the same split in the same run. A pretraining base (``cpu-pretrained``) ends with its pretraining steps:
the pretrained embedding fine-tuned, then frozen, then a vocabulary from the unlabeled reviews too, as far as the
profile goes (a profile that fine-tunes gets the frozen embedding as a variant beside it). Writes
benchmarks/results/ablation-<base>.{json,md}; with --only, the rows run replace those of the same name there and the
others stay.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

import torch

from sentiment_helpers import baseline, data, pipeline, prepare
from sentiment_helpers.profiles import get_profile, without_pretraining

from . import common


def variants(base_name: str) -> list[tuple[str, object]]:
    base = get_profile(base_name)
    original = without_pretraining(base).with_changes(
        model=replace(base.model, pooling="last", embed_dropout=0.0), max_len=256, truncation="head",
        schedule="constant", lr=1e-3, weight_decay=0.0, max_vocab=10_000, min_freq=5, max_train_seconds=None,
        patience=None)
    steps = [("original recipe (final states, head 256, Adam 1e-3)", original)]
    steps.append(("+ max+mean pooling over time",
                  steps[-1][1].with_changes(model=replace(original.model, pooling="maxmean"))))
    steps.append((f"+ one-cycle schedule, peak lr {base.lr:g}",
                  steps[-1][1].with_changes(schedule="onecycle", lr=base.lr)))
    steps.append(("+ head+tail truncation", steps[-1][1].with_changes(truncation="head+tail")))
    steps.append((f"+ max length {base.max_len}", steps[-1][1].with_changes(max_len=base.max_len)))
    steps.append((f"+ vocabulary {base.max_vocab:,} words (min count {base.min_freq})",
                  steps[-1][1].with_changes(max_vocab=base.max_vocab, min_freq=base.min_freq)))
    steps.append((f"+ embedding dropout {base.model.embed_dropout:g}, weight decay {base.weight_decay:g}",
                  steps[-1][1].with_changes(model=replace(steps[-1][1].model, embed_dropout=base.model.embed_dropout),
                                            weight_decay=base.weight_decay)))
    if base.patience is not None:
        steps.append((f"+ early stopping (patience {base.patience} epochs)",
                      steps[-1][1].with_changes(patience=base.patience)))
    if base.pretrain != "none":
        shipped = base.with_changes(max_train_seconds=None)
        pretrained = shipped.with_changes(freeze_embedding=False, vocab_source="train")
        steps.append((f"+ {base.pretrain} pretraining on the train + unlabeled reviews, fine-tuned", pretrained))
        if base.freeze_embedding:
            steps.append(("+ the pretrained embedding frozen", pretrained.with_changes(freeze_embedding=True)))
        if base.vocab_source != "train":
            steps.append((f"+ the vocabulary from the {base.vocab_source} reviews", shipped))
        assert steps[-1][1] == shipped, "the ladder must end with the profile as shipped"
        steps[-1] = (f"{steps[-1][0]} (= '{base_name}' as shipped)", shipped)
        if not base.freeze_embedding:
            steps.append(("  variant: the pretrained embedding frozen", shipped.with_changes(freeze_embedding=True)))
    else:
        steps.append((f"= '{base_name}' profile as shipped", base.with_changes(max_train_seconds=None)))
    # a step that changes nothing for this base profile (e.g. its max length is already 256) is not run twice
    return [step for i, step in enumerate(steps) if i == 0 or step[1] != steps[i - 1][1]]


def row(r: dict) -> str:
    epochs = f"{r['epochs']} ({r['best_epoch']})" if r.get("epochs") else "-"
    return (f"| {r['variant']} | {r['val_accuracy']:.4f} | {r['test_accuracy']:.4f} | "
            f"{r['train_seconds']:.0f} | {epochs} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--base", default="cpu", help="profile whose model size and final recipe are used")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", nargs="*", help="run only variants whose name contains one of these")
    args = parser.parse_args()
    name = f"ablation-{args.base}"
    previous = common.RESULTS / f"{name}.json"
    rows = json.loads(previous.read_text()) if args.only and previous.is_file() else []
    dataset = data.load_imdb(args.data_dir, seed=args.seed)
    command = common.command_line("ablation", f"--data-dir {common.DATA} --base {args.base}")
    header = (f"Ablation on '{args.base}'-sized models, seed {args.seed}, data: {common.DATA}; "
              f"{common.machine_line(common.machine())}, {torch.get_num_threads()} torch thread(s), "
              f"{time.strftime('%Y-%m-%d')}.\nCommand: `{command}`\n\n"
              "| variant | validation acc. | test acc. | training s | epochs (best) |\n|---|---|---|---|---|\n")

    def record(result: dict) -> None:  # written after every variant: an interrupted run keeps what it measured
        same = [i for i, r in enumerate(rows) if r["variant"] == result["variant"]]
        if same:
            rows[same[0]] = result
        else:
            rows.append(result)
        print({k: v for k, v in result.items() if k != "settings"}, flush=True)
        common.write_results(name, header + "\n".join(map(row, rows)) + "\n", rows)

    # the baseline sees the same subsets as the BiLSTM variants
    result = baseline.train_baseline(prepare.profile_splits(dataset, get_profile(args.base), args.seed))
    record({"variant": "TF-IDF 1-2 grams + logistic regression (C=10)",
            "val_accuracy": result.validation.metrics["accuracy"], "test_accuracy": result.test.metrics["accuracy"],
            "train_seconds": result.fit_seconds, "epochs": None})
    for variant, profile in variants(args.base):
        if args.only and not any(key in variant for key in args.only):
            continue
        run = pipeline.run_training(profile, args.data_dir, common.RESULTS / "runs" / args.base, seed=args.seed,
                                    progress=False)
        record({"variant": variant, "val_accuracy": run.metrics["val_accuracy"],
                "test_accuracy": run.metrics["test_accuracy"],
                "train_seconds": run.metrics["train_seconds"], "epochs": run.metrics["epochs_run"],
                "best_epoch": run.metrics["best_epoch"], "settings": profile.to_dict()})
    print(header + "\n".join(map(row, rows)))


if __name__ == "__main__":
    main()
