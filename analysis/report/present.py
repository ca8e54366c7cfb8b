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
import os
from pathlib import Path

import pandas as pd

from analysis import escape
from analysis.report import caselinks
from analysis.audit.rules import STATUSES

BADGE_ROLE = {"match": "bdg-success", "rounding": "bdg-info", "mismatch": "bdg-danger",
              "not_comparable": "bdg-warning", "not_derivable": "bdg-secondary"}


def _display_value(x):
    """A cell as shown: missing as an en dash, floats with up to three decimals, text as it is
    (the ``literal-table`` directive puts it on the page as a text node, never parsed)."""
    if isinstance(x, dict):  # a link cell {"text", "doc"} (analysis.report.caselinks): kept for the directive
        return x
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return "–"
    if isinstance(x, float):
        # up to three decimals: enough to see why 28/15 = 1.867 was printed 1.86
        return f"{x:g}" if float(x).is_integer() else f"{x:.3f}".rstrip("0")
    return str(x)


class Page:
    """Collects the downloads of one book page under ``downloads/<slug>/``."""

    def __init__(self, slug: str, root: str | Path = "downloads"):
        self.slug = slug
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

    def table(self, df: pd.DataFrame, name: str, title: str, source: str,
              audit: pd.DataFrame | None = None, data: pd.DataFrame | None = None,
              note: str = "") -> str:
        """Write ``name``.csv and return MyST for a numbered table with a download link.

        ``df`` is what is shown; ``data`` (default ``df``) is what is downloaded.
        ``audit`` rows for this table add a status badge above it.
        """
        data = df if data is None else data
        escape.write_csv(data, self.dir / f"{name}.csv")
        shown = caselinks.link_rows(df.map(_display_value), data)  # rows naming a case link to its page
        label = self._register("table", name, title, source, [self._rel(name + ".csv")])
        nb = _notebook()
        # everything shown goes into JSON and becomes docutils text nodes (analysis.sphinx_fixes)
        spec = {"title": escape.one_line(title), "columns": [str(c) for c in shown.columns],
                "rows": shown.values.tolist(), "source": escape.one_line(source),
                "note": escape.one_line(note), "notebook": nb if nb and nb not in source else "",
                "download": f"{name}.csv"}
        (self.dir / f"{name}.table.json").write_text(json.dumps(spec, ensure_ascii=False, indent=0),
                                                     encoding="utf-8")
        badge = audit_badge(audit) if audit is not None else ""
        return (
            f"{badge}\n\n"
            f"```{{literal-table}} {self._rel(name + '.table.json')}\n"
            f":name: {label}\n:class: book-table\n```\n"
        )

    def figure(self, fig, name: str, caption: str, alt: str) -> str:
        """Save ``fig`` as PNG/SVG/PDF and return MyST for a numbered figure with download links."""
        meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
        import matplotlib.pyplot as plt

        # a fixed salt makes SVG element ids, and so the files, identical across builds
        with plt.rc_context({"svg.hashsalt": "upgrading-to-compete"}):
            for ext in ("png", "svg", "pdf"):
                fig.savefig(self.dir / f"{name}.{ext}", dpi=300 if ext == "png" else None,
                            metadata=meta[ext], bbox_inches="tight")
        plt.close(fig)
        label = self._register("figure", name, caption, caption,
                               [self._rel(f"{name}.{ext}") for ext in ("png", "svg", "pdf")])
        nb = _notebook()
        # the caption may hold case or data text: every punctuation character is escaped,
        # so MyST shows it exactly as written (analysis.escape.myst)
        shown = escape.myst(caption)
        if nb and nb not in caption:
            shown += f" Notebook: `{nb}`."
        links = " · ".join(f"{{download}}`{ext.upper()} <{self._rel(name + '.' + ext)}>`" for ext in ("png", "svg", "pdf"))
        return (
            f"```{{figure}} {self._rel(name + '.png')}\n:name: {label}\n:alt: {escape.one_line(alt)}\n:width: 100%\n\n"
            f"{shown} Download: {links}\n```\n"
        )


def _notebook() -> str:
    """The notebook source this page was executed from (set by analysis.book.build), if known."""
    return os.environ.get("UPGRADING_NOTEBOOK", "")


def audit_badge(audit: pd.DataFrame) -> str:
    """Sphinx-design badges with the audit status counts of one table."""
    counts = audit["status"].value_counts()
    parts = [f"{{{BADGE_ROLE[s]}}}`{counts[s]} {s.replace('_', ' ')}`" for s in STATUSES if counts.get(s, 0)]
    return "Audit: " + " ".join(parts) if parts else "Audit: no derived cells"

