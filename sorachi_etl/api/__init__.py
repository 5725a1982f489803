"""The library's front door: one function per job, each returning data.

The CLI calls these and renders what they return; tests and other programs call
them directly. Nothing here prints. A problem that stops a job is raised as a
`SorachiError` (`UsageError`, `MasterError`) carrying a catalogue code; what a job
finds in the returns comes back as `Finding` values in its result.

A year of the bureau's work, in Python::

    from pathlib import Path
    from sorachi_etl import api

    api.init_master(Path("master.xlsx"))                         # the master, with the sample data
    api.make_templates(Path("master.xlsx"), 2024, Path("調査票"))  # one survey per reporter (R6)

    checked = api.validate_paths_with_master([Path("回収")], Path("master.xlsx"))
    checked.report.to_dict()                                       # what `validate --json` prints
    api.annotate_reports(checked, Path("返送用"))                   # copies to send back

    outcome = api.merge_paths([Path("回収")], Path("master.xlsx"))
    outcome.to_dict()                                              # what `merge --json` prints
    outcome.missing                                                # ["歌志内市"]

    api.status_of(Path("master.xlsx")).to_dict()["reminder"]       # the reminder to send
    table = api.kpi_report(Path("master.xlsx"))                    # the KPI list as data
    [row.rate for row in table.rows]                               # progress rates (Decimal | None)
    api.publish(Path("master.xlsx")).files                         # {"xlsx": …, "pdf": …, "html": …}

The jobs live in: `master` (the master: where it is, init, templates), `returns`
(which files are returns, checking them, annotated copies), `merging`, `reports`
(the KPI list, who has sent what), `publishing` and `demo`.
"""

from sorachi_etl.api.demo import DEMO_YEAR, DemoResult, run_demo
from sorachi_etl.api.master import InitResult, init_master, make_templates, render_master
from sorachi_etl.api.merging import MergeOutcome, merge_paths
from sorachi_etl.api.publishing import PUBLISH_FOLDER, PUBLISH_FORMATS, PublishResult, publish
from sorachi_etl.api.reports import kpi_report, report_output, status_of
from sorachi_etl.api.returns import (
    Annotations,
    annotate_folder,
    annotate_reports,
    returned_files,
    validate_paths_with_master,
)

__all__ = [
    "DEMO_YEAR",
    "PUBLISH_FOLDER",
    "PUBLISH_FORMATS",
    "Annotations",
    "DemoResult",
    "InitResult",
    "MergeOutcome",
    "PublishResult",
    "annotate_folder",
    "annotate_reports",
    "init_master",
    "kpi_report",
    "make_templates",
    "merge_paths",
    "publish",
    "render_master",
    "report_output",
    "returned_files",
    "run_demo",
    "status_of",
    "validate_paths_with_master",
]
