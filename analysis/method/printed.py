"""Parsing numbers exactly as the book prints them.

A printed cell is kept as the string the book shows ("1,005.0", "n.a.", "–3.2",
"60–90", "150+"). Code never edits that string; it only reads a value and the number of
decimals out of it, so that the audit can judge a computed value at the
precision the book used.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

MISSING_TOKENS = {"", "n.a.", "n.a", "na", "n/a", "N/A", "-", "—", "..", "…"}
_DASHES = "\u2013\u2014\u2212"  # en dash, em dash, minus sign
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d+)?|\.\d+)$")  # ".9801" is printed without a leading zero
_LOWER_BOUND = re.compile(r"^(\d+(\.\d+)?)\+$")  # "150+": more than 150


@dataclass(frozen=True)
class Printed:
    """A printed cell read as a number: ``value`` and its ``decimals``.

    ``lower_bound`` is True for a cell printed "N+" (the book means "more than
    N"): ``value`` is then the bound N, not an exact figure.
    """

    text: str
    value: float | None
    decimals: int | None
    low: float | None = None
    high: float | None = None
    lower_bound: bool = False

    @property
    def is_missing(self) -> bool:
        return self.value is None and self.low is None


def _clean(text: str) -> str:
    s = str(text).strip()
    s = s.replace("\u00a0", " ").replace(",", "")
    s = s.rstrip("%").strip()
    if s.startswith("(") and s.endswith(")"):  # accounting negative
        s = "-" + s[1:-1]
    for d in _DASHES:
        if s.startswith(d):
            s = "-" + s[1:]
    return s.replace(" ", "")


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def parse_printed(text) -> Printed:
    """Read a printed cell.

    >>> parse_printed("1,005.0").value, parse_printed("1,005.0").decimals
    (1005.0, 1)
    >>> parse_printed("n.a.").is_missing
    True
    >>> p = parse_printed("60–90"); (p.low, p.high, p.value)
    (60.0, 90.0, None)
    >>> p = parse_printed("150+"); (p.value, p.lower_bound)
    (150.0, True)
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return Printed("", None, None)
    raw = str(text)
    if raw.strip() in MISSING_TOKENS or raw.strip().lower() in MISSING_TOKENS:
        return Printed(raw, None, None)
    s = _clean(raw)
    if _NUMBER.match(s):
        return Printed(raw, float(s), _decimals(s))
    # a lower bound such as "150+" (more than 150)
    b = _LOWER_BOUND.match(s)
    if b:
        return Printed(raw, float(b.group(1)), _decimals(b.group(1)), lower_bound=True)
    # a range such as "60–90" or "60-90"
    r = re.match(r"^(\d+(?:\.\d+)?)[-\u2013\u2014](\d+(?:\.\d+)?)$", s)
    if r:
        return Printed(raw, None, None, float(r.group(1)), float(r.group(2)))
    raise ValueError(f"cannot read printed number {raw!r}")
