"""The command line as a whole: help in Japanese with examples, fast start-up, README coverage."""

import json
import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sorachi_etl.cli import app
from tests.conftest import REPO

runner = CliRunner()


def command_names():
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_top_level_help_is_japanese():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "調査票" in result.output
    assert "使い方" in result.output
    assert "コマンド" in result.output


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_japanese_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "例" in result.output
    assert f"sorachi-etl {command}" in result.output
    assert "オプション" in result.output or "引数" in result.output


@pytest.mark.parametrize("command", command_names())
def test_every_command_appears_in_the_readme(command):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"sorachi-etl {command}" in readme


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from sorachi_etl.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('pandas', 'pandera', 'openpyxl', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_init_then_report_json(tmp_path):
    master = tmp_path / "master.xlsx"
    result = runner.invoke(app, ["init", str(master)])
    assert result.exit_code == 0, result.output
    assert "マスタを作成しました" in result.output
    result = runner.invoke(app, ["report", "--master", str(master), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["actual_year"], data["actual_year_text"]) == (2023, "R5")
    assert [r["progress_rate"] for r in data["rows"]] == [
        None,
        99.9,
        81.4,
        138.8,
        None,
        None,
        81.4,
        None,
        90.9,
    ]


def test_report_formats(sample_master_path):
    md = runner.invoke(app, ["report", "-m", str(sample_master_path), "--format", "md"])
    assert md.exit_code == 0
    assert "| 日本遺産「炭鉄港」を活用した交流人口拡大プロジェクト |" in md.output
    csv = runner.invoke(app, ["report", "-m", str(sample_master_path), "--format", "csv"])
    assert csv.output.splitlines()[0].startswith("プロジェクト名,評価指標（KPI）")
    table = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert "分析・対応方向" in table.output


def test_init_refuses_to_overwrite(sample_master_path):
    result = runner.invoke(app, ["init", str(sample_master_path)])
    assert result.exit_code == 2
    assert "すでにあります" in result.output


def test_report_on_a_missing_master_is_exit_2(tmp_path):
    result = runner.invoke(app, ["report", "--master", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2
    assert "見つかりません" in result.output


def test_bad_year_is_exit_2(sample_master_path):
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "--year", "令和"])
    assert result.exit_code == 2
    assert "--year" in result.output


# --- Typer's own words, in Japanese ------------------------------------------------------

ENGLISH = re.compile(
    r"Usage|Try '|for help|Missing|No such|Invalid value|Did you mean|Possible options|"
    r"is not one of|unexpected extra|Show this message|Aborted|Error"
)


@pytest.mark.parametrize(
    ("args", "japanese"),
    [
        (["template", "-m", "master.xlsx"], "オプション --year / -y（年度）を指定してください。"),
        (["validate", "-m", "master.xlsx"], "引数「フォルダ/ファイル」を指定してください。"),
        (["bogus"], "「bogus」というコマンドはありません。"),
        (["repot"], "「repot」というコマンドはありません。「report」のことですか？"),
        (["report", "--foo"], "オプション --foo はありません。"),
        (["report", "--fromat", "csv"], "「--format」または「--master」のことですか？"),
        (
            ["report", "-m", "master.xlsx", "--format", "xlsx"],
            "オプション --format / -f に「xlsx」は指定できません。"
            "指定できる値: table、md、csv、json。",
        ),
        (["report", "-m"], "オプション -m の後に値を指定してください。"),
        (["report", "-m", "master.xlsx", "余分"], "余分な指定があります: 余分。"),
        (["--debug"], "コマンドを指定してください。"),
    ],
)
def test_usage_errors_are_japanese_and_exit_2(args, japanese):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert japanese in result.output
    assert not ENGLISH.search(result.output), result.output


def test_usage_error_says_how_to_get_help():
    result = runner.invoke(app, ["bogus"], env={"COLUMNS": "200"})
    assert "使い方: sorachi-etl [オプション] コマンド [引数]..." in result.output
    assert "使い方は sorachi-etl -h で確認できます。" in result.output


@pytest.mark.parametrize("command", [None, *command_names()])
def test_help_has_no_english_and_no_type_names(command):
    result = runner.invoke(app, [command, "-h"] if command else ["-h"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "このヘルプを表示して終了します。" in result.output
    assert not ENGLISH.search(result.output), result.output
    for english in ("<bool>", "<str>", "<path>", "list[", "{paths}", "[OPTIONS]", "COMMAND"):
        assert english not in result.output
    # click's type names (older Typer) and the Python names of the arguments ("paths")
    assert not re.search(r"\b(TEXT|PATH|BOOLEAN|INTEGER)\b", result.output), result.output
    for name in argument_names(command):
        assert not re.search(rf"\b{name}\b", result.output), result.output


def argument_names(command: str | None) -> list[str]:
    import typer.main

    if command is None:
        return []
    params = typer.main.get_command(app).commands[command].params
    return [p.name for p in params if p.param_type_name == "argument"]


@pytest.mark.parametrize("command", command_names())
def test_help_in_80_columns_wraps_japanese_instead_of_cutting_it(command):
    result = runner.invoke(app, [command, "-h"], env={"COLUMNS": "80"})
    assert "…" not in result.output


def test_help_names_what_to_give():
    out = runner.invoke(app, ["validate", "-h"], env={"COLUMNS": "200"}).output
    assert "使い方: sorachi-etl validate [オプション] フォルダ/ファイル..." in out
    assert re.search(r"--master\s+-m\s+ファイル", out)
    assert re.search(r"--year\s+-y\s+年度", out)
    assert re.search(r"--annotate\s+-a\s+フォルダ", out)


@pytest.mark.parametrize(
    "args",
    [
        ["--debug", "report", "-m", "{missing}"],  # before the command, where people also put it
        ["report", "-m", "{missing}", "--debug"],
    ],
)
def test_debug_shows_the_traceback_before_or_after_the_command(tmp_path, args):
    from sorachi_etl.model.errors import UsageError

    missing = str(tmp_path / "ない.xlsx")
    result = runner.invoke(app, [a.format(missing=missing) for a in args])
    assert isinstance(result.exception, UsageError), result.output  # raised, not reworded
    # The next run without --debug is back to the one Japanese line.
    plain = runner.invoke(app, ["report", "-m", missing])
    assert plain.exit_code == 2
    assert "エラー: マスタ「" in plain.output
    assert "Traceback" not in plain.output


def test_debug_is_not_in_the_help():
    """It is for whoever investigates a problem, not a clerk's option."""
    assert "--debug" not in runner.invoke(app, ["-h"]).output
    assert "--debug" not in runner.invoke(app, ["report", "-h"]).output


def test_abort_is_japanese(sample_master_path, monkeypatch):
    import typer

    import sorachi_etl.api

    def abort(*args, **kwargs):
        raise typer.Abort()

    monkeypatch.setattr(sorachi_etl.api, "kpi_report", abort)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 1
    assert "中断しました。" in result.output
    assert not ENGLISH.search(result.output)


# --- output that an encoding cannot hold ---------------------------------------------------


def run_cp932(*args: str, cwd) -> subprocess.CompletedProcess:
    """The console script as Japanese Windows runs it with stdout redirected to a file."""
    env = {**os.environ, "PYTHONIOENCODING": "cp932", "COLUMNS": "100"}
    code = "from sorachi_etl.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, env=env, cwd=cwd, timeout=300
    )


@pytest.mark.parametrize(
    ("args", "exit_code", "expected"),
    [
        (["report", "-m", "{master}", "--format", "csv"], 0, "―"),  # — written as its look-alike
        (["report", "-m", "{master}", "--format", "md"], 0, "99.9%"),
        (["report", "-m", "{master}", "--format", "table"], 0, "進捗率"),
        (["validate", str(REPO / "samples" / "returns")], 1, "○ R6_三笠市_調査票.xlsx"),
        # the last line merge prints, after which the process ends at once (fast exit)
        (["merge", str(REPO / "samples" / "returns"), "-m", "{master}"], 1, "書き込む前のマスタ"),
        # --debug before the command: the same run, ended the same way
        (
            ["--debug", "merge", str(REPO / "samples" / "returns"), "-m", "{master}"],
            1,
            "書き込む前のマスタ",
        ),
        (["demo", "--out", "{tmp}/デモ"], 0, "評価指標一覧"),
        (["bogus"], 2, "というコマンドはありません"),
    ],
)
def test_a_cp932_stdout_never_crashes(sample_master_path, tmp_path, args, exit_code, expected):
    args = [a.format(master=sample_master_path, tmp=tmp_path) for a in args]
    done = run_cp932(*args, cwd=tmp_path)
    stdout = done.stdout.decode("cp932")
    stderr = done.stderr.decode("cp932")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == exit_code, stderr
    assert expected in stdout + stderr


# --- report --output ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "encoding"),
    [
        ("評価指標一覧.csv", [], "utf-8-sig"),
        ("一覧.txt", ["--format", "csv"], "utf-8-sig"),
        ("一覧.md", [], "utf-8"),
        ("一覧.json", ["-f", "json"], "utf-8"),
    ],
)
def test_report_output_writes_a_file(sample_master_path, tmp_path, name, args, encoding):
    out = tmp_path / name
    master = ["report", "-m", str(sample_master_path)]
    result = runner.invoke(app, [*master, "--output", str(out), *args])
    assert result.exit_code == 0, result.output
    assert "評価指標一覧を書き出しました" in result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    fmt = "csv" if encoding == "utf-8-sig" else out.suffix[1:]
    stdout = runner.invoke(app, [*master, "--format", fmt]).stdout
    assert data.decode(encoding) == stdout.replace("\n", "\r\n" if fmt == "csv" else "\n")


def test_report_output_csv_opens_in_excel(sample_master_path, tmp_path):
    out = tmp_path / "一覧.csv"
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "-o", str(out)])
    assert f"評価指標一覧を書き出しました: {out}（Excel でそのまま開けます）" in result.output
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("プロジェクト名,評価指標（KPI）")
    assert out.read_bytes().count(b"\r\n") == len(rows)


@pytest.mark.parametrize(
    ("name", "args", "words"),
    [
        ("一覧.txt", [], "拡張子から形式が分かりません"),
        ("一覧.xlsx", [], "Excel ブックの名前"),
        ("一覧.csv", ["--format", "table"], "ファイルには書き出せません"),
        ("ないフォルダ/一覧.csv", [], "がありません"),
    ],
)
def test_report_output_bad_usage_is_exit_2(sample_master_path, tmp_path, name, args, words):
    out = tmp_path / name
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "-o", str(out), *args])
    assert result.exit_code == 2
    assert words in result.output
    assert not out.exists()


# --- JSON the same way everywhere --------------------------------------------------------------


def years_in(data):
    """(year, its display text) for every key that names a year, anywhere in the document."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k.endswith("year"):
                yield v, data.get(f"{k}_text", "missing")
            else:
                yield from years_in(v)
    elif isinstance(data, list):
        for v in data:
            yield from years_in(v)


@pytest.mark.parametrize(
    "args",
    [
        ["status", "-m", "{master}", "--json"],
        ["report", "-m", "{master}", "--format", "json"],
        ["validate", str(REPO / "samples" / "returns"), "--json"],
        ["merge", str(REPO / "samples" / "returns"), "-m", "{master}", "--json", "--dry-run"],
    ],
)
def test_json_is_unescaped_japanese_with_years_as_numbers_and_r6(sample_master_path, args):
    result = runner.invoke(app, [a.format(master=sample_master_path) for a in args])
    assert "\\u" not in result.stdout
    assert re.search(r"[ぁ-んァ-ン一-龥]", result.stdout)
    data = json.loads(result.stdout)
    for year, text in years_in(data):
        if year is None:
            assert text is None
        else:
            assert isinstance(year, int) and 2019 <= year <= 2030, year
            assert text == f"R{year - 2018}", (year, text)


def test_status_json_year(sample_master_path):
    result = runner.invoke(app, ["status", "-m", str(sample_master_path), "--json"])
    data = json.loads(result.stdout)
    assert (data["year"], data["year_text"]) == (2024, "R6")


# --- the KPI table in a narrow terminal ----------------------------------------------------------


@pytest.mark.parametrize(("columns", "left_out"), [(60, True), (80, True), (100, False)])
def test_report_table_keeps_the_progress_rate_in_a_narrow_terminal(
    sample_master_path, columns, left_out
):
    from rich.cells import cell_len

    result = runner.invoke(
        app, ["report", "-m", str(sample_master_path)], env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "進捗率" in out
    for rate in ("99.9%", "81.4%", "138.8%", "90.9%"):
        assert rate in out
    assert max(cell_len(line) for line in out.splitlines()) <= columns
    assert ("列を省いています" in out) == left_out


def test_report_table_shows_every_column_when_there_is_room(sample_master_path):
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)], env={"COLUMNS": "200"})
    for column in ("基準値", "R3", "R4", "R5", "目標値", "進捗率"):
        assert column in result.output
    assert "列を省いています" not in result.output


def _render(blocks: list, width: int = 80) -> str:
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None)
    for block in blocks:
        console.print(block)
    return console.file.getvalue()


def _report(flagged: int, clean: int = 2):
    from sorachi_etl.model.findings import FileReport, Report, finding

    files = [
        FileReport(
            file=f"R6_町{i}_調査票.xlsx",
            status="invalid",
            findings=[finding("not_a_number", sheet="調査実績", cell=f"E{5 + i}", value="abc")],
        )
        for i in range(flagged)
    ]
    files += [FileReport(file=f"R6_村{i}_調査票.xlsx", status="ok") for i in range(clean)]
    return Report(files)


@pytest.mark.parametrize("flagged", [3, 40])
def test_every_finding_is_shown_with_its_file_and_cell(flagged):
    from sorachi_etl.cli.render import checks as render

    text = _render(render.file_reports(_report(flagged)))
    for i in range(flagged):
        assert f"R6_町{i}_調査票.xlsx" in text
        assert f"調査実績!E{5 + i}" in text
    assert text.count("「abc」") == flagged
    assert "R6_村0_調査票.xlsx" in text  # a clean file still gets its line
    flagged_only = _render(render.file_reports(_report(flagged), flagged_only=True))
    assert "R6_村0_調査票.xlsx" not in flagged_only


def test_many_files_with_findings_are_listed_without_boxes():
    from sorachi_etl.cli.render import checks as render

    few = _render(render.file_reports(_report(3)))
    many = _render(render.file_reports(_report(render.BOXED_MOST + 1)))
    assert "╭" in few and "╭" not in many
    # a long message wraps under itself, indented, not back to the left edge
    lines = [line for line in many.splitlines() if line.strip()]
    assert all(line.startswith(("■", "○", "  ")) for line in lines)


# --- --json is the library's own result ------------------------------------------------------


def test_merge_json_is_the_library_result(sample_master_path, tmp_path):
    from sorachi_etl.api import merge_paths
    from sorachi_etl.cli.common import json_text

    returns = REPO / "samples" / "returns"
    result = runner.invoke(
        app, ["merge", str(returns), "-m", str(sample_master_path), "--json", "--dry-run"]
    )
    outcome = merge_paths([returns], sample_master_path, dry_run=True)
    assert json.loads(result.stdout) == json.loads(json_text(outcome.to_dict()))
    data = json.loads(result.stdout)
    change = next(c for c in data["kpi_changes"] if c["kpi"] == "K03")  # 新規高卒者管内企業就職率
    assert (change["year"], change["year_text"]) == (2024, "R6")
    assert isinstance(change["new"]["value"], float) and change["new"]["text"].endswith("%")
    assert isinstance(change["new_rate"], float)
    assert data["missing"] == ["歌志内市"]


def test_status_json_is_the_library_result(sample_master_path):
    from sorachi_etl.api import merge_paths, status_of
    from sorachi_etl.cli.common import json_text

    merge_paths([REPO / "samples" / "returns"], sample_master_path)
    result = runner.invoke(app, ["status", "-m", str(sample_master_path), "--json"])
    report = status_of(sample_master_path)
    assert json.loads(result.stdout) == json.loads(json_text(report.to_dict()))
    data = json.loads(result.stdout)
    assert data["counts"]["未提出"] == 1
    assert "歌志内市" in data["reminder"]
