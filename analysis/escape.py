"""The one escaping module: text from data files and case files, emitted literally.

Case names, notes, justifications, sources and every other piece of text that
comes from a data file are *data*. No markup or template parser (MyST, reST,
Jinja, MathJax, LaTeX, BibTeX, a spreadsheet's formula engine, matplotlib's
mathtext) may ever act on them. Every writer passes such text through exactly
one function here, chosen by the output format:

========================  =====================================================
:func:`html`              text inside an HTML element or attribute
:func:`html_block`        a whole user-text element, marked for MathJax to skip
:func:`myst`              text that must pass through MyST Markdown (headings,
                          figure captions): every ASCII punctuation character is
                          backslash-escaped, which CommonMark defines as literal
:func:`one_line`          collapse whitespace (titles, options, alt text)
:func:`latex`             LaTeX text mode (``to_latex`` tables)
:func:`bibtex`            the value of a braced BibTeX field
:func:`mpl`               matplotlib text (labels, titles): no mathtext
:func:`csv_cell`          one CSV cell (OWASP CSV-injection rule)
:func:`write_csv`         a DataFrame as a download CSV, every text cell neutralised
========================  =====================================================

Prefer :func:`html` (an HTML output of a notebook is not parsed by anything) or
the ``literal-table`` directive of :mod:`analysis.sphinx_fixes` (cells become
docutils text nodes) over :func:`myst`. MathJax is not loaded by the book at all
(no page has math, see ``_config.yml``); :func:`html_block` still marks the
element with ``tex2jax_ignore mathjax_ignore`` so that adding math to some page
later cannot turn user text into math.
"""
from __future__ import annotations

import math
import re
import string
from typing import Any

import pandas as pd

__all__ = ["text", "html", "html_block", "myst", "one_line", "latex", "bibtex", "mpl",
           "csv_cell", "csv_frame", "write_csv", "USER_TEXT_CLASSES"]

#: classes of every element holding user text: MathJax 2 and 3 skip them
USER_TEXT_CLASSES = "user-text tex2jax_ignore mathjax_ignore"


def text(value: Any) -> str:
    """Any value as plain text; missing values (None, NaN, pd.NA) become ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


# ------------------------------------------------------------------- HTML

# Beyond html.escape: characters that a template engine (Jinja ``{{ }}``,
# ``{% %}``), MathJax (``$``, ``\(``) or Markdown (backtick) would look at, should
# the HTML ever be handed to one of them, are written as numeric references too.
# A browser shows them as the characters they are.
_HTML_EXTRA = {ord("{"): "&#123;", ord("}"): "&#125;", ord("$"): "&#36;", ord("\\"): "&#92;",
               ord("`"): "&#96;", ord("%"): "&#37;", ord("#"): "&#35;", ord("*"): "&#42;",
               ord("_"): "&#95;", ord("["): "&#91;", ord("]"): "&#93;", ord("|"): "&#124;",
               ord(":"): "&#58;", ord("~"): "&#126;", ord("="): "&#61;",
               # the five html.escape handles, in the same single pass
               ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#39;"}


def html(value: Any) -> str:
    """Text for HTML element content or a quoted attribute value, shown exactly as written."""
    return text(value).translate(_HTML_EXTRA)


def html_block(value: Any, tag: str = "span", extra_class: str = "") -> str:
    """``<tag class="user-text tex2jax_ignore mathjax_ignore">text</tag>``; newlines kept as line breaks."""
    if tag not in {"span", "p", "div", "strong", "em", "td", "li", "h2", "h3"}:
        raise ValueError(f"html_block: tag {tag!r} not allowed")
    classes = USER_TEXT_CLASSES + (f" {extra_class}" if extra_class else "")
    body = "<br>".join(html(line) for line in text(value).split("\n"))
    return f'<{tag} class="{classes}">{body}</{tag}>'


# ------------------------------------------------------------------- MyST / Markdown

_ASCII_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")


def one_line(value: Any) -> str:
    """All runs of whitespace (newlines, tabs) as single spaces, trimmed."""
    return " ".join(text(value).split())


def myst(value: Any) -> str:
    """Text that must pass through MyST inline Markdown, rendered exactly as written.

    CommonMark makes any backslash-escaped ASCII punctuation character literal, so
    escaping all of them leaves nothing to interpret: no emphasis, code, links,
    roles (``{role}```), substitutions (``{{ }}``), math (``$``), comments
    (``%``), headings (``#``), rules (``---``), lists, raw HTML or entities
    (``&lt;`` stays ``&lt;``). Whitespace is collapsed to single spaces so the
    text can never start a new block. Smart quotes and typographic replacements
    are switched off for the whole book (``_config.yml``).
    """
    return _ASCII_PUNCT.sub(r"\\\1", one_line(value))


# ------------------------------------------------------------------- LaTeX / BibTeX

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
          "|": r"\textbar{}", '"': r"\textquotedbl{}", "²": r"\textsuperscript{2}"}


def latex(value: Any) -> str:
    """Text for LaTeX text mode: every special character written as its text command."""
    return "".join(_LATEX.get(ch, ch) for ch in one_line(value))


# BibTeX counts every brace, escaped or not, so ``\{`` alone would leave a field
# unbalanced (pybtex refuses it): a brace is written as its text command instead.
_BIBTEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
           "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\^{}"}


def bibtex(value: Any, keep: str = "") -> str:
    """The inside of a braced BibTeX field (``{...}``): braces can never be unbalanced
    (so the field cannot end early and ``@`` cannot start an entry), ``%`` and ``\\``
    are written as text. Characters in ``keep``
    stay as they are (file names in a ``file`` field)."""
    return "".join(ch if ch in keep else _BIBTEX.get(ch, ch) for ch in one_line(value))


# ------------------------------------------------------------------- matplotlib

def mpl(value: Any) -> str:
    """Text for a matplotlib label: ``$`` escaped so mathtext never starts."""
    return text(value).replace("$", r"\$")


# ------------------------------------------------------------------- CSV

#: a cell starting with one of these is a formula to a spreadsheet (OWASP CSV injection)
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """One cell for a download CSV.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading single quote, so a spreadsheet shows it as text instead of running it
    (OWASP rule). Numbers, and text that is just a plain number such as ``-0.5``,
    stay as they are: a spreadsheet reads them as numbers and runs nothing.
    """
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and every column name) passed through :func:`csv_cell`.

    Numeric columns are not touched, so they are written exactly as before.
    """
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(csv_cell, na_action="ignore")
    out.columns = [csv_cell(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(csv_cell)
    return out


def write_csv(frame: pd.DataFrame, path=None, **kwargs) -> str | None:
    """Write ``frame`` as a download CSV (the only way the project writes one).

    Same arguments as :meth:`pandas.DataFrame.to_csv` (``index=False`` and ``\\n``
    line ends by default); with no ``path`` the CSV text is returned.
    """
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    return csv_frame(frame).to_csv(path, **kwargs)
