"""Point the course at a GitHub repository (a fork) and, with --ref, at a branch or tag (a release), with no rerun.

    python scripts/set_repo.py OWNER/NAME [--ref TAG] [--root PATH]

Rewrites the Colab links (`colab.research.google.com/github/OWNER/NAME/blob/REF/...`) in README.md, docs/*.md and
the notebooks' markdown; the install in each lesson's first cell (`git+https://github.com/OWNER/NAME`, pinned
`@TAG` with --ref); and every other mention of the repository named there (CITATION.cff, pyproject.toml, docs,
stored outputs). Without --ref the links follow `main` and the first cells install `main`, unpinned. A code cell
whose stored source hash was fresh gets the hash of its new source: the install line changes nothing a cell prints,
so its stored outputs stay true (a hash that was already stale stays stale). Running it twice changes nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("README.md", "CITATION.cff", "pyproject.toml", "docs/*.md", "notebooks/**/*.ipynb")
REPO = r"[\w.-]+/[\w.-]*[\w-]"  # OWNER/NAME, not the full stop after it
REF = r"\w(?:[\w.-]*[\w-])?"
END = r"(?![\w-]|\.(?!git\b)[\w-])"  # the whole name: not a/b of a/b-c or a/b.c, but a/b of a/b.git
VALID_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?/(?!\.\.?$)[A-Za-z0-9_.-]{1,100}")


def colab_link(repos: str) -> re.Pattern:
    return re.compile(rf"(colab\.research\.google\.com/github/)({repos})/blob/({REF})/(?=notebooks/)")


def install(repos: str) -> re.Pattern:
    return re.compile(rf"(git\+https://github\.com/)({repos})(@{REF})?{END}")


def source_hash(source: str) -> str:
    """The hash scripts/store_outputs.py stores (repeated here so that this script needs only the standard library)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def course_files(root: Path) -> list[Path]:
    """The files that may name the repository (not those in hidden folders such as .ipynb_checkpoints)."""
    return sorted({path for pattern in FILES for path in root.glob(pattern)
                   if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)})


def course_repos(texts: dict[Path, str]) -> set[str]:
    """The repositories the course names now: in the lessons' Colab links and the notebooks' installs (not in the
    docs, which may show the pattern itself, OWNER/NAME)."""
    return {m.group(2) for path, text in texts.items() if path.name == "README.md" or path.suffix == ".ipynb"
            for pattern in (colab_link(REPO), install(REPO)) for m in pattern.finditer(text)}


class Rewriter:
    """Rewrites one string at a time, and counts the mentions it changed."""

    def __init__(self, repo: str, ref: str | None, old_repos: set[str]):
        self.repo, self.ref, self.changed = repo, ref, 0
        names = "|".join(re.escape(name) for name in sorted(old_repos | {repo}, key=len, reverse=True))
        self.colab_link, self.install = colab_link(names), install(names)
        old_names = "|".join(re.escape(name) for name in sorted(old_repos - {repo}, key=len, reverse=True))
        self.old_name = re.compile(rf"(?<![\w.-])(?:{old_names}){END}") if old_names else None

    def _counted(self, new: str):
        def replace(match: re.Match) -> str:
            kept = match.group(1) if match.re.groups else ""  # the link's or install's start
            self.changed += match.group(0) != kept + new
            return kept + new
        return replace

    def __call__(self, text: str) -> str:
        text = self.colab_link.sub(self._counted(f"{self.repo}/blob/{self.ref or 'main'}/"), text)
        text = self.install.sub(self._counted(self.repo + (f"@{self.ref}" if self.ref else "")), text)
        return self.old_name.sub(self._counted(self.repo), text) if self.old_name else text


def rewrite_strings(value, rewrite):
    """Every string inside a notebook's JSON (sources, outputs, metadata), rewritten; line lists stay line lists."""
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [rewrite_strings(item, rewrite) for item in value]
    if isinstance(value, dict):
        return {key: rewrite_strings(item, rewrite) for key, item in value.items()}
    return value


def rewrite_notebook(text: str, rewrite: Rewriter) -> tuple[str, int]:
    """The notebook rewritten, and how many code cells' source hashes were brought up to date."""
    notebook = json.loads(text)
    fresh = [cell["cell_type"] == "code" and cell["metadata"].get("course", {}).get("source_sha256")
             == source_hash("".join(cell["source"])) for cell in notebook["cells"]]
    notebook = rewrite_strings(notebook, rewrite)
    rehashed = 0
    for cell, was_fresh in zip(notebook["cells"], fresh, strict=True):
        new_hash = source_hash("".join(cell["source"]))
        if was_fresh and cell["metadata"]["course"]["source_sha256"] != new_hash:
            cell["metadata"]["course"]["source_sha256"] = new_hash
            rehashed += 1
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", rehashed


def set_repo(root: Path, repo: str, ref: str | None) -> list[str]:
    """Rewrites the course's files under root; returns one line per file changed."""
    texts = {path: path.read_text(encoding="utf-8") for path in course_files(root)}
    old_repos = course_repos(texts)
    report = []
    for path, text in texts.items():
        rewrite = Rewriter(repo, ref, old_repos)
        if path.suffix == ".ipynb":
            new_text, rehashed = rewrite_notebook(text, rewrite)
        else:
            new_text, rehashed = rewrite(text), 0
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
            hashes = f", {rehashed} code cell source hash(es) updated" if rehashed else ""
            report.append(f"{path.relative_to(root).as_posix()}: {rewrite.changed} mention(s) rewritten{hashes}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", metavar="OWNER/NAME", help="the GitHub repository, e.g. someone/fork")
    parser.add_argument("--ref", metavar="TAG", help="the branch or tag to link to and pin (default: main, unpinned)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the course's folder (default: this repository)")
    args = parser.parse_args(argv)
    if not VALID_REPO.fullmatch(args.repo) or args.repo.endswith(".git"):
        parser.error(f"{args.repo!r} is not a GitHub repository's OWNER/NAME (e.g. someone/fork, no URL, no .git)")
    if args.ref is not None and not re.fullmatch(REF, args.ref, re.ASCII):
        parser.error(f"--ref {args.ref!r}: a branch or tag name of letters, digits, '.', '_' and '-' (e.g. v1.2)")
    if not (args.root / "README.md").is_file():
        parser.error(f"--root {args.root}: no README.md there, not the course's folder")
    report = set_repo(args.root, args.repo, args.ref)
    print("\n".join(report + [f"{len(report)} file(s) changed"]) if report else "nothing to change", end="; ")
    print(f"the course points at github.com/{args.repo}, {args.ref or 'main'}" + (" (pinned)" if args.ref else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
