"""scripts/set_repo.py on a copy of the course: a fork and a release named in one command, no notebook rerun."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import set_repo
from scripts.store_outputs import source_hash
from tests import test_notebooks as notebook_checks

ROOT = Path(__file__).resolve().parent.parent
FORK, TAG = "someone/fork", "v1.2"


def git(*args: str) -> list[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()


def the_course_link() -> tuple[str, str]:
    """The repository and branch or tag the course's Colab links name in this checkout."""
    (link,) = set(set_repo.colab_link(set_repo.REPO).findall((ROOT / "README.md").read_text()))
    return link[1], link[2]


OLD, OLD_REF = the_course_link()


@pytest.fixture
def course(tmp_path) -> Path:
    """A copy of the tracked files the script reads, and of every other tracked file that names the repository."""
    names = set(git("ls-files", "README.md", "CITATION.cff", "pyproject.toml", "docs", "notebooks"))
    names |= set(git("grep", "-l", "-F", OLD))
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def contents(course: Path) -> dict[str, bytes]:
    return {p.relative_to(course).as_posix(): p.read_bytes() for p in sorted(course.rglob("*")) if p.is_file()}


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def is_fresh(cell: dict) -> bool:
    return cell["metadata"].get("course", {}).get("source_sha256") == source_hash("".join(cell["source"]))


def test_a_fork_and_release_pass_the_notebook_checks_with_no_rerun(course, monkeypatch, capsys):
    assert set_repo.main([FORK, "--ref", TAG, "--root", str(course)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"^README\.md: \d+ mention\(s\) rewritten$", printed, re.M)
    assert "source hash(es) updated" in printed and f"github.com/{FORK}, {TAG}" in printed
    texts = {name: data.decode(errors="replace") for name, data in contents(course).items()}
    assert not [name for name, text in texts.items() if OLD in text]
    links = [m for text in texts.values() for m in re.findall(r"colab\.research\.google\.com/github/[^)\s\"]+", text)]
    assert links and all(link.startswith(f"colab.research.google.com/github/{FORK}/blob/{TAG}/") for link in links)
    notebooks = sorted(course.glob("notebooks/**/*.ipynb"))
    for path in notebooks:
        setup = "".join(code_cells(path)[0]["source"])
        assert f'"git+https://github.com/{FORK}@{TAG}"' in setup, path.name
        original = code_cells(ROOT / path.relative_to(course))
        assert [is_fresh(c) for c in code_cells(path)] == [is_fresh(c) for c in original], path.name
    # the notebook checks of tests/test_notebooks.py, run on the copy
    monkeypatch.setattr(notebook_checks, "ROOT", course)
    monkeypatch.setattr(notebook_checks, "ALL", notebooks)
    monkeypatch.setattr(notebook_checks, "LESSONS", sorted(course.glob("notebooks/[0-9][0-9]*.ipynb")))
    notebook_checks.test_readme_has_a_colab_badge_per_lesson()
    notebook_checks.test_colab_badges_and_setup_cells_point_at_the_same_repository()
    notebook_checks.test_setup_cell_is_valid_ipython_and_installs_nothing_when_the_package_is_there()
    for path in notebooks:
        notebook_checks.test_no_cell_changed_after_its_output_was_stored(path)
        notebook_checks.test_stored_outputs_come_from_one_recorded_run(path)
        notebook_checks.test_stored_outputs_hold_no_noise(path)
    for path in notebook_checks.LESSONS:
        notebook_checks.test_lesson_structure(path)


def test_a_second_run_changes_nothing_and_the_first_is_undone_exactly(course, capsys):
    before = contents(course)
    set_repo.main([FORK, "--ref", TAG, "--root", str(course)])
    after = contents(course)
    assert after != before
    capsys.readouterr()
    set_repo.main([FORK, "--ref", TAG, "--root", str(course)])
    assert contents(course) == after and capsys.readouterr().out.startswith("nothing to change")
    set_repo.main([OLD, *([] if OLD_REF == "main" else ["--ref", OLD_REF]), "--root", str(course)])
    assert contents(course) == before  # nothing but the names, the pins and the hashes of those cells was touched


def test_a_stale_hash_stays_stale(course):
    path = next(course.glob("notebooks/0*.ipynb"))
    notebook = json.loads(path.read_text())
    setup = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    setup["metadata"]["course"]["source_sha256"] = "0" * 16  # as if the cell had changed after its outputs were made
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    set_repo.main([FORK, "--root", str(course)])
    assert code_cells(path)[0]["metadata"]["course"]["source_sha256"] == "0" * 16
    assert f'"git+https://github.com/{FORK}"' in "".join(code_cells(path)[0]["source"])  # unpinned: main


@pytest.mark.parametrize("args", [["someone"], ["someone/fork/extra"], ["https://github.com/someone/fork"],
                                  ["some one/fork"], ["-someone/fork"], ["someone/fork.git"], ["someone/.."],
                                  [FORK, "--ref", "v 1.2"], [FORK, "--ref", "../main"]])
def test_a_malformed_name_or_tag_is_refused_and_changes_nothing(course, capsys, args):
    before = contents(course)
    with pytest.raises(SystemExit) as refused:
        set_repo.main([*args, "--root", str(course)])
    assert refused.value.code == 2 and contents(course) == before
    assert re.search(r"OWNER/NAME|--ref", capsys.readouterr().err)


def test_the_script_runs_alone_and_refuses_without_a_traceback(course):
    """Run as a file with the standard library only, as the docs show it."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "set_repo.py"), "not-a-repo", "--root", str(course)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'not-a-repo' is not a GitHub repository's OWNER/NAME" in done.stderr


def test_every_tracked_file_that_names_the_repository_is_one_the_script_rewrites():
    rewritten = {p.relative_to(ROOT).as_posix() for p in set_repo.course_files(ROOT)}
    assert set(git("grep", "-l", "-F", OLD)) <= rewritten
