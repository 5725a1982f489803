"""What the front door's jobs share: the collector paused, notices passed on as they come."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sorachi_etl.model.findings import Finding

P = ParamSpec("P")
R = TypeVar("R")

Notify = Callable[[Finding], None]


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with Python's cyclic garbage collector paused (reference counting still frees).

    Checking and merging 1,741 workbooks keeps millions of small objects alive
    (cell values, rows, findings); the collector rescans them all again and
    again as they grow, which was 10-15% of a merge. They hold no reference
    cycles worth collecting before the job ends.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


class Notices(list):
    """The notices of a run, each passed on to `notify` (the CLI prints it) as it comes."""

    def __init__(self, notify: Notify | None) -> None:
        super().__init__()
        self.notify = notify

    def add(self, found: list[Finding]) -> None:
        for f in found:
            self.append(f)
            if self.notify is not None:
                self.notify(f)
