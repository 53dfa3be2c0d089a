"""Every figure quoted in prose has one source: the rules, and the check that holds the text to them.

    python scripts/check_figures.py                       # the lessons, solutions, README.md and docs/*.md
    python scripts/check_figures.py notebooks/07_unlabeled_reviews.ipynb README.md
    python scripts/check_figures.py --explain README.md  # also: where each figure that passes was found

It prints every quoted figure it cannot find in a source, and exits 1 if there is one. tests/test_quoted_figures.py
runs the same check.

What counts as a source
- A lesson's (or a solutions notebook's) markdown cell: the notebook's stored outputs (printed text, tables; not
  errors, not figures' "<Figure size ...>" lines), plus every `benchmarks/results/` file the cell names, plus the
  stored outputs of every notebook the cell names ("notebook 01", "lesson 05", or its file name).
- README.md and docs/*.md: the results files, and notebooks, named in the same section (from one heading to the
  next).
- A results file is named by its file name anywhere in the cell or section (a link, a code span, plain text).
  Naming `x.md` brings in `x.json` too (one run, two formats), and the other way round.
  So: to quote a benchmark, name its results file next to the figure; to quote another lesson, name the lesson.

What counts as a quoted figure (in prose: code spans, fenced code, math between $, links' targets, URLs, HTML tags
and comments, headings and dates are not prose)
- a percentage: 89.12%, 91%, 91.16-91.23%;
- a time, size or ratio: 1,292 s, 92-102 s, 17.4 / 19.3 ms, about 2 minutes, about a minute, 509 MiB, 6.3 GB,
  28.3x, 3 times faster ("3 times" alone is a count, not a ratio);
- a difference in points: +2.1 points, 4 points, +2.1, ±0.6;
- a p-value: p = 2.2e-18;
- any other decimal of two significant digits or more: 0.0075, T = 1.142 (0.5, 0.01 and 1.0 are settings);
- a count: a number with thousands separators (21,724) or of 1,000 and more (not a year), or in millions
  (17 million).
Not figures: plain integers below 1,000 (3 epochs, 7 of 10, section 5), years, ordinals, versions (Python 3.11),
other numbers in scientific notation (lr 1e-3),
numbers glued to a word (word2vec, 04b, 7/10), numbers joined to a noun by a hyphen (a 5-minute cap, a
25,000-word vocabulary: they name a setting), and bounds (under 4 minutes, at most 5, over 90%, 99% and more:
a bound is a claim; write the measured figure beside it if it matters). Spelled-out numbers are not read,
except "a minute", "an hour", "half a minute", "a minute and a half".

When a figure matches a source number
- At the precision it is written with: 86.5% matches 86.45% to 86.55% (or 0.8645 to 0.8655), 1,292 s matches
  1291.5 to 1292.5 s, 2e-18 matches 1.5e-18 to 2.5e-18, 2.2e-18 matches 2.15e-18 to 2.25e-18.
- Any one number of the sources will do: the check cannot tell which column a figure means, so a figure can pass
  by matching another number of the same value (run --explain to see what each figure matched).
- Percentages match a fraction (0.865) or a number printed as a percentage (86.5%, or 86.5 in a column headed
  with %); a bare 86.5 could be seconds or a perplexity, and does not match. Decimals match the number, or a
  percentage (0.0075 matches 0.75%).
- Times and sizes match only source numbers that are times or sizes: with their unit beside them (109 s, 3.5
  minutes, 509 MiB), or in a table column or JSON key that names it ("training s", "seconds", "peak memory MiB",
  train_seconds, latency_ms_median, peak_rss_mib, "study minutes"). Units convert (2 minutes matches 120 s).
- "About" (about, around, roughly, approximately, some, nearly, almost, ~) widens a time, size, ratio or count to
  ±10% of the figure, if that is wider than its precision: "about 2 minutes" matches 108-132 s or, by precision,
  90-150 s (the wider wins); "about a minute" matches 30-90 s, so "trains in about a minute" against 92-102 s
  fails. It never widens a percentage, a decimal or points: "about 90.7%" still needs 90.65-90.75.
- A difference in points matches a source that prints it as one (+2.1 points, +2.1%), or the difference of two
  percentages or decimals quoted in the same sentence ("2.1 points (91.23% against 89.10%)").
- Ranges check both ends.

Figures that are not results (a setting, a fact of the data or the machine, a published figure, arithmetic on
other figures, a number in an example) are listed in tests/quoted-figures-allowed.yml, each with its kind and a
reason:

    - file: notebooks/04_training.ipynb    # a path, or a glob such as "notebooks/*"
      figure: "20%"                        # exactly as written in the text (a range: all of it, "92-102 s")
      near: "warm-up"                      # optional: only where the sentence contains this
      kind: setting                        # setting | fact | literature | arithmetic | example
      reason: the one-cycle schedule's warm-up share (pct_start=0.2)

A literature reason names the work (author and year). An entry that no longer matches any figure is reported, so
the list does not outlive the text.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import html.parser
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED_FILE = ROOT / "tests" / "quoted-figures-allowed.yml"
ALLOWED_KINDS = ("setting", "fact", "literature", "arithmetic", "example")

# -- numbers and units ------------------------------------------------------------------------------------------------

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+−]?\d+)?"
TIME_UNITS = {"ms": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3, "s": 1.0, "sec": 1.0, "secs": 1.0,
              "second": 1.0, "seconds": 1.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
              "hour": 3600.0, "hours": 3600.0}
SIZE_UNITS = {"B": 1, "byte": 1, "bytes": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
              "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
UNIT = (r"(?:%|percent\b|percentage points?\b|points?\b|pts\b|"
        + "|".join(sorted((re.escape(u) + r"\b" for u in [*TIME_UNITS, *SIZE_UNITS]), key=len, reverse=True))
        + r"|times(?=\s(?:slower|faster|larger|smaller|bigger|higher|lower|more|less|fewer|longer|shorter|cheaper"
          r"|dearer|the|as)\b)|million\b)")


def unit_kind(unit: str | None) -> tuple[str | None, float]:
    """The kind a unit measures (percent, time, size, ratio, points, million or None) and its factor to the kind's
    base unit (seconds, bytes)."""
    if not unit:
        return None, 1.0
    unit = unit.strip()
    if unit in ("%", "percent"):
        return "percent", 1.0
    if unit in TIME_UNITS:
        return "time", TIME_UNITS[unit]
    if unit in SIZE_UNITS:
        return "size", SIZE_UNITS[unit]
    if unit in ("x", "×", "times"):
        return "ratio", 1.0
    if unit.startswith(("point", "percentage", "pts")):
        return "points", 1.0
    if unit == "million":
        return "million", 1e6
    return None, 1.0


def parse_number(text: str) -> tuple[float, float]:
    """The value of a number as written, and half its last digit's place (its precision)."""
    text = text.replace(",", "").replace("−", "-")
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    scale = 10.0 ** int(exponent) if exponent else 1.0
    return float(mantissa) * scale, 0.5 * 10.0 ** -decimals * scale


# -- sources: every number in stored outputs and results files ---------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SourceNumber:
    """A number found in a source, in its kind's base unit (seconds, bytes, percent) when it has a unit."""
    value: float
    kind: str | None  # percent, time, size, ratio, points or None (a bare number)
    printed: str
    where: str


SOURCE_NUMBER = re.compile(rf"(?<![\w.])({NUMBER})(?!\.?\d)(?:\s?({UNIT})|(x|×)(?![\w]))?")  # not 2.13.0
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.+]+)?")


def numbers_in_text(text: str, where: str, column_unit: str | None = None) -> list[SourceNumber]:
    """Every number in a piece of printed text; a unit beside it wins over the unit its column or key names."""
    found = []
    for match in SOURCE_NUMBER.finditer(DATE.sub(" ", text)):
        value, _ = parse_number(match.group(1))
        kind, factor = unit_kind(match.group(2) or match.group(3) or column_unit)
        if kind == "million":
            kind = None
        found.append(SourceNumber(value * factor, kind, match.group(0).strip(), where))
    return found


def unit_named_by(label: str) -> str | None:
    """The unit a table column header or a JSON key names: 'training s', 'seconds', 'latency_ms_median', ..."""
    label = label.replace("_", " ").strip()
    if re.search(r"/\s?s\b|\bper s(ec(ond)?)?\b|\bper second\b", label):
        return None  # a rate: reviews/s
    if re.search(r"\bms\b", label):
        return "ms"
    for size in ("MiB", "GiB", "KiB", "MB", "GB"):
        if re.search(rf"\b{size}\b", label, re.IGNORECASE):
            return size
    if re.search(r"(^|\s)s($|\s)|\bseconds?\b|\bsecs?\b|\(s\)", label):
        return "s"
    if re.search(r"\bminutes?\b", label):  # "study minutes"; not "min": min_freq is a setting, not a time
        return "min"
    if "%" in label:
        return "%"
    return None


class _HTMLText(html.parser.HTMLParser):
    """The text of an HTML output, with its tables as rows of cells (header rows first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[tuple[bool, list[str]]]] = []  # per table: (is a header row, cells)
        self.loose: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append((self._in_head, self._row))
            self._row = None

    def handle_data(self, data):
        if self._skip:
            return
        (self._cell if self._cell is not None else self.loose).append(data)


def numbers_in_table(rows: list[tuple[bool, list[str]]], where: str) -> list[SourceNumber]:
    """A table's numbers, each with the unit its column header names (columns aligned from the right)."""
    headers = [cells for is_header, cells in rows if is_header]
    if not headers and rows:  # no <thead>: the first row names the columns
        headers, rows = [rows[0][1]], rows[1:]
    found = []
    for is_header, cells in rows:
        if is_header:
            continue
        for i, cell in enumerate(reversed(cells)):
            names = [h[-1 - i] for h in headers if i < len(h)]
            unit = next((u for u in map(unit_named_by, names) if u), None)
            found += numbers_in_text(cell, where, unit)
    return found


def numbers_in_html(text: str, where: str) -> list[SourceNumber]:
    parser = _HTMLText()
    parser.feed(text)
    found = numbers_in_text(" ".join(parser.loose), where)
    for table in parser.tables:
        found += numbers_in_table(table, where)
    return found


def numbers_in_markdown_results(text: str, where: str) -> list[SourceNumber]:
    """A results .md: its tables by column, everything else as text."""
    found, table, table_line = [], [], 0
    for number, line in enumerate([*text.splitlines(), ""], 1):
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                table_line = table_line or number
                table.append((not table, cells))
            continue
        if table:
            found += numbers_in_table(table, f"{where}, table at line {table_line}")
            table, table_line = [], 0
        found += numbers_in_text(line, f"{where} line {number}")
    return found


def numbers_in_json(value, where: str, key: str = "") -> Iterator[SourceNumber]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from numbers_in_json(v, where, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from numbers_in_json(v, where, key)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        kind, factor = unit_kind(unit_named_by(key))
        yield SourceNumber(float(value) * factor, kind, f"{key}: {value}", where)
    elif isinstance(value, str):
        yield from numbers_in_text(value, f"{where} ({key})" if key else where)


def numbers_in_results_file(path: Path, where: str) -> list[SourceNumber]:
    if path.suffix == ".json":
        return list(numbers_in_json(json.loads(path.read_text()), where))
    return numbers_in_markdown_results(path.read_text(), where)


def numbers_in_outputs(notebook: dict, name: str) -> list[SourceNumber]:
    """Every number in a notebook's stored outputs: printed text and tables, not errors or figures' reprs."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            where = f"{name}, output of cell {index}"
            if output["output_type"] == "stream" and output.get("name") != "stderr":
                found += numbers_in_text("".join(output["text"]), where)
            elif output["output_type"] in ("execute_result", "display_data"):
                data = output.get("data", {})
                if "text/html" in data:
                    found += numbers_in_html("".join(data["text/html"]), where)
                if "text/plain" in data and not {"image/png", "text/html"} & set(data):  # HTML keeps headers
                    found += numbers_in_text("".join(data["text/plain"]), where)
                if "text/markdown" in data:
                    found += numbers_in_text("".join(data["text/markdown"]), where)
    return found


# -- prose: the figures a text quotes ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure quoted in prose, in its kind's base unit (seconds, bytes, percent)."""
    text: str  # as written: "92-102 s" for both ends of a range (the allowed list matches this)
    kind: str  # percent, time, size, ratio, points, pvalue, decimal, count
    value: float
    tolerance: float
    start: int  # offset in the text it came from
    end: int
    part: str = ""  # for one end of a range: that end's number ("102")

    @property
    def shown(self) -> str:
        return f"{self.part} (in {self.text})" if self.part else self.text


def _blank(text: str, pattern: str, flags: int = 0, keep_group: int | None = None) -> str:
    """Replace what a pattern matches by spaces (newlines kept), so offsets and line numbers stay."""
    def spaces(match: re.Match) -> str:
        if keep_group is not None:  # keep one group (a link's text), blank the rest
            s, e = match.span(keep_group)
            whole = match.group(0)
            return (re.sub(r"[^\n]", " ", whole[:s - match.start()]) + match.group(keep_group)
                    + re.sub(r"[^\n]", " ", whole[e - match.start():]))
        return re.sub(r"[^\n]", " ", match.group(0))
    return re.sub(pattern, spaces, text, flags=flags)


def prose(markdown: str) -> str:
    """The markdown with everything that is not prose blanked out (same length, same lines)."""
    text = _blank(markdown, r"<!--.*?-->", re.S)
    text = _blank(text, r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.S | re.M)  # fenced code
    text = _blank(text, r"\$\$.*?\$\$", re.S)  # display math
    text = _blank(text, r"(?<![\\\w])\$[^$\n]+?\$")  # inline math
    text = _blank(text, r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)  # code spans
    text = _blank(text, r"^#{1,6}\s.*$", re.M)  # headings
    text = _blank(text, r"!\[[^\]]*\]\([^)]*\)")  # images
    text = _blank(text, r"\[([^\]]*)\]\([^)]*\)", keep_group=1)  # links: keep the text
    text = _blank(text, r"https?://\S+")
    text = _blank(text, r"</?[A-Za-z][^>\n]*>")  # HTML tags
    text = _blank(text, r"\b\d{4}-\d{2}-\d{2}(T[\d:+]+)?\b")  # dates
    return text


FIGURE = re.compile(rf"""
    (?P<sign>[+±])?
    (?P<a>{NUMBER})
    (?:\s?(?P<unit_a>{UNIT}))?
    (?:(?:\s?[-–]\s?|\s(?:/|vs\.?|to)\s)(?P<b>{NUMBER}))?
    (?:(?P<x>x|×)(?![\w])|\s?(?P<unit>{UNIT}))?
    """, re.X)
SPELLED_TIME = re.compile(r"\b(?:(?P<half>half) an? |an? )(?P<unit>minute|hour)(?P<and_half> and a half)?\b")
NOT_AFTER = re.compile(r"[\w.,/\\^]\Z|[A-Za-z]-\Z|[A-Za-z]\.\Z")  # word2vec, 1.2.3, 7/10, 04b's 4, F1
NOT_BEFORE = re.compile(r"^(?:[\w/²³]|\.\d|-[A-Za-z])")  # 04b, 7/10, 3.11.2, 5-minute
VERSION_BEFORE = re.compile(r"(?i)\b(?:python|pytorch|torch|ipython|ipywidgets|ipykernel|pandas|numpy|datasets|"
                            r"pyarrow|gensim|scikit-learn|nbval|jupyterlab|cuda|version|v)\s*\Z")
BOUND_BEFORE = re.compile(r"(?i)(?:\bunder|\bbelow|\bless than|\bfewer than|\bat most|\bat least|\bmore than|\bover"
                          r"|\babove|\bup to|\bwithin|\bbeyond|\bexceeds?|[<>≤≥])\s+(?:about\s+|some\s+)?\Z")
BOUND_AFTER = re.compile(r"(?i)^\s*(?:or|and) (?:more|less|above|below|over|under|higher|lower)\b")
ABOUT_BEFORE = re.compile(r"(?i)(?:\babout|\baround|\broughly|\bapproximately|\bsome|\bnearly|\balmost|~|≈)\s*\Z")
PVALUE_BEFORE = re.compile(r"(?i)\bp(?:-value)?\s*(?:=|of|≈)\s*\Z")


def _figure(number: str, unit: str | None, sign: str | None, before: str,
            start: int, end: int, written: str, part: str = "") -> Figure | None:
    """One end of a quoted figure, or None where the number is not a figure (see the module's rules)."""
    value, tolerance = parse_number(number)
    kind, factor = unit_kind(unit)
    about = bool(ABOUT_BEFORE.search(before))
    if kind is None:
        if sign:
            kind = "points"
        elif PVALUE_BEFORE.search(before):
            kind = "pvalue"
        elif re.search(r"[eE]", number):
            return None  # 1e-3, 1.2e-38: a setting or a constant, unless it is a p-value
        elif "." in number:
            if len(number.replace(".", "").strip("0")) <= 1:
                return None  # 0.5, 0.01, 1.0: a round setting (dropout, learning rate, clip), not a measurement
            kind = "decimal"
        elif "," in number or (value >= 1000 and not 1800 <= value <= 2099):
            kind = "count"
        else:
            return None
    elif kind == "million":
        kind = "count"
    if kind in ("time", "size", "ratio", "count") and about:
        tolerance = max(tolerance, 0.1 * value)
    return Figure(written, kind, value * factor, tolerance * factor, start, end, part)


def quoted_figures(markdown: str) -> list[Figure]:
    """Every figure the prose of a markdown text quotes, in order (both ends of a range)."""
    text = prose(markdown)
    figures = []
    for match in FIGURE.finditer(text):
        start, end = match.span()
        before, after = text[max(0, start - 40):start], text[end:end + 20]
        if NOT_AFTER.search(before) or NOT_BEFORE.search(after) or VERSION_BEFORE.search(before):
            continue
        if BOUND_BEFORE.search(before) or BOUND_AFTER.search(after):
            continue
        unit = match.group("x") or match.group("unit")
        written = " ".join(match.group(0).split())
        a, b = match.group("a"), match.group("b")
        if b is None:
            figure = _figure(a, unit or match.group("unit_a"), match.group("sign"), before, start, end, written)
            figures += [figure] if figure else []
            continue
        for number, unit_of_end in ((a, match.group("unit_a") or unit), (b, unit)):
            figure = _figure(number, unit_of_end, match.group("sign"), before, start, end, written, number)
            figures += [figure] if figure else []
    for match in SPELLED_TIME.finditer(text):
        before = text[max(0, match.start() - 40):match.start()]
        if BOUND_BEFORE.search(before) or NOT_BEFORE.search(text[match.end():match.end() + 5]):
            continue
        unit = 60.0 if match.group("unit") == "minute" else 3600.0
        halves = bool(match.group("half") or match.group("and_half"))
        amount = (0.5 if match.group("half") else 1.0) + (0.5 if match.group("and_half") else 0.0)
        # to the nearest unit ("a minute": 30-90 s), or to the nearest half ("a minute and a half": 75-105 s)
        tolerance = unit * (0.25 if halves else 0.5)
        figures.append(Figure(match.group(0), "time", amount * unit, tolerance, match.start(), match.end()))
    return sorted(figures, key=lambda f: f.start)


# -- matching ---------------------------------------------------------------------------------------------------------

def readings(number: SourceNumber, kind: str) -> list[float]:
    """What a source number can stand for, as a figure of this kind."""
    v = abs(number.value)
    if kind in ("time", "size"):
        return [v] if number.kind == kind else []
    if kind == "percent":  # a bare number is a percentage only as a fraction: 0.865, not 86.5
        return [v] if number.kind == "percent" else [100 * v] if number.kind is None and v <= 1 else []
    if kind == "decimal":
        return [v / 100] if number.kind == "percent" else [v] if number.kind in (None, "ratio") else []
    if kind == "points":  # a difference printed as one: "+2.1 points", "+2.1%"
        return [v] if number.kind in ("points", "percent") else []
    if kind == "ratio":
        return [v] if number.kind in (None, "ratio") else []
    if kind in ("count", "pvalue"):
        return [v] if number.kind is None else []
    raise ValueError(f"unknown kind of figure: {kind}")


def matches(figure: Figure, number: SourceNumber) -> bool:
    slack = figure.tolerance * (1 + 1e-9)  # relative: a p-value's tolerance is 5e-19
    return any(abs(abs(figure.value) - r) <= slack for r in readings(number, figure.kind))


def best_match(figure: Figure, sources: Iterable[SourceNumber]) -> SourceNumber | None:
    """The source number a figure matches: one printed with a unit first, then the closest."""
    def distance(number: SourceNumber) -> float:
        return min(abs(r - abs(figure.value)) for r in readings(number, figure.kind))
    found = [n for n in sources if matches(figure, n)]
    return min(found, key=lambda n: (n.kind is None, distance(n))) if found else None


def nearest(figure: Figure, sources: Iterable[SourceNumber]) -> SourceNumber | None:
    """The source number closest to a figure that failed (within half its value), to help the writer."""
    best, best_distance = None, 0.5
    for number in sources:
        for r in readings(number, figure.kind):
            distance = abs(r - abs(figure.value)) / max(abs(figure.value), 1e-12)
            if distance < best_distance:
                best, best_distance = number, distance
    return best


def difference_of_quoted(figure: Figure, figures: list[Figure], text: str) -> bool:
    """A points figure that is the difference of two percentages or decimals quoted in the same sentence."""
    lo, hi = sentence_span(text, figure.start, figure.end)
    scale = {"percent": 1.0, "decimal": 100.0}
    quoted = [(f.value * scale[f.kind], f.tolerance * scale[f.kind]) for f in figures
              if lo <= f.start < hi and f.kind in scale]
    # each of the two is rounded, so their difference is known to within both their precisions
    return any(abs(abs(a - b) - abs(figure.value)) <= figure.tolerance + ta + tb
               for a, ta in quoted for b, tb in quoted)


# -- the texts and their blocks ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class Block:
    """A unit of prose with its sources: a notebook's markdown cell, or a README/docs section."""
    path: Path
    label: str  # "cell 29", "section 'Results'"
    text: str
    first_line: int  # for markdown files: the block's first line in the file
    sources: list[SourceNumber]
    looked_in: list[str]


@dataclasses.dataclass(frozen=True)
class Finding:
    path: str
    where: str  # "cell 29" or "line 213"
    figure: str
    kind: str
    sentence: str
    looked_in: tuple[str, ...]
    nearest: str

    def __str__(self) -> str:
        looked = "; ".join(self.looked_in) or "nothing"
        return (f"{self.path}, {self.where}: {self.figure!r} ({self.kind}) has no source.\n"
                f"    text: {self.sentence}\n    looked in: {looked}\n    nearest: {self.nearest}")


LESSON_NAME = re.compile(r"\b(?:notebook|lesson)s?\s+(\d\d[a-z]?)\b", re.I)
FILE_NAME = re.compile(r"[\w.-]+\.(?:md|json|ipynb)\b")


class Sources:
    """Reads each results file and notebook once, and says which of them a block names."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = root
        self._numbers: dict[Path, list[SourceNumber]] = {}

    def numbers(self, path: Path) -> list[SourceNumber]:
        if path not in self._numbers:
            name = relative_name(path, self.root)
            if path.suffix == ".ipynb":
                self._numbers[path] = numbers_in_outputs(json.loads(path.read_text()), name)
            else:
                self._numbers[path] = numbers_in_results_file(path, name)
        return self._numbers[path]

    def named_in(self, text: str) -> list[Path]:
        """The results files and notebooks a piece of text names, by file name or as "notebook 01"."""
        results = self.root / "benchmarks" / "results"
        notebooks = sorted((self.root / "notebooks").glob("**/*.ipynb"))
        named: list[Path] = []
        for name in FILE_NAME.findall(text):
            if name.endswith(".ipynb"):
                named += [p for p in notebooks if p.name == name]
            elif (results / name).is_file():
                stem = (results / name).with_suffix("")
                named += [p for p in (stem.with_suffix(".md"), stem.with_suffix(".json")) if p.is_file()]
        for number in LESSON_NAME.findall(text):
            named += [p for p in notebooks if p.parent.name == "notebooks" and p.name.startswith(f"{number}_")]
        return list(dict.fromkeys(named))


def relative_name(path: Path, root: Path) -> str:
    """A path as the findings show it: relative to the course root, with forward slashes."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def notebook_blocks(path: Path, sources: Sources) -> list[Block]:
    notebook = json.loads(path.read_text())
    own = sources.numbers(path)
    blocks = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        named = [p for p in sources.named_in(text) if p != path]
        blocks.append(Block(path, f"cell {index}", text, 0,
                            own + [n for p in named for n in sources.numbers(p)],
                            ["this notebook's stored outputs", *(relative_name(p, sources.root) for p in named)]))
    return blocks


def markdown_blocks(path: Path, sources: Sources) -> list[Block]:
    """A markdown file cut at its headings (outside fenced code): each section names its own sources."""
    lines = path.read_text().splitlines(keepends=True)
    starts, fenced = [0], False
    for number, line in enumerate(lines):
        if re.match(r"[ \t]*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and number and re.match(r"#{1,6}\s", line):
            starts.append(number)
    blocks = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        text = "".join(lines[start:end])
        heading = lines[start].strip().lstrip("#").strip() if lines[start].startswith("#") else "(top)"
        named = sources.named_in(text)
        blocks.append(Block(path, f"section {heading!r}", text, start + 1,
                            [n for p in named for n in sources.numbers(p)],
                            [relative_name(p, sources.root) for p in named]))
    return blocks


SENTENCE_ENDS = (". ", "? ", "! ", "\n\n", "|", ".\n", "\n- ", "\n* ")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence (or table cell, or list item) around text[start:end] begins and ends."""
    left = max(text.rfind(mark, 0, start) for mark in SENTENCE_ENDS)
    right = [i for i in (text.find(mark, end) for mark in SENTENCE_ENDS) if i >= 0]
    return (left + 1 if left >= 0 else 0), (min(right) + 1 if right else len(text))


def sentence_around(text: str, start: int, end: int, limit: int = 220) -> str:
    """The sentence (or table cell) a figure sits in, on one line."""
    lo, hi = sentence_span(text, start, end)
    sentence = " ".join(text[lo:hi].split()).strip(" |-*")
    if len(sentence) > limit:
        figure = text[start:end]
        at = sentence.find(figure)
        lo = max(0, at - limit // 2)
        sentence = ("..." if lo else "") + sentence[lo:lo + limit] + "..."
    return sentence


# -- the allowed list -------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Allowed:
    file: str
    figure: str
    kind: str
    reason: str
    near: str | None = None

    def covers(self, path: str, figure: str, sentence: str) -> bool:
        return (fnmatch.fnmatch(path, self.file) and figure == self.figure
                and (self.near is None or self.near in sentence))


def load_allowed(path: Path = ALLOWED_FILE) -> list[Allowed]:
    """The allowed list, checked: every entry has a file, a figure, a known kind and a reason."""
    import yaml  # the test extra has it; only the allowed list needs it

    if not path.is_file():
        return []
    entries = yaml.safe_load(path.read_text()) or []
    allowed = []
    for number, entry in enumerate(entries, 1):
        problem = None
        if not isinstance(entry, dict) or set(entry) - {"file", "figure", "near", "kind", "reason"}:
            problem = "expected the keys file, figure, kind, reason and optionally near"
        elif not all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("file", "figure", "reason")):
            problem = "file, figure and reason must be non-empty text (quote a figure: \"0.5\")"
        elif entry.get("kind") not in ALLOWED_KINDS:
            problem = f"kind must be one of {', '.join(ALLOWED_KINDS)}"
        elif entry["kind"] == "literature" and not re.search(r"\b(1[89]|20)\d\d\b", entry["reason"]):
            problem = "a literature figure's reason names the work, with its year"
        if problem:
            raise ValueError(f"{path.name}, entry {number} ({entry!r}): {problem}")
        allowed.append(Allowed(entry["file"], str(entry["figure"]), entry["kind"], entry["reason"], entry.get("near")))
    return allowed


# -- the check --------------------------------------------------------------------------------------------------------

def check_blocks(blocks: Iterable[Block], allowed: list[Allowed], root: Path = ROOT,
                 used: set[Allowed] | None = None, explained: list[str] | None = None) -> list[Finding]:
    """Every quoted figure of these blocks that matches no source and no allowed entry.

    `explained`, if given, receives one line per figure that has a source or an allowed entry: which."""
    findings = []
    for block in blocks:
        path = relative_name(block.path, root)
        figures = quoted_figures(block.text)
        for figure in figures:
            sentence = sentence_around(block.text, figure.start, figure.end)
            if block.first_line:
                where = f"line {block.first_line + block.text.count(chr(10), 0, figure.start)}"
            else:
                where = block.label
            entry = next((a for a in allowed if a.covers(path, figure.text, sentence)), None)
            source = best_match(figure, block.sources)
            if entry is not None:
                reason = f"allowed ({entry.kind}): {entry.reason}"
                if used is not None:
                    used.add(entry)
            elif source is not None:
                reason = f"{source.printed} ({source.where})"
            elif figure.kind == "points" and difference_of_quoted(figure, figures, block.text):
                reason = "the difference of two figures quoted in the same sentence"
            else:
                reason = None
            if reason is not None:
                if explained is not None:
                    explained.append(f"{path}, {where}: {figure.shown!r} ({figure.kind}) <- {reason}")
                continue
            close = nearest(figure, block.sources)
            findings.append(Finding(path, where, figure.shown, figure.kind, sentence, tuple(block.looked_in),
                                    f"{close.printed} ({close.where})" if close else "none of this kind within 50%"))
    return findings


def default_texts(root: Path = ROOT) -> list[Path]:
    return [*sorted((root / "notebooks").glob("**/*.ipynb")), root / "README.md", *sorted((root / "docs").glob("*.md"))]


def check(paths: Iterable[Path], root: Path = ROOT, allowed_file: Path | None = None,
          explained: list[str] | None = None) -> list[Finding]:
    """The findings for these texts, including the allowed entries for them that no longer match any figure."""
    allowed_file = allowed_file or root / "tests" / "quoted-figures-allowed.yml"
    allowed = load_allowed(allowed_file)
    sources = Sources(root)
    findings, used, checked = [], set(), []
    for path in paths:
        path = Path(path).resolve()
        blocks = notebook_blocks(path, sources) if path.suffix == ".ipynb" else markdown_blocks(path, sources)
        findings += check_blocks(blocks, allowed, root, used, explained)
        checked.append(relative_name(path, root))
    # an entry no longer used is reported, once every file it can apply to has been checked
    texts = [relative_name(p, root) for p in default_texts(root)]
    for entry in allowed:
        applies_to = [t for t in dict.fromkeys([*texts, *checked]) if fnmatch.fnmatch(t, entry.file)]
        if entry not in used and applies_to and set(applies_to) <= set(checked):
            findings.append(Finding(applies_to[0] if len(applies_to) == 1 else entry.file, "allowed list",
                                    entry.figure, entry.kind,
                                    f"this entry matches no figure in the text any more ({entry.reason})",
                                    (relative_name(allowed_file, root),), "remove the entry"))
    return findings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    explained: list[str] | None = [] if "--explain" in argv else None
    paths = [Path(a) for a in argv if a != "--explain"] or default_texts(ROOT)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"check_figures: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        findings = check(paths, root=ROOT, explained=explained)
    except ValueError as error:  # a malformed allowed list
        print(f"check_figures: {error}", file=sys.stderr)
        return 2
    for line in explained or []:
        print(line)
    current = None
    for finding in findings:
        if finding.path != current:
            current = finding.path
            print(f"\n== {current}")
        print(finding)
    print(f"\n{len(findings)} quoted figure(s) without a source in {len(paths)} file(s)"
          + ("" if findings else ": every figure has one"))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
