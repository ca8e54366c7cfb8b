"""The analysis package read as source text, never imported.

The build needs two facts about the library: which of its modules a notebook
imports (its dependencies, :func:`imports` and :func:`module_file`) and where a
function a page calls is defined (the stamp's and the Cite folds' source links,
:func:`definition`). Both are read from the modules' syntax trees. Importing the
modules instead would load pandas, statsmodels, matplotlib and seaborn into the
build process and into Sphinx just to learn a file name and a line number: about
2.5 s per process, paid again on every rebuild of one case.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

from analysis.paths import ROOT

PACKAGE = "analysis"


def module_file(name: str) -> Path | None:
    """``analysis.report.present`` -> its file (module or package ``__init__``), or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = ROOT.joinpath(*parts)
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module an ``from ... import`` statement names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


@functools.lru_cache(maxsize=None)  # keyed by the code itself: an edited file is parsed again
def imports(code: str, package: str) -> frozenset[str]:
    """Dotted names of the analysis modules imported by ``code`` (absolute or relative)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = _absolute(node, package)
            names.add(mod)
            names.update(f"{mod}.{a.name}" for a in node.names)  # "from analysis import tables"
    return frozenset(n for n in names if n == PACKAGE or n.startswith(PACKAGE + "."))


def _module_level(body):
    """Statements run at import time: the body, and the bodies of its ``if``/``try`` blocks."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _module_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_level(node.body + node.orelse + node.finalbody
                                     + [s for h in node.handlers for s in h.body])


@functools.lru_cache(maxsize=None)
def _names(path: Path, mtime_ns: int, size: int) -> dict[str, tuple]:
    """Module-level names of one file: ``("def", line)`` for a function or class (its first
    decorator's line, as :func:`inspect.getsourcelines` gives it), ``("from", module, name)``
    for an imported one, ``("other",)`` for anything else bound there. The last binding wins."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.removesuffix(".__init__") if path.name == "__init__.py" else module.rpartition(".")[0]
    out: dict[str, tuple] = {}
    for node in _module_level(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = ("def", min([node.lineno, *(d.lineno for d in node.decorator_list)]))
        elif isinstance(node, ast.ImportFrom):
            src = _absolute(node, package)
            for a in node.names:
                out[a.asname or a.name] = ("from", src, a.name)
        elif isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = ("module", a.name if a.asname else a.name.split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        out[n.id] = ("other",)
    return out


def _names_of(module: str) -> dict[str, tuple] | None:
    path = module_file(module)
    if path is None:
        return None
    st = path.stat()
    return _names(path, st.st_mtime_ns, st.st_size)


def definition(dotted: str, _depth: int = 0) -> tuple[str, str, int] | None:
    """``analysis.method.tables.table_9_2`` -> (qualified name, file relative to the root,
    first line) of the function or class it names, following re-exports; None for anything
    else (a constant, a module, a name outside the package)."""
    if _depth > 20:  # a cycle of re-exports
        return None
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        module = ".".join(parts[:i])
        names = _names_of(module)
        if names is None:
            continue
        rest = parts[i:]
        if not rest:
            return None  # a module is not a function
        kind = names.get(rest[0])
        if kind is None:
            # a submodule reached as an attribute of its package (``from analysis import report``)
            sub = f"{module}.{rest[0]}"
            return definition(".".join([sub, *rest[1:]]), _depth + 1) if module_file(sub) else None
        if kind[0] == "from":
            return definition(".".join([kind[1], kind[2], *rest[1:]]), _depth + 1)
        if kind[0] == "module":
            return definition(".".join([kind[1], *rest[1:]]), _depth + 1)
        if kind[0] == "def" and len(rest) == 1:
            path = module_file(module).relative_to(ROOT).as_posix()
            return f"{module}.{rest[0]}", path, kind[1]
        return None  # a constant, or an attribute of a class or object
    return None


# ---------------------------------------------------------------- a page's calls

def aliases(code: str) -> dict[str, str]:
    """Local name -> dotted ``analysis`` path, from the import statements of ``code``."""
    out: dict[str, str] = {}
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "analysis" \
                and not node.level:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "analysis":
                    out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
    return out


def dotted(func) -> str | None:
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    return None
