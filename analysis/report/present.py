"""Putting tables and figures on a book page (used by the notebooks only).

A table is written twice into the page's ``downloads/<page>/`` folder: the data
CSV (full precision, the file readers download and cite; text cells neutralised
against spreadsheet formulas by :func:`analysis.escape.write_csv`) and a JSON
file (rounded for reading) that the ``literal-table`` directive
(:mod:`analysis.sphinx_fixes`) renders as a numbered table with a caption and a
label, every cell a plain text node. A figure is saved as PNG (300 dpi),
SVG and PDF and shown through a numbered ``figure`` directive. Both come with
download links. The returned MyST text is displayed as a Markdown output, which
myst-nb parses as MyST (``nb_render_markdown_format: myst`` in ``_config.yml``).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from analysis import escape, vocab
from analysis.report import caselinks
from analysis.audit.rules import STATUSES
from analysis.report import format as fmt

BADGE_ROLE = {"match": "bdg-success", "rounding": "bdg-info", "mismatch": "bdg-danger",
              "not_comparable": "bdg-warning", "not_derivable": "bdg-secondary"}


def _display_value(x):
    """A cell as shown (kept for callers): :func:`analysis.report.format.cell`; a link cell
    {"text", "doc"} (analysis.report.caselinks) is kept for the directive."""
    if isinstance(x, dict):
        return x
    return fmt.cell(x)


class Page:
    """Collects the downloads of one book page under ``downloads/<slug>/``."""

    def __init__(self, slug: str, root: str | Path = "downloads", prefix: str | None = None):
        self.slug = slug
        # downloads are named "<prefix>-<name>.csv" so no two pages offer the same file name
        self.prefix = (prefix or slug).replace("_", "-")
        self.dir = Path(root) / slug
        self.dir.mkdir(parents=True, exist_ok=True)
        self.items: list[dict] = []

    def _register(self, kind: str, name: str, title: str, source: str, files: list[str]) -> str:
        """Record a table or figure in ``manifest.json`` (read by the build for the citation page)."""
        label = f"{self.slug}-{name}".replace("_", "-")
        self.items.append({"kind": kind, "label": label, "name": name, "title": title,
                           "source": source, "files": files})
        (self.dir / "manifest.json").write_text(json.dumps({"slug": self.slug, "items": self.items}, indent=1))
        return label

    def _rel(self, name: str) -> str:
        return (self.dir / name).as_posix()

    def file_name(self, name: str) -> str:
        """The unique, descriptive stem of the downloads of item ``name`` (``sector-traditional-cases``)."""
        stem = name.replace("_", "-")
        # "audit" on the audit page stays audit.csv (not audit-audit.csv)
        return stem if stem == self.prefix or stem.startswith(self.prefix + "-") else f"{self.prefix}-{stem}"

    def table(self, df: pd.DataFrame, name: str, title: str, source: str,
              audit: pd.DataFrame | None = None, data: pd.DataFrame | None = None,
              note: str = "", precision: int | dict | None = None, interactive: bool = False,
              row_ids: list[str] | None = None, group_by: str | None = None) -> str:
        """Write the table's CSV and return MyST for a numbered table with a download link.

        ``df`` is what is shown; ``data`` (default ``df``) is what is downloaded (typed:
        whole numbers as integers, missing empty). Strings are shown as they are (printed
        values keep their printed form); numbers by :mod:`analysis.report.format` with
        ``precision`` (decimals, per column or for all). Headers and codes are shown with
        their labels (:func:`analysis.vocab.relabel`). ``interactive`` marks a large table
        that ``_static/book.js`` makes sortable and filterable (the static table stays for
        print and readers without JavaScript). ``row_ids`` give rows anchors.
        ``group_by`` names a column of ``df`` that labels blocks of consecutive rows (a
        table's panels): it is shown once per block, as a heading row spanning the table,
        instead of on every row; the download keeps it on every row (it is ``data``, or
        ``df`` with the column). Not with ``interactive`` (sorting would scatter a block).
        ``audit`` rows for this table add a status badge above it.
        """
        data = df if data is None else data
        groups = None
        if group_by is not None:
            if interactive:
                raise ValueError("group_by: a grouped table cannot be sortable (interactive)")
            groups = [escape.one_line(str(g)) for g in df[group_by]]
            df = df.drop(columns=group_by)
        stem = self.file_name(name)
        escape.write_csv(fmt.typed(data), self.dir / f"{stem}.csv")
        if isinstance(precision, dict):
            precision = {vocab.column_label(k): v for k, v in precision.items()}
        shown = fmt.display_frame(vocab.relabel(df), precision)
        shown = caselinks.link_rows(shown, data)  # rows naming a case link to its page
        label = self._register("table", name, title, source, [self._rel(stem + ".csv")])
        nb = _notebook()
        # everything shown goes into JSON and becomes docutils text nodes (analysis.sphinx_fixes)
        spec = {"title": escape.one_line(title), "columns": [str(c) for c in shown.columns],
                "rows": shown.values.tolist(), "source": escape.one_line(source),
                "note": escape.one_line(note), "notebook": nb if nb and nb not in source else "",
                "download": f"{stem}.csv"}
        if groups is not None:
            spec["groups"] = groups
        if row_ids is not None:
            spec["row_ids"] = [escape.one_line(str(r)) for r in row_ids]
        classes = "book-table book-table-interactive" if interactive else "book-table"
        (self.dir / f"{stem}.table.json").write_text(json.dumps(spec, ensure_ascii=False, indent=0),
                                                     encoding="utf-8")
        badge = audit_badge(audit) if audit is not None else ""
        return (
            f"{badge}\n\n"
            f"```{{literal-table}} {self._rel(stem + '.table.json')}\n"
            f":name: {label}\n:class: {classes}\n```\n"
        )

    def figure(self, fig, name: str, caption: str, alt: str) -> str:
        """Save ``fig`` as PNG/SVG/PDF and return MyST for a numbered figure with download links."""
        from analysis import theme

        theme.conform(fig)
        stem = self.file_name(name)
        meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
        import matplotlib.pyplot as plt

        # a fixed salt makes SVG element ids, and so the files, identical across builds
        with plt.rc_context({"svg.hashsalt": "upgrading-to-compete"}):
            for ext in ("png", "svg", "pdf"):
                fig.savefig(self.dir / f"{stem}.{ext}", dpi=300 if ext == "png" else None,
                            metadata=meta[ext])
        plt.close(fig)
        label = self._register("figure", name, caption, caption,
                               [self._rel(f"{stem}.{ext}") for ext in ("png", "svg", "pdf")])
        nb = _notebook()
        # the caption may hold case or data text: every punctuation character is escaped,
        # so MyST shows it exactly as written (analysis.escape.myst)
        shown = escape.myst(caption)
        if nb and nb not in caption:
            shown += f" Notebook: `{nb}`."
        links = " · ".join(f"{{download}}`{ext.upper()} <{self._rel(stem + '.' + ext)}>`" for ext in ("png", "svg", "pdf"))
        return (
            f"```{{figure}} {self._rel(stem + '.png')}\n:name: {label}\n:alt: {escape.one_line(alt)}\n:width: 100%\n\n"
            f"{shown} Download: {links}\n```\n"
        )


_SOURCE = {"notebook": ""}


def set_notebook(source: str) -> None:
    """Name the notebook this page is executed from (the build's first cell calls it)."""
    _SOURCE["notebook"] = source


def _notebook() -> str:
    """The notebook source this page was executed from (see :func:`set_notebook`), if known."""
    return _SOURCE["notebook"]


def audit_anchor(table) -> str:
    """The anchor of the first audit row of book table ``table`` on the audit page."""
    return "audit-table-" + "".join(ch if ch.isalnum() else "-" for ch in str(table)).strip("-").lower()


def audit_row_ids(audit: pd.DataFrame) -> list[str]:
    """Row anchors for the audit page's full table: the first row of each book table gets
    :func:`audit_anchor` (what badges link to), the others ``audit-row-<n>``."""
    seen, ids = set(), []
    for i, t in enumerate(audit["table"].astype(str)):
        if t not in seen:
            seen.add(t)
            ids.append(audit_anchor(t))
        else:
            ids.append(f"audit-row-{i}")
    return ids


AUDIT_PAGE = "audit.html"  # the audit page, relative to the chapter pages


def audit_badge(audit: pd.DataFrame, audit_page: str = AUDIT_PAGE) -> str:
    """Sphinx-design badges with the audit status counts of one table, each linking to the
    table's rows on the audit page."""
    counts = audit["status"].value_counts()
    tables = audit["table"].dropna().astype(str).unique() if "table" in audit else []
    href = f"{audit_page}#{audit_anchor(tables[0])}" if len(tables) == 1 else f"{audit_page}#every-comparison"
    parts = [f"{{{BADGE_ROLE[s].replace('bdg-', 'bdg-link-')}}}`{counts[s]} {s.replace('_', ' ')} <{href}>`"
             for s in STATUSES if counts.get(s, 0)]
    return "Audit: " + " ".join(parts) if parts else "Audit: no derived cells"


def show(section: tuple[str, dict]) -> None:
    """Show one section of a page in its notebook: glue its values (for the Markdown prose
    around it, myst-nb ``{glue:text}``) and display its MyST (nothing when empty)."""
    from IPython.display import Markdown, display
    from myst_nb import glue

    md, values = section
    for name, value in values.items():
        glue(name, value, display=False)
    if md:
        display(Markdown(md))
