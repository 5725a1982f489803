"""Names a user sees, in one place: sheet names, statuses, groups, markers.

Column headers live with their rules in schemas/*.toml; this module holds the
other words the code must agree on.
"""

from __future__ import annotations

from collections.abc import Iterable

# Master workbook: data sheets the tool reads and writes.
SHEET_SETTINGS = "設定"
SHEET_PROJECTS = "プロジェクト"
SHEET_REPORTERS = "市町"
SHEET_MEASURES = "調査項目"
SHEET_KPIS = "評価指標"
SHEET_MEASURE_VALUES = "調査実績"
SHEET_KPI_VALUES = "指標実績"
SHEET_INITIATIVES = "取組"
SHEET_BUSINESSES = "事業"
SHEET_ANALYSIS_NOTES = "分析メモ"  # staff's own sheet: written when new, never rewritten
MASTER_DATA_SHEETS = (
    SHEET_SETTINGS,
    SHEET_PROJECTS,
    SHEET_REPORTERS,
    SHEET_MEASURES,
    SHEET_KPIS,
    SHEET_MEASURE_VALUES,
    SHEET_KPI_VALUES,
    SHEET_INITIATIVES,
    SHEET_BUSINESSES,
    SHEET_ANALYSIS_NOTES,
)

# Master workbook: sheets regenerated on every merge, and the log that only grows.
SHEET_KPI_LIST = "評価指標一覧"
SHEET_SUBMISSIONS = "提出状況"
SHEET_CHARTS = "推移グラフ"
SHEET_IMPORT_LOG = "取込履歴"
MASTER_OUTPUT_SHEETS = (SHEET_KPI_LIST, SHEET_SUBMISSIONS, SHEET_CHARTS)

# Survey workbook (調査票) sheets.
SURVEY_GUIDE = "記入要領"
SURVEY_INFO = "基本情報"
SURVEY_VALUES = "調査実績"
SURVEY_INITIATIVES = "取組"
SURVEY_META = "_meta"
SURVEY_SHEETS = (SURVEY_GUIDE, SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META)
# Sheet added to an annotated copy sent back to a reporter.
SURVEY_FINDINGS = "確認事項"

# Status of a value.
STATUS_CONFIRMED = "確定"
STATUS_PENDING = "集計中"
STATUS_NA = "該当なし"
STATUSES = (STATUS_CONFIRMED, STATUS_PENDING, STATUS_NA)

# Text typed for "still being counted".
PENDING_MARKERS = frozenset(
    {"集計中", "未集計", "集計予定", "未確定", "調査中", "確認中", "算出中", "pending"}
)
# Text typed for "not applicable".
NA_MARKERS = frozenset(
    {
        "-",
        "−",
        "―",
        "ー",
        "—",
        "–",
        "‐",
        "－",
        "該当なし",
        "該当無し",
        "なし",
        "無し",
        "対象外",
        "n/a",
        "na",
    }
)

# Where a KPI value came from.
SOURCE_MANUAL = "手入力"
SOURCE_COMPUTED = "集計"

# KPI kinds and directions.
KIND_SUM = "sum"
KIND_RATIO = "ratio"
KIND_VALUE = "value"
KPI_KINDS = (KIND_SUM, KIND_RATIO, KIND_VALUE)
DIRECTION_HIGHER = "上昇"
DIRECTION_LOWER = "低下"
DIRECTION_MAINTAIN = "維持"
DIRECTIONS = (DIRECTION_HIGHER, DIRECTION_LOWER, DIRECTION_MAINTAIN)
RULE_RATIO = "実績/目標"
RULE_IMPROVEMENT = "改善幅"
PROGRESS_RULES = (RULE_RATIO, RULE_IMPROVEMENT)

# Initiative kinds.
INITIATIVE_PAST = "実績"
INITIATIVE_PLANNED = "予定"
INITIATIVE_KINDS = (INITIATIVE_PAST, INITIATIVE_PLANNED)

# 分析メモ: whether a staff line replaces the drafted lines (自動作成の文) of its KPI.
NOTE_REPLACE = "置き換える"
NOTE_KEEP = "残す"
# How 評価指標一覧 in the master marks a line drafted from the data (never in the report).
DRAFT_MARK = "【自動作成】"

# Submission states in 提出状況.
SUBMISSION_OK = "受付済"
SUBMISSION_PARTIAL = "一部受付"  # one part of the return merged, the other held back
SUBMISSION_INVALID = "要修正"
SUBMISSION_MISSING = "未提出"

# The two parts of a return, merged or held back on their own, as a clerk calls them.
PART_VALUES = "実績値"
PART_INITIATIVES = "取組"

# Results a file gets in 取込履歴 (see kpi.status for how they are read back).
RESULT_MERGED = "取込"
RESULT_UNCHANGED = "変更なし"
RESULT_PARTIAL_VALUES = "一部取込（実績値のみ）"  # the 取組 were held back
RESULT_PARTIAL_INITIATIVES = "一部取込（取組のみ）"  # the 実績値 were held back
RESULT_INVALID = "要修正"
RESULT_UNREADABLE = "読取不可"  # followed by the reason: 読取不可（パスワード付き）
RESULT_SUPERSEDED = "不採用（新しい調査票あり）"
# Why a file could not be read, as 取込履歴 says it (catalogue code -> label).
REFUSAL_LABELS = {
    "encrypted": "パスワード付き",
    "wrong_password": "パスワード違い",
    "xlsm": "マクロ付き",
    "xlsb": "xlsb形式",
    "legacy_xls": "Excel 95以前の形式",
    "not_excel": "Excel以外",
    "empty_file": "空のファイル",
    "corrupt": "破損",
    "too_large": "大きすぎる",
    "sheet_too_big": "使用範囲が大きすぎる",
    "unsafe_archive": "危険な構造",
    "no_sheets": "シートなし",
    "not_survey": "調査票以外",
    "unreadable": "開けない",
    "check_failed": "点検中の問題",
}

# Written for a missing progress rate.
DASH = "—"

# Version of the survey template this code writes and expects.
TEMPLATE_VERSION = "2"

# How the master's 評価指標 sheet spells a KPI kind.
KIND_LABELS = {KIND_SUM: "合計", KIND_RATIO: "比率", KIND_VALUE: "単独"}
KIND_BY_LABEL = {label: kind for kind, label in KIND_LABELS.items()}

# Sheets only a master has, and only a survey has: what tells one given for the other.
MASTER_ONLY_SHEETS = frozenset(
    {
        SHEET_SETTINGS,
        SHEET_PROJECTS,
        SHEET_REPORTERS,
        SHEET_MEASURES,
        SHEET_KPIS,
        SHEET_KPI_VALUES,
        SHEET_BUSINESSES,
        SHEET_KPI_LIST,
        SHEET_SUBMISSIONS,
        SHEET_CHARTS,
        SHEET_IMPORT_LOG,
    }
)
SURVEY_ONLY_SHEETS = frozenset({SURVEY_GUIDE, SURVEY_INFO, SURVEY_META, SURVEY_FINDINGS})


def workbook_role(sheet_names: Iterable[str]) -> str | None:
    """ "master" or "survey" when a workbook's sheet names say it is one, else None.

    A master has at least two of its own sheets and none of a survey's; a survey
    has one of its own sheets (記入要領, 基本情報, _meta, 確認事項) and not two of
    a master's.
    """
    names = set(sheet_names)
    master = len(names & MASTER_ONLY_SHEETS)
    if master >= 2 and not names & SURVEY_ONLY_SHEETS:
        return "master"
    if names & SURVEY_ONLY_SHEETS and master < 2:
        return "survey"
    return None
