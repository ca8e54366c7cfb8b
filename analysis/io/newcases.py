"""New cluster case studies contributed by researchers.

Researchers describe their own clusters in YAML or CSV files (format in
``cases/README.md``, a commented model in ``cases/TEMPLATE.yaml``) and rebuild
the book with ``make book CASES=path/to/dir``. This module reads those files,
checks them, and returns one row per case in the layout of the case database
(``data/cases.csv``), with ``origin == "new"``.

Validation is all-or-nothing and exhaustive: every file is read, every problem
is collected as a :class:`Problem`, and if there is at least one, a
:class:`CaseValidationError` lists them all (one per line). A researcher fixes
their files in one pass instead of rerunning the build once per typo.

Two layers of checks:

* structural checks in plain Python (shape of the YAML, required fields,
  types, unknown fields), because pandera only sees a flat table and cannot say
  "this mapping lacks a justification";
* tabular checks with pandera on the resulting frame (allowed values, ranges,
  0.5 steps, slugs, dates, duplicate ids, clashes with the book's ids), whose
  failure cases are mapped back to file, case and field.

Decisions (documented in ``cases/README.md``):

* unknown fields are **errors**, not warnings: a misspelt key such as
  ``ee_labor_market`` would otherwise silently drop a score from the book;
* justifications are kept in a ``justifications`` column holding a dict
  ``{column: text}`` so that the frame stays one row per case;
  :func:`justifications_long` turns it into a long table for display;
* collective-efficiency components, like upgrading scores, run 0-3 in steps of
  0.5 (the book prints half points for upgrading, e.g. 1.5 in Table 9.4);
  governance codes are integers 0-3 (Table 9.2 note);
* an index (EE, JA, CE) is computed only when all of its components are
  present, mirroring the book's "N/A" rather than treating missing as 0;
* files whose name starts with ``TEMPLATE`` are skipped, so pointing the build
  at ``cases/`` never puts the template's placeholder case into the book.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import io
import math
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import pandera.pandas as pa
import yaml

from analysis import escape
from analysis.method import indices as _indices
from analysis.io.schema import CASES as CASES_SCHEMA, SLUG
from analysis.paths import CASES_CSV
from analysis.vocab import (CE_COMPONENTS, CE_DEGREES, CHAIN_TYPES, EE_COMPONENTS, GOVERNANCE_CODES as _GOV_CODES,
                            GOVERNANCE_COLUMNS, JA_COMPONENTS, SECTORS, UPGRADING_COLUMNS, UPGRADING_TYPES)

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# One vocabulary for the whole project (analysis.vocab); the names below are its
# column groups as this module uses them.
GOVERNANCE_MODES = CHAIN_TYPES
#: scored 0-3 in steps of 0.5
SCORE_COLUMNS = UPGRADING_COLUMNS + CE_COMPONENTS
#: coded 0 absent, 1 domestic chain, 2 global chain, 3 domestic and global chain
CODE_COLUMNS = GOVERNANCE_COLUMNS
GOVERNANCE_CODES = tuple(_GOV_CODES)

#: columns of the case database (data/cases.csv), in order
CASE_COLUMNS = list(CASES_SCHEMA.columns)
#: computed by :func:`analysis.method.indices.with_indices`, never typed by a coder
COMPUTED_COLUMNS = ["ee_index", "ja_index", "ce_index", "upgrading_sum", "ce_degree_source"]
#: extra columns carried by new cases only
NEW_CASE_EXTRA_COLUMNS = ["coding_basis", "source_file", "justifications"]
NEW_CASE_COLUMNS = CASE_COLUMNS + COMPUTED_COLUMNS + NEW_CASE_EXTRA_COLUMNS

#: Project assumption (the book publishes no cut points): CE index < 4 is low,
#: 4 <= index < 8 is medium, index >= 8 is high.
CE_CUTS = _indices.DEFAULT_CE_CUTS
#: separator of several references in the CSV ``sources`` cell and in the frame
SOURCES_SEPARATOR = " | "
SLUG_PATTERN = SLUG
TEMPLATE_PREFIX = "TEMPLATE"
CASE_FILE_SUFFIXES = (".yaml", ".yml", ".csv")

#: Limits on what a contributor's files may hold (cases/README.md lists them). They keep
#: validation bounded in time and memory and make every accepted value safe to use as
#: a file name, a page title or a table cell.
# Largest CSV cell the reader accepts at all (the csv module's default);
# text fields are further limited by LIMITS below.
CSV_CELL_CAP = 131072

LIMITS = {
    "file_bytes": 50_000_000,   # one case file
    "files": 1_000,             # case files in the directory
    "cases": 10_000,            # cases in all files together
    "depth": 10,                # nesting of YAML mappings and lists
    "id_chars": 64,             # case id (also a page file name)
    "short_chars": 200,         # name, industry, location, country, coder
    "long_chars": 5_000,        # notes, coding basis, a justification, one reference
    "sources": 50,              # references of one case
    "number_chars": 32,         # text of one number
}
#: Windows device names: never valid as a file name, whatever the extension
RESERVED_FILE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                                 *(f"lpt{i}" for i in range(10))})
_LONG_TEXT_FIELDS = ("notes", "coding_basis")

# YAML layout: section name -> (item names, key holding the value, column prefix)
_SECTIONS = {
    "upgrading": (UPGRADING_TYPES, "score", "upgrading_"),
    "governance": (GOVERNANCE_MODES, "code", "gov_"),
    "ce_components": (CE_COMPONENTS, "score", ""),
}
_TEXT_FIELDS = ("id", "name", "industry", "location", "country", "coder", "coding_basis")
_CODED_FIELDS = ("sector", "ce_degree")  # {value: ..., justification: ...}
_CASE_KEYS = (*_TEXT_FIELDS, "coded_on", "sources", "notes", *_CODED_FIELDS, *_SECTIONS)
_REQUIRED_CASE_KEYS = tuple(k for k in _CASE_KEYS if k != "notes")

# column -> where a coder finds it in a YAML case (used in problem reports)
_YAML_PATHS = {
    "case_id": "id", "sector": "sector.value", "ce_degree": "ce_degree.value",
    **{f"{p}{i}": f"{s}.{i}.{k}" for s, (items, k, p) in _SECTIONS.items() for i in items},
}

_JUSTIFIED_COLUMNS = ("sector", "ce_degree", *UPGRADING_COLUMNS, *GOVERNANCE_COLUMNS, *CE_COMPONENTS)
_CSV_TEXT_COLUMNS = ("case_id", "name", "industry", "location", "country", "coder", "coding_basis")
_CSV_REQUIRED = (*_CSV_TEXT_COLUMNS, "coded_on", "sources", "sector", "ce_degree",
                 *SCORE_COLUMNS, *CODE_COLUMNS, *(f"{c}_justification" for c in _JUSTIFIED_COLUMNS))
_CSV_OPTIONAL = ("notes", "origin")


# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong with the new-case files.

    ``case`` is empty for problems of the whole file; ``field`` is the YAML
    path (``upgrading.product.score``) or the CSV column it concerns.
    """

    file: str
    case: str
    field: str
    value: Any
    allowed: str
    message: str

    def __str__(self) -> str:
        parts = [_plain(self.file, 200)]
        parts.append(f"case {_plain(self.case)}" if self.case else "(whole file)")
        if self.field:
            parts.append(f"field {_plain(self.field)}")
        parts.append(f"value {_show(self.value)}")
        return f"{': '.join(parts)}: {self.message} (allowed: {self.allowed})"


class CaseValidationError(ValueError):
    """Raised when the new-case files have problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the new case files:"]
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


def _plain(text: Any, limit: int = 80) -> str:
    """A name for a terminal message: control and invisible characters shown as escapes
    (a file or key name can never move the cursor or recolour the terminal), truncated."""
    text = str(text)
    short = text[:limit]
    out = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in short)
    return out + ("..." if len(text) > limit else "")


def _show(value: Any) -> str:
    """Short, unambiguous rendering of a bad value for a message.

    Never the whole value: containers are described by their size (a deeply nested
    or huge structure can neither flood the terminal nor overflow the stack), text
    is cut to 80 characters before it is quoted, non-printing characters are escaped.
    """
    flat = lambda items: len(items) <= 10 and all(isinstance(i, (str, int, float, bool, type(None)))
                                                   and len(str(i)) <= 80 for i in items)
    if isinstance(value, dict) and not (flat(value.keys()) and flat(value.values())):
        return f"a mapping of {len(value)} key(s)"
    if isinstance(value, (list, tuple)) and not flat(value):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, _LongNumber):
        return f"a number written with {len(value.text)} characters ({value.text[:20]}...)"
    if isinstance(value, bytes):
        return repr(value[:20])
    if isinstance(value, str):
        text = repr(value[:77])
        return text + ("..." if len(value) > 77 else "")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _LongNumber:
    """A YAML number too long to be a score (kept as text, reported, never converted)."""

    def __init__(self, text: str):
        self.text = text


def _type_name(value: Any) -> str:
    """Plain-language name of a YAML value's type."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def escape_text(s: Any) -> str:
    """HTML-escape free text (names, notes, justifications) for renderers.

    Case files may legitimately contain ``<``, ``&`` or even ``<script>``: they
    are data. Anything that writes them into HTML must pass them through here.
    Missing values (None/NaN) become the empty string.
    """
    return escape.html(s)


def justifications_long(cases: pd.DataFrame) -> pd.DataFrame:
    """Long table of justifications: one row per case and justified field.

    Columns: case_id, field, value, justification. Fields follow the case
    column names (``upgrading_product``, ``gov_market``, ``sector`` ...).
    """
    rows = []
    for _, case in cases.iterrows():
        for field, text in (case.get("justifications") or {}).items():
            value = case.get(field)
            rows.append({"case_id": case["case_id"], "field": field,
                         "value": None if pd.isna(value) else value, "justification": text})
    return pd.DataFrame(rows, columns=["case_id", "field", "value", "justification"])


def _closest(name: str, known: Iterable[str]) -> str:
    """Hint for a misspelt key, e.g. ' (did you mean ee_labour_market?)'."""
    match = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean {match[0]}?)" if match else ""


# --------------------------------------------------------------------------
# Value converters (shared by YAML and CSV readers)
# --------------------------------------------------------------------------

class _Collector:
    """Collects problems for one case, knowing its file, label and format."""

    def __init__(self, problems: list[Problem], file: str, case: str, fmt: str):
        self.problems, self.file, self.case, self.fmt = problems, file, case, fmt

    def add(self, field: str, value: Any, allowed: str, message: str) -> None:
        """Record one problem for this case."""
        self.problems.append(Problem(self.file, self.case, field, value, allowed, message))

    def missing(self, field: str, allowed: str, value: Any = None) -> None:
        """Record a missing required field (value: what stood there, e.g. '')."""
        self.add(field, value, allowed, "missing required field")

    def wrong_type(self, field: str, value: Any, allowed: str) -> None:
        """Record a value of the wrong type."""
        self.add(field, value, allowed, f"wrong type: got {_type_name(value)}")


# characters refused in any text: C0/C1 controls (NUL ...), lone surrogates, bidi
# embeddings/overrides/isolates (they make text display in another order than it is
# written, "Trojan source"), line/paragraph separators, non-characters
_BAD_ANYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff\ufffe\uffff"
_BAD_LONG = re.compile(f"[{_BAD_ANYWHERE}\r]")
_BAD_SHORT = re.compile(f"[{_BAD_ANYWHERE}\r\n\t]")


def _describe_char(ch: str) -> str:
    name = unicodedata.name(ch, "") or {"\n": "LINE FEED", "\t": "TAB", "\r": "CARRIAGE RETURN",
                                        "\x00": "NUL"}.get(ch, "unnamed character")
    return f"U+{ord(ch):04X} {name}"


def _text(value: Any, field: str, col: _Collector, *, required: bool = True, long: bool = False,
          limit: int | None = None) -> str | None:
    """A non-empty string, or None (with a problem when required).

    Short text (names, places) is one line; long text (notes, justifications,
    references) may hold newlines and tabs. Control characters, bidi overrides and
    the like are refused, and so is text over the length limit (:data:`LIMITS`).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            col.missing(field, "non-empty text", value)
        return None
    if not isinstance(value, str):
        col.wrong_type(field, value, "text")
        return None
    if long:
        value = value.replace("\r\n", "\n")
    limit = limit or LIMITS["long_chars" if long else "short_chars"]
    kind = ("text; newlines and tabs allowed" if long else "one line of text")
    allowed = f"{kind}, at most {limit} characters, no control or bidi-override characters"
    bad = (_BAD_LONG if long else _BAD_SHORT).search(value)
    if bad:
        col.add(field, value, allowed,
                f"character {_describe_char(bad.group())} at position {bad.start() + 1} not allowed")
        return None
    if len(value) > limit:
        col.add(field, value, allowed, f"text too long ({len(value)} characters)")
        return None
    return value.strip()


def _field_text(value: Any, key: str, col: _Collector, shown: str | None = None) -> str | None:
    """One of the case's text fields (``key`` as in YAML; ``shown`` is the name problems use)."""
    field = shown or key
    if key == "id":
        text = _text(value, field, col, limit=LIMITS["id_chars"])
        if text is not None and text.lower() in RESERVED_FILE_NAMES:
            col.add(field, text, "an id that is not a reserved device name (con, prn, aux, nul, com0-9, lpt0-9)",
                    "id cannot be a file name on Windows")
            return None
        return text
    return _text(value, field, col, long=key in _LONG_TEXT_FIELDS)


def _number(value: Any, field: str, col: _Collector) -> float | None:
    """A finite number or None (missing is allowed for scores and codes).

    Booleans are refused although Python counts them as ints: ``yes`` in YAML
    is almost certainly a mistake, not a score of 1. CSV cells arrive as text
    and are parsed here.
    """
    allowed = "a number 0-3, or empty/null when unknown"
    if value is None:
        return None
    if isinstance(value, _LongNumber):
        col.add(field, value, allowed, f"number too long (more than {LIMITS['number_chars']} characters)")
        return None
    if isinstance(value, str):
        if col.fmt == "csv":
            if not value.strip():
                return None
            if len(value.strip()) > LIMITS["number_chars"]:
                col.add(field, value, allowed, f"number too long (more than {LIMITS['number_chars']} characters)")
                return None
            try:
                number = float(value)
            except ValueError:
                col.add(field, value, allowed, "wrong type: expected a number, got text")
                return None
        else:
            col.add(field, value, allowed, "wrong type: expected a number, got text")
            return None
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        col.wrong_type(field, value, allowed)
        return None
    else:
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range (only reachable from the API)
            col.add(field, value, allowed, "number too large")
            return None
    if not math.isfinite(number):
        col.add(field, value, allowed, "not a finite number")
        return None
    return number


def _date(value: Any, field: str, col: _Collector) -> str | None:
    """ISO date text; YAML may deliver an unquoted date as a date object."""
    if isinstance(value, dt.datetime):
        col.wrong_type(field, value, "an ISO date YYYY-MM-DD (no time)")
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value, field, col)  # format itself is checked by pandera


def _sources(value: Any, field: str, col: _Collector) -> str | None:
    """References joined with :data:`SOURCES_SEPARATOR`.

    YAML: a non-empty list of strings. CSV: one cell, references separated by
    `` | ``.
    """
    allowed = "a list of full references (CSV: separated by ' | ')"
    if col.fmt == "csv":
        if value is None or not str(value).strip():
            col.missing(field, allowed)
            return None
        items = [s.strip() for s in str(value).split("|")]
    else:
        if value is None:
            col.missing(field, allowed)
            return None
        if not isinstance(value, list):
            col.wrong_type(field, value, allowed)
            return None
        items = value
    if not items:
        col.missing(field, allowed)
        return None
    if len(items) > LIMITS["sources"]:
        col.add(field, items, f"at most {LIMITS['sources']} references", f"too many references ({len(items)})")
        return None
    good = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, str):
            col.wrong_type(f"{field}[{i}]", item, "text (one full reference)")
        elif not item.strip():
            col.add(f"{field}[{i}]", item, "text (one full reference)", "empty reference")
        else:
            ref = _text(item, f"{field}[{i}]", col, long=True)
            if ref is not None:
                good.append(ref)
    return SOURCES_SEPARATOR.join(good) if len(good) == len(items) else None


def _coded_value(value: Any, field: str, col: _Collector, *, required: bool, allowed: str) -> str | None:
    """A categorical value (sector, CE degree) as text; its vocabulary is checked by pandera."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            col.missing(field, allowed)
        return None
    if not isinstance(value, str):
        col.wrong_type(field, value, allowed)
        return None
    return value.strip()


_SECTOR_ALLOWED = "one of " + ", ".join(SECTORS)
_DEGREE_ALLOWED = "one of " + ", ".join(CE_DEGREES) + ", or null to derive it from the CE index"


# --------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------

# YAML is read event by event (libyaml's C parser when available) and the data is
# built here, so that every limit is checked *before* anything is expanded or built:
# aliases and anchors are refused (an alias "bomb" of 400 bytes would otherwise
# expand to gigabytes), nesting is bounded (no RecursionError), only the plain
# YAML types are built (no Python objects: a !!python tag is refused, never run),
# repeated keys and impossible dates are reported, over-long numbers stay text.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
               "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


_NO_KEY = object()  # marker: the mapping on top of the stack waits for a key


class _YamlRefused(Exception):
    """Reading stopped at a construct the case format refuses (carries the Problem fields)."""

    def __init__(self, path: list, value: Any, allowed: str, message: str):
        super().__init__(message)
        self.path, self.value, self.allowed, self.message = path, value, allowed, message
        self.case_id = None


def _where(path: list) -> tuple[str, str]:
    """(case label, field path) for a position in the YAML tree."""
    if len(path) >= 2 and path[0] == "cases" and isinstance(path[1], int):
        case, rest = f"#{path[1]}", path[2:]
    else:
        case, rest = "", path
    field = ""
    for p in rest:
        field += f"[{p}]" if isinstance(p, int) else (f".{p}" if field else str(p))
    return case, field


def _scalar(event, path: list) -> Any:
    """The value of one scalar event (plain YAML types only)."""
    line = event.start_mark.line + 1
    tag = event.tag
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    elif tag.startswith("!!"):
        tag = "tag:yaml.org,2002:" + tag[2:]
    if tag not in _PLAIN_TAGS:
        kind = "would build a Python object" if "python/" in tag else "is not plain YAML data"
        raise _YamlRefused(path, tag, "plain YAML data (mappings, lists, text, numbers, null)",
                           f"YAML tag at line {line} {kind}; refused, nothing was executed")
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(event.value) > LIMITS["number_chars"]:
        return _LongNumber(event.value)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    except ValueError as exc:  # impossible dates such as 2024-02-30
        raise _YamlRefused(path, event.value, "an ISO date YYYY-MM-DD that exists",
                           f"invalid date at line {line} ({exc}); file not read further") from None


def _load_yaml(text: str) -> Any:
    """Parse one YAML document into plain data, refusing what the case format does not allow.

    Raises :class:`_YamlRefused` or :class:`yaml.YAMLError`; never recurses.
    """
    root: list = []                     # holder of the document value
    stack: list[tuple[Any, list, Any]] = []   # (container, path, pending key or marker)
    duplicates: list[tuple[list, str, int]] = []

    def path_here() -> list:
        if not stack:
            return []
        container, path, key = stack[-1]
        if isinstance(container, list):
            return path + [len(container) + 1]
        return path + ([key] if key is not _NO_KEY else [])

    def put(value: Any, line: int) -> None:
        if not stack:
            root.append(value)
            return
        container, path, key = stack[-1]
        if isinstance(container, list):
            container.append(value)
        elif key is _NO_KEY:            # this value is a key
            if isinstance(value, (dict, list)):
                raise _YamlRefused(path, value, "text keys", f"a mapping or list used as a key at line {line}")
            if isinstance(value, _LongNumber):
                value = value.text
            try:
                hash(value)
            except TypeError:
                raise _YamlRefused(path, value, "text keys", f"unusable key at line {line}") from None
            if value in container:
                duplicates.append((path, str(value), line))
            stack[-1] = (container, path, value)
        else:
            container[key] = value
            stack[-1] = (container, path, _NO_KEY)

    try:
        _read_events(text, stack, put, path_here)
    except _YamlRefused as exc:
        # name the case by its id when the id came before the refused construct
        if len(stack) > 2 and isinstance(stack[2][0], dict) and isinstance(stack[2][0].get("id"), str):
            exc.case_id = stack[2][0]["id"]
        raise
    if duplicates:
        path, key, line = duplicates[0]
        raise _YamlRefused(path + [key], key, "each key once per mapping", f"key repeated at line {line}")
    return root[0] if root else None


def _read_events(text: str, stack: list, put, path_here) -> None:
    """Feed the parser's events into ``put`` (see :func:`_load_yaml`), checking each."""
    documents = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _YamlRefused([], "---", "one YAML document per file",
                                   f"a second YAML document starts at line {line}")
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _YamlRefused(path_here(), "*" + str(event.anchor), "plain YAML without anchors (&) and aliases (*)",
                               f"YAML alias at line {line} refused (aliases can expand without bound)")
        if getattr(event, "anchor", None) is not None:
            raise _YamlRefused(path_here(), "&" + str(event.anchor), "plain YAML without anchors (&) and aliases (*)",
                               f"YAML anchor at line {line} refused")
        if isinstance(event, yaml.ScalarEvent):
            put(_scalar(event, path_here()), line)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            here = path_here()
            if len(stack) >= LIMITS["depth"]:
                raise _YamlRefused(here[:LIMITS["depth"]], f"nesting deeper than {LIMITS['depth']} levels",
                                   f"at most {LIMITS['depth']} levels of nested mappings and lists",
                                   f"YAML nested too deeply at line {line}")
            tag = event.tag
            expected = "tag:yaml.org,2002:seq" if isinstance(event, yaml.SequenceStartEvent) else "tag:yaml.org,2002:map"
            if tag not in (None, "!", expected, "!!" + expected.rsplit(":", 1)[1]):
                kind = "would build a Python object" if "python/" in tag else "is not plain YAML data"
                raise _YamlRefused(here, tag, "plain YAML data (mappings, lists, text, numbers, null)",
                                   f"YAML tag at line {line} {kind}; refused, nothing was executed")
            stack.append(([] if isinstance(event, yaml.SequenceStartEvent) else {}, here, _NO_KEY))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            container, _, _ = stack.pop()
            put(container, line)


def _parse_yaml(text: str, file: str, problems: list[Problem]) -> list | None:
    """Top level of a YAML case file -> list of raw cases, or None."""
    def whole(field: str, value: Any, allowed: str, message: str) -> None:
        problems.append(Problem(file, "", field, value, allowed, message))

    try:
        data = _load_yaml(text)
    except _YamlRefused as exc:
        case, field = _where(exc.path)
        if exc.case_id and case:
            case = f"{exc.case_id} ({case})"
        problems.append(Problem(file, case, field, exc.value, exc.allowed, exc.message))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        whole("", getattr(exc, "problem", None) or str(exc), "well-formed YAML",
              f"malformed YAML{where}")
        return None
    if data is None:
        whole("", "", "a mapping with a 'cases:' list", "empty file")
        return None
    if not isinstance(data, dict):
        whole("", data, "a mapping with a 'cases:' list", f"wrong type: top level is {_type_name(data)}")
        return None
    for key in data:
        if key != "cases":
            whole(str(key), data[key], "only 'cases' at the top level", "unknown field" + _closest(key, ["cases"]))
    cases = data.get("cases")
    if cases is None:
        whole("cases", None, "a list of cases", "missing required field")
        return None
    if not isinstance(cases, list):
        whole("cases", cases, "a list of cases", f"wrong type: got {_type_name(cases)}")
        return None
    if not cases:
        whole("cases", cases, "at least one case", "empty file: no cases")
        return None
    if len(cases) > LIMITS["cases"]:
        whole("cases", cases, f"at most {LIMITS['cases']} cases", f"too many cases ({len(cases)})")
        return None
    return cases


def _yaml_label(case: Any, position: int) -> str:
    """How problems name a YAML case: its id (if usable) and its position."""
    cid = case.get("id") if isinstance(case, dict) else None
    return f"{cid} (#{position})" if isinstance(cid, str) and cid.strip() else f"#{position}"


def _yaml_entry(entry: Any, path: str, value_key: str, col: _Collector) -> tuple[Any, str | None, bool]:
    """One ``{score|code|value: ..., justification: ...}`` entry.

    Returns (raw value, justification, ok). ok is False when the entry has no
    usable shape, so its value must not be used.
    """
    shape = f"a mapping {{{value_key}: ..., justification: \"...\"}}"
    if entry is None:
        col.missing(path, shape)
        return None, None, False
    if not isinstance(entry, dict):
        col.wrong_type(path, entry, shape)
        return None, None, False
    for key in entry:
        if key not in (value_key, "justification"):
            col.add(f"{path}.{key}", entry[key], f"{value_key}, justification",
                    "unknown field" + _closest(key, (value_key, "justification")))
    if value_key not in entry:
        col.missing(f"{path}.{value_key}", f"the key '{value_key}' (null when unknown)")
    justification = _text(entry.get("justification"), f"{path}.justification", col, long=True)
    return entry.get(value_key), justification, value_key in entry


def _record_from_yaml(case: Any, col: _Collector) -> dict | None:
    """Flatten one YAML case into a record of case columns (None if unusable)."""
    if not isinstance(case, dict):
        col.wrong_type("", case, "a mapping describing one case")
        return None
    for key in case:
        if key not in _CASE_KEYS:
            hint = " (computed, never typed)" if key in COMPUTED_COLUMNS else _closest(key, _CASE_KEYS)
            col.add(str(key), case[key], "fields listed in cases/TEMPLATE.yaml", "unknown field" + hint)
    for key in _REQUIRED_CASE_KEYS:
        if key not in case:
            col.missing(key, "see cases/TEMPLATE.yaml")
    rec: dict[str, Any] = {"origin": "new"}
    just: dict[str, str] = {}
    for key in _TEXT_FIELDS:
        if key in case:
            rec["case_id" if key == "id" else key] = _field_text(case[key], key, col)
    rec["notes"] = _text(case.get("notes"), "notes", col, required=False, long=True)
    if "coded_on" in case:
        rec["coded_on"] = _date(case["coded_on"], "coded_on", col)
    if "sources" in case:
        rec["sources"] = _sources(case["sources"], "sources", col)
    for key, required, allowed in (("sector", True, _SECTOR_ALLOWED), ("ce_degree", False, _DEGREE_ALLOWED)):
        if key in case:
            raw, why, ok = _yaml_entry(case[key], key, "value", col)
            rec[key] = _coded_value(raw, f"{key}.value", col, required=required, allowed=allowed) if ok else None
            if why:
                just[key] = why
    given = 0
    for section, (items, value_key, prefix) in _SECTIONS.items():
        block = case.get(section)
        if section in case and not isinstance(block, dict):
            col.wrong_type(section, block, f"a mapping with keys {', '.join(items)}")
            continue
        if block is None:
            continue
        for key in block:
            if key not in items:
                col.add(f"{section}.{key}", block[key], ", ".join(items),
                        "unknown field" + _closest(key, items))
        for item in items:
            path = f"{section}.{item}"
            if item not in block:
                col.missing(path, f"a mapping {{{value_key}: ..., justification: \"...\"}}")
                continue
            raw, why, ok = _yaml_entry(block[item], path, value_key, col)
            given += raw is not None
            rec[f"{prefix}{item}"] = _number(raw, f"{path}.{value_key}", col) if ok else None
            if why:
                just[f"{prefix}{item}"] = why
    if given == 0 and all(s in case for s in _SECTIONS):
        col.add("upgrading/governance/ce_components", None,
                "at least one score or code", "every score and code is missing")
    rec["justifications"] = just
    return rec


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------

def _parse_csv(text: str, file: str, problems: list[Problem]) -> list[tuple[int, dict]] | None:
    """CSV text -> list of (line number, row dict), or None when unusable."""
    def whole(field: str, value: Any, allowed: str, message: str) -> None:
        problems.append(Problem(file, "", field, value, allowed, message))

    if not text.strip():
        whole("", "", "a header row and one row per case", "empty file")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    # The csv module's cell-size cap is process-global and other libraries
    # (frictionless) raise it on import; fix it here so that the outcome for a
    # huge cell does not depend on what else the process has imported.
    previous_cap = csv.field_size_limit(CSV_CELL_CAP)
    try:
        rows = [(reader.line_num, r) for r in reader]
    except csv.Error as exc:
        whole("", str(exc), "well-formed CSV (RFC 4180 quoting)",
              f"malformed CSV at line {reader.line_num}")
        return None
    finally:
        csv.field_size_limit(previous_cap)
    header = [h.strip() for h in rows[0][1]]
    body = [(n, r) for n, r in rows[1:] if any(c.strip() for c in r)]  # blank lines are harmless
    most = len(_CSV_REQUIRED) + len(_CSV_OPTIONAL)
    if len(header) > 2 * most:
        whole("", f"{len(header)} columns", f"the {most} columns listed in cases/README.md", "too many columns")
        return None
    if len(body) > LIMITS["cases"]:
        whole("", f"{len(body)} rows", f"at most {LIMITS['cases']} cases", "too many cases")
        return None
    bad = False
    for name in sorted({h for h in header if header.count(h) > 1}):
        whole(name, name, "each column once", "duplicate column")
        bad = True
    known = (*_CSV_REQUIRED, *_CSV_OPTIONAL)
    for name in header:
        if name not in known:
            hint = " (computed, never typed)" if name in COMPUTED_COLUMNS else _closest(name, known)
            whole(name, name, "columns listed in cases/README.md", "unknown field" + hint)
    for name in _CSV_REQUIRED:
        if name not in header:
            whole(name, None, "a column of that name", "missing required field (column absent)")
    for line, row in body:
        if len(row) != len(header):
            whole("", f"{len(row)} cells", f"{len(header)} cells, as in the header",
                  f"malformed CSV at line {line}: wrong number of cells")
            bad = True
    if not body:
        whole("", "", "one row per case", "empty file: no case rows")
        return None
    if bad:
        return None
    return [(line, dict(zip(header, row))) for line, row in body]


def _record_from_csv(row: dict, col: _Collector) -> dict:
    """Convert one CSV row into a record of case columns."""
    rec: dict[str, Any] = {"origin": row.get("origin", "").strip() or "new"}
    for name in _CSV_TEXT_COLUMNS:
        if name in row:
            rec[name] = _field_text(row[name], "id" if name == "case_id" else name, col, shown=name)
    rec["notes"] = _text(row.get("notes"), "notes", col, required=False, long=True)
    if "coded_on" in row:
        rec["coded_on"] = _date(row["coded_on"], "coded_on", col)
    if "sources" in row:
        rec["sources"] = _sources(row["sources"], "sources", col)
    if "sector" in row:
        rec["sector"] = _coded_value(row["sector"], "sector", col, required=True, allowed=_SECTOR_ALLOWED)
    if "ce_degree" in row:
        rec["ce_degree"] = _coded_value(row["ce_degree"], "ce_degree", col, required=False,
                                        allowed=_DEGREE_ALLOWED)
    given = 0
    for name in (*SCORE_COLUMNS, *CODE_COLUMNS):
        if name in row:
            given += bool(row[name].strip())
            rec[name] = _number(row[name], name, col)
    just = {}
    for name in _JUSTIFIED_COLUMNS:
        jcol = f"{name}_justification"
        if jcol in row:
            text = _text(row[jcol], jcol, col, long=True)
            if text:
                just[name] = text
    if given == 0 and all(n in row for n in (*SCORE_COLUMNS, *CODE_COLUMNS)):
        col.add("upgrading_*/gov_*/ee_*/ja_*", None, "at least one score or code",
                "every score and code is missing")
    rec["justifications"] = just
    return rec


# --------------------------------------------------------------------------
# Tabular checks (pandera)
# --------------------------------------------------------------------------

# check label -> (allowed, message); labels are passed to pandera as `error`
_RULES = {
    "slug": ("lowercase letters, digits and single hyphens, e.g. footwear-sinos-valley",
             "id is not a slug"),
    "sector": (_SECTOR_ALLOWED, "unknown sector"),
    "ce_degree": (_DEGREE_ALLOWED, "unknown CE degree"),
    "score_range": ("0 to 3", "score outside 0-3"),
    "half_step": ("multiples of 0.5 (0, 0.5, 1, ... 3)", "score is not a multiple of 0.5"),
    "gov_code": ("0 absent, 1 domestic chain, 2 global chain, 3 domestic and global chain",
                 "governance code not in 0-3"),
    "iso_date": ("an ISO date YYYY-MM-DD", "not a valid ISO date"),
    "origin": ("new", "origin of a contributed case must be 'new'"),
    "unique_id": ("an id used by no other new case", "duplicate id"),
    "published_id": ("an id not used by a case published in the book", "id clashes with a published case"),
}


def _new_case_schema(published_ids: Iterable[str]) -> pa.DataFrameSchema:
    """pandera schema for the frame of new cases (values only; presence and types are checked before)."""
    published = frozenset(published_ids)
    half = pa.Check(lambda s: (s * 2) % 1 == 0, error="half_step")
    score = pa.Column(float, [pa.Check.in_range(0, 3, error="score_range"), half], nullable=True)
    code = pa.Column("Int64", pa.Check.isin(GOVERNANCE_CODES, error="gov_code"), nullable=True)
    columns = {
        "case_id": pa.Column(str, [
            pa.Check.str_matches(SLUG_PATTERN, error="slug"),
            pa.Check(lambda s: ~s.duplicated(keep=False), error="unique_id"),
            pa.Check(lambda s: ~s.isin(published), error="published_id"),
        ], nullable=True),
        "sector": pa.Column(str, pa.Check.isin(SECTORS, error="sector"), nullable=True),
        "ce_degree": pa.Column(str, pa.Check.isin(CE_DEGREES, error="ce_degree"), nullable=True),
        "coded_on": pa.Column(str, pa.Check(
            lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(), error="iso_date"),
            nullable=True),
        "origin": pa.Column(str, pa.Check.isin(["new"], error="origin"), nullable=True),
        **{c: score for c in SCORE_COLUMNS},
        **{c: code for c in CODE_COLUMNS},
    }
    return pa.DataFrameSchema(columns, strict=False, name="new cases")


def _frame(records: list[dict]) -> pd.DataFrame:
    """Records -> frame with the dtypes the schema expects."""
    frame = pd.DataFrame(records)
    for c in CASE_COLUMNS + NEW_CASE_EXTRA_COLUMNS + ["_file", "_label", "_format"]:
        if c not in frame:
            frame[c] = None
    for c in SCORE_COLUMNS:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    for c in CODE_COLUMNS:
        # non-integral codes (1.5) must reach the isin check, so keep them until then
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def _tabular_problems(frame: pd.DataFrame, published_ids: Iterable[str]) -> list[Problem]:
    """Run pandera over the frame and map its failure cases to Problems."""
    checked = frame.copy()
    fractional = {}
    for c in CODE_COLUMNS:
        # Int64 cannot hold 1.5: report such codes here, validate the rest with pandera
        frac = checked[c].notna() & (checked[c] % 1 != 0)
        fractional[c] = checked.index[frac]
        checked[c] = checked[c].where(~frac).astype("Int64")
    for c in ("case_id", "sector", "ce_degree", "coded_on", "origin"):
        checked[c] = checked[c].astype("str")  # pandas text dtype; missing stays missing
    problems = []
    for c, rows in fractional.items():
        for i in rows:
            problems.append(_problem_at(frame, i, c, frame.at[i, c], "gov_code"))
    try:
        _new_case_schema(published_ids).validate(checked, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for _, f in fc.iterrows():
            if pd.isna(f["index"]) or f["check"] not in _RULES:
                # a schema-level failure we did not anticipate: still report it
                problems.append(Problem("(all files)", "", str(f["column"]), f["failure_case"],
                                        "see cases/README.md", f"failed check {f['check']}"))
                continue
            problems.append(_problem_at(frame, int(f["index"]), str(f["column"]),
                                        f["failure_case"], str(f["check"])))
    return problems


def _problem_at(frame: pd.DataFrame, i: int, column: str, value: Any, rule: str) -> Problem:
    """Problem for one failing cell, named in the coder's terms (file, case, YAML path)."""
    row = frame.loc[i]
    allowed, message = _RULES[rule]
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar -> plain Python for a readable message
    if rule == "unique_id":
        others = frame[(frame["case_id"] == row["case_id"]) & (frame.index != i)]
        message += " (also used by " + "; ".join(
            f"{o['_file']} case {o['_label']}" for _, o in others.iterrows()) + ")"
    if isinstance(value, float) and value.is_integer() and column in CODE_COLUMNS:
        value = int(value)
    field = _YAML_PATHS.get(column, column) if row["_format"] == "yaml" else column
    return Problem(row["_file"], row["_label"], field, value, allowed, message)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

def case_files(directory: str | Path, problems: list[Problem]) -> list[Path]:
    """Case files in ``directory`` (not recursive), sorted for a stable order.

    Only regular files count. A symbolic link (or a device, a pipe ...) with a case
    file's name is refused without being opened: a link to a system file must never
    be read, let alone echoed in a message. Files over the size limit are refused
    before they are read. The build copies exactly these files.
    """
    directory = Path(directory)
    if not directory.is_dir():
        problems.append(Problem(str(directory), "", "", str(directory), "an existing directory",
                                "case directory not found"))
        return []
    files = []
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        name = entry.name
        if (not name.lower().endswith(CASE_FILE_SUFFIXES) or name.startswith(TEMPLATE_PREFIX)
                or name.startswith(".")):
            continue
        path = directory / name
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            problems.append(Problem(str(path), "", "", "(symbolic link, not followed)",
                                    "a regular file (copy the file into the directory)",
                                    "symbolic link refused"))
            continue
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                continue  # a sub-directory named like a case file: not read (non-recursive)
            problems.append(Problem(str(path), "", "", "(not a regular file)", "a regular file",
                                    "not a regular file (device, pipe or socket) refused"))
            continue
        if st.st_size > LIMITS["file_bytes"]:
            problems.append(Problem(str(path), "", "", f"{st.st_size} bytes",
                                    f"at most {LIMITS['file_bytes']} bytes per file", "file too large"))
            continue
        files.append(path)
    if len(files) > LIMITS["files"]:
        problems.append(Problem(str(directory), "", "", f"{len(files)} files",
                                f"at most {LIMITS['files']} case files", "too many case files"))
        return []
    if not files and not problems:
        problems.append(Problem(str(directory), "", "", "", "at least one *.yaml, *.yml or *.csv file "
                                f"(files named {TEMPLATE_PREFIX}* are skipped)", "no case files found"))
    return files


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """File contents as text; refuses anything that is not UTF-8.

    Opened without following links and read with a bound, so a file swapped for a
    link or grown after :func:`case_files` looked at it is still refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        problems.append(Problem(str(path), "", "", "", "a readable regular file",
                                f"cannot open the file ({exc.strerror})"))
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            problems.append(Problem(str(path), "", "", "(not a regular file)", "a regular file",
                                    "not a regular file refused"))
            return None
        raw = fh.read(LIMITS["file_bytes"] + 1)
    if len(raw) > LIMITS["file_bytes"]:
        problems.append(Problem(str(path), "", "", "more bytes than allowed",
                                f"at most {LIMITS['file_bytes']} bytes per file", "file too large"))
        return None
    try:
        return raw.decode("utf-8-sig")  # tolerate the BOM some spreadsheet programs write
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.end]
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem(str(path), "", "", bad, "UTF-8 text",
                                f"not UTF-8 text (byte {bad.hex()} at line {line}); save the file as UTF-8"))
        return None


def _records_from_file(path: Path, problems: list[Problem]) -> list[dict]:
    """All usable case records of one file; problems are appended as found."""
    text = _read_text(path, problems)
    if text is None:
        return []
    file = str(path)
    records = []
    if path.suffix.lower() == ".csv":
        for line, row in _parse_csv(text, file, problems) or []:
            cid = row.get("case_id", "").strip()
            label = f"{cid} (line {line})" if cid else f"line {line}"
            rec = _record_from_csv(row, _Collector(problems, file, label, "csv"))
            records.append({**rec, "source_file": path.name, "_file": file, "_label": label, "_format": "csv"})
        return records
    for n, case in enumerate(_parse_yaml(text, file, problems) or [], start=1):
        label = _yaml_label(case, n)
        rec = _record_from_yaml(case, _Collector(problems, file, label, "yaml"))
        if rec is not None:
            records.append({**rec, "source_file": path.name, "_file": file, "_label": label, "_format": "yaml"})
    return records


def validate_new_cases(directory: str | Path, published_ids: Iterable[str] = ()) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check every case file in ``directory``; never raises for bad data.

    Returns (frame, problems). The frame is only trustworthy when problems is
    empty; :func:`load_new_cases` enforces that.
    """
    problems: list[Problem] = []
    records = []
    for path in case_files(directory, problems):
        records += _records_from_file(path, problems)
        if len(records) > LIMITS["cases"]:
            problems.append(Problem(str(directory), "", "", f"more than {LIMITS['cases']} cases",
                                    f"at most {LIMITS['cases']} cases in all files", "too many cases; "
                                    "reading stopped"))
            return pd.DataFrame(columns=NEW_CASE_COLUMNS), _in_reading_order(problems)
    if not records:
        return pd.DataFrame(columns=NEW_CASE_COLUMNS), problems
    frame = _frame(records)
    problems += _tabular_problems(frame, published_ids)
    return frame, _in_reading_order(problems)


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """Group problems by file, then by case, in the order first met.

    Structural and tabular checks find problems in two passes; grouping puts
    everything about one case together, the way a coder fixes them.
    """
    first: dict[tuple[str, str], int] = {}
    for n, p in enumerate(problems):
        first.setdefault((p.file, p.case), n)
    files = {}
    for p in problems:
        files.setdefault(p.file, len(files))
    return sorted(problems, key=lambda p: (files[p.file], first[(p.file, p.case)]))


def load_new_cases(directory: str | Path, published_ids: Iterable[str]) -> pd.DataFrame:
    """Load the researchers' case files in ``directory`` as case-database rows.

    ``published_ids`` are the case ids of the book (``data/cases.csv``); a new
    case may not reuse one. Returns a frame with :data:`NEW_CASE_COLUMNS`:
    the case columns (``origin == "new"``), the computed ``ee_index``,
    ``ja_index``, ``ce_index``, ``upgrading_sum`` and ``ce_degree_source``
    (see :func:`analysis.method.indices.with_indices`),
    plus ``coding_basis``, ``source_file`` and ``justifications`` (dict
    column -> text).

    Raises :class:`CaseValidationError` listing every problem found in every
    file when anything is wrong.
    """
    frame, problems = validate_new_cases(directory, published_ids)
    if problems:
        raise CaseValidationError(problems)
    for c in CODE_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    frame["book_chapter"] = pd.array([pd.NA] * len(frame), dtype="Int64")  # book cases only
    frame = _indices.with_indices(frame, CE_CUTS)
    return frame[NEW_CASE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def read_published_ids(path: str | Path, problems: list[Problem]) -> frozenset[str] | None:
    """Case ids of a published case database (``data/cases.csv`` or ``--published FILE``).

    The file must be a readable UTF-8 CSV with the columns of the case database;
    anything else is a :class:`Problem` (file, missing columns), never a traceback.
    """
    path = Path(path)
    label = f"--published {path}"
    try:
        st = os.stat(path)
    except OSError as exc:
        problems.append(Problem(label, "", "", str(path), "an existing CSV file (the case database)",
                                f"cannot read the file ({exc.strerror})"))
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > LIMITS["file_bytes"]:
        problems.append(Problem(label, "", "", str(path), f"a regular CSV file of at most {LIMITS['file_bytes']} bytes",
                                "not a usable case database"))
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        problems.append(Problem(label, "", "", _plain(str(exc).splitlines()[0] if str(exc) else ""),
                                "a CSV case database like data/cases.csv", "not readable as CSV"))
        return None
    missing = [c for c in CASE_COLUMNS if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        problems.append(Problem(label, "", ", ".join(missing[:3]), f"columns {', '.join(map(_plain, frame.columns[:5]))}",
                                "the columns of the case database (data/cases.csv)",
                                f"not a case database: missing column(s) {shown}"))
        return None
    return frozenset(frame["case_id"])


def default_published_ids(path: str | Path | None = None) -> frozenset[str] | None:
    """Case ids of the book from ``data/cases.csv``; None when the file is absent."""
    path = Path(path) if path else CASES_CSV
    if not path.is_file():
        return None
    return frozenset(pd.read_csv(path, dtype=str, keep_default_na=False)["case_id"])


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.io.newcases validate DIR [--published CSV]``.

    Exit 0 and print a summary when the files are fine; exit 1 and print every
    problem otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m analysis.io.newcases",
                                     description="Check new cluster case files.")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="validate every case file in DIR")
    val.add_argument("directory")
    val.add_argument("--published", help="case database with the book's ids (default data/cases.csv)")
    args = parser.parse_args(argv)
    if args.published:
        problems: list[Problem] = []
        published = read_published_ids(args.published, problems)
        if problems:
            print(CaseValidationError(problems), file=sys.stderr)
            return 1
    else:
        published = default_published_ids()
    if published is None:
        print("note: published case database not found; clashes with the book's ids not checked",
              file=sys.stderr)
        published = frozenset()
    try:
        cases = load_new_cases(args.directory, published)
    except CaseValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    files = sorted(set(cases["source_file"]))
    print(f"OK: {len(cases)} case(s) in {len(files)} file(s)")
    for _, c in cases.iterrows():
        ce = "n/a" if pd.isna(c["ce_index"]) else f"{c['ce_index']:g}"
        degree = "n/a" if pd.isna(c["ce_degree"]) else f"{c['ce_degree']} ({c['ce_degree_source']})"
        print(f"  {c['case_id']}: sector {c['sector']}, CE index {ce}, CE degree {degree}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
