"""The reproducibility stamp at the foot of every page, and code on demand.

:func:`stamp_page` (called by the build for every executed notebook) appends
the stamp: the edition's version, the hash of the data the page read, the
commit, the notebook it was executed from and the library functions it calls,
each linked to its source in the repository **at that commit** when
``CITATION.cff`` names a repository (``repository-code``); without one they are
plain text. It also turns the code cells that produce a table or figure from
``remove-input`` into ``hide-input``: the code is folded under its output, one
click away, and the Cite fold of the table names the functions it calls
(:func:`cell_calls`, read by :mod:`analysis.book.sphinx_cite`).
"""
from __future__ import annotations

import ast
import hashlib
import re
from importlib import metadata
from pathlib import Path

from analysis.book import pysource
from analysis.book.edition import Edition, edition_metadata, source_url

META_KEY = "upgrading_stamp"
_NAME = re.compile(r"^:name:\s*(\S+)\s*$", re.M)
# helpers every display cell uses: not "the code that made" a table
_NOT_MAKERS = ("analysis.report.present", "analysis.escape")


def _source(cell) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def calls_in(code: str, aliases: dict[str, str]) -> list[tuple[str, str, int]]:
    """Library functions called in ``code`` (resolved through ``aliases``), in order, without repeats."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    seen, out = set(), []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = pysource.dotted(node.func)
        if not name:
            continue
        head, _, rest = name.partition(".")
        if head not in aliases:
            continue
        hit = pysource.definition(aliases[head] + (f".{rest}" if rest else ""))
        if hit and hit[0] not in seen and not hit[0].startswith(_NOT_MAKERS):
            seen.add(hit[0])
            out.append(hit)
    return sorted(out, key=lambda h: h[0])


def _labels(cell) -> list[str]:
    found = []
    for o in cell.get("outputs", []):
        md = o.get("data", {}).get("text/markdown")
        if md:
            found += _NAME.findall(md if isinstance(md, str) else "".join(md))
    return found


def _link(ed: Edition, commit: str | None, hit) -> dict:
    name, path, line = hit
    return {"name": name, "path": path, "line": line, "url": source_url(ed, commit, path, line)}


def cell_calls(nb: dict, ed: Edition | None = None) -> dict[str, list[dict]]:
    """``{label: [{"name", "path", "line", "url"}]}`` for every table or figure of an executed notebook."""
    ed = ed or edition_metadata()
    cells = nb.get("cells", [])
    aliases = pysource.aliases("\n".join(_source(c) for c in cells if c.get("cell_type") == "code"))
    commit = nb.get("metadata", {}).get(META_KEY, {}).get("commit")
    out = {}
    for c in cells:
        if c.get("cell_type") != "code":
            continue
        labels = _labels(c)
        if labels:
            links = [_link(ed, commit, h) for h in calls_in(_source(c), aliases)]
            for label in labels:
                out[label] = links
    return out


def page_calls(nb: dict) -> list[tuple[str, str, int]]:
    """Every library function the notebook calls."""
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    aliases = pysource.aliases("\n".join(_source(c) for c in cells))
    seen = {}
    for c in cells:
        for hit in calls_in(_source(c), aliases):
            seen[hit[0]] = hit
    return [seen[k] for k in sorted(seen)]


def _md_link(text: str, url: str | None) -> str:
    code = f"`{text}`"
    return f"[{code}](<{url}>)" if url else code


def commit_of(revision: str) -> str | None:
    """The commit of ``code_revision()`` ("abc123 (with uncommitted changes)"), or None outside git."""
    head = revision.split()[0] if revision else ""
    return head if re.fullmatch(r"[0-9a-f]{7,40}", head) else None


def stamp_text(source: str, parameters: dict, hashes: dict[str, str], revision: str,
               calls: list[tuple[str, str, int]], ed: Edition | None = None,
               packages: list[str] = ()) -> str:
    """The stamp (MyST) of one page."""
    ed = ed or edition_metadata()
    commit = commit_of(revision)
    data_keys = sorted(k for k in hashes if k.startswith(("data/", "_build/cases/")))
    data_hash = hashlib.sha256("".join(hashes[k] for k in data_keys).encode()).hexdigest()[:16]
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in packages)
    params = ", ".join(f"`{k} = {v!r}`" for k, v in sorted(parameters.items())) or "defaults"
    tree = f"{ed.repository}/tree/{commit}" if ed.repository and commit else None
    funcs = ", ".join(_md_link(n, source_url(ed, commit, p, line)) for n, p, line in calls) or "none"
    lines = [
        f"- Edition: version {ed.version}, released {ed.date_released} "
        f"(changes: {_md_link('CHANGELOG.md', source_url(ed, commit, 'CHANGELOG.md'))})",
        f"- Data read: {len(data_keys)} files, sha256 `{data_hash}`",
        f"- Code revision: {_md_link(revision, tree)}",
        f"- Notebook: {_md_link(source, source_url(ed, commit, source))}, parameters: {params}",
        f"- Library functions called: {funcs}",
    ]
    if versions:
        lines.append(f"- Packages: {versions}")
    # without `repository-code` in CITATION.cff the names above are plain text (the build says
    # so in its log; a note to the maintainers has no place on a reader's page)
    return "```{admonition} Reproducibility stamp\n:class: note stamp\n\n" + "\n".join(lines) + "\n```\n"


def stamp_page(nb_path: Path, source: str, parameters: dict, hashes: dict[str, str], revision: str,
               packages: list[str] = ()) -> None:
    """Append the stamp to an executed notebook, fold the code of its tables and figures
    (``hide-input``), hide papermill's injected-parameters cell (the stamp lists its values)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
        if cell.cell_type == "code" and "remove-input" in tags and _labels(cell):
            tags[tags.index("remove-input")] = "hide-input"
    nb.metadata[META_KEY] = {"commit": commit_of(revision), "source": source}
    # the Cite folds (analysis.book.sphinx_cite) read the calls from here rather than working
    # them out again in the Sphinx process
    nb.metadata[META_KEY]["cell_calls"] = cell_calls(nb)
    text = stamp_text(source, parameters, hashes, revision, page_calls(nb), packages=packages)
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = "reproducibility-stamp"  # a fixed id: a random one would change the page on every build
    nb.cells.append(cell)
    nbformat.write(nb, nb_path)
