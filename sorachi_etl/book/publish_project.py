"""A project's page of the published workbook: purpose, initiatives with their photos, KPIs.

`project_page` writes one portrait sheet per project (book/publish.py calls it for
each): its name and 推進エリア, 目的, これまでの主な取組・成果 (each initiative's
text in A:C with its photo centred beside it in D:E, its caption under the photo),
the project's KPI table, and the initiatives planned for the report year. Every
initiative is measured before it is written, so that one never starts at the foot
of a printed page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sorachi_etl.book.page_layout import (
    HEADER_STYLE,
    SECTION_STYLE,
    Page,
    Style,
)
from sorachi_etl.book.photos import PhotoData, fit
from sorachi_etl.book.text_fit import PAGE_TITLE, SMALL, Metrics, column_px
from sorachi_etl.kpi.report_initiatives import PLANNED_BULLET, InitiativeBlock, Part
from sorachi_etl.kpi.report_model import (
    AREA_LABEL,
    NO_INITIATIVES,
    PAST_HEADING,
    PROJECT_KPI_COLUMNS,
    PURPOSE_LABEL,
    KpiLine,
    ProjectPage,
    Report,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

PHOTO_BOX_H = 118  # px: the tallest a photo is shown beside an initiative
HEADING = 10.5  # pt: an initiative's ■ line
SECTION_H = 20.0  # pt: a section's heading row
BLOCK_GAP = 6.0  # pt: between initiatives
SHEET_PROJECT = "プロジェクト{no}"
# Portrait pages: text and photos side by side, and the project's KPI table.
PROJECT_WIDTHS = [28.0, 14.0, 14.0, 16.0, 10.0]
TEXT_LAST = 3  # initiative text in A:C, its photo in D:E
PHOTO_FIRST = 4


def project_page(
    wb: Workbook,
    report: Report,
    project: ProjectPage,
    photos: dict[str, PhotoData],
    metrics: Metrics,
) -> None:
    """A project's page: its name and 推進エリア, 目的, the initiatives of the past years
    with their photos beside, its KPIs, and the initiatives planned for the report year;
    no heading left at the foot of a printed page."""
    name = SHEET_PROJECT.format(no=project.no)
    page = Page(wb, name, PROJECT_WIDTHS, report, metrics, landscape=False)
    title = Style(size=PAGE_TITLE, bold=True, valign="center", color="1F3864")
    page.text(project.name, style=title, height=page.measure(project.name, size=PAGE_TITLE) + 6)
    area = f"{AREA_LABEL}{project.area}"
    page.text(area, style=Style(bold=True))
    page.gap(4)
    # a heading never ends a printed page: it goes with (the start of) what it heads
    purpose_h = page.measure(project.purpose)
    page.keep(SECTION_H + min(purpose_h, page.budget / 2))
    page.text(PURPOSE_LABEL, style=SECTION_STYLE, height=SECTION_H)
    page.text(project.purpose, style=Style(box=True, indent=1), height=purpose_h)
    page.gap()
    blocks = [_block_rows(page, block, photos) for block in project.past]
    first = blocks[0].total if blocks else page.measure(NO_INITIATIVES)
    page.keep(SECTION_H + min(first, page.budget / 2))
    page.text(PAST_HEADING, style=SECTION_STYLE, height=SECTION_H)
    if not blocks:
        page.text(NO_INITIATIVES, style=Style(indent=1))
    for rows in blocks:
        _initiative(page, rows)
    page.gap()
    _project_kpis(page, project.kpis)
    page.gap()
    items = [f"{PLANNED_BULLET}{item.line}" for item in project.planned] or [NO_INITIATIVES]
    heights = [page.measure(text) for text in items]
    page.keep(SECTION_H + heights[0])
    page.text(project.planned_heading, style=SECTION_STYLE, height=SECTION_H)
    for text, height in zip(items, heights, strict=True):
        page.text(text, style=Style(indent=1), height=height)
    page.finish()


@dataclass
class _PartRows:
    part: Part
    photo: PhotoData | None
    lines: list[str]
    heights: list[float]
    size: tuple[int, int] = (0, 0)  # the photo as shown, px
    caption_h: float = 0.0


def _part_rows(page: Page, part: Part, photos: dict[str, PhotoData]) -> _PartRows:
    photo = photos.get(part.photo.path) if part.photo is not None else None
    last = TEXT_LAST if photo is not None else page.ncols
    lines = [d.line for d in part.details]
    rows = _PartRows(part, photo, lines, [page.measure(t, 1, last) for t in lines])
    if photo is not None:
        box_w = page.span(PHOTO_FIRST, page.ncols) - 12
        rows.size = fit(photo.width, photo.height, box_w, PHOTO_BOX_H)
        caption = part.photo.caption_line
        rows.caption_h = page.measure(caption, PHOTO_FIRST, size=SMALL) if caption else 0.0
        # the rows beside the photo are at least as tall as the photo
        photo_h = (rows.size[1] + 8) * 0.75
        if not rows.heights:
            rows.heights.append(photo_h)
        shortfall = photo_h - sum(rows.heights)
        if shortfall > 0:
            rows.heights[-1] += shortfall
    return rows


@dataclass
class _BlockRows:
    """An initiative's rows, measured before they are written (to keep them on one page)."""

    heading: str
    heading_h: float
    subtitles: list[float]
    parts: list[_PartRows]

    @property
    def total(self) -> float:
        rows = sum(sum(p.heights) + p.caption_h for p in self.parts)
        return self.heading_h + sum(self.subtitles) + rows + BLOCK_GAP


def _block_rows(page: Page, block: InitiativeBlock, photos: dict[str, PhotoData]) -> _BlockRows:
    parts = [_part_rows(page, part, photos) for part in block.parts]
    heading = f"■ {block.heading}"
    subtitles = [page.measure(f"○ {p.part.subtitle}") if p.part.subtitle else 0 for p in parts]
    return _BlockRows(heading, page.measure(heading, size=HEADING), subtitles, parts)


def _initiative(page: Page, block: _BlockRows) -> None:
    page.keep(min(block.total, page.budget))
    page.text(block.heading, style=Style(bold=True, size=HEADING), height=block.heading_h)
    for rows, sub_h in zip(block.parts, block.subtitles, strict=True):
        if rows.part.subtitle:
            page.text(f"○ {rows.part.subtitle}", style=Style(bold=True, indent=1), height=sub_h)
        last = TEXT_LAST if rows.photo is not None else page.ncols
        written: list[int] = []
        for line, h in zip(rows.lines, rows.heights, strict=False):
            page.text(line, 1, last, Style(indent=1), height=h)
            written += page.last_rows
        if rows.photo is not None:
            if not written:  # a photo without details: a row of its own
                written.append(page.next_row(rows.heights[0]))
            _place_photo(page, rows, written)
    page.gap(BLOCK_GAP)


def _place_photo(page: Page, rows: _PartRows, written: list[int]) -> None:
    """The photo beside its text, from the text's first row; its caption (▲…) under it."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    photo, part = rows.photo, rows.part
    w, h = rows.size
    image = Image(io.BytesIO(photo.data))
    image.width, image.height = w, h
    # centred in the columns beside the text, as its caption is
    left = max(4, (page.span(PHOTO_FIRST, page.ncols) - w) // 2)
    col = PHOTO_FIRST - 1
    while col + 1 < page.ncols and left >= column_px(page.widths[col], page.metrics):
        left -= column_px(page.widths[col], page.metrics)
        col += 1
    marker = AnchorMarker(
        col=col, colOff=pixels_to_EMU(int(left)), row=written[0] - 1, rowOff=pixels_to_EMU(4)
    )
    image.anchor = OneCellAnchor(
        _from=marker, ext=XDRPositiveSize2D(pixels_to_EMU(w), pixels_to_EMU(h))
    )
    image.anchor.pic = _picture(len(page.ws._images) + 1, part.photo.caption or part.photo.title)
    page.ws.add_image(image)
    caption = part.photo.caption_line
    if not caption:
        return
    # the caption goes in the first row that starts below the photo's bottom edge
    photo_h, top, target = (h + 8) * 0.75, 0.0, None
    for row in written:
        if top >= photo_h:
            target = row
            break
        top += page.ws.row_dimensions[row].height or 0
    if target is None:
        target = page.next_row(rows.caption_h)
    elif (have := page.ws.row_dimensions[target].height or 0) < rows.caption_h:
        page.grow(target, rows.caption_h - have)
    style = Style(size=SMALL, align="center")
    page.text(caption, PHOTO_FIRST, page.ncols, style, row=target)


def _picture(index: int, description: str):
    """The picture frame openpyxl would make, with a description (alt text) of our own."""
    from openpyxl.drawing.fill import Blip
    from openpyxl.drawing.geometry import PresetGeometry2D
    from openpyxl.drawing.picture import PictureFrame

    pic = PictureFrame()
    pic.nvPicPr.cNvPr.id = index
    pic.nvPicPr.cNvPr.name = f"写真 {index}"
    pic.nvPicPr.cNvPr.descr = description
    pic.blipFill.blip = Blip()
    pic.blipFill.blip.cstate = "print"
    pic.spPr.prstGeom = PresetGeometry2D(prst="rect")
    pic.spPr.ln = None
    return pic


def _project_kpis(page: Page, lines: list[KpiLine]) -> None:
    header_h = max(page.measure(t, c, c, SMALL) for c, t in enumerate(PROJECT_KPI_COLUMNS, 1))
    heights = [page.measure(line.label, 1, 1) + 4 for line in lines]
    page.keep(header_h + sum(heights))
    r = page.next_row(header_h)
    for c, text in enumerate(PROJECT_KPI_COLUMNS, start=1):
        page.text(text, c, c, HEADER_STYLE, row=r)
    cell = Style(box=True, valign="center")
    figure = Style(box=True, valign="center", align="right", indent=1)
    for line, height in zip(lines, heights, strict=True):
        r = page.next_row(height)
        page.text(line.label, 1, 1, cell, row=r)
        for c, value in enumerate((line.base, line.actual, line.target, line.rate), start=2):
            page.figure(r, c, value, figure)
