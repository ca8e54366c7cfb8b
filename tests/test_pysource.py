"""The build reads the library as source text (analysis.book.pysource): its answers must be
those of importing it, and it must not import the heavy libraries."""
from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext
import pytest

from analysis.book import pysource, stamp
from analysis.paths import ROOT

PAGES = sorted((ROOT / "chapters").rglob("*.md"))


def imported_definition(dotted: str):
    """The same question answered by importing: what the stamp did before."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
        except AttributeError:
            return None
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            return None
        obj = inspect.unwrap(obj)
        path = Path(inspect.getsourcefile(obj)).resolve().relative_to(ROOT.resolve()).as_posix()
        return f"{obj.__module__}.{obj.__qualname__}", path, inspect.getsourcelines(obj)[1]
    return None


def page_calls(page: Path) -> list[str]:
    nb = jupytext.read(page)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code" and not c.source.lstrip().startswith("%"))
    aliases = pysource.aliases(code)
    out = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call) and (name := pysource.dotted(node.func)):
            head, _, rest = name.partition(".")
            if head in aliases:
                out.append(aliases[head] + (f".{rest}" if rest else ""))
    return out


@pytest.mark.parametrize("page", [p for p in PAGES if page_calls(p)], ids=lambda p: p.stem)
def test_every_call_of_a_page_resolves_as_an_import_would(page):
    calls = page_calls(page)
    wrong = [(c, pysource.definition(c), imported_definition(c)) for c in calls
             if pysource.definition(c) != imported_definition(c)]
    assert not wrong


def test_reexports_decorators_constants_and_classes():
    # a decorated function (theme.themed) links to its first decorator line, as inspect gives it
    themed = "analysis.report.regression_pages.forest_figure"
    assert pysource.definition(themed) == imported_definition(themed)
    line = pysource.definition(themed)[2]
    assert (ROOT / "analysis/report/regression_pages.py").read_text().splitlines()[line - 1].startswith("@")
    assert pysource.definition("analysis.report.present.Page") == imported_definition("analysis.report.present.Page")
    assert pysource.definition("analysis.vocab.SECTOR_LABELS") is None  # a constant is not a function
    assert pysource.definition("analysis.report.present") is None  # nor is a module
    assert pysource.definition("analysis.report.present.Page.table") is None  # a method is reached through an object
    assert pysource.definition("analysis.nowhere.f") is None
    assert pysource.definition("pandas.DataFrame") is None


def test_relative_and_conditional_bindings(tmp_path, monkeypatch):
    pkg = tmp_path / "analysis" / "fake"
    pkg.mkdir(parents=True)
    (tmp_path / "analysis" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .impl import work as public\n")
    (pkg / "impl.py").write_text(textwrap.dedent("""\
        import functools

        def helper():
            pass

        @functools.cache
        def work():
            pass

        try:
            def maybe():
                pass
        except ImportError:
            maybe = None
        helper = None
        """))
    monkeypatch.setattr(pysource, "ROOT", tmp_path)
    assert pysource.definition("analysis.fake.public") == ("analysis.fake.impl.work", "analysis/fake/impl.py", 6)
    assert pysource.definition("analysis.fake.impl.maybe") is None  # rebound to a constant in the handler
    assert pysource.definition("analysis.fake.impl.helper") is None  # the last binding wins
    assert pysource.imports("from . import impl\nimport analysis.fake", "analysis.fake") == frozenset(
        {"analysis.fake", "analysis.fake.impl"})


def test_stamping_a_page_imports_no_analysis_module_nor_the_heavy_libraries():
    page = ROOT / "chapters" / "regression.md"
    code = textwrap.dedent(f"""
        import sys, jupytext, nbformat
        from analysis.book import stamp
        nb = nbformat.from_dict(jupytext.read({str(page)!r}))
        calls = stamp.page_calls(nb)
        assert calls, "the regression page calls library functions"
        heavy = sorted(m for m in ("seaborn", "statsmodels", "scipy", "matplotlib", "analysis.stats.models",
                                   "analysis.report.regression_pages") if m in sys.modules)
        print(heavy)
        sys.exit(1 if heavy else 0)
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
