"""Citing the edition: one numbering scheme, a BibTeX entry for every table and
figure, the "How to cite" page and the site-wide ``.bib`` file.

**Numbering.** A table or figure that reproduces one of the book's keeps the
book's number and printed page, from ``data/provenance.csv`` through
:func:`analysis.io.bookref.book_ref`: "Table 9.4, p. 279". Everything new in
this edition is numbered ``E-<label>`` ("Table E-ch09-claims"),
from the stable label the page gives it (page slug + name), so it can never be
mistaken for a book number and stays the same from one build to the next and
between the published and the extended edition. Sphinx's own numbering
(``numfig``) is off and the table of contents is not numbered.

**Entries.** Written with pybtex (:class:`_Writer`); every text field passes
through :func:`analysis.escape.bibtex` first. The edition's metadata come from
``CITATION.cff`` (:mod:`analysis.book.edition`), the book's entry from
``references.bib``.

The build calls :func:`write_citation_page` once all notebooks have executed,
with one entry per page collected from the pages' ``downloads/<slug>/manifest.json``
files (written by :class:`analysis.report.present.Page`). It writes
``how_to_cite.md``, ``_static/upgrading-edition.bib`` and ``_cite/items.json``
(read by the Sphinx extension :mod:`analysis.book.sphinx_cite`, which adds the
Cite fold under every table and figure). Output depends only on input (sorted,
dates taken from ``CITATION.cff``), so an unchanged book gives identical files.
"""
from __future__ import annotations

import io
import json
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from analysis import escape
from analysis.book.edition import EDITION_KEY, Edition, edition_metadata, page_url
from analysis.paths import ROOT

BOOK_KEY = "pietrobelli2006upgrading"  # the key in references.bib
BIB_NAME = "upgrading-edition.bib"
ITEMS_JSON = "_cite/items.json"
NEW_PREFIX = "E-"
NEW_NOTE = "New in this edition"

# "Book Table 9.4 — ...", "Table 1.1 — ...", "Book Figure 4.1: ..." (a dash or colon after the number)
_BOOK_TITLE = re.compile(r"^\s*(?:book\s+)?(table|figure)\s+(\d+\.\d+)\s*(?:—|–|:|-)\s*(.*)$", re.I | re.S)


def bibtex_escape(text: str, keep: str = "") -> str:
    """Make free text safe inside a braced BibTeX field (characters in ``keep`` stay as they are)."""
    return escape.bibtex(text, keep=keep)


def item_key(label: str) -> str:
    """Stable BibTeX key of a table or figure, derived from its Sphinx label only."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a BibTeX key from label {label!r}")
    return f"upgrading-edition:{slug}"


# ------------------------------------------------------------------ numbering

def item_number(item: dict) -> dict:
    """The number a table or figure is cited by.

    ``{"number": "Table 9.4", "ref": "Table 9.4, p. 279", "book": True, "title": rest}``
    for one of the book's; ``{"number": "Table E-<label>", "ref": None, "book": False,
    "title": title}`` for material new to this edition.
    """
    from analysis.io.bookref import book_ref

    kind = "Figure" if item["kind"] == "figure" else "Table"
    title = escape.one_line(item["title"])
    m = _BOOK_TITLE.match(title)
    if m and m.group(1).capitalize() == kind:
        try:
            ref = book_ref(m.group(2), kind=kind.lower())
        except KeyError:
            ref = None
        if ref:
            return {"number": f"{kind} {m.group(2)}", "ref": ref, "book": True, "title": m.group(3).strip()}
    return {"number": f"{kind} {NEW_PREFIX}{item['label']}", "ref": None, "book": False, "title": title}


def _short_title(text: str) -> str:
    """A figure caption can be a paragraph: its first sentence is the entry's title."""
    first = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", text, maxsplit=1)[0]
    return first.rstrip(". ")


# ------------------------------------------------------------------ entries

class _Writer:
    """pybtex's BibTeX writer with two changes: braces around every value (it would use
    quotes) and no re-encoding (values are already escaped by :func:`analysis.escape.bibtex`;
    pybtex's own LaTeX codec would double every backslash)."""

    def __new__(cls):
        from pybtex.database.output.bibtex import Writer

        class W(Writer):
            def quote(self, s):
                self.check_braces(s)
                return "{" + s + "}"

            def _encode(self, text):
                return text

        return W()


def to_bibtex(entries: dict) -> str:
    """``{key: pybtex Entry}`` as BibTeX text, in the order given."""
    from pybtex.database import BibliographyData

    stream = io.StringIO()
    _Writer().write_stream(BibliographyData(entries), stream)
    return stream.getvalue()


def _persons(ed: Edition):
    from pybtex.database import Person

    # an organisation stays braced, so no style splits it into first and last names
    return [Person("{" + escape.bibtex(n[1:-1]) + "}") if n.startswith("{") else Person(escape.bibtex(n))
            for n in ed.author_names()]


def edition_entry(ed: Edition):
    """The edition's own entry (biblatex ``@software``)."""
    from pybtex.database import Entry

    fields = [("title", "{" + escape.bibtex(ed.title) + "}"), ("version", escape.bibtex(ed.version)),
              ("year", ed.year), ("date", ed.date_released)]
    if ed.url:
        fields.append(("url", escape.bibtex(ed.url, keep="_~#%")))
    if ed.repository:
        fields.append(("repository", escape.bibtex(ed.repository, keep="_~#%")))
    if ed.doi:
        fields.append(("doi", escape.bibtex(ed.doi, keep="_")))
    fields += [("license", escape.bibtex(f"{ed.license} (code), CC-BY-4.0 (our transcriptions of the data)")),
               ("note", escape.bibtex(f"Code, data and built book; the numbers it reproduces are those of {BOOK_KEY}"))]
    return Entry("software", fields=fields, persons={"author": _persons(ed)})


@lru_cache(maxsize=1)
def _references() -> str:
    return (ROOT / "references.bib").read_text(encoding="utf-8")


def book_entry():
    """The book's entry, read from ``references.bib``."""
    from pybtex.database import parse_string

    return parse_string(_references(), "bibtex").entries[BOOK_KEY]


def item_entry(ed: Edition, page: str, item: dict):
    """One ``@misc`` entry for a table or figure of ``page``."""
    from pybtex.database import Entry

    num = item_number(item)
    title = f"{num['number']}: {_short_title(num['title'])}" if num["title"] else num["number"]
    note = f"Book {num['ref']}" if num["book"] else NEW_NOTE
    url = page_url(ed, page, item["label"])
    fields = [("title", "{" + escape.bibtex(title) + "}"),
              ("howpublished", escape.bibtex(f"{ed.title}, version {ed.version}")),
              ("year", ed.year), ("version", escape.bibtex(ed.version))]
    if url:
        fields += [("url", escape.bibtex(url, keep="_~#%")), ("urldate", ed.date_released)]
    else:
        fields.append(("urldate", ed.date_released))
    where = f"page {page}.html, anchor {item['label']}"
    fields.append(("note", escape.bibtex(note if url else f"{note}; {where}")))
    return Entry("misc", fields=fields, persons={"author": _persons(ed)})


def plain_citation(ed: Edition, page: str, item: dict) -> str:
    """The citation as a reader pastes it into a reference list (plain text)."""
    num = item_number(item)
    short = _short_title(num["title"]).rstrip(". ") if num["title"] else ""
    what = num["number"] + (f": {short}" if short else "")
    url = page_url(ed, page, item["label"])
    source = f"Reproduces book {num['ref']}." if num["book"] else "New in this edition."
    where = f"Available at {url} (accessed {ed.date_released})." if url else f"Page {page}.html#{item['label']}."
    return (f"{ed.author_text()} ({ed.year}). {what}. In: {ed.title}, version {ed.version}. "
            f"{source} {where}")


def all_entries(pages: list[dict], ed: Edition | None = None) -> dict:
    """``{key: Entry}``: the edition, the book, then every table and figure (pages in path order)."""
    ed = ed or edition_metadata()
    out = {EDITION_KEY: edition_entry(ed), BOOK_KEY: book_entry()}
    for p in sorted(pages, key=lambda p: p["page"]):
        for it in sorted(p.get("items", []), key=lambda i: i["label"]):
            out[item_key(it["label"])] = item_entry(ed, p["page"], it)
    return out


# ------------------------------------------------------------------ the page

def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str, lang: str = "bibtex") -> str:
    f = _fence(text)
    return f"{f}{lang}\n{text.rstrip()}\n{f}\n"


_SAFE_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")

SCHEME = (
    "**How tables and figures are numbered.** A table or figure that reproduces one of the "
    "book's carries the book's own number and printed page — *Table 9.4, p. 279* — taken from "
    "the book's list of tables (`data/provenance.csv`). Material new to this edition is numbered "
    f"`{NEW_PREFIX}` followed by its stable label — *Table {NEW_PREFIX}ch09-claims* — "
    "which never looks like a book number and stays the same across builds and between the "
    "published and the extended edition. Page headings keep the book's chapter numbers; the "
    "site does not renumber them."
)


def _heading_text(text: str) -> str:
    """Page titles may come from user case files: shown as text, never as markup or HTML."""
    return escape.myst(text)


def render_citation_page(pages: list[dict], ed: Edition | None = None) -> str:
    """The MyST text of the page (see :func:`write_citation_page`)."""
    ed = ed or edition_metadata()
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
        "the data files or a particular table or figure. Under every table and figure a **Cite** "
        "fold gives its BibTeX entry, a plain-text citation and its downloads. "
        f"All entries are in one file: {{download}}`{BIB_NAME} <_static/{BIB_NAME}>`.\n",
        SCHEME + "\n",
        "The edition's metadata (authors, version, release date, repository, DOI) are kept in "
        "`CITATION.cff`; `.zenodo.json` is generated from it for archiving a release. "
        "The entries' `urldate` is the release date of this version: change it to the day you "
        "read the page.\n",
        "## The edition\n",
        f"Version {escape.myst(ed.version)}, released {ed.date_released}. The entry uses the biblatex "
        "type `@software` (BibTeX users may change it to `@misc`).\n",
        _code(to_bibtex({EDITION_KEY: edition_entry(ed)})),
        "## The original book\n",
        _code(to_bibtex({BOOK_KEY: book_entry()})),
        "## Tables and figures\n",
        "Each entry's key is `upgrading-edition:` followed by the label of the table or figure. "
        "The list below gives each number and key; the entries themselves are in the Cite folds "
        f"and in {BIB_NAME}.\n",
    ]
    listed = [p for p in sorted(pages, key=lambda p: p["page"]) if p.get("items")]
    if not listed:
        out.append("The book has no numbered tables or figures yet.\n")
    for p in listed:
        heading = p["title"] if p.get("title_is_markdown") else _heading_text(p["title"])
        out.append(f"### {heading}\n")
        for it in sorted(p["items"], key=lambda i: i["label"]):
            num = item_number(it)
            cited = num["ref"] or num["number"]
            out.append(f"- {escape.myst(cited)}: {{ref}}`{it['label']}` — key `{item_key(it['label'])}`")
        out.append("")
    return "\n".join(out)


def cite_items(pages: list[dict], ed: Edition | None = None) -> dict:
    """``{label: {...}}``: what the Cite fold of each table and figure shows."""
    ed = ed or edition_metadata()
    out = {}
    for p in pages:
        for it in p.get("items", []):
            num = item_number(it)
            key = item_key(it["label"])
            out[it["label"]] = {
                "page": p["page"], "label": it["label"], "key": key, "kind": it["kind"], "number": num["number"],
                "ref": num["ref"], "book": num["book"],
                "bibtex": to_bibtex({key: item_entry(ed, p["page"], it)}),
                "plain": plain_citation(ed, p["page"], it),
                "files": sorted(str(PurePosixPath(f)) for f in it.get("files", [])),
            }
    return dict(sorted(out.items()))


def write_citation_page(stage: Path, pages: list[dict], ed: Edition | None = None) -> None:
    """Write ``stage/how_to_cite.md``, ``stage/_static/upgrading-edition.bib`` and ``stage/_cite/items.json``.

    ``pages`` = ``[{"page": "chapters/ch09_synthesis", "title": "...", "items": [manifest items]}]``,
    where the items are those of ``downloads/<slug>/manifest.json``
    (``kind``, ``label``, ``name``, ``title``, ``source``, ``files``).
    """
    ed = ed or edition_metadata()
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
        if p.get("title_is_markdown"):  # a page we wrote as MyST: its heading is already escaped
            named.append(p)
            continue
        title = p["title"]
        executed = Path(stage) / f"{p['page']}.ipynb"
        from_heading = None
        if (not title or title == p["page"]) and executed.exists():
            from_heading = notebook_title(executed)  # the page's own heading (Markdown we wrote)
        named.append({**p, "title": from_heading or title, "title_is_markdown": bool(from_heading)})
    text = render_citation_page(named, ed)
    stage = Path(stage)
    (stage / "_static").mkdir(parents=True, exist_ok=True)
    (stage / "_static" / BIB_NAME).write_text(to_bibtex(all_entries(named, ed)), encoding="utf-8")
    (stage / ITEMS_JSON).parent.mkdir(parents=True, exist_ok=True)
    (stage / ITEMS_JSON).write_text(json.dumps(cite_items(named, ed), indent=1, ensure_ascii=False),
                                    encoding="utf-8")
    stage.joinpath("how_to_cite.md").write_text(text, encoding="utf-8")


def markdown_title(path: Path) -> str | None:
    """The first ``# `` heading of a MyST page we wrote (e.g. a case page)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def notebook_title(path: Path) -> str | None:
    """The first ``# `` heading of an executed notebook (the page title)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in src.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return None
