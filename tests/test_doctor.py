"""The room check (`python -m sentiment_helpers doctor`): one test per verdict path.

Every test builds its own room: data folders in tmp_path, an empty Hugging Face cache, artifacts in tmp_path, and
(except in one test) a stand-in for the measured batch timing, so that they take no time.
"""
import json
from types import SimpleNamespace

import pandas as pd
import pytest
import torch

from sentiment_helpers import cli, data, device, doctor
from sentiment_helpers.profiles import PROFILES

REAL_MEASURE = doctor.speed.measure_training_speed
FAST = doctor.speed.Speed(seconds_per_batch=0.1, seconds_per_validation_batch=0.2, batches_timed=5, mean_width=180.0,
                    device="cpu", autocast="float32")


@pytest.fixture(autouse=True)
def room(monkeypatch, tmp_path):
    """No data folder, an empty Hugging Face cache, artifacts in tmp_path, and fast, fixed timings."""
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.delenv("SENTIMENT_AMP", raising=False)
    monkeypatch.setenv("SENTIMENT_ARTIFACTS", str(tmp_path / "artifacts"))
    monkeypatch.setattr(doctor.data_source, "hub_cache_root", lambda: tmp_path / "hf-datasets")
    monkeypatch.setattr(doctor.speed, "measure_training_speed", lambda profile, texts, labels, where: FAST)
    return tmp_path


def write_imdb(folder, n_train=25_000, ratings=True, unlabeled=True):
    """A data folder in the course's layout with ``n_train`` (tiny) reviews per labeled split."""
    folder.mkdir(parents=True)
    frame = pd.DataFrame({"text": ["a fine film"] * n_train, "label": [i % 2 for i in range(n_train)]})
    if ratings:
        frame["rating"] = [10 if i % 2 else 1 for i in range(n_train)]
    frame.to_parquet(folder / "train.parquet")
    frame.to_parquet(folder / "test.parquet")
    if unlabeled:
        pd.DataFrame({"text": ["some film"] * 100, "label": [-1] * 100}).to_parquet(folder / "unsupervised.parquet")
    return folder


def run_doctor(capsys, *args):
    """Exit code and {check name: check} of `doctor --json`."""
    code = cli.main(["doctor", "--json", *args])
    report = json.loads(capsys.readouterr().out)
    return code, {check["name"]: check for check in report["checks"]}


def test_local_folder_with_ratings_and_unlabeled_is_ok(capsys, tmp_path):
    folder = write_imdb(tmp_path / "imdb")
    code, checks = run_doctor(capsys, "--data-dir", str(folder))
    assert code == 0
    assert checks["data"]["verdict"] == "ok" and "25,000 train / 25,000 test" in checks["data"]["message"]
    assert checks["data"]["values"]["source"] == "local folder"
    assert checks["ratings"]["verdict"] == "ok"
    assert checks["unlabeled"]["verdict"] == "ok" and checks["unlabeled"]["values"]["unlabeled"] == 100


def test_local_folder_without_ratings_or_unlabeled_warns(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("IMDB_DATA_DIR", str(write_imdb(tmp_path / "imdb", ratings=False, unlabeled=False)))
    code, checks = run_doctor(capsys)
    assert code == 0 and checks["data"]["verdict"] == "ok"
    assert checks["ratings"]["verdict"] == "warning" and "--from-archive" in checks["ratings"]["advice"]
    assert checks["unlabeled"]["verdict"] == "warning" and "lesson 07" in checks["unlabeled"]["message"]


def test_a_partial_copy_of_the_data_warns(capsys, tmp_path):
    code, checks = run_doctor(capsys, "--data-dir", str(write_imdb(tmp_path / "imdb", n_train=500)))
    assert code == 0 and checks["data"]["verdict"] == "warning" and "not the full IMDB" in checks["data"]["message"]


def test_a_broken_data_folder_is_a_problem(capsys, tmp_path):
    folder = write_imdb(tmp_path / "imdb")
    (folder / "test.parquet").unlink()
    code, checks = run_doctor(capsys, "--data-dir", str(folder))
    assert code == 1 and checks["data"]["verdict"] == "problem" and "no test.parquet" in checks["data"]["message"]
    assert "ratings" not in checks  # nothing more to say about data the lessons cannot load


def test_the_hub_cache_is_used_offline_and_has_no_ratings(capsys, room):
    build = room / "hf-datasets" / "stanfordnlp___imdb" / "plain_text" / "0.0.0" / "e6281661"
    build.mkdir(parents=True)
    (build / "imdb-train.arrow").write_bytes(b"")
    splits = {"train": {"num_examples": 25_000}, "test": {"num_examples": 25_000},
              "unsupervised": {"num_examples": 50_000}}
    (build / "dataset_info.json").write_text(json.dumps({"splits": splits}))
    code, checks = run_doctor(capsys)
    assert code == 0 and checks["data"]["verdict"] == "ok"
    assert checks["data"]["values"]["source"] == "Hugging Face cache"
    assert "HF_HUB_OFFLINE=1" in checks["data"]["message"]
    assert checks["ratings"]["verdict"] == "warning" and "hub" in checks["ratings"]["message"]
    assert checks["unlabeled"]["values"]["unlabeled"] == 50_000


def test_the_bundled_sample_is_a_warning(capsys):
    code, checks = run_doctor(capsys)
    assert code == 0
    assert checks["data"]["verdict"] == "warning" and "bundled sample" in checks["data"]["message"]
    assert "IMDB_DATA_DIR" in checks["data"]["advice"]
    assert checks["ratings"]["verdict"] == "ok" and checks["unlabeled"]["verdict"] == "ok"  # the sample has both


def test_no_data_and_no_sample_is_a_blocker(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(data, "SAMPLE_DIR", tmp_path / "no-sample")
    code = cli.main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    data_line = next(line for line in out.splitlines() if line.split()[1:2] == ["data"])
    assert data_line.startswith("problem") and "bundled sample is missing" in data_line
    assert "what to do:" in out and "problem: the lessons cannot run here" in out.splitlines()[-1]
    assert "cannot measure the training speed" in out  # the speed checks need the sample too, and say so


def test_cuda_gpu_with_a_cpu_build_warns(capsys, monkeypatch):
    monkeypatch.setattr(doctor.environment, "nvidia_gpu_present", lambda: True)
    monkeypatch.setattr(torch.version, "cuda", None)
    code, checks = run_doctor(capsys)
    build = checks["torch build"]
    assert code == 0 and build["verdict"] == "warning" and "training stays on the CPU" in build["message"]
    assert "pytorch.org" in build["advice"] and build["values"]["nvidia_gpu"] is True


def test_cuda_build_without_a_gpu_warns_and_says_how_to_get_the_cpu_build(capsys, monkeypatch):
    monkeypatch.setattr(doctor.environment, "nvidia_gpu_present", lambda: False)
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    code, checks = run_doctor(capsys)
    build = checks["torch build"]
    assert code == 0 and build["verdict"] == "warning" and "CUDA 12.8 build" in build["message"]
    assert "--index-url https://download.pytorch.org/whl/cpu" in build["advice"] and "new venv" in build["advice"]
    assert build["values"]["cuda_libraries_gb"] >= 0  # measured from the installed nvidia-* and triton packages


def test_cuda_device_with_a_cuda_build_is_ok(capsys, monkeypatch):
    monkeypatch.setattr(doctor.environment, "nvidia_gpu_present", lambda: True)
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "NVIDIA H200")
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda index=0: SimpleNamespace(total_memory=140 * 2**30))
    code, checks = run_doctor(capsys)
    assert code == 0 and checks["torch build"]["verdict"] == "ok" and "matches" in checks["torch build"]["message"]
    assert checks["device"]["verdict"] == "ok" and "NVIDIA H200, 140.0 GiB" in checks["device"]["message"]
    assert checks["device"]["values"]["autocast"] == "float16"


def test_mps_device(capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    code, checks = run_doctor(capsys)
    assert checks["device"]["verdict"] == "ok" and "MPS" in checks["device"]["message"]
    assert checks["device"]["values"]["device"] == "mps"


@pytest.mark.parametrize("bf16, precision", [(True, "bfloat16 autocast"), (False, "float32")])
def test_cpu_device_with_and_without_bf16(capsys, monkeypatch, bf16, precision):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setattr(device, "cpu_has_bf16", lambda: bf16)
    code, checks = run_doctor(capsys)
    found = checks["device"]
    assert found["verdict"] == "ok" and precision in found["message"] and "cores" in found["message"]
    assert found["values"]["native_bf16"] is bf16 and found["values"]["autocast"] == ("bfloat16" if bf16 else "float32")


def test_a_prediction_over_the_cap_warns(capsys, monkeypatch):
    monkeypatch.setitem(PROFILES, "cpu", PROFILES["cpu"].with_changes(max_train_seconds=300.0))
    slow = doctor.speed.Speed(1.0, 2.0, 3, 180.0, "cpu", "float32")
    monkeypatch.setattr(doctor.speed, "measure_training_speed", lambda profile, texts, labels, where: slow)
    code, checks = run_doctor(capsys)
    cpu = checks["cpu profile"]
    batches = -(-22_500 // PROFILES["cpu"].batch_size)
    assert cpu["values"]["predicted_train_seconds"] == pytest.approx(PROFILES["cpu"].epochs * (batches + 10 * 2.0))
    assert code == 0 and cpu["verdict"] == "warning" and "cap" in cpu["message"] and "stops in epoch" in cpu["message"]
    assert "word2vec, built once" in checks["cpu-pretrained profile"]["message"]


def test_a_prediction_close_to_the_cap_warns(capsys, monkeypatch):
    batches = -(-22_500 // PROFILES["cpu"].batch_size)
    epochs = PROFILES["cpu"].epochs
    near = doctor.speed.Speed(0.9 * 300 / epochs / batches, 0.0, 5, 180.0, "cpu", "float32")  # 90% of the cap
    monkeypatch.setitem(PROFILES, "cpu", PROFILES["cpu"].with_changes(max_train_seconds=300.0))
    monkeypatch.setattr(doctor.speed, "measure_training_speed", lambda profile, texts, labels, where: near)
    code, checks = run_doctor(capsys)
    cpu = checks["cpu profile"]
    assert code == 0 and cpu["verdict"] == "warning" and "close to" in cpu["message"] and cpu["advice"]


def test_a_slow_machine_times_its_warm_up_batches_only(monkeypatch):
    fits = []
    monkeypatch.setattr(doctor.speed, "_fit_seconds", lambda *args: fits.append(args) or (8.0, 1))  # 8 s for one batch
    texts = ["a good film, well acted", "a dull film, badly written"] * 200
    speed = REAL_MEASURE(PROFILES["cpu"], texts, [1, 0] * 200, torch.device("cpu"))
    assert len(fits) == 1 and speed.seconds_per_batch == 8.0 and speed.batches_timed == 1
    assert speed.seconds_per_validation_batch > 0


def test_profiles_past_the_deadline_are_not_measured(capsys, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(doctor.speed.time, "perf_counter", lambda: clock[0])

    def measure(profile, texts, labels, where):  # a machine that takes 30 s to measure a profile
        clock[0] += 30.0
        return FAST
    monkeypatch.setattr(doctor.speed, "measure_training_speed", measure)
    code, checks = run_doctor(capsys)
    assert checks["cpu profile"]["verdict"] == "ok" and "seconds_per_batch" in checks["cpu profile"]["values"]
    skipped = checks["cpu-pretrained profile"]
    assert code == 0 and skipped["verdict"] == "warning" and skipped["message"].startswith("not measured")


def test_a_prediction_within_the_cap_is_ok(capsys, monkeypatch):
    monkeypatch.setitem(PROFILES, "cpu", PROFILES["cpu"].with_changes(max_train_seconds=300.0))
    code, checks = run_doctor(capsys)
    cpu = checks["cpu profile"]
    assert cpu["verdict"] == "ok" and "within its" in cpu["message"]
    assert cpu["values"]["predicted_train_seconds"] < cpu["values"]["cap_seconds"]


def test_missing_package_is_a_problem(capsys, monkeypatch):
    real = doctor.environment.installed_version
    monkeypatch.setattr(doctor.environment, "installed_version", lambda name: None if name == "gensim" else real(name))
    code, checks = run_doctor(capsys)
    assert code == 1 and checks["gensim"]["verdict"] == "problem" and "not installed" in checks["gensim"]["message"]
    assert 'pip install "gensim>=' in checks["gensim"]["advice"]  # the minimum comes from the install's metadata


def test_too_old_package_is_a_problem(capsys, monkeypatch):
    real = doctor.environment.installed_version
    monkeypatch.setattr(doctor.environment, "installed_version",
                        lambda name: "2.0.1" if name == "torch" else real(name))
    code, checks = run_doctor(capsys)
    assert code == 1 and checks["torch"]["verdict"] == "problem" and "too old" in checks["torch"]["message"]
    assert checks["torch"]["values"]["needed"] == ">=2.4"


@pytest.mark.parametrize("in_colab, verdict", [(False, "warning"), (True, "ok")])
def test_colab_ipywidgets_7_is_fine_in_colab_only(capsys, monkeypatch, in_colab, verdict):
    real = doctor.environment.installed_version
    monkeypatch.setattr(doctor.environment, "installed_version",
                        lambda name: "7.7.1" if name == "ipywidgets" else real(name))
    monkeypatch.setattr(doctor.environment.colab, "in_colab", lambda: in_colab)
    code, checks = run_doctor(capsys)
    assert code == 0 and checks["ipywidgets"]["verdict"] == verdict and checks["colab"]["values"]["colab"] is in_colab
    if verdict == "warning":
        assert "JupyterLab" in checks["ipywidgets"]["message"] and ">=8.0" in checks["ipywidgets"]["advice"]


def test_artifacts_found_and_low_disk(capsys, monkeypatch, room):
    pretrained = room / "artifacts" / "pretrained"
    pretrained.mkdir(parents=True)
    (room / "artifacts" / "sentiment_lstm.pt").write_bytes(b"x" * 1000)
    (pretrained / "word2vec-256d.pt").write_bytes(b"x" * 1000)
    monkeypatch.setattr(doctor.disk.shutil, "disk_usage", lambda path: SimpleNamespace(free=int(0.1e9)))
    code, checks = run_doctor(capsys)
    assert checks["checkpoint"]["values"]["present"] and checks["word2vec cache"]["values"]["present"]
    assert "from its cache" in checks["cpu-pretrained profile"]["message"]
    assert code == 1 and checks["disk"]["verdict"] == "problem" and "SENTIMENT_ARTIFACTS" in checks["disk"]["advice"]


def test_json_shape(capsys):
    code = cli.main(["doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["verdict"] in ("ok", "warning")
    assert {"sentiment_helpers", "machine", "date", "seconds", "checks"} <= set(report)
    names = [check["name"] for check in report["checks"]]
    assert names[:5] == ["python", "torch", "ipywidgets", "datasets", "gensim"]
    for name in ("colab", "torch build", "data", "device", "cpu profile", "cpu-pretrained profile", "disk",
                 "checkpoint", "word2vec cache"):
        assert name in names
    for check in report["checks"]:
        assert set(check) == {"name", "verdict", "message", "advice", "values"}
        assert check["verdict"] in ("ok", "warning", "problem") and isinstance(check["values"], dict)
        assert check["advice"] or check["verdict"] == "ok"  # every verdict that is not ok says what to do


def test_text_report_is_one_verdict_per_line(capsys):
    assert cli.main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("sentiment-helpers") and lines[-1].startswith("ready")
    verdicts = [line.split()[0] for line in lines[1:-1] if not line.startswith(" ")]
    assert set(verdicts) <= {"ok", "warning", "problem"} and len(verdicts) >= 16


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["doctor", "--help"])
    text = capsys.readouterr().out
    assert "--json" in text and "--data-dir" in text and "examples:" in text


def test_the_real_timing_predicts_each_profile(capsys, monkeypatch):
    """The one test that trains real batches (a few, of both workshop profiles) on the bundled sample."""
    monkeypatch.setattr(doctor.speed, "measure_training_speed", REAL_MEASURE)
    monkeypatch.setattr(doctor.speed, "TIMING_BUDGET_SECONDS", 1.0)
    code, checks = run_doctor(capsys)
    for name in ("cpu", "cpu-pretrained"):
        values, profile = checks[f"{name} profile"]["values"], PROFILES[name]
        assert values["seconds_per_batch"] > 0 and values["seconds_per_validation_batch"] > 0
        assert 1 <= values["batches_timed"] <= doctor.speed.TIMED_BATCHES
        assert values["batch_size"] == profile.batch_size and values["max_len"] == profile.max_len
        assert values["mean_width"] <= profile.max_len and values["cap_seconds"] == profile.max_train_seconds
        assert values["predicted_train_seconds"] == pytest.approx(
            profile.epochs * (values["batches_per_epoch"] * values["seconds_per_batch"]
                              + 10 * values["seconds_per_validation_batch"]), rel=1e-3, abs=0.1)
