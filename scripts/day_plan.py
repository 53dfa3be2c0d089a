"""The workshop plans of docs/instructors.md (a day, a half day), computed from benchmarks/results/lesson-times.json.

    python -m scripts.results_tables          # writes them, with every other generated table
    python -m scripts.results_tables --check  # exit 1 if the committed plans differ from the results file

Each lesson is one block of its study minutes, in the notebooks' order; its run happens inside the block. The breaks
go where the longest runs can be started just before them (within each break's window of start times, the placement
that leaves the most run seconds to the breaks wins), so that a model trains while the room is away. What does not
fit is dropped from the end, the core lessons never; the half day is the same computation with one break.
"""
from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from scripts.results_tables import table
from scripts.store_outputs import minutes

ROOT = Path(__file__).resolve().parent.parent
CORE = ("01", "02", "03", "04", "05")  # data, vocabulary, model, training, evaluation: what a half day keeps
LONG_RUN_S = 180  # a run longer than this is started where nobody waits for it: before a break, or with a question
OPENING = ("Welcome; the room check: `python -m sentiment_helpers doctor` on every machine", 15)
CLOSING = ("Questions; what to read next; the solutions notebooks for the exercises", 15)
# what to discuss while a lesson's long run goes on (asked as the break begins, or at the start of its block)
DISCUSS = {
    "04": "validation accuracy, not training loss, picks the epoch that is kept: why? And why does the test set wait "
          "for lesson 05?",
    "04b": "a model that reads no word order at all: how close to the BiLSTM should it come, and which reviews need "
           "word order?",
    "05": "a confident mistake or an unsure right answer: which costs more, and what can calibration change?",
    "07": 'word2vec gives words used in the same places similar vectors: why can "good" and "bad" end up neighbours?',
    "08": "a model that saw a review and its label in training: what does its accuracy on that review measure?",
}


@dataclass(frozen=True)
class Break:
    name: str
    minutes: int
    earliest: str  # the window its start must fall in, "HH:MM"
    latest: str


@dataclass(frozen=True)
class Plan:
    start: str
    end: str
    breaks: tuple[Break, ...]
    closing: bool  # the closing block; a half day ends with its last lesson


DAY = Plan("09:00", "17:00", (Break("morning coffee", 15, "10:00", "11:30"), Break("lunch", 60, "12:00", "13:30"),
                              Break("afternoon coffee", 15, "14:30", "16:00")), closing=True)
HALF_DAY = Plan("09:00", "13:00", DAY.breaks[:1], closing=False)


@dataclass(frozen=True)
class Lesson:
    stem: str
    study: int
    seconds: float

    @property
    def key(self) -> str:
        return self.stem.split("_")[0]

    @property
    def link(self) -> str:
        return f"[{self.key} · {title(self.stem)}](../notebooks/{self.stem}.ipynb)"


@functools.cache
def title(stem: str) -> str:
    """The lesson's title, from its notebook's first heading ("# 04 · Training the BiLSTM ...")."""
    notebook = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text())
    return "".join(notebook["cells"][0]["source"]).split("\n")[0].split("·", 1)[1].strip()


def lessons(times: dict) -> list[Lesson]:
    """The lessons of the records, in the notebooks' order; the solutions notebooks have no study time, no block."""
    return sorted((Lesson(stem, r["study_minutes"], r["seconds"]) for stem, r in times["lessons"].items()
                   if r.get("study_minutes") is not None), key=lambda lesson: lesson.stem)


def clock(text: str) -> int:
    hours, mins = text.split(":")
    return 60 * int(hours) + int(mins)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def starts(kept: list[Lesson], plan: Plan, before: tuple[int, ...]) -> list[int] | None:
    """Each lesson's start with the breaks before the lessons at these indices; None where a break falls outside its
    window or the plan runs past its end."""
    t, out = clock(plan.start) + OPENING[1], []
    for i, lesson in enumerate(kept):
        if i in before:
            brk = plan.breaks[before.index(i)]
            if not clock(brk.earliest) <= t <= clock(brk.latest):
                return None
            t += brk.minutes
        out.append(t)
        t += lesson.study
    return out if t + CLOSING[1] * plan.closing <= clock(plan.end) else None


def placement(kept: list[Lesson], plan: Plan) -> tuple[int, ...] | None:
    """Where the breaks go (the index of the lesson each comes before): the most run seconds during breaks, then
    the breaks nearest the middle of their windows."""
    def score(before: tuple[int, ...]) -> tuple[float, float]:
        during = sum(min(kept[i].seconds, 60 * brk.minutes) for i, brk in zip(before, plan.breaks, strict=True))
        at = starts(kept, plan, before)
        off = sum(abs(at[i] - brk.minutes - (clock(brk.earliest) + clock(brk.latest)) / 2)
                  for i, brk in zip(before, plan.breaks, strict=True))
        return during, -off

    fitting = [before for before in itertools.combinations(range(1, len(kept)), len(plan.breaks))
               if starts(kept, plan, before) is not None]
    return max(fitting, key=score, default=None)


def fit(all_lessons: list[Lesson], plan: Plan) -> tuple[list[Lesson], list[Lesson], tuple[int, ...]]:
    """The lessons kept, those dropped (the last lessons outside the core first) and where the breaks go."""
    kept = list(all_lessons)
    while (before := placement(kept, plan)) is None:
        optional = [lesson for lesson in kept if lesson.key not in CORE]
        if not optional:
            raise ValueError(f"lessons {', '.join(CORE)} and the breaks do not fit {plan.start}-{plan.end}: "
                             "change the plan's hours or breaks in scripts/day_plan.py")
        kept.remove(optional[-1])
    return kept, [lesson for lesson in all_lessons if lesson not in kept], before


def rows(kept: list[Lesson], plan: Plan, before: tuple[int, ...]) -> list[list[str]]:
    at, start = starts(kept, plan, before), clock(plan.start)
    out = [[f"{hhmm(start)}-{hhmm(start + OPENING[1])}", OPENING[0], str(OPENING[1]), "", ""]]
    for i, (lesson, t) in enumerate(zip(kept, at, strict=True)):
        run, long = minutes(lesson.seconds), lesson.seconds > LONG_RUN_S
        where, meanwhile = f"{run}, in the block", ""
        if i in before:
            brk = plan.breaks[before.index(i)]
            start_it = f"Just before it: open {lesson.key}, Run > Run All Cells. A question to take along: "
            out.append([f"{hhmm(t - brk.minutes)}-{hhmm(t)}", f"**{brk.name}**", str(brk.minutes), "",
                        start_it + DISCUSS[lesson.key] if long else ""])
            where = f"{run}, during the break before it" if long else where
        elif long:
            where, meanwhile = f"{run}, in the block: Run All Cells first", f"While it runs: {DISCUSS[lesson.key]}"
        out.append([f"{hhmm(t)}-{hhmm(t + lesson.study)}", lesson.link, str(lesson.study), where, meanwhile])
    if plan.closing:
        t = at[-1] + kept[-1].study
        out.append([f"{hhmm(t)}-{hhmm(t + CLOSING[1])}", CLOSING[0], str(CLOSING[1]), "", ""])
    return out


def agenda(times: dict, plan: Plan) -> str:
    """The timed table, then its sums: study and run time from the records, the breaks, the end, what was dropped."""
    every = lessons(times)
    long = [lesson.key for lesson in every if lesson.seconds > LONG_RUN_S and lesson.key not in DISCUSS]
    if long:
        raise ValueError(f"lessons {', '.join(long)} run over {LONG_RUN_S} s: give each a question in DISCUSS")
    kept, dropped, before = fit(every, plan)
    body = rows(kept, plan, before)
    end = clock(body[-1][0].split("-")[1])
    study, run = sum(lesson.study for lesson in kept), sum(lesson.seconds for lesson in kept)
    during = sum(min(kept[i].seconds, 60 * brk.minutes) for i, brk in zip(before, plan.breaks, strict=True)
                 if kept[i].seconds > LONG_RUN_S)
    notes = [f"**Study:** {study} minutes in {len(kept)} lesson blocks, each its study time from the records, with "
             f"its run inside it. **Run:** {run:,.0f} s ({minutes(run)}) for these lessons on the slow CPU, "
             f"{during:,.0f} s of it during breaks. **Breaks:** {sum(b.minutes for b in plan.breaks)} minutes. "
             f"**Ends** at {hhmm(end)}: {clock(plan.end) - end} minutes to spare before {plan.end}."]
    if dropped:
        notes.append(f"**Left out** ({sum(lesson.study for lesson in dropped)} minutes of study, "
                     f"{sum(lesson.seconds for lesson in dropped):,.0f} s of run): "
                     + ", ".join(lesson.link for lesson in dropped) + ".")
    solutions = {stem: r["seconds"] for stem, r in times["lessons"].items() if r.get("study_minutes") is None}
    if solutions and plan.closing:
        notes.append(f"The solutions notebooks ({', '.join(f'`{stem}`' for stem in sorted(solutions))}, "
                     f"{sum(solutions.values()):,.0f} s of run) are no block: answers to open when an exercise stalls.")
    return table(["time", "block", "minutes", "run (slow CPU)", "meanwhile"], body) + "\n\n" + "\n\n".join(notes)


def day(r) -> str:
    return agenda(r("lesson-times"), DAY)


def half_day(r) -> str:
    return agenda(r("lesson-times"), HALF_DAY)
