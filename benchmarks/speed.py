"""Speed benchmark: the original design's training path against the course's, on real reviews, in one run.

    python -m benchmarks.speed --data-dir DATA [--device cpu|cuda] [--quick]

Both paths train the same reference-size model (Embedding 10002x128, 2-layer BiLSTM 256, 3,648,257 parameters)
on the same reviews, batch 64:
- reference: nn.LSTM(bidirectional) on batches padded to 256 tokens, PyTorch defaults (float32, denormals kept);
- course: model.SentimentLSTM (exact final states, no packing), length-bucketed batches padded per batch,
  denormals flushed on CPU, mixed precision where the device has it (bf16 on AVX512-BF16/AMX CPUs, fp16 on CUDA).
Each path runs in its own process (flush-denormal is process-wide; peak memory is per process).
Prints a table of training and evaluation reviews/s, single-review latency (median, p90), peak memory and
the ratios; writes benchmarks/results/speed-<device>.{json,md} (speed-<device>-quick.* with --quick).
Timings are never asserted in tests.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import time

from . import common


def reference_model():
    """The original design, as published: final states of an unpacked, padded nn.LSTM."""
    import torch
    from torch import nn

    class ReferenceLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(10_002, 128, padding_idx=0)
            self.lstm = nn.LSTM(128, 256, num_layers=2, bidirectional=True, dropout=0.5, batch_first=True)
            self.dropout = nn.Dropout(0.5)
            self.fc = nn.Linear(512, 1)

        def forward(self, ids, lengths=None):
            _, (hidden, _) = self.lstm(self.embedding(ids))
            return self.fc(self.dropout(torch.cat([hidden[-2], hidden[-1]], dim=-1))).squeeze(-1)

    return ReferenceLSTM()


def _reviews(data_dir, n):
    from sentiment_helpers import batching, data, text
    from sentiment_helpers.vocab import Vocab

    dataset = data.load_imdb(data_dir)
    vocab = Vocab.build(text.tokenize(t) for t in dataset["train"]["text"][:5000])
    sample = dataset["train"].shuffle(seed=0).select(range(n))
    return batching.encode_texts(sample["text"], sample["label"], vocab, 256), vocab, sample["text"]


def _latencies(predictor, texts: list[str]) -> list[float]:
    predictor.predict_sentiment(texts[0])  # warm-up
    times = []
    for text in texts:
        with common.Stopwatch() as watch:
            predictor.predict_sentiment(text)
        times.append(watch.seconds)
    return times


def _train_rate(model, loader, device, dtype, batches: int, sync) -> float:
    """Training reviews per second over ``batches`` batches of 64, after one warm-up batch."""
    import torch

    from sentiment_helpers import device as devices

    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def step(batch):
        with devices.autocast(device, dtype):
            logits = model(batch["ids"].to(device), batch["lengths"].to(device))
        loss = loss_fn(logits.float(), batch["labels"].to(device))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    stream = iter(loader)
    model.train()
    step(next(stream))  # warm-up
    sync()
    seen = 0
    with common.Stopwatch() as training:
        for _ in range(batches):
            batch = next(stream)
            step(batch)
            seen += len(batch["labels"])
        sync()
    return seen / training.seconds


def _eval_rate(model, encoded, reviews: int, course: bool, device, dtype, sync) -> float:
    """Evaluation reviews per second, in batches of 256."""
    import torch

    from sentiment_helpers import batching
    from sentiment_helpers import device as devices

    model.eval()
    subset = batching.EncodedReviews(encoded.ids[:reviews], encoded.labels[:reviews], encoded.n_tokens[:reviews])
    loader = batching.make_loader(subset, 256, bucket=course, pad_to=None if course else 256)
    with torch.inference_mode(), common.Stopwatch() as evaluation:
        for batch in loader:
            with devices.autocast(device, dtype):
                model(batch["ids"].to(device), batch["lengths"].to(device))
        sync()
    return reviews / evaluation.seconds


def _single_reviews(model, course: bool, vocab, encoded, raw_texts: list[str]) -> tuple[list[float], dict]:
    """Seconds per single review, on the CPU; for the course, the `cpu` profile's model's latency too."""
    import torch

    from sentiment_helpers.model import SentimentLSTM
    from sentiment_helpers.predict import SentimentPredictor
    from sentiment_helpers.profiles import get_profile

    if course:  # what a user of the course calls: raw text in, prediction out, on the CPU
        latencies = _latencies(SentimentPredictor(model.float().cpu(), vocab, 256, device="cpu"), raw_texts)
        small = SentimentPredictor(SentimentLSTM(get_profile("cpu").model, vocab_size=len(vocab)), vocab, 256,
                                   device="cpu")
        small_times = _latencies(small, raw_texts)  # the same reviews the reference path reads, as raw text
        return latencies, {"cpu_profile_model_latency_ms": [1000 * statistics.median(small_times),
                                                            1000 * statistics.quantiles(small_times, n=10)[-1]]}
    latencies, model_cpu = [], model.cpu()  # the original: one review padded to 256, float32
    with torch.inference_mode():
        for ids in encoded.ids[:len(raw_texts)]:
            with common.Stopwatch() as watch:
                padded = torch.zeros(1, 256, dtype=torch.long)
                padded[0, : len(ids)] = torch.tensor(ids)
                torch.sigmoid(model_cpu(padded))
            latencies.append(watch.seconds)
    return latencies, {}


def measure(path: str, device_name: str, data_dir, train_batches: int, eval_reviews: int, latency_reviews: int, queue):
    import torch

    from sentiment_helpers import batching
    from sentiment_helpers import device as devices
    from sentiment_helpers.model import SentimentLSTM

    torch.manual_seed(0)
    device = torch.device(device_name)
    encoded, vocab, raw_texts = _reviews(data_dir, max(train_batches * 64, eval_reviews, latency_reviews))
    course = path == "course"
    if course and device.type == "cpu":
        devices.prepare_cpu()
    dtype = devices.autocast_dtype(device) if course else None
    model = (SentimentLSTM() if course else reference_model()).to(device)
    loader = batching.make_loader(encoded, 64, shuffle=True, bucket=course, pad_to=None if course else 256)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    train_rate = _train_rate(model, loader, device, dtype, train_batches, sync)
    eval_rate = _eval_rate(model, encoded, eval_reviews, course, device, dtype, sync)
    latencies, extra = _single_reviews(model, course, vocab, encoded, raw_texts[:latency_reviews])
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else common.peak_rss_mib()
    queue.put({"path": path, "device": device.type, "train_reviews_per_s": train_rate,
               "eval_reviews_per_s": eval_rate, "latency_ms_median": 1000 * statistics.median(latencies),
               "latency_ms_p90": 1000 * statistics.quantiles(latencies, n=10)[-1],
               "peak_memory_mib": peak, "memory_kind": "CUDA allocated" if device.type == "cuda" else "process RSS",
               "autocast": str(dtype) if dtype else "float32", "threads": torch.get_num_threads(), **extra})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if available)")
    parser.add_argument("--quick", action="store_true", help="fewer batches (a rough figure in a minute or two)")
    args = parser.parse_args()
    import torch

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    sizes = {"cuda": (40, 4096, 50), "cpu": (4, 512, 50)}[device]
    if args.quick:
        sizes = (2, 256, 20)
    context = mp.get_context("spawn")
    rows = {}
    for path in ("reference", "course"):
        queue = context.Queue()
        process = context.Process(target=measure, args=(path, device, args.data_dir, *sizes, queue))
        process.start()
        rows[path] = queue.get()
        process.join()
        print(json.dumps(rows[path]), flush=True)
    ref, ours = rows["reference"], rows["course"]
    ratios = {"training throughput": ours["train_reviews_per_s"] / ref["train_reviews_per_s"],
              "evaluation throughput": ours["eval_reviews_per_s"] / ref["eval_reviews_per_s"],
              "single-review latency (median, lower is better)": ref["latency_ms_median"] / ours["latency_ms_median"]}
    date, machine = time.strftime("%Y-%m-%d"), common.machine()
    command = common.command_line("speed", f"--data-dir {common.DATA} --device {device}" + " --quick" * args.quick)
    lines = [f"Speed on {device} ({common.machine_line(machine)}, {ref['threads']} threads), {date}, data: "
             f"{common.DATA}; train batches measured: {sizes[0]}, evaluation reviews: {sizes[1]}, single reviews: "
             f"{sizes[2]}. Command: `{command}`", "",
             "| path | train reviews/s | eval reviews/s | latency median ms | latency p90 ms | peak memory MiB "
             "| precision |",
             "|---|---|---|---|---|---|---|"]
    for name, row in rows.items():
        lines.append(f"| {name} | {row['train_reviews_per_s']:.1f} | {row['eval_reviews_per_s']:.1f} | "
                     f"{row['latency_ms_median']:.1f} | {row['latency_ms_p90']:.1f} | {row['peak_memory_mib']:.0f} | "
                     f"{row['autocast']} |")
    lines += ["", "| ratio (course / reference) | value |", "|---|---|"]
    lines += [f"| {name} | {value:.1f}x |" for name, value in ratios.items()]
    median, p90 = ours["cpu_profile_model_latency_ms"]
    lines += ["", f"Single-review latency of the `cpu` profile's model (the one a workshop laptop trains; float32, "
                  f"raw text in): median {median:.1f} ms, p90 {p90:.1f} ms."]
    name = f"speed-{device}{'-quick' if args.quick else ''}"  # a quick look never overwrites a full measurement
    common.write_results(name, "\n".join(lines) + "\n", {"machine": common.machine_line(machine), **machine,
                                                         "command": command, "rows": rows, "ratios": ratios,
                                                         "date": date})
    print("\n".join(lines))


if __name__ == "__main__":
    main()
