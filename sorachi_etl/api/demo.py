"""demo: the main job end to end on the bundled samples, in a fresh folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.api.master import init_master, make_templates
from sorachi_etl.api.merging import MergeOutcome, merge_paths
from sorachi_etl.api.publishing import PUBLISH_FOLDER, PublishResult, publish
from sorachi_etl.api.returns import Annotations, annotate_reports, validate_paths_with_master
from sorachi_etl.model.paths import folder_to_write

if TYPE_CHECKING:
    from sorachi_etl.check.validate import Validation
    from sorachi_etl.kpi.status import StatusReport


@dataclass
class DemoResult:
    """Everything `run_demo` made, for the CLI to tell the user about."""

    folder: Path
    master_path: Path
    templates: list
    returns: Path
    validation: Validation
    annotated: Annotations
    outcome: MergeOutcome
    status: StatusReport
    publication: PublishResult | None = None


DEMO_YEAR = 2024


def run_demo(folder: Path) -> DemoResult:
    """The main job end to end on the bundled samples, in a fresh folder.

    init a master from the sample data, write the R6 survey workbooks, copy the
    bundled returns, validate them (annotating the faulty ones), merge, and
    compute the submission status, and publish the report the merged data makes
    (into 報告書/).
    """
    import shutil

    from sorachi_etl.kpi.status import master_to_status
    from sorachi_etl.model.resources import samples_dir

    folder = folder_to_write(folder, option="--out", example="デモ", empty=True)
    folder.mkdir(exist_ok=True)
    master_path = folder / "master.xlsx"
    init_master(master_path)
    templates = make_templates(master_path, DEMO_YEAR, folder / "調査票")
    returns = folder / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    validation = validate_paths_with_master([returns], master_path)
    annotated = annotate_reports(validation, folder / "返送用")
    outcome = merge_paths([returns], master_path)
    return DemoResult(
        folder,
        master_path,
        templates,
        returns,
        validation,
        annotated,
        outcome,
        outcome.status or master_to_status(outcome.result.master),
        publish(master_path, out_dir=folder / PUBLISH_FOLDER),
    )
