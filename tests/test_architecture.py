"""Imports point one way down the layers of ``analysis/`` (docs/architecture.md).

Bottom to top::

    vocab, paths, escape  the vocabulary, the one place for paths, the one escaper
    method                the book's arithmetic: pure functions on frames
    io                    reading and validating the data files (may derive columns with method)
    audit | stats         checking the book | statistics beyond the book (siblings: never each other)
    report                showing results on a page
    book                  the build machinery: imported by no domain module

A module may import its own layer and any layer below it, never one above it;
``audit`` and ``stats`` never import each other. Every import counts, also the
ones inside functions.
"""
from __future__ import annotations

import ast

import pytest

from analysis.paths import ROOT  # noqa: E402
PACKAGE = ROOT / "analysis"

RANK = {"vocab": 0, "paths": 0, "escape": 0, "theme": 0, "method": 1, "io": 2, "audit": 3, "stats": 3, "report": 4, "book": 5}
SIBLINGS = {frozenset({"audit", "stats"})}


def layer(module: str) -> str | None:
    """Layer of a dotted module name of the package (``analysis.io.data`` -> ``io``)."""
    parts = module.split(".")
    if parts[0] != "analysis" or len(parts) < 2:
        return None  # the package's own __init__ sits below everything
    return parts[1]


def imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    """Every ``analysis.*`` name imported by ``source`` (absolute or relative, at any depth)."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)  # "from analysis import vocab"
    return {m for m in out if m.startswith("analysis.")}


def violations(module: str, imports: set[str]) -> list[str]:
    """Wrong-way imports of ``module``, as readable sentences."""
    own = layer(module)
    if own is None:
        return [f"{module} (the package root) imports {m}" for m in sorted(imports)]
    if own not in RANK:
        return [f"{module} is in no layer (known: {', '.join(RANK)})"]
    bad = []
    for m in sorted(imports):
        other = layer(m)
        if other is None or other == own or other not in RANK:
            continue  # names re-exported by a package's own __init__ resolve below
        if RANK[other] > RANK[own]:
            bad.append(f"{module} ({own}) imports {m} ({other}), a layer above it")
        elif frozenset({own, other}) in SIBLINGS:
            bad.append(f"{module} ({own}) imports {m} ({other}): sibling layers stay independent")
    return bad


def package_modules() -> dict[str, tuple[str, bool]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path.read_text(encoding="utf-8"), is_package)
    return out


def test_every_module_sits_in_a_layer():
    stray = [m for m in package_modules() if layer(m) is not None and layer(m) not in RANK]
    assert not stray, f"modules outside the layers: {stray}"


def test_imports_point_down_the_layers():
    problems = []
    for module, (source, is_package) in package_modules().items():
        problems += violations(module, imported_modules(source, module, is_package))
    assert not problems, "\n".join(problems)


def test_no_domain_module_imports_the_build_machinery():
    users = [m for m, (src, pkg) in package_modules().items()
             if layer(m) != "book" and any(layer(i) == "book" for i in imported_modules(src, m, pkg))]
    assert not users, f"domain modules importing analysis.book: {users}"


def test_the_audit_layer_draws_nothing():
    """Figures are the report layer's: no audit module mentions a plotting library, not
    even lazily inside a function (the chapter figures live in the chapters' page modules)."""
    drawing = [m for m, (src, _) in package_modules().items()
               if layer(m) == "audit" and any(lib in src for lib in ("matplotlib", "seaborn"))]
    assert not drawing, f"audit modules mentioning a plotting library: {drawing}"


@pytest.mark.parametrize("module,source,expected", [
    # the loader reaching up to a chapter's audit module (the old data.py -> casestudies bug)
    ("analysis.io.data", "from analysis.audit.casestudies import ch8_trade", "a layer above"),
    # a relative import resolves before it is judged
    ("analysis.method.tables", "from ..report import figures", "a layer above"),
    ("analysis.method.tables", "def f():\n    from analysis.io import data", "a layer above"),
    ("analysis.stats.models", "from analysis.audit import rules", "sibling"),
    ("analysis.report.present", "import analysis.book.build", "a layer above"),
])
def test_the_checker_catches_wrong_way_imports(module, source, expected):
    found = violations(module, imported_modules(source, module, False))
    assert found and expected in found[0]


def test_the_checker_allows_downward_and_same_layer_imports():
    src = "from analysis.method import indices\nfrom analysis.vocab import SECTORS\nfrom . import schema"
    assert violations("analysis.io.data", imported_modules(src, "analysis.io.data", False)) == []
