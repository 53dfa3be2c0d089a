"""Do the course's models read what changed? Every model on the counterfactual pairs of Kaushik, Hovy and Lipton
(ICLR 2020): an IMDB review beside its minimal edit with the other label; and what adding the pairs to training does.

    python -m benchmarks.counterfactual --data-dir DATA [--seeds 42 43 44] [--repeats 1 2 4 8] [--report]

Every model trains without the IMDB reviews that are originals of a pair (all are IMDB training reviews:
`--cad-originals leave-out`), on one split (split seed 42), with no time cap (`max_train_seconds=none`: a busy machine
would otherwise cut runs short). Steps, each run saved as it ends:
1. the choice, on the pairs' dev split only: `cpu-pretrained` with the training pairs added r times, for each r of
   --repeats, seed 42; the r with the best dev pair accuracy (both reviews of a pair right) wins, the fewest on a tie;
2. for each seed: `cpu`, `cpu-pretrained`, `cpu-pretrained` + pairs x r, and its control, `cpu-pretrained` + the
   originals alone x 2r (as many added reviews, none of them edited); each scored on IMDB test and the test pairs;
3. TF-IDF, NB n-grams (without and with the pairs x r) on the same reviews; the ensemble of `cpu-pretrained` and
   NB n-grams (its weight chosen on IMDB validation), and of the two trained with the pairs (its weight chosen on the
   dev pairs' pair accuracy);
4. the leak: `cpu-pretrained` (seed 42) trained with the originals kept, on the same test pairs.
Checkpoints and scores go to benchmarks/results/runs/counterfactual/ (not committed); the tables to
benchmarks/results/counterfactual-cpu.{md,json}.
"""
from __future__ import annotations

import argparse
import json
import pickle
import statistics
import time
from pathlib import Path

import numpy as np

from sentiment_helpers import baseline, counterfactual, ensemble, pipeline, prepare, profiles
from sentiment_helpers.data import column
from sentiment_helpers.files import atomic_file, write_json
from sentiment_helpers.predict import SentimentPredictor

from .common import RESULTS, ROOT, command_line, machine, machine_line, write_results

RUNS = RESULTS / "runs" / "counterfactual"
SPLIT_SEED = 42
NO_CAP = {"max_train_seconds": None}


def pair_probabilities(predict, split: str) -> dict:
    pairs = counterfactual.load_pairs(split)
    p_original, p_revised = predict(pairs.original), predict(pairs.revised)
    return {"p_original": p_original, "p_revised": p_revised,
            "scores": counterfactual.pair_scores(p_original, p_revised, pairs)}


def lstm_predict(checkpoint_path: Path):
    return SentimentPredictor.from_checkpoint(checkpoint_path).p_positive


class Runner:
    """The runs, kept in one JSON file as they end: a run already there is not run again."""

    def __init__(self, data_dir: str):
        self.data_dir, self.prepared = data_dir, {}
        self.path = RUNS / "runs.json"
        self.runs = json.loads(self.path.read_text()) if self.path.is_file() else {}
        for run in self.runs.values():  # what each run trained, from its metrics.json, where the record lacks it
            if "checkpoint" in run and "profile_settings" not in run:
                metrics = json.loads((ROOT / run["checkpoint"]).with_name("metrics.json").read_text())
                run["profile_settings"] = metrics["profile_settings"]

    def save(self, name: str, record: dict) -> dict:
        self.runs[name] = record
        write_json(self.path, self.runs, indent=1)
        print(name, {k: v for k, v in record.items() if k not in ("dev", "test_pairs")}, flush=True)
        return record

    def data(self, profile: profiles.Profile):
        key = (profile.name, profile.cad_originals, profile.cad_added, profile.cad_repeats)
        if key not in self.prepared:
            self.prepared = {key: prepare.prepare_data(profile, self.data_dir, SPLIT_SEED)}  # one at a time: memory
        return self.prepared[key]

    def lstm(self, name: str, profile: profiles.Profile, seed: int, splits=("test",)) -> dict:
        if name in self.runs:
            return self.runs[name]
        same = next((run for run in self.runs.values() if run.get("profile_settings") == profile.to_dict()
                     and run.get("seed") == seed), None)
        if same:  # the same model was trained for the choice: score it, do not train it again
            record, checkpoint = dict(same), ROOT / same["checkpoint"]
        else:
            cache = RUNS / "pretrained" / f"word2vec-{profile.cad_originals}.pt"
            result = pipeline.run_training(profile, self.data_dir, RUNS / name, seed, split_seed=SPLIT_SEED,
                                           prepared=self.data(profile), pretrain_cache=cache, progress=False)
            m, checkpoint = result.metrics, result.checkpoint_path
            record = {"model": profile.name, "seed": seed, "imdb_test": m["test_accuracy"],
                      "imdb_validation": m["val_accuracy"], "status": m["status"], "train_seconds": m["train_seconds"],
                      "counterfactuals": m["counterfactuals"], "profile_settings": m["profile_settings"],
                      "checkpoint": str(checkpoint.relative_to(ROOT))}
        predict = lstm_predict(checkpoint)
        (RUNS / name).mkdir(parents=True, exist_ok=True)
        for split in splits:
            scored = pair_probabilities(predict, split)
            record["dev" if split == "dev" else "test_pairs"] = scored["scores"]
            np.savez(RUNS / name / f"pairs-{split}.npz", **{k: scored[k] for k in ("p_original", "p_revised")})
        return self.save(name, record)

    def linear(self, name: str, make, profile: profiles.Profile) -> dict:
        if name in self.runs:
            return self.runs[name]
        fitted = baseline.fit_and_score(make(), self.data(profile).dataset)
        (RUNS / name).mkdir(parents=True, exist_ok=True)
        with atomic_file(RUNS / name / "model.pkl") as f:
            pickle.dump(fitted.model, f)
        predict = lambda texts: fitted.model.predict_proba(list(texts))[:, 1].tolist()
        scored = pair_probabilities(predict, "test")
        p_validation = fitted.validation.p_positive.tolist()
        np.savez(RUNS / name / "pairs-test.npz", p_original=scored["p_original"], p_revised=scored["p_revised"],
                 p_validation=p_validation)
        return self.save(name, {"model": name.split("-")[0], "imdb_test": fitted.test.metrics["accuracy"],
                                "imdb_validation": fitted.validation.metrics["accuracy"],
                                "fit_seconds": fitted.fit_seconds, "test_pairs": scored["scores"]})


def ensemble_row(runner: Runner, lstm_name: str, ngram_name: str, profile: profiles.Profile) -> dict:
    """The BiLSTM and the n-grams, log-odds averaged with the weight chosen on IMDB validation (as lesson 05)."""
    prepared = runner.data(profile)
    labels = column(prepared.dataset["validation"], "label")
    bundle_predict = lstm_predict(ROOT / runner.runs[lstm_name]["checkpoint"])
    p_lstm_validation = bundle_predict(column(prepared.dataset["validation"], "text"))
    ngrams = np.load(RUNS / ngram_name / "pairs-test.npz")
    weight = ensemble.best_weight(ensemble.weight_table(np.array(p_lstm_validation), ngrams["p_validation"], labels))
    lstm = np.load(RUNS / lstm_name / "pairs-test.npz")
    pairs = counterfactual.load_pairs("test")
    combined = {which: ensemble.combine(lstm[f"p_{which}"], ngrams[f"p_{which}"], weight)
                for which in ("original", "revised")}
    return {"model": "ensemble", "seed": runner.runs[lstm_name]["seed"], "weight": weight,
            "test_pairs": counterfactual.pair_scores(combined["original"], combined["revised"], pairs)}


def augmented_ensemble_row(runner: Runner, seed: int, repeats: int) -> dict:
    """The BiLSTM and the n-grams, both trained with the pairs added: the weight chosen on the dev pairs (pair
    accuracy, then the weight nearest 0.5), scored once on the test pairs."""
    lstm = lstm_predict(ROOT / runner.runs[f"cpu-pretrained+pairs{repeats}-seed{seed}"]["checkpoint"])
    model = pickle.loads((RUNS / f"ngrams+pairs{repeats}" / "model.pkl").read_bytes())
    ngrams = lambda texts: model.predict_proba(list(texts))[:, 1]  # noqa: E731
    scored = {split: (counterfactual.load_pairs(split), {}) for split in ("dev", "test")}
    for pairs, p in scored.values():
        for which in ("original", "revised"):
            texts = getattr(pairs, which)
            p[which] = (np.array(lstm(texts)), ngrams(texts))
    combined = lambda split, w: {which: ensemble.combine(*scored[split][1][which], w)  # noqa: E731
                                 for which in ("original", "revised")}
    dev = {w: counterfactual.pair_scores(**{f"p_{k}": v for k, v in combined("dev", w).items()},
                                         pairs=scored["dev"][0], n_boot=1)["both"] for w in ensemble.WEIGHTS}
    weight = max(ensemble.WEIGHTS, key=lambda w: (dev[w], -abs(w - 0.5)))
    test = combined("test", weight)
    return {"model": "ensemble", "seed": seed, "weight": weight, "dev_both": dev[weight],
            "test_pairs": counterfactual.pair_scores(test["original"], test["revised"], scored["test"][0])}


def variants(repeats: int) -> dict[str, profiles.Profile]:
    left_out = {"cad_originals": "leave-out", **NO_CAP}
    cpu, pretrained = profiles.get_profile("cpu"), profiles.get_profile("cpu-pretrained")
    return {"cpu": cpu.with_changes(**left_out), "cpu-pretrained": pretrained.with_changes(**left_out),
            f"cpu-pretrained+pairs{repeats}": pretrained.with_changes(**left_out, cad_added="pairs",
                                                                       cad_repeats=repeats),
            f"cpu-pretrained+originals{repeats}": pretrained.with_changes(**left_out, cad_added="originals",
                                                                           cad_repeats=repeats)}


def choose_repeats(runner: Runner, candidates: list[int]) -> int:
    pretrained = profiles.get_profile("cpu-pretrained").with_changes(cad_originals="leave-out", **NO_CAP)
    dev = {}
    for r in candidates:
        run = runner.lstm(f"choice-pairs{r}", pretrained.with_changes(cad_added="pairs", cad_repeats=r), SPLIT_SEED,
                          splits=("dev",))
        dev[r] = run["dev"]["both"]
    return max(candidates, key=lambda r: (dev[r], -r))


def summary(runs: dict, chosen: int) -> tuple[list[dict], str]:
    """Mean and range over seeds of every model's scores, as rows and as the markdown table."""
    groups: dict[str, list[dict]] = {}
    for name, run in runs.items():
        if "test_pairs" in run and not name.startswith("choice"):
            groups.setdefault(name.rsplit("-seed", 1)[0], []).append(run)
    rows, lines = [], ["| model | seeds | IMDB test | CAD original | CAD revised | both of a pair | gap (95% CI, "
                       "seed 42) |", "|---|---|---|---|---|---|---|"]
    fmt = lambda values: (f"{100 * statistics.mean(values):.1f}%" + (f" ({100 * min(values):.1f}-"
                                                                       f"{100 * max(values):.1f})" if len(values) > 1
                                                                       else ""))
    for group, members in groups.items():
        get = lambda key, members=members: [m["test_pairs"][key] for m in members]
        imdb = [m["imdb_test"] for m in members if "imdb_test" in m]
        first = members[0]["test_pairs"]
        row = {"model": group, "seeds": len(members), "imdb_test": statistics.mean(imdb) if imdb else None,
               **{key: statistics.mean(get(key)) for key in ("original", "revised", "both", "gap")},
               "range": {key: [min(get(key)), max(get(key))] for key in ("original", "revised", "both")}}
        rows.append(row)
        lines.append(f"| {group} | {len(members)} | {fmt(imdb) if imdb else '-'} | {fmt(get('original'))} | "
                     f"{fmt(get('revised'))} | {fmt(get('both'))} | {100 * first['gap']:+.1f} points "
                     f"({100 * first['gap_low']:+.1f} to {100 * first['gap_high']:+.1f}) |")
    return rows, "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--repeats", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--report", action="store_true", help="train nothing: write the results of the runs done")
    args = parser.parse_args()
    if args.report:
        runner = Runner(args.data_dir)
        chosen = choose_repeats(runner, args.repeats)
        for seed in args.seeds:
            runner.save(f"ensemble+pairs{chosen}-seed{seed}", augmented_ensemble_row(runner, seed, chosen))
        return report(runner, args, chosen, None)
    runner, start = Runner(args.data_dir), time.perf_counter()
    chosen = choose_repeats(runner, args.repeats)
    models = variants(chosen)
    for name in ("tfidf", "ngrams"):
        runner.linear(f"{name}-left-out", baseline.make_baseline if name == "tfidf" else baseline.make_nb_ngrams,
                      models["cpu"])
    runner.linear(f"ngrams+pairs{chosen}", baseline.make_nb_ngrams, models[f"cpu-pretrained+pairs{chosen}"])
    for name, profile in models.items():  # a model's seeds one after the other: its data is prepared once
        for seed in args.seeds:
            runner.lstm(f"{name}-seed{seed}", profile, seed)
    for seed in args.seeds:
        runner.save(f"ensemble-seed{seed}", ensemble_row(runner, f"cpu-pretrained-seed{seed}", "ngrams-left-out",
                                                         models["cpu-pretrained"]))
        runner.save(f"ensemble+pairs{chosen}-seed{seed}", augmented_ensemble_row(runner, seed, chosen))
    kept = profiles.get_profile("cpu-pretrained").with_changes(**NO_CAP)
    runner.lstm(f"cpu-pretrained-originals-kept-seed{SPLIT_SEED}", kept, SPLIT_SEED)
    report(runner, args, chosen, time.perf_counter() - start)


def behaviour_rates(runner: Runner) -> dict:
    """Every saved model's failure rate on each behavioural test, averaged over its seeds."""
    from sentiment_helpers import behaviour

    models, groups = {}, {}
    for name, run in runner.runs.items():
        if name.startswith(("choice", "ensemble")):
            continue
        if "checkpoint" in run:
            models[name] = lstm_predict(ROOT / run["checkpoint"])
        else:
            model = pickle.loads((RUNS / name / "model.pkl").read_bytes())
            models[name] = lambda texts, model=model: model.predict_proba(list(texts))[:, 1].tolist()
        groups.setdefault(name.rsplit("-seed", 1)[0], []).append(name)
    table = behaviour.failure_table(models)
    table.index = [f"{capability}: {test}" for capability, test in table.index]
    return {group: table[names].mean(axis=1).to_dict() for group, names in groups.items()}


def behaviour_markdown(rates: dict) -> str:
    tests = list(next(iter(rates.values())))
    lines = ["| test | " + " | ".join(rates) + " |", "|---" * (len(rates) + 1) + "|"]
    for test in tests:
        lines.append(f"| {test} | " + " | ".join(f"{100 * rates[group][test]:.0f}%" for group in rates) + " |")
    return "\n".join(lines)


def targets(rows: list[dict], chosen: int) -> str:
    """The course's targets for the best model, met or not, and what was tried (chosen on the dev pairs)."""
    by = {row["model"]: row for row in rows}
    best, control = by[f"cpu-pretrained+pairs{chosen}"], by[f"cpu-pretrained+originals{chosen}"]
    ensemble_both = by[f"ensemble+pairs{chosen}"]["both"] if f"ensemble+pairs{chosen}" in by else float("nan")
    verdict = lambda ok: "met" if ok else "missed"  # noqa: E731
    return (f"Targets for the best model (mean of 3 seeds, trained without the originals), `cpu-pretrained` with the "
            f"pairs added {chosen} times: CAD revised at least 91%: {100 * best['revised']:.2f}% "
            f"({verdict(best['revised'] >= 0.91)}); IMDB test no lower than its control's: "
            f"{100 * best['imdb_test']:.2f}% against {100 * control['imdb_test']:.2f}% "
            f"({verdict(best['imdb_test'] >= control['imdb_test'])}); both of a pair at least 85%: "
            f"{100 * best['both']:.2f}% ({verdict(best['both'] >= 0.85)}). Tried for pair accuracy, chosen on the dev "
            f"pairs: the pairs added 1, 2, 4 or 8 times (the table above), and the ensemble of the BiLSTM and the "
            f"n-grams both trained with the pairs, its weight chosen on the dev pairs' pair accuracy "
            f"({100 * ensemble_both:.2f}% of the test pairs).")


def report(runner: Runner, args, chosen: int, seconds: float | None) -> None:
    rows, table = summary(runner.runs, chosen)
    rates = behaviour_rates(runner)
    choice = {int(name.removeprefix("choice-pairs")): run["dev"] for name, run in runner.runs.items()
              if name.startswith("choice")}
    command = command_line("counterfactual", f"--data-dir DATA --seeds {' '.join(map(str, args.seeds))} "
                                             f"--repeats {' '.join(map(str, args.repeats))}")
    described = machine()
    choice_lines = "\n".join(f"| pairs x {r} | {100 * d['original']:.1f}% | {100 * d['revised']:.1f}% | "
                             f"{100 * d['both']:.1f}% |" for r, d in sorted(choice.items()))
    took = f"; {seconds / 60:.0f} minutes in all" if seconds else ""
    markdown = (f"# Counterfactual pairs: every model without the pairs' originals\n\n"
                f"{machine_line(described)}, commit {described['commit']}; {time.strftime('%Y-%m-%d')}{took}.\n"
                f"Command: `{command}`\n\nThe choice, on the 245 dev pairs (`cpu-pretrained`, seed 42): "
                f"the pairs added {chosen} time(s).\n\n"
                f"| added | dev original | dev revised | dev both |\n|---|---|---|---|\n"
                f"{choice_lines}\n\nTest: IMDB's test reviews and the 488 test pairs; mean over seeds (range).\n\n"
                f"{table}\n\n{targets(rows, chosen)}\n\nBehavioural tests (`sentiment_helpers/behaviour.py`): failure "
                f"rate of each test, mean over a model's seeds.\n\n{behaviour_markdown(rates)}\n")
    write_results("counterfactual-cpu", markdown, {
        "machine": described, "command": command, "citation": counterfactual.CITATION,
        "pairs": {split: len(counterfactual.load_pairs(split)) for split in counterfactual.SPLITS},
        "chosen_repeats": chosen, "choice_dev": choice, "rows": rows,
        "behaviour_failure_rates": rates, "runs": runner.runs})
    print(markdown)


if __name__ == "__main__":
    main()
