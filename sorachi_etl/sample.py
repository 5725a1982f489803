"""The bundled sample data (samples/catalog.json) as a `Master`.

The catalog reproduces the bureau's published R6 report: projects, reporters
and groups, measures, KPIs with base and target, the published values, the
initiatives and the businesses.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sorachi_etl import domain
from sorachi_etl.eras import parse_fiscal_year
from sorachi_etl.names import SOURCE_MANUAL, STATUS_CONFIRMED
from sorachi_etl.resources import samples_dir


def catalog_path() -> Path:
    return samples_dir() / "catalog.json"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def catalog_to_master(catalog: dict, *, empty: bool = False) -> domain.Master:
    """Build a master from catalog data; `empty` keeps only the settings and structure."""
    s = catalog["settings"]
    settings = domain.Settings(
        plan_start=parse_fiscal_year(s["plan_start"]),
        plan_end=parse_fiscal_year(s["plan_end"]),
        survey_deadline=_date(s.get("survey_deadline")),
        contact_department=s.get("contact_department", ""),
        contact_person=s.get("contact_person", ""),
        contact_phone=s.get("contact_phone", ""),
        contact_mail=s.get("contact_mail", ""),
        change_warning_percent=s.get("change_warning_percent"),
        title=s.get("title", ""),
        region=s.get("region", ""),
    )
    master = domain.Master(settings=settings)
    if empty:
        return master
    master.projects = [
        domain.Project(
            p["no"], p["name"], p.get("short_name", ""), p.get("area", ""), p.get("purpose", "")
        )
        for p in catalog["projects"]
    ]
    master.reporters = [
        domain.Reporter(
            r["name"],
            list(r["groups"]),
            r.get("kind", ""),
            r.get("subprefecture", ""),
            r.get("department", ""),
            r.get("email", ""),
        )
        for r in catalog["reporters"]
    ]
    master.measures = [
        domain.Measure(
            m["id"],
            m["name"],
            m["unit"],
            list(m["groups"]),
            m.get("decimals", 0),
            m.get("max"),
            m.get("description", ""),
        )
        for m in catalog["measures"]
    ]
    master.kpis = [
        domain.Kpi(
            id=k["id"],
            name=k["name"],
            kind=k["kind"],
            measure=k["measure"],
            group=k["group"],
            unit=k["unit"],
            project=k["project"],
            denominator=k.get("denominator"),
            scale=k.get("scale", 1),
            decimals=k.get("decimals", 0),
            base_value=k.get("base_value"),
            base_year=_fy(k.get("base_year")),
            target_value=k.get("target_value"),
            target_year=_fy(k.get("target_year")),
            direction=k.get("direction"),
            progress_rule=k.get("progress_rule"),
            relisted_in=[str(p) for p in k.get("relisted_in", [])],
        )
        for k in catalog["kpis"]
    ]
    master.kpi_values = [
        domain.KpiValue(
            v["kpi"],
            parse_fiscal_year(v["year"]),
            v.get("value"),
            v.get("status", STATUS_CONFIRMED),
            SOURCE_MANUAL,
            v.get("note", ""),
        )
        for v in catalog["kpi_values"]
    ]
    bureau = next((r.name for r in master.reporters if r.kind == "振興局"), "")
    master.initiatives = [
        domain.Initiative(
            reporter=i.get("reporter", bureau),
            year=parse_fiscal_year(i["fiscal_year"]),
            kind=i["kind"],
            project=i["project"],
            title=i["title"],
            implementers=list(i.get("implementers", [])),
            start_date=_date(i.get("start_date")),
            end_date=_date(i.get("end_date")),
            dates_text=i.get("dates_text", ""),
            venue=i.get("venue", ""),
            summary=i.get("summary", ""),
            outcome_label=i.get("outcome_label", ""),
            outcome_value=i.get("outcome_value"),
            outcome_unit=i.get("outcome_unit", ""),
        )
        for i in catalog["initiatives"]
    ]
    master.businesses = [
        domain.Business(b["name"], b.get("summary", ""), [str(p) for p in b.get("projects", [])])
        for b in catalog["businesses"]
    ]
    return master


def _fy(text: str | None) -> int | None:
    return parse_fiscal_year(text) if text else None


def sample_master(*, empty: bool = False) -> domain.Master:
    """The bundled sample master (or its empty structure)."""
    with open(catalog_path(), encoding="utf-8") as fh:
        return catalog_to_master(json.load(fh), empty=empty)
