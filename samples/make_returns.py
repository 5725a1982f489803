"""Write the bundled sample returns: samples/returns/R6_*_調査票.xlsx.

Made-up R6 (FY2024) figures for the demo, in the order of magnitude of the
source report's totals. 27 of the 28 reporters return a workbook (歌志内市
does not); most are clean, three are messy but valid (full-width digits,
units typed after numbers, 集計中 typed into the value cell, a blank status),
and two have errors to send back (芦別市, 沼田町).

Run from the repo root: python samples/make_returns.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sorachi_etl.book.fill import fill_survey
from sorachi_etl.book.template import master_to_templates
from sorachi_etl.model.sample import sample_master

YEAR = 2024
OUT = Path(__file__).resolve().parent / "returns"
MISSING = "歌志内市"

# 観光入込客数 (人), 移住相談件数 (件), 認定こども園数 (カ所), 耕作面積 (ha)
SORACHI = {
    "夕張市": (562_000, 31, 1, 1_980),
    "岩見沢市": (2_410_000, 96, 3, 19_350),
    "美唄市": (498_000, 42, 1, 9_420),
    "芦別市": (455_000, 35, 1, 2_610),
    "赤平市": (233_000, 18, 1, 830),
    "三笠市": (387_000, 27, 1, 2_760),
    "滝川市": (1_052_000, 58, 2, 5_570),
    "砂川市": (745_000, 33, 1, 2_370),
    "歌志内市": (98_000, 6, 0, 40),
    "深川市": (903_000, 61, 2, 13_060),
    "南幌町": (198_000, 29, 1, 4_890),
    "奈井江町": (156_000, 12, 0, 2_980),
    "上砂川町": (61_000, 5, 0, 110),
    "由仁町": (341_000, 24, 1, 4_430),
    "長沼町": (652_000, 47, 1, 9_910),
    "栗山町": (402_000, 39, 1, 5_480),
    "月形町": (118_000, 14, 0, 3_640),
    "浦臼町": (104_000, 11, 0, 2_790),
    "新十津川町": (389_000, 25, 1, 6_280),
    "妹背牛町": (72_000, 9, 0, 3_390),
    "秩父別町": (176_000, 10, 0, 3_560),
    "雨竜町": (121_000, 13, 1, 4_640),
    "北竜町": (298_000, 12, 0, 3_170),
    "沼田町": (254_000, 22, 1, 5_310),
}
TANTEKO_OUTSIDE = {"小樽市": 7_051_000, "室蘭市": 1_436_000, "安平町": 338_000}
BUREAU = {"M05": 24_530, "M06": 486, "M07": 263}

# Reporters who type as people do; every one of these is still valid.
MESSY = {
    "岩見沢市": {"M01": "２，４１０，０００", "M04": "19,350ha"},
    "滝川市": {"M01": "1,052,000人", "M02": ("58", None), "M03": ("集計中", None)},
    "小樽市": {"M01": (" 7,051,000 ", None, "速報値から更新")},
}
# Reporters whose workbook has errors: what they typed. (芦別市's 「45万5千」 is read as
# 455,000 with a 注意 saying so; its -1 is the error that holds its figures back.)
FAULTY = {
    "芦別市": {"M01": "45万5千", "M03": ("-1", "確定")},
    "沼田町": {"M02": (22, "集計中")},
}
FAULTY_INITIATIVES = {
    "沼田町": [
        {
            "project": "地域の歴史や資源を活かした空知の魅力発信プロジェクト",
            "title": "ほたる祭りでの空知PR",
            "implementers": "町",
            "start_date": "2023/7/15",
            "summary": "ほたる祭りに合わせて空知の観光パンフレットを配布。",
        }
    ],
}
INITIATIVES = {
    "空知総合振興局": [
        {
            "project": "日本遺産「炭鉄港」を活用した交流人口拡大プロジェクト",
            "title": "日本遺産認定5周年フォーラム",
            "implementers": "振興局",
            "start_date": "2024/10/19",
            "dates_text": "令和6年10月19日",
            "venue": "岩見沢市",
            "summary": "日本遺産「炭鉄港」の認定5周年を記念し、構成市町の取組を紹介するフォーラムを開催。",
            "outcome_label": "参加者数（人）",
            "outcome_value": 180,
        },
    ],
    "岩見沢市": [
        {
            "project": "空知と多様な形で関わりを持つ人材創出プロジェクト",
            "title": "移住フェアへの出展",
            "implementers": "市",
            "start_date": "2024/9/14",
            "end_date": "2024/9/15",
            "dates_text": "令和6年9月14日～15日",
            "venue": "札幌市",
            "summary": "移住フェアに出展し、仕事・住まい・暮らしの情報を紹介。",
            "outcome_label": "相談件数（件）",
            "outcome_value": 23,
        },
    ],
}
CONTACT = {
    "department": "企画課",
    "person": "（記入者）",
    "phone": "0126-00-0000",
    "filled_on": "2025/5/20",
}


def typed_values(reporter: str, measures: list[str]) -> dict[str, object]:
    if reporter in SORACHI:
        base = dict(zip(("M01", "M02", "M03", "M04"), SORACHI[reporter], strict=True))
    elif reporter in TANTEKO_OUTSIDE:
        base = {"M01": TANTEKO_OUTSIDE[reporter]}
    else:
        base = dict(BUREAU)
    values: dict[str, object] = {m: (base[m], "確定") for m in measures}
    values.update(MESSY.get(reporter, {}))
    values.update(FAULTY.get(reporter, {}))
    return values


def main() -> None:
    master = sample_master()
    with tempfile.TemporaryDirectory() as tmp:
        blank = master_to_templates(master, YEAR, Path(tmp))
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir()
        for result in blank:
            if result.reporter == MISSING:
                continue
            target = OUT / result.path.name
            fill_survey(
                result.path,
                target,
                values=typed_values(result.reporter, result.measures),
                initiatives=INITIATIVES.get(result.reporter, [])
                + FAULTY_INITIATIVES.get(result.reporter, []),
                info=CONTACT,
            )
            # a fixed file time, so "the newer of two files" never depends on the checkout
            os.utime(target, (1748000000, 1748000000))
    print(f"{len(list(OUT.glob('*.xlsx')))} files in {OUT}")


if __name__ == "__main__":
    main()
