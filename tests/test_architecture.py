"""The shape of the house: layers that read as the pipeline, no circles, one catalogue.

model < intake, kpi < check < book < api < cli: a module may import from its own
layer and the ones below, never from above (a function-level import counts too).
"""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from sorachi_etl.model.messages import CATALOGUE, PHRASES, message, phrase

PACKAGE = Path(__file__).resolve().parents[1] / "sorachi_etl"
LAYERS = {"model": 0, "intake": 1, "kpi": 1, "check": 2, "book": 3, "api": 4, "cli": 5}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def imports_of(path: Path) -> list[tuple[str, list[str], bool]]:
    """(module imported, names taken, at module level outside TYPE_CHECKING) for each import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level: set[int] = set()
    for node in tree.body:
        guarded = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        if not guarded:
            top_level.update(id(n) for n in ast.walk(node))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [a.name for a in node.names]
            if node.module == "sorachi_etl" or (
                node.module.count(".") == 1 and all(f"{node.module}.{n}" in MODULES for n in names)
            ):
                for n in names:  # from sorachi_etl.book import rowxml: the module itself
                    out.append((f"{node.module}.{n}", [], id(node) in top_level))
            else:
                out.append((node.module, names, id(node) in top_level))
        elif isinstance(node, ast.Import):
            out += [(a.name, [], id(node) in top_level) for a in node.names]
    return [(m, n, top) for m, n, top in out if m.split(".")[0] == "sorachi_etl"] + [
        (m, n, top) for m, n, top in out if m.split(".")[0] in ("typer", "rich", "click")
    ]


def test_every_module_imports_on_its_own():
    """Each module imported first, in a fresh set of modules: an import circle fails here."""
    script = (
        "import importlib, sys\n"
        f"for name in {sorted(MODULES)!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('sorachi_etl')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_layers_are_only_imported_downwards():
    wrong = []
    for name, path in MODULES.items():
        for target, _, _ in imports_of(path):
            here, there = layer_of(name), layer_of(target)
            if here is not None and there is not None and there > here:
                wrong.append(f"{name} -> {target}")
            same_floor = there == here and here == 1
            if same_floor and name.split(".")[1] != target.split(".")[1]:
                wrong.append(f"{name} -> {target} (intake and kpi stand side by side)")
    assert wrong == []


def test_no_module_takes_another_ones_private_names():
    taken = [
        f"{name} takes {target}.{n}"
        for name, path in MODULES.items()
        for target, names, _ in imports_of(path)
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert taken == []


def test_no_circle_among_module_level_imports():
    graph = {
        name: {t for t, _, top in imports_of(path) if top and t in MODULES and t != name}
        for name, path in MODULES.items()
    }
    graph = {k: {t for t in v if MODULES[t].name != "__init__.py"} for k, v in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                return [*trail, node, nxt]
            if nxt not in state and (found := visit(nxt, [*trail, node])):
                return found
        state[node] = 2
        return None

    for start in graph:
        if start not in state:
            assert visit(start, []) is None


def test_only_the_cli_imports_typer_and_rich():
    outside = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if not name.startswith("sorachi_etl.cli")
        for target, _, _ in imports_of(path)
        if target.split(".")[0] in ("typer", "rich", "click")
    ]
    assert outside == []


def private_imports(path: Path) -> list[str]:
    """Every import in `path` of a private module or name of a package that is not ours."""

    def private(dotted: str) -> bool:
        return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if private(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if private(node.module):
                found.append(node.module)
            else:  # from typer import _click
                found += [f"{node.module}.{a.name}" for a in node.names if private(a.name)]
    return [name for name in found if name.split(".")[0] != "sorachi_etl"]


def test_no_private_module_of_another_package_is_imported():
    """typer._click and the like change without notice: reach them through public objects."""
    taken = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        for target in private_imports(path)
    ]
    assert taken == []


def test_private_imports_are_found(tmp_path):
    """The check above catches each way of writing such an import, and lets ours and dunders be."""
    source = tmp_path / "m.py"
    source.write_text(
        "from __future__ import annotations\n"
        "import typer._click\n"
        "from typer._click import core\n"
        "from typer import _param_types\n"
        "def f():\n"
        "    import pandas._libs.tslibs as t\n"
        "from sorachi_etl.model import _private\n"
        "import typer.core\n",
        encoding="utf-8",
    )
    assert private_imports(source) == [
        "typer._click",
        "typer._click",
        "typer._param_types",
        "pandas._libs.tslibs",
    ]


def third_party_imports(paths: list[Path]) -> set[str]:
    """The top-level names of every import in `paths` that is neither ours nor the stdlib."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    ours = {p.stem for p in PACKAGE.parent.iterdir()}  # sorachi_etl, tests, benchmarks
    # LibreOffice's own Python bridge (Debian's python3-uno, which .ci/run installs): used
    # only by scripts LibreOffice's Python runs to make fixtures, never by the package
    libreoffice = {"uno", "unohelper", "com"}
    return found - set(sys.stdlib_module_names) - ours - libreoffice


def distribution(requirement: str) -> str:
    """'python-calamine>=0.2.3' -> 'python-calamine' (normalised as pip does)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)  # type: ignore[union-attr]
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize(
    ("folder", "extras"), [("sorachi_etl", ()), ("tests", ("test",))], ids=["package", "tests"]
)
def test_every_package_imported_is_a_declared_dependency(folder, extras):
    """An import of a package that only comes with another one (olefile) breaks when that one changes."""
    import importlib.metadata
    import tomllib

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = project["project"]["dependencies"] + [
        r for extra in extras for r in project["project"]["optional-dependencies"][extra]
    ]
    declared = {distribution(r) for r in requirements}
    provided_by = importlib.metadata.packages_distributions()
    imported = third_party_imports(sorted((PACKAGE.parent / folder).rglob("*.py")))
    undeclared = {
        name: provided_by.get(name, ["?"])
        for name in imported
        if not {distribution(d) for d in provided_by.get(name, [name])} & declared
    }
    assert undeclared == {}


# --- the catalogue ------------------------------------------------------------------


def stop_errors() -> set[str]:
    """The names of SorachiError and every subclass of it the package defines."""
    import importlib

    from sorachi_etl.model.errors import SorachiError

    for name in MODULES:
        importlib.import_module(name)
    found, todo = set(), [SorachiError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def codes_used() -> dict[str, list[str]]:
    """Catalogue codes named in the source: finding("code"), SomeError("code"), message("code")."""
    used: dict[str, list[str]] = {}
    raisers = stop_errors()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            func = ast.unparse(node.func).split(".")[-1]
            takes_code = func in ("finding", "message", "severity") or func in raisers
            if takes_code and isinstance(first, ast.Constant) and isinstance(first.value, str):
                used.setdefault(first.value, []).append(name)
    return used


def test_every_code_the_source_uses_has_a_message():
    missing = {code: where for code, where in codes_used().items() if code not in CATALOGUE}
    assert missing == {}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_fills_and_reads_as_japanese(code):
    severity, template = CATALOGUE[code]
    assert severity in ("error", "warning")
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    text = message(code, **{f: "〇〇" for f in fields})
    assert "{" not in text and "}" not in text
    assert any("\u3040" <= ch <= "\u30ff" for ch in text), "a clerk reads Japanese"


def test_errors_carry_codes_not_sentences():
    """No exception that stops a run is given a ready-made sentence."""
    sentences = []
    raisers = stop_errors()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = ast.unparse(node.exc.func).split(".")[-1]
                args = node.exc.args
                if func in raisers and (
                    not args
                    or not isinstance(args[0], ast.Constant)
                    or args[0].value not in CATALOGUE
                ):
                    sentences.append(f"{name}: {ast.unparse(node.exc)[:60]}")
    assert sentences == []


# --- phrases: the fragments that fill a message's slots -------------------------------


def phrase_codes_used() -> dict[str, list[str]]:
    """Codes named in the source as phrase("code", ...)."""
    used: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).split(".")[-1] == "phrase"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                used.setdefault(node.args[0].value, []).append(name)
    return used


def test_every_phrase_code_the_source_uses_has_a_template():
    used = phrase_codes_used()
    assert len(used) > 100  # the scan sees the calls (intake, check, kpi)
    assert {code: where for code, where in used.items() if code not in PHRASES} == {}


def test_every_phrase_is_used_and_named_apart_from_the_messages():
    """A template nobody fills is dead wording; a code in both tables would be ambiguous.
    (Some codes reach phrase() through a variable, e.g. cfb's chain names: any string
    constant of the package outside the catalogue counts as a use.)"""
    constants = set()
    for name, path in MODULES.items():
        if name != "sorachi_etl.model.messages":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert sorted(set(PHRASES) - constants) == []
    assert sorted(set(PHRASES) & set(CATALOGUE)) == []


JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.mark.parametrize("code", sorted(PHRASES))
def test_every_phrase_fills_and_reads_as_japanese(code):
    template = PHRASES[code]
    # a slot formatted as a number ({count:,}) takes one; any other takes text
    values = {
        field: 12345 if spec else "〇〇"
        for _, field, spec, _ in string.Formatter().parse(template)
        if field
    }
    text = phrase(code, **values)
    assert "{" not in text and "}" not in text
    assert JAPANESE.search(text), "a clerk reads Japanese"


# Label constants of the layers below the CLI that look like sentences but are names:
# headings of the published report (kpi.report_model: the publication's own words, kept
# beside the model that lays it out) and names of 設定 items. Everything else a user reads
# comes from the catalogue (messages.CATALOGUE / PHRASES).
SENTENCE_LIKE_LABELS = {
    ("sorachi_etl.kpi.report_model", "これまでの主な取組・成果"),  # PAST_HEADING
    ("sorachi_etl.kpi.report_model", "{year}年度における{heading}"),  # BUSINESS_HEADING
    ("sorachi_etl.kpi.report_model", "※{region}地域が推進するプロジェクト"),  # LEGEND_TITLE
    ("sorachi_etl.kpi.report_model", "（該当する取組はありません）"),  # NO_INITIATIVES
    ("sorachi_etl.kpi.report_model", "事業一覧の見出し"),  # a 設定 item, in setting_field
}
SENTENCE = re.compile(r"[。、！？]|です|ます|[はがをにでのと]")


def sentence_literals(path: Path) -> list[str]:
    """Japanese string literals of sentence length (8 characters or more, not counting
    {slots}, with a particle or punctuation) in `path`, docstrings aside; an f-string
    counts as one literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
    found = []
    for node in ast.walk(tree):  # breadth first: an f-string before its parts
        if isinstance(node, ast.JoinedStr):
            skip |= {id(part) for part in node.values}
            text = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in skip:
                continue
            text = node.value
        else:
            continue
        bare = re.sub(r"\{[^{}]*\}", "", text)
        kana_or_kanji = re.search(r"[\u3040-\u30ff\u3400-\u9fff]", bare)
        if len(bare) >= 8 and kana_or_kanji and SENTENCE.search(bare):
            found.append(text)
    return found


def test_no_sentence_is_written_inline_below_the_cli():
    """intake/, check/ and kpi/ take the words a user reads from the catalogue."""
    inline = [
        f"{name}: {text}"
        for name, path in MODULES.items()
        if name.split(".")[1:2] in (["intake"], ["check"], ["kpi"])
        for text in sentence_literals(path)
        if (name, text) not in SENTENCE_LIKE_LABELS
    ]
    assert inline == []


def test_inline_sentences_are_found(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        '''"""モジュールの説明は文章でもよい。"""
NAME = "評価指標"
def f(sheet, n):
    """関数の説明も文章でもよい。"""
    a = f"シート「{sheet}」が見つかりません"
    b = "記入日とファイルの日時では決まらないため"
    c = f"{n}件"
    return a, b, c
''',
        encoding="utf-8",
    )
    assert sentence_literals(source) == [
        "シート「{}」が見つかりません",
        "記入日とファイルの日時では決まらないため",
    ]


# --- the README's map of the house --------------------------------------------------

README = PACKAGE.parent / "README.md"
MAP_START, MAP_END = "<!-- architecture:start -->", "<!-- architecture:end -->"


def first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split())


def architecture_text() -> str:
    """The module map, built from the package and module docstrings (first paragraph)."""
    order = ["model", "intake", "check", "kpi", "book", "api"]
    lines = []
    for package in [*order, "cli"]:
        lines.append(f"- `sorachi_etl/{package}/`: {first_line(PACKAGE / package / '__init__.py')}")
        lines += package_map(PACKAGE / package, "  ")
    return "\n".join(lines)


def package_map(folder: Path, indent: str) -> list[str]:
    """A line per module of `folder`, then per sub-package with its own modules under it."""
    lines = [
        f"{indent}- `{path.stem}`: {first_line(path)}"
        for path in sorted(folder.glob("*.py"))
        if path.name != "__init__.py"
    ]
    for init in sorted(folder.glob("*/__init__.py")):
        lines.append(f"{indent}- `{init.parent.name}/`: {first_line(init)}")
        lines += package_map(init.parent, indent + "  ")
    return lines


def test_readme_maps_every_module_from_its_docstring():
    """Regenerate with: python tests/test_architecture.py --write"""
    text = README.read_text(encoding="utf-8")
    assert MAP_START in text and MAP_END in text
    shown = text.split(MAP_START)[1].split(MAP_END)[0].strip()
    assert shown == architecture_text()


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(MAP_START)
    README.write_text(
        f"{head}{MAP_START}\n{architecture_text()}\n{MAP_END}{rest.split(MAP_END)[1]}",
        encoding="utf-8",
    )
