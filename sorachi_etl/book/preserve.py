"""What a master holds that openpyxl would silently drop on saving.

Staff put things in the master that openpyxl cannot carry through a load and
save: pictures, shapes and text boxes, charts of their own, form controls,
sparklines, pivot tables, slicers, macros, threaded comments, pictures in
headers and footers, and the newer (x14) kinds of conditional formatting and
data validation. Before the master is rewritten we look inside the file for
them; if any is found the run stops and names each one and where it is, so no
staff work vanishes.

What openpyxl does keep is allowed: cell comments (notes) are read and
written again, with their text and author. A comment lives in a VML drawing
(<legacyDrawing>) that may also hold form controls, so the drawing is looked
into: only shapes that are not notes stop the run. (A note's box loses its
own size and colours in the save: it is written at openpyxl's default size.)
A threaded comment (Excel 365's 「コメント」, with replies) is kept by openpyxl
only as the plain note Excel writes beside it for older versions, its thread
gone: that stops the run.

The sheets the tool regenerates (評価指標一覧, 提出状況, 推移グラフ) are not
checked: their content is ours and is written anew every time.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from sorachi_etl.model.names import MASTER_OUTPUT_SHEETS

# worksheet XML marker -> what a clerk would call it
_SHEET_MARKERS = {
    b"sparklineGroup": "スパークライン",
    b"x14:conditionalFormatting": "新しい形式の条件付き書式（アイコン・データバーなど）",
    b"x14:dataValidation": "別シートを参照する入力規則",
    b"<legacyDrawingHF": "ヘッダー・フッターの画像",
    b"<controls": "フォームコントロール（ボタン・チェックボックスなど）",
    b"<oleObjects": "埋め込みオブジェクト",
    b"x14:slicerList": "スライサー",
}
_PACKAGE_MARKERS = {
    "xl/vbaProject.bin": "マクロ（VBA）",
    "xl/pivotTables/": "ピボットテーブル",
    "xl/pivotCache/": "ピボットテーブル",
    "xl/slicers/": "スライサー",
    "xl/timelines/": "タイムライン",
    "xl/externalLinks/": "他のブックへのリンク",
    "xl/activeX/": "ActiveX コントロール",
    "xl/ctrlProps/": "フォームコントロール",
    "xl/model/": "データモデル（Power Pivot）",
    "xl/richData/": "セルの中の画像",
}
_THREADED = "スレッド形式のコメント（Excel の「コメント」。「メモ」に変換すれば残ります）"
_FORM_CONTROL = "フォームコントロール（ボタン・チェックボックスなど）"
_OLD_SHAPE = "古い形式の図形"
_LEGACY = re.compile(rb"<(?:\w+:)?legacyDrawing\b[^>]*>")
_OBJECT_TYPE = re.compile(rb'ObjectType="([^"]*)"')
_VML_SHAPE = re.compile(rb"<v:(?:shape|rect|oval|line|polyline|roundrect|arc|image)\b")
# drawing XML marker -> what it is
# (any namespace prefix: Excel writes xdr:, openpyxl the default namespace)
_DRAWING_MARKERS = {
    re.compile(rb"<(?:\w+:)?pic\b"): "画像",
    re.compile(rb"<(?:\w+:)?sp\b"): "図形・テキストボックス",
    re.compile(rb"<(?:\w+:)?graphicFrame\b"): "グラフ",
    re.compile(rb"<(?:\w+:)?cxnSp\b"): "線・矢印",
    re.compile(rb"<(?:\w+:)?grpSp\b"): "グループ化した図形",
}
_RID = re.compile(rb'r:id="([^"]+)"')


def _rels(z: zipfile.ZipFile, part: str, *, types: bool = False) -> dict[str, str]:
    """Relationship id -> target part of `part` (with `types`: target -> relationship type)."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in z.namelist():
        return {}
    data = z.read(rels_name)
    out = {}
    for tag in re.findall(rb"<Relationship\b[^>]*>", data):
        rid = re.search(rb'\bId="([^"]+)"', tag)
        target = re.search(rb'\bTarget="([^"]+)"', tag)
        kind = re.search(rb'\bType="([^"]+)"', tag)
        if not rid or not target:
            continue
        t = target.group(1).decode().replace("\\", "/")
        t = t[1:] if t.startswith("/") else posixpath.normpath(posixpath.join(folder, t))
        if types:
            out[t] = kind.group(1).decode() if kind else ""
        else:
            out[rid.group(1).decode()] = t
    return out


def _legacy_drawing_kinds(z: zipfile.ZipFile, xml: bytes, rels: dict[str, str]) -> list[str]:
    """What a sheet's VML drawing holds besides cell comments (notes), which openpyxl keeps."""
    kinds: list[str] = []
    for m in _LEGACY.finditer(xml):
        rid = _RID.search(m.group(0))
        target = rels.get(rid.group(1).decode()) if rid else None
        if not target or target not in z.namelist():
            continue
        vml = z.read(target)
        types = {t.decode("ascii", "replace") for t in _OBJECT_TYPE.findall(vml)}
        if types - {"Note"}:
            what = _FORM_CONTROL
        elif len(_VML_SHAPE.findall(vml)) > len(_OBJECT_TYPE.findall(vml)):
            what = _OLD_SHAPE  # a shape that is neither a note nor a control
        else:
            continue
        if what not in kinds:
            kinds.append(what)
    return kinds


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part, from workbook.xml and its rels."""
    workbook = z.read("xl/workbook.xml")
    rels = _rels(z, "xl/workbook.xml")
    out = {}
    for m in re.finditer(rb"<sheet\b[^>]*>", workbook):
        tag = m.group(0)
        name = re.search(rb'name="([^"]*)"', tag)
        rid = re.search(rb'r:id="([^"]*)"', tag) or re.search(rb'\bid="([^"]*)"', tag)
        if name and rid and rid.group(1).decode() in rels:
            out[_unescape(name.group(1).decode())] = rels[rid.group(1).decode()]
    return out


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def content_at_risk(path: Path) -> list[str]:
    """Things in the master that would be lost by rewriting it, in Japanese ("シート「メモ」: 画像")."""
    found: list[str] = []
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return []  # reading the master reports this
    with z:
        names = z.namelist()
        for prefix, what in _PACKAGE_MARKERS.items():
            if (
                any(n == prefix or n.startswith(prefix) for n in names)
                and f"ブック全体: {what}" not in found
            ):
                found.append(f"ブック全体: {what}")
        if "xl/workbook.xml" not in names:
            return found
        for sheet, part in _sheet_parts(z).items():
            if sheet in MASTER_OUTPUT_SHEETS or part not in names:
                continue
            xml = z.read(part)
            kinds: list[str] = []
            for marker, what in _SHEET_MARKERS.items():
                if marker in xml and what not in kinds:
                    kinds.append(what)
            rels = _rels(z, part)
            kinds += [k for k in _legacy_drawing_kinds(z, xml, rels) if k not in kinds]
            if any(t.endswith("/threadedComment") for t in _rels(z, part, types=True).values()):
                kinds.append(_THREADED)
            for m in re.finditer(rb"<(?:\w+:)?drawing\b[^>]*>", xml):
                rid = _RID.search(m.group(0))
                target = rels.get(rid.group(1).decode()) if rid else None
                if target and target in names:
                    drawing = z.read(target)
                    for marker, what in _DRAWING_MARKERS.items():
                        if marker.search(drawing) and what not in kinds:
                            kinds.append(what)
            found += [f"シート「{sheet}」: {what}" for what in kinds]
    return found
