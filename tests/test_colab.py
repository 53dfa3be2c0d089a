"""Colab, without Colab: the lessons carry the model and the data from one notebook to the next through Google Drive."""
import pytest

from sentiment_helpers import colab, paths, pipeline


@pytest.fixture
def in_colab(monkeypatch):
    monkeypatch.setattr(colab, "in_colab", lambda: True)
    monkeypatch.delenv("SENTIMENT_ARTIFACTS", raising=False)


def test_outside_colab_nothing_is_mounted(monkeypatch):
    monkeypatch.delenv("SENTIMENT_ARTIFACTS", raising=False)
    assert not colab.in_colab()
    assert colab.keep_artifacts_in_drive(mount=lambda where: pytest.fail("mounted outside Colab")) is None


def test_drive_becomes_the_artifacts_folder(in_colab, tmp_path, capsys):
    mounted = []
    folder = tmp_path / "MyDrive" / "imdb-sentiment-course" / "artifacts"
    assert colab.keep_artifacts_in_drive(folder, mount=mounted.append) == folder
    assert mounted == [str(colab.DRIVE_MOUNT)] and folder.is_dir()
    assert paths.default_artifacts_dir() == folder  # so 04 saves there and 05/06 look there
    assert paths.default_checkpoint_path() == folder / "sentiment_lstm.pt"
    assert "Google Drive" in capsys.readouterr().out
    # run again (or in the next notebook's same session): no second mount, same folder
    assert colab.keep_artifacts_in_drive(folder, mount=mounted.append) == folder and len(mounted) == 1


def test_a_refused_drive_says_what_it_means(in_colab, tmp_path, capsys):
    def refuse(where):
        raise ValueError("mount failed: the user did not allow access")

    assert colab.keep_artifacts_in_drive(tmp_path / "drive", mount=refuse) is None
    message = capsys.readouterr().err
    assert "not mounted" in message and "will train its own" in message
    assert paths.default_artifacts_dir() != tmp_path / "drive"


def test_outside_colab_the_data_folder_is_local_and_full(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    folder = colab.imdb_data_folder(mount=lambda where: pytest.fail("mounted outside Colab"))
    assert folder == tmp_path / "data" / "imdb" and folder.is_absolute()


def test_in_colab_the_data_folder_is_in_drive_beside_the_artifacts(in_colab, tmp_path):
    mounted = []
    folder = tmp_path / "MyDrive" / "imdb-sentiment-course" / "imdb"
    assert colab.imdb_data_folder(folder, mount=mounted.append) == folder
    assert mounted == [str(colab.DRIVE_MOUNT)] and folder.is_dir()
    assert colab.DRIVE_DATA.parent == colab.DRIVE_ARTIFACTS.parent  # one course folder in Drive
    assert colab.DRIVE_DATA.relative_to(colab.DRIVE_MOUNT).parts == ("MyDrive", "imdb-sentiment-course", "imdb")


def test_a_refused_drive_leaves_the_data_here_and_says_so(in_colab, tmp_path, monkeypatch, capsys):
    def refuse(where):
        raise ValueError("mount failed: the user did not allow access")

    monkeypatch.chdir(tmp_path)
    assert colab.imdb_data_folder(tmp_path / "drive", mount=refuse) == tmp_path / "data" / "imdb"
    message = capsys.readouterr().err
    assert "not mounted" in message and "The data stays on this Colab machine" in message


def test_the_ratings_instructions_download_into_the_drive_folder():
    """Lessons 01 and 05 and the Colab page download the star ratings where the next lesson finds them."""
    import json
    from pathlib import Path

    root = Path(__file__).parent.parent
    texts = {"colab-and-gpu.md": (root / "docs" / "colab-and-gpu.md").read_text()}
    for name in ("01_data_exploration.ipynb", "05_evaluation.ipynb"):
        cells = json.loads((root / "notebooks" / name).read_text())["cells"]
        texts[name] = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for name, text in texts.items():
        assert "colab.imdb_data_folder()" in text and 'download --out "{folder}" --from-archive' in text, name
        assert 'os.environ["IMDB_DATA_DIR"] = str(folder)' in text and "/content/imdb" not in text, name


def test_no_checkpoint_in_colab_trains_the_cpu_profile_there(in_colab, tmp_path, monkeypatch, capsys):
    calls = []

    def fake_training(profile, data_dir, out, **kwargs):
        calls.append((profile.name, out))
        (out / "sentiment_lstm.pt").write_bytes(b"")
        return type("Run", (), {"checkpoint_path": out / "sentiment_lstm.pt"})

    monkeypatch.setattr(pipeline, "run_training", fake_training)
    monkeypatch.delenv("SENTIMENT_PROFILE", raising=False)
    path = pipeline.ensure_checkpoint(tmp_path / "sentiment_lstm.pt")
    assert calls == [("cpu", tmp_path)] and path == tmp_path / "sentiment_lstm.pt"
    message = capsys.readouterr().err
    assert "Colab" in message and "'cpu' profile" in message and "5 minutes" in message
    assert "smoke" not in message and "run notebook 04" not in message.lower()
    assert pipeline.ensure_checkpoint(tmp_path / "sentiment_lstm.pt") == path and len(calls) == 1  # found next time


def _lessons_named(text: str, pattern: str) -> set[str]:
    """The lesson numbers a sentence names: "04, 05, 07 and 08", or a range "04 to 08" (every lesson in it)."""
    import re
    from pathlib import Path

    keys = sorted(p.name.split("_")[0] for p in (Path(__file__).parent.parent / "notebooks").glob("[0-9]*.ipynb"))
    named = re.search(pattern, text, re.S).group(1)
    if " to " in named:
        first, last = (part.strip() for part in named.split(" to "))
        return {key for key in keys if first <= key <= last}
    return {part.strip() for part in re.split(r",|\band\b", named) if part.strip()}


def test_what_the_colab_pages_say_matches_the_notebooks():
    """Which lessons ask Colab for a GPU (their metadata), and which keep their artifacts in Drive (their code)."""
    import json
    from pathlib import Path

    root = Path(__file__).parent.parent
    gpu, drive = set(), set()
    for path in (root / "notebooks").glob("[0-9]*.ipynb"):
        notebook = json.loads(path.read_text())
        code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        key = path.name.split("_")[0]
        if notebook["metadata"].get("accelerator") == "GPU":
            gpu.add(key)
            assert notebook["metadata"].get("colab", {}).get("gpuType") == "T4", path.name  # the Colab page says T4
        if "keep_artifacts_in_drive" in code:
            drive.add(key)
    for page in (root / "README.md", root / "docs" / "colab-and-gpu.md"):
        text = page.read_text().replace("\n", " ")
        assert _lessons_named(text, r"Lessons ([0-9a-z ,]+?) ask (?:Colab )?for a GPU runtime") == gpu, page.name
        assert _lessons_named(text, r"Lessons ([0-9a-z ,]+?) (?:therefore )?keep") == drive, page.name
