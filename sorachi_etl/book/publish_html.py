"""The published report as one accessible HTML page, for the bureau's website.

`report_to_html(report, photos)` renders the same `Report` the workbook is made
from. The page stands alone: no script, no style sheet or font or picture to
fetch (photos are inlined as data: URIs). It is written for JIS X 8341-3
(WCAG 2.1 AA): lang="ja", a skip link, landmarks, headings in order (h1 the
title, h2 a project, h3 its sections, h4 an initiative), tables with a
caption and `<th scope>` on every header cell, text alternatives for photos,
colour never the only carrier of meaning, sizes in rem so text zooms, a
single column that reads on a phone (wide tables scroll in a focusable
region), and print rules for A4.
"""

from __future__ import annotations

import base64
from html import escape

from sorachi_etl.book.photos import PhotoData, fit
from sorachi_etl.kpi.report_initiatives import PHOTO_MARK, InitiativeBlock, Part
from sorachi_etl.kpi.report_model import (
    ANALYSIS_HEADING,
    AREA_LABEL,
    BUSINESS_COLUMNS,
    KPI_HEADING,
    KPI_LIST_HEADING,
    NO_INITIATIVES,
    PAST_HEADING,
    PROJECT_KPI_COLUMNS,
    PURPOSE_LABEL,
    Figure,
    ProjectPage,
    Report,
)

PHOTO_BOX = (320, 240)  # px: the largest a photo is shown

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: #1a1a1a; background: #fff; line-height: 1.75;
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "BIZ UDPGothic", "Yu Gothic",
    "YuGothic", Meiryo, "Noto Sans JP", "Noto Sans CJK JP", sans-serif;
}
.skip { position: absolute; left: -9999px; top: 0; padding: .5rem 1rem; background: #fff; }
.skip:focus { left: .5rem; top: .5rem; z-index: 1; outline: 3px solid #1d4f91; }
header, nav, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 2rem; padding-bottom: 1rem; border-bottom: 4px solid #1d4f91; }
h1 { font-size: 1.6rem; line-height: 1.4; margin: 0 0 .75rem; }
h2 { font-size: 1.35rem; line-height: 1.4; margin: 2.5rem 0 1rem; padding: .4rem .75rem;
  border-left: .5rem solid #1d4f91; background: #eef3fa; }
h3 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; padding-bottom: .2rem;
  border-bottom: 2px solid #9db4d6; }
h4 { font-size: 1rem; margin: 1.25rem 0 .25rem; }
h5 { font-size: 1rem; font-weight: bold; margin: .75rem 0 .25rem; }
p, ul, ol, dl { margin: .5rem 0; }
a { color: #1d4f91; }
a:focus, .table-wrap:focus { outline: 3px solid #1d4f91; outline-offset: 2px; }
.meta { margin: 0; font-size: 1.05rem; }
.area { font-weight: bold; }
.purpose { padding: .75rem 1rem; border: 1px solid #9db4d6; }
.initiative { display: flow-root; margin: 0 0 1rem; }
.initiative dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .5rem; }
.initiative dt { font-weight: bold; }
.initiative dt::after { content: "："; }
.initiative dd { margin: 0; white-space: pre-line; }
figure { margin: .5rem 0 .5rem 1rem; float: right; max-width: 45%; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid #ccc; }
figcaption { font-size: .875rem; }
.table-wrap { overflow-x: auto; margin: .75rem 0; }
table { border-collapse: collapse; min-width: 100%; font-size: .9375rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #6b7a90; padding: .35rem .5rem; vertical-align: middle; }
thead th { background: #e3eaf5; text-align: center; }
tbody th { text-align: left; font-weight: normal; }
th[scope="row"] { min-width: 10em; }  /* on a phone the table scrolls, names stay readable */
th[scope="rowgroup"] { min-width: 8em; }
td.num { text-align: right; white-space: nowrap; }
td.mark { text-align: center; white-space: nowrap; }
.legend { font-size: .9375rem; }
footer { margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid #ccc; }
@media (max-width: 40rem) {
  h1 { font-size: 1.35rem; }
  h2 { font-size: 1.15rem; }
  figure { float: none; max-width: 100%; margin: .5rem 0; }
  .initiative dl { grid-template-columns: 1fr; }
}
@media print {
  @page { size: A4; margin: 15mm 12mm; }
  body { font-size: 10.5pt; line-height: 1.6; }
  .skip, nav { display: none; }
  header, nav, main, footer { max-width: none; padding: 0; }
  .project, .kpi-list, .businesses { break-before: page; }
  h2, h3, h4, h5 { break-after: avoid; }
  .initiative, tr, figure { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _lines(text: str) -> str:
    """Text with its line breaks kept (escaped)."""
    return "<br>".join(_e(part) for part in text.split("\n"))


def report_to_html(report: Report, photos: dict[str, PhotoData]) -> str:
    """The report as one HTML document (UTF-8 text)."""
    title = report.title
    page_title = f"{report.year_text} {title}" + (f"｜{report.bureau}" if report.bureau else "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="ja">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(page_title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">本文へ移動</a>',
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(report.year_text)}</p>',
    ]
    if report.bureau:
        out.append(f'<p class="meta">{_e(report.bureau)}</p>')
    out += ["</header>", *_contents(report), '<main id="main">']
    for project in report.projects:
        out += _project(report, project, photos)
    out += _kpi_list(report)
    out += _businesses(report)
    out += ["</main>"]
    if report.bureau:
        out += [f"<footer><p>{_e(report.year_text)}　{_e(report.bureau)}</p></footer>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _contents(report: Report) -> list[str]:
    out = ['<nav aria-labelledby="contents">', '<h2 id="contents">目次</h2>', "<ol>"]
    for project in report.projects:
        out.append(f'<li><a href="#project-{project.no}">{_e(project.name)}</a></li>')
    out.append(f'<li><a href="#kpi-list">{_e(KPI_LIST_HEADING)}</a></li>')
    out.append(f'<li><a href="#businesses">{_e(report.business_heading)}</a></li>')
    return [*out, "</ol>", "</nav>"]


def _project(report: Report, project: ProjectPage, photos: dict[str, PhotoData]) -> list[str]:
    pid = f"project-{project.no}"
    out = [
        f'<section class="project" id="{pid}" aria-labelledby="{pid}-h">',
        f'<h2 id="{pid}-h">{_e(project.name)}</h2>',
        f'<p class="area">{_e(AREA_LABEL)}{_e(project.area)}</p>',
        f"<h3>{_e(PURPOSE_LABEL)}</h3>",
        f'<p class="purpose">{_lines(project.purpose)}</p>',
        f"<h3>{_e(PAST_HEADING)}</h3>",
    ]
    if not project.past:
        out.append(f"<p>{_e(NO_INITIATIVES)}</p>")
    for block in project.past:
        out += _initiative(block, photos)
    out.append(f"<h3>{_e(KPI_HEADING)}</h3>")
    out += _project_kpis(project)
    out.append(f"<h3>{_e(project.planned_heading)}</h3>")
    if project.planned:
        out.append("<ul>")
        out += [f"<li>{_e(item.line)}</li>" for item in project.planned]
        out.append("</ul>")
    else:
        out.append(f"<p>{_e(NO_INITIATIVES)}</p>")
    out.append("</section>")
    return out


def _initiative(block: InitiativeBlock, photos: dict[str, PhotoData]) -> list[str]:
    # ■ and ○ are the printed report's marks: decoration, not words to read aloud
    out = [
        '<article class="initiative">',
        f'<h4><span aria-hidden="true">■ </span>{_e(block.heading)}</h4>',
    ]
    for part in block.parts:
        if part.subtitle:
            out.append(f'<h5><span aria-hidden="true">○ </span>{_e(part.subtitle)}</h5>')
        out += _figure(part, photos)
        if part.details:
            out.append("<dl>")
            for d in part.details:
                out.append(f"<dt>{_e(d.label)}</dt><dd>{_e(d.text)}</dd>")
            out.append("</dl>")
    out.append("</article>")
    return out


def _figure(part: Part, photos: dict[str, PhotoData]) -> list[str]:
    if part.photo is None or part.photo.path not in photos:
        return []
    photo = photos[part.photo.path]
    w, h = fit(photo.width, photo.height, *PHOTO_BOX)
    w, h = min(w, photo.width), min(h, photo.height)
    data = base64.b64encode(photo.data).decode("ascii")
    alt = part.photo.caption or f"{part.photo.title}の写真"
    out = [
        "<figure>",
        f'<img src="data:{photo.mime};base64,{data}" width="{w}" height="{h}" alt="{_e(alt)}">',
    ]
    if part.photo.caption:
        # ▲ points at the photo on paper: decoration, not a word to read aloud
        mark = f'<span aria-hidden="true">{_e(PHOTO_MARK)}</span>'
        out.append(f"<figcaption>{mark}{_e(part.photo.caption)}</figcaption>")
    return [*out, "</figure>"]


def _td(figure: Figure) -> str:
    cls = "num" if figure.value is not None else "mark"
    return f'<td class="{cls}">{_e(figure.text)}</td>'


def _project_kpis(project: ProjectPage) -> list[str]:
    if not project.kpis:
        return ["<p>（このプロジェクトの評価指標はありません）</p>"]
    caption = f"{project.name}の{KPI_HEADING}"
    out = _table_start(caption)
    out.append("<thead><tr>")
    out += [f'<th scope="col">{_e(text)}</th>' for text in PROJECT_KPI_COLUMNS]
    out.append("</tr></thead><tbody>")
    for line in project.kpis:
        cells = "".join(_td(f) for f in (line.base, line.actual, line.target, line.rate))
        out.append(f'<tr><th scope="row">{_e(line.label)}</th>{cells}</tr>')
    return [*out, "</tbody></table></div>"]


def _table_start(caption: str) -> list[str]:
    # a wide table scrolls sideways on a phone; the region can take focus for the keyboard
    return [
        f'<div class="table-wrap" role="region" aria-label="{_e(caption)}" tabindex="0">',
        f"<table><caption>{_e(caption)}</caption>",
    ]


def _kpi_list(report: Report) -> list[str]:
    out = [
        '<section class="kpi-list" id="kpi-list" aria-labelledby="kpi-list-h">',
        f'<h2 id="kpi-list-h">{_e(KPI_LIST_HEADING)}</h2>',
    ]
    if report.kpi_lines:
        out += _table_start(KPI_LIST_HEADING)
        heads = ["プロジェクト名", "評価指標（KPI）", "基準値（基準年）", *report.year_columns]
        heads += ["目標値（目標年）", "進捗率"]
        out.append("<thead><tr>")
        out += [f'<th scope="col">{_e(text)}</th>' for text in heads]
        out.append("</tr></thead>")
        for no in dict.fromkeys(line.project_no for line in report.kpi_lines):
            lines = [line for line in report.kpi_lines if line.project_no == no]
            out.append("<tbody>")
            for i, line in enumerate(lines):
                row = ["<tr>"]
                if i == 0:
                    span = f' rowspan="{len(lines)}"' if len(lines) > 1 else ""
                    row.append(f'<th scope="rowgroup"{span}>{_e(line.project_name)}</th>')
                row.append(f'<th scope="row">{_e(line.label)}</th>')
                row += [_td(f) for f in (line.base, *line.values, line.target, line.rate)]
                row.append("</tr>")
                out.append("".join(row))
            out.append("</tbody>")
        out.append("</table></div>")
    out.append(f"<h3>{_e(ANALYSIS_HEADING)}</h3>")
    out.append("<ul>")
    out += [f"<li>{_e(line)}</li>" for line in report.analysis]
    return [*out, "</ul>", "</section>"]


def _businesses(report: Report) -> list[str]:
    out = [
        '<section class="businesses" id="businesses" aria-labelledby="businesses-h">',
        f'<h2 id="businesses-h">{_e(report.business_heading)}</h2>',
    ]
    if report.businesses:
        out += _table_start(report.business_heading)
        out.append("<thead><tr>")
        out += [f'<th scope="col">{_e(text)}</th>' for text in BUSINESS_COLUMNS]
        out.append("</tr></thead><tbody>")
        for b in report.businesses:
            out.append(
                f'<tr><th scope="row">{_e(b.name)}</th><td>{_e(b.summary)}</td>'
                f'<td class="mark">{_e(b.marks)}</td></tr>'
            )
        out.append("</tbody></table></div>")
    out.append(f'<p class="legend">{_e(report.legend_title)}</p>')
    out.append('<ul class="legend">')
    out += [f"<li>{_e(mark)} {_e(name)}</li>" for mark, name in report.legend]
    return [*out, "</ul>", "</section>"]
