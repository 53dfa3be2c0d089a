"""The repository is the course, not the workshop it was built in: no tracked text names a folder of the machine it
was made on, or a word of the tools it was built with, and the prose speaks in no first person.

Each word below is written in two pieces, so that this file does not match itself."""
import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MACHINE_PATHS = ["/" + "work/", "shared" + "/data", "../" + "shared", "/" + "root/", "/opt/" + "pypi", "." + "pyenv/",
                 "." + "library/"]
RUNNER_WORDS = ["device" + " tool", "budget" + "_left", "files" + "_at", "give" + "_back", "timeout" + "_s",
                "in" + "_flight", "can_start" + "_another", "idle" + "_release", "nvidia-h100" + "-x1",
                "nvidia" + "-h200", "KINDS" + ".md", "remote" + "-run", "--" + "car" + "ry", "car" + "ry list",
                "carried" + " path"]
FORBIDDEN = re.compile("|".join(re.escape(word) for word in MACHINE_PATHS + RUNNER_WORDS)
                       + r"|\ble" + r"ase\b", re.IGNORECASE)
# our own prose (not the reviews it quotes, nor code): I, we, our
FIRST_PERSON = re.compile(r"(?<![\w'\"/-])(I|I'm|I've|I'd|we|We|our|Our|ours|us|Us)(?![\w'/-])")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    files = []
    for name in names:
        path = ROOT / name
        if path.is_file() and b"\0" not in path.read_bytes()[:8192]:  # text, not parquet or images
            files.append(path)
    return files


def prose(text: str) -> str:
    """Markdown without code (fenced or inline) and without quotations, where a review may say "I"."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`|\"[^\"\n]*\"", "", text)


def prose_of(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [prose(path.read_text())]
    if path.suffix == ".ipynb":
        return [prose("".join(cell["source"])) for cell in json.loads(path.read_text())["cells"]
                if cell["cell_type"] == "markdown"]
    if path.suffix == ".json" and "results" in path.parts:
        return [prose(json.dumps(json.loads(path.read_text())))]
    return []


def test_the_lists_find_what_they_are_for():
    assert FORBIDDEN.search("python -m x --data-dir " + "../" + "sha" + "red/data/imdb")
    assert FORBIDDEN.search("run it through the " + "device" + " tool") and FORBIDDEN.search("a warm " + "le" + "ase")
    assert not FORBIDDEN.search("the release notes; please carry on; --data-dir DATA")
    assert FIRST_PERSON.search(prose("I added this rule")) and not FIRST_PERSON.search(prose('"I loved it," she said'))


@pytest.mark.parametrize("path", tracked_text_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_machine_path_or_runner_word(path):
    hits = [(number, line.strip()[:100]) for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
            if FORBIDDEN.search(line)]
    assert not hits, f"{path.relative_to(ROOT)}: {hits[:5]}"


@pytest.mark.parametrize("path", [p for p in tracked_text_files() if p.suffix in (".md", ".ipynb", ".json")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_first_person_in_prose(path):
    hits = [text[max(0, m.start() - 40):m.end() + 40] for text in prose_of(path) for m in FIRST_PERSON.finditer(text)]
    assert not hits, f"{path.relative_to(ROOT)}: {hits[:5]}"
