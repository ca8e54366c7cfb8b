"""The "How to cite" page: BibTeX for the edition, the original book and every
table and figure of the built book.

The build calls :func:`write_citation_page` once all notebooks have executed,
with one entry per page collected from the pages' ``downloads/<slug>/manifest.json``
files (written by :class:`analysis.report.present.Page`). The page is plain MyST
Markdown; its output depends only on its input (pages and items are sorted, no
dates are written), so an unchanged book gives a byte-identical page.
"""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

# Kept in step with CITATION.cff (tests/test_citation.py checks it).
EDITION_TITLE = "Upgrading to Compete: a reproducible edition"
EDITION_AUTHOR = "The reproducible-edition team"
EDITION_VERSION = "0.1.0"
EDITION_YEAR = "2026"
EDITION_KEY = "upgrading-edition-2026"
BOOK_KEY = "pietrobelli2006upgrading"  # same key as in references.bib

_BOOK_ENTRY = f"""@book{{{BOOK_KEY},
  editor    = {{Pietrobelli, Carlo and Rabellotti, Roberta}},
  title     = {{{{Upgrading to Compete: Global Value Chains, Clusters, and SMEs in Latin America}}}},
  publisher = {{Inter-American Development Bank}},
  address   = {{Washington, DC}},
  year      = {{2006}},
  isbn      = {{1597820326}},
}}"""

_EDITION_ENTRY = f"""@software{{{EDITION_KEY},
  author  = {{{{{EDITION_AUTHOR}}}}},
  title   = {{{{{EDITION_TITLE}}}}},
  version = {{{EDITION_VERSION}}},
  year    = {{{EDITION_YEAR}}},
  license = {{MIT (code), CC-BY-4.0 (our transcriptions of the data)}},
  note    = {{Code, data and built book; the numbers it reproduces are those of {BOOK_KEY}}},
}}"""

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                   "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\^{}"}


def bibtex_escape(text: str, keep: str = "") -> str:
    """Make free text safe inside a braced BibTeX field (characters in ``keep`` stay as they are)."""
    return "".join(ch if ch in keep else _BIBTEX_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split()))


def item_key(label: str) -> str:
    """Stable BibTeX key of a table or figure, derived from its Sphinx label only."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a BibTeX key from label {label!r}")
    return f"upgrading-edition:{slug}"


def item_entry(page: dict, item: dict) -> str:
    """One ``@misc`` entry for a table or figure of ``page``."""
    files = sorted(PurePosixPath(f).name for f in item.get("files", []))
    kind = "Figure" if item["kind"] == "figure" else "Table"
    note = f"{kind} on page {page['page']} ({page['title']}), label {item['label']}"
    if item.get("source"):
        note += f"; source: {item['source']}"
    fields = [
        ("author", "{" + bibtex_escape(EDITION_AUTHOR) + "}"),
        ("title", "{" + bibtex_escape(item["title"]) + "}"),
        ("howpublished", bibtex_escape(f"{EDITION_TITLE}, version {EDITION_VERSION}")),
        ("year", EDITION_YEAR),
        ("note", bibtex_escape(note)),
        # file names as they are (the field is read by reference managers, not typeset)
        ("file", bibtex_escape(", ".join(files), keep="_")),
    ]
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@misc{{{item_key(item['label'])},\n{body},\n}}"


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str, lang: str = "bibtex") -> str:
    f = _fence(text)
    return f"{f}{lang}\n{text}\n{f}\n"


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#|~$<>])")  # what could start markup in a heading
_SAFE_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


def _heading_text(text: str) -> str:
    """Page titles may come from user case files: shown as text, never as markup or HTML."""
    flat = " ".join(str(text).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat).replace("&", "&amp;")


def render_citation_page(pages: list[dict]) -> str:
    """The MyST text of the page (see :func:`write_citation_page`)."""
    seen: dict[str, str] = {}
    for p in pages:
        for it in p.get("items", []):
            key = item_key(it["label"])
            if key in seen:
                raise ValueError(f"two tables/figures give the same citation key {key!r}: "
                                 f"label {it['label']!r} on {p['page']} and {seen[key]}")
            seen[key] = f"label {it['label']!r} on {p['page']}"
            if not _SAFE_LABEL.fullmatch(it["label"]):
                raise ValueError(f"citation page: label {it['label']!r} on {p['page']} is not a plain Sphinx label")
    out = [
        "# How to cite\n",
        "Cite the original book for its findings and this edition for the recomputed numbers, "
        "the data files or a particular table or figure. The entries below are BibTeX; the "
        "edition's entry uses the biblatex type `@software` (BibTeX users may change it to "
        "`@misc`). The repository also carries a `CITATION.cff` file with the same metadata.\n",
        "## The edition\n",
        _code(_EDITION_ENTRY),
        "## The original book\n",
        _code(_BOOK_ENTRY),
        "## Tables and figures\n",
        "Every numbered table and figure has its own entry. Its key is derived from the label of "
        "the table or figure, so it stays the same from one build to the next as long as the "
        "table keeps its name. The `file` field lists the files offered for download under it.\n",
    ]
    listed = [p for p in sorted(pages, key=lambda p: p["page"]) if p.get("items")]
    if not listed:
        out.append("The book has no numbered tables or figures yet.\n")
    for p in listed:
        out.append(f"### {_heading_text(p['title'])}\n")
        for it in sorted(p["items"], key=lambda i: i["label"]):
            kind = "Figure" if it["kind"] == "figure" else "Table"
            out.append(f"{kind} {{ref}}`{it['label']}` — key `{item_key(it['label'])}`\n")
            out.append(_code(item_entry(p, it)))
    return "\n".join(out)


def write_citation_page(stage: Path, pages: list[dict]) -> None:
    """Write ``stage/how_to_cite.md``.

    ``pages`` = ``[{"page": "chapters/ch09_synthesis", "title": "...", "items": [manifest items]}]``,
    where the items are those of ``downloads/<slug>/manifest.json``
    (``kind``, ``label``, ``name``, ``title``, ``source``, ``files``).
    """
    for p in pages:
        for key in ("page", "title"):
            if key not in p:
                raise ValueError(f"citation page: page entry {p!r} has no {key!r}")
        for it in p.get("items", []):
            missing = {"kind", "label", "title"} - set(it)
            if missing:
                raise ValueError(f"citation page: item {it!r} of {p['page']} lacks {sorted(missing)}")
    named = []
    for p in pages:
        title = p["title"]
        executed = Path(stage) / f"{p['page']}.ipynb"
        if (not title or title == p["page"]) and executed.exists():
            title = notebook_title(executed) or title  # the page's own heading
        named.append({**p, "title": title})
    Path(stage).joinpath("how_to_cite.md").write_text(render_citation_page(named), encoding="utf-8")


def notebook_title(path: Path) -> str | None:
    """The first ``# `` heading of an executed notebook (the page title)."""
    import json

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in src.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return None
