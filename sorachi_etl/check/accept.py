"""What of a checked return may be merged: its parts, and the newer of two returns.

A return has two parts that are merged on their own: the numbers (調査実績)
and the initiatives (取組). An error on one part's sheet holds back that part
only; the file is then 一部受付 ("partial") and the other part goes in. An
error anywhere else (who sent it, for which year, the file itself) holds back
the whole file.

Two returns from one reporter for one year: the newer wins. Newer is told,
in order, by the date typed into 基本情報 (記入日), by the file's time, and by
the number a browser or mail program adds to a second download of the same
name (R6_岩見沢市_調査票(1).xlsx is the later one); the finding says which
file won and why.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sorachi_etl.model.findings import PARTS, FileReport, finding
from sorachi_etl.model.messages import ERROR, phrase
from sorachi_etl.model.names import PART_INITIATIVES, PART_VALUES, SURVEY_INITIATIVES, SURVEY_VALUES

# The sheet each part lives on, and how a clerk calls the part.
PART_SHEETS = {SURVEY_VALUES: "values", SURVEY_INITIATIVES: "initiatives"}
PART_NAMES = {"values": PART_VALUES, "initiatives": PART_INITIATIVES}


def parts_at_fault(report: FileReport) -> set[str] | None:
    """The parts whose sheet has an error; None when an error holds back the whole file."""
    faulty: set[str] = set()
    for f in report.findings:
        if f.severity != ERROR:
            continue
        part = PART_SHEETS.get(f.sheet or "")
        if part is None:
            return None
        faulty.add(part)
    return faulty


def settle(report: FileReport, superseded: bool = False) -> None:
    """Set a readable file's status: ok, partial (one part held back) or invalid.

    A file `superseded` by a newer return of its reporter is taken not at all: it keeps
    its verdict, but is not told that its other part goes in (一部受付).
    """
    if report.status == "unreadable":
        return
    faulty = parts_at_fault(report)
    if faulty == set():
        report.status = "ok"
        return
    if faulty is None or faulty == set(PARTS):
        report.status = "invalid"
        return
    report.status = "partial"
    report.held_back = [p for p in PARTS if p in faulty]
    if superseded:
        return
    (held,) = report.held_back
    (kept,) = set(PARTS) - faulty
    report.findings.append(
        finding(
            "part_held_back",
            file=report.file,
            reporter=report.reporter,
            part=PART_NAMES[held],
            other=PART_NAMES[kept],
        )
    )


# --- two returns from one reporter ---------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One of several returns from a reporter for a year."""

    index: int
    file: str
    filled_on: dt.date | None  # 記入日 of 基本情報
    modified: dt.datetime | None  # the file's time


# "(1)", "（2）", " (3)" at the end of a name: how browsers and mail programs number a
# second download of the same file.
_COPY_NUMBER = re.compile(r"[(]\s*([0-9]{1,3})\s*[)]$")


def copy_number(name: str) -> int:
    """R6_岩見沢市_調査票(1).xlsx -> 1; the plain name -> 0."""
    stem = unicodedata.normalize("NFKC", name.rsplit(".", 1)[0]).strip()
    m = _COPY_NUMBER.search(stem)
    return int(m.group(1)) if m else 0


def _day(d: dt.date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def _time(t: dt.datetime, seconds: bool = False) -> str:
    shown = f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
    return f"{shown}:{t.second:02d}" if seconds else shown


def _second(t: dt.datetime) -> dt.datetime:
    return t.replace(microsecond=0)


def _decide(a: Candidate, b: Candidate) -> tuple[int, str]:
    """(1 if `a` is newer than `b`, else -1) and why, as the finding says it."""
    if a.filled_on and b.filled_on and a.filled_on != b.filled_on:
        newer, older = (a, b) if a.filled_on > b.filled_on else (b, a)
        assert newer.filled_on and older.filled_on
        why = phrase("newer_by_filled_on", newer=_day(newer.filled_on), older=_day(older.filled_on))
    elif a.modified and b.modified and _second(a.modified) != _second(b.modified):
        # to the second: what a clerk can see; within one (two copies saved from one mail)
        # the order is the copying program's, not the sender's
        newer, older = (a, b) if a.modified > b.modified else (b, a)
        assert newer.modified and older.modified
        # to the second when the minutes are the same (「20:01、もう一方は20:01」 tells nothing)
        same = _time(newer.modified) == _time(older.modified)
        why = phrase(
            "newer_by_modified",
            newer=_time(newer.modified, same),
            older=_time(older.modified, same),
        )
    elif copy_number(a.file) != copy_number(b.file):
        newer = a if copy_number(a.file) > copy_number(b.file) else b
        why = phrase("newer_by_copy_number", copy=copy_number(newer.file))
    else:
        newer = a if a.file > b.file else b
        why = phrase("newer_by_file_name")
    return (1 if newer is a else -1), why


def newest(candidates: list[Candidate]) -> tuple[Candidate, dict[int, str]]:
    """The newest return, and for each other one (by index) why the newest won, in Japanese.

    A date is compared only where both returns have one: a return without 記入日
    is compared with the others by the file's time.
    """
    winner = candidates[0]
    for c in candidates[1:]:
        if _decide(c, winner)[0] > 0:
            winner = c
    return winner, {c.index: _decide(winner, c)[1] for c in candidates if c is not winner}
