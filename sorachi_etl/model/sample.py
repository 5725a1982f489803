"""The bundled sample data (samples/catalog.json) as a `Master`.

The catalog reproduces the bureau's published R6 report: projects, reporters
and groups, measures, KPIs with base and target, the published values, the
initiatives and the businesses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sorachi_etl.model import domain
from sorachi_etl.model.eras import parse_fiscal_year
from sorachi_etl.model.names import SOURCE_MANUAL
from sorachi_etl.model.resources import samples_dir

T = TypeVar("T")


def catalog_path() -> Path:
    return samples_dir() / "catalog.json"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _fy(text: str | None) -> int | None:
    return parse_fiscal_year(text) if text else None


def _texts(items: list | None) -> list[str]:
    return [str(item) for item in items or []]


# catalog key -> how its JSON value becomes the dataclass field's value
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "plan_start": _fy,
    "plan_end": _fy,
    "base_year": _fy,
    "target_year": _fy,
    "year": _fy,
    "survey_deadline": _date,
    "start_date": _date,
    "end_date": _date,
    "groups": list,
    "implementers": list,
    "relisted_in": _texts,
    "projects": _texts,
}


def _build(cls: type[T], data: dict[str, Any], **given: Any) -> T:
    """A domain dataclass from a catalog entry whose keys are the field names."""
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: _CONVERT.get(k, _same)(v) for k, v in data.items() if k in names}
    return cls(**(values | given))


def _same(value: Any) -> Any:
    return value


def catalog_to_master(catalog: dict, *, empty: bool = False) -> domain.Master:
    """Build a master from catalog data; `empty` keeps only the settings and structure."""
    master = domain.Master(settings=_build(domain.Settings, catalog["settings"]))
    if empty:
        return master
    master.projects = [_build(domain.Project, p) for p in catalog["projects"]]
    master.reporters = [_build(domain.Reporter, r) for r in catalog["reporters"]]
    master.measures = [_build(domain.Measure, m) for m in catalog["measures"]]
    master.kpis = [_build(domain.Kpi, k) for k in catalog["kpis"]]
    master.kpi_values = [
        _build(domain.KpiValue, v, source=SOURCE_MANUAL) for v in catalog["kpi_values"]
    ]
    bureau = next((r.name for r in master.reporters if r.kind == "振興局"), "")
    master.initiatives = [
        _build(
            domain.Initiative,
            i,
            reporter=i.get("reporter", bureau),
            year=parse_fiscal_year(i["fiscal_year"]),
        )
        for i in catalog["initiatives"]
    ]
    master.businesses = [_build(domain.Business, b) for b in catalog["businesses"]]
    master.analysis_notes = [
        _build(domain.AnalysisNote, n) for n in catalog.get("analysis_notes", [])
    ]
    return master


def copy_sample_photos(master: domain.Master, folder: Path) -> list[Path]:
    """Copy the placeholder pictures the sample's 取組 rows name into `folder` (the master's).

    A file already there is left as it is. Returns the files written.
    """
    import shutil

    written = []
    for initiative in master.initiatives:
        if not initiative.photo:
            continue
        source = samples_dir() / initiative.photo
        target = Path(folder) / initiative.photo
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    return written


def sample_master(*, empty: bool = False) -> domain.Master:
    """The bundled sample master (or its empty structure)."""
    with open(catalog_path(), encoding="utf-8") as fh:
        return catalog_to_master(json.load(fh), empty=empty)
