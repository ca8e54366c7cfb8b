"""The ONE number formatter of the book's pages (issue 12).

Two kinds of values reach a page:

- **printed values** (the book's own cells, kept as the strings of ``data/``:
  ``"7.60"``, ``"N/A"``, ``"1,005.0"``) are shown exactly as printed, character
  for character. Pass them as strings: a string is never reformatted.
- **computed values** (numbers) are shown with a stated precision per column
  (``precision={"column": 2}`` or one number for every column), else with the
  fewest decimals (at most three) that show every value of the column, the same
  number of decimals down the column; integers with a thousands separator.
- a **computed value set beside a printed figure** (the two sides of a consistency
  check) is shown at the figure's precision (:func:`beside`): a whole number as an
  integer, a year without separator.

Missing values show as an en dash ("–": nothing published or computed); the
book's own "N/A" is a string and stays "N/A". Downloads are typed
(:func:`typed`): whole-number float columns become integers, missing stays empty.
"""
from __future__ import annotations

import math
from numbers import Integral, Real

import pandas as pd

MISSING = "–"
MAX_DECIMALS = 3
# columns of counters that are read, not added (years, pages, line numbers): no thousands separator
_PLAIN = ("year", "line", "page", "chapter", "number", "id")


def plain_column(name) -> bool:
    """True for columns of years, pages or line numbers (shown without thousands separators)."""
    text = str(name).lower()
    return any(word in text for word in _PLAIN) or str(name).isdigit()


def is_missing(x) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    return isinstance(x, float) and math.isnan(x)


def number(x, decimals: int | None = None, separator: bool = True) -> str:
    """One computed number as shown: ``decimals`` fixed, else integers as integers and
    other values with up to three decimals; thousands separated by commas."""
    if is_missing(x):
        return MISSING
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, Integral):
        return f"{int(x):,}" if separator else str(int(x))
    if isinstance(x, Real):
        x = float(x)
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        if decimals is None:
            decimals = _decimals_needed(x)
        return f"{x:,.{decimals}f}" if separator else f"{x:.{decimals}f}"
    return str(x)


def beside(x, decimals: int = 0, separator: bool = True) -> str:
    """A computed value shown beside a figure printed with ``decimals`` decimals (a consistency
    check's two sides): a whole number as an integer (``10000.0`` beside "10,000" is "10,000",
    ``20.0`` beside "0.31" is "20"); any other value at the figure's decimals when it is exact
    there (``0.73`` beside "0.730" is "0.730"), else with one decimal more, or two when one more
    would only pad with zeros (``22.7`` beside "24" is "22.7", ``60.976`` beside "61" is "60.98",
    not "61.0"); never more than three decimals (nor fewer than ``decimals``). Years pass
    ``separator=False`` ("1997", not "1,997")."""
    if is_missing(x) or isinstance(x, bool) or not isinstance(x, Real):
        return number(x)
    x, d = float(x), max(0, int(decimals))
    if math.isinf(x):
        return number(x)
    if _decimals_needed(x) == 0:
        return number(int(round(x)), separator=separator)
    needed = _decimals_needed(x)
    if needed > d and not f"{x:.{needed}f}".partition(".")[2][d:].strip("0"):
        needed = d  # 28.0000004: nothing but noise below the figure's digits
    if needed > d:
        d += 1
        while d < needed and f"{x:.{d}f}".endswith("0"):
            d += 1
    return number(x, d, separator)


def with_mc_error(x, mc_se, max_decimals: int = MAX_DECIMALS, sign: bool = True) -> str:
    """A Monte-Carlo estimate shown only to the digits its simulation error supports: the most
    decimals (at least one, at most ``max_decimals``) for which the Monte-Carlo standard error
    ``mc_se`` is at most half a unit of the last digit shown (so a rerun with another seed would
    usually print the same digits). Missing values show as "–"."""
    if is_missing(x):
        return MISSING
    d = 1
    if not is_missing(mc_se):
        while d < max_decimals and float(mc_se) <= 0.5 * 10 ** -(d + 1):
            d += 1
    return f"{float(x):+.{d}f}" if sign else f"{float(x):.{d}f}"


def _decimals_needed(x: float) -> int:
    for d in range(MAX_DECIMALS + 1):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            return d
    return MAX_DECIMALS


def column_decimals(values) -> int:
    """Fewest decimals (≤ 3) that show every float of a column."""
    floats = [float(v) for v in values
              if isinstance(v, Real) and not isinstance(v, (bool, Integral)) and not is_missing(v)
              and not math.isinf(float(v))]
    return max((_decimals_needed(v) for v in floats), default=0)


def cell(x, decimals: int | None = None, separator: bool = True) -> str:
    """A cell as shown: strings (printed values, text) as they are, numbers by :func:`number`;
    a link cell ``{"text", "doc"}`` (:mod:`analysis.report.caselinks`) is kept for the
    ``literal-table`` directive, which renders its text as a text node."""
    if isinstance(x, str) or (isinstance(x, dict) and "text" in x):
        return x
    return number(x, decimals, separator)


def display_frame(df: pd.DataFrame, precision: int | dict | None = None) -> pd.DataFrame:
    """``df`` as the strings a page shows, one precision per column (see module docstring)."""
    out = {}
    for i, col in enumerate(df.columns):
        values = df.iloc[:, i].tolist()
        if isinstance(precision, dict):
            d = precision.get(col)
        else:
            d = precision
        if d is None:
            d = column_decimals(values)
        sep = not plain_column(col)
        out[i] = [cell(v, d, sep) for v in values]
    shown = pd.DataFrame(out, index=df.index)
    shown.columns = df.columns
    return shown


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` for a CSV download: float columns holding only whole numbers become integer
    columns (``29000`` rather than ``29000.0``), missing values stay empty."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s.dtype):
            vals = s.dropna()
            if len(vals) and (vals == vals.round()).all() and vals.abs().max() < 2 ** 53:
                out[col] = s.astype("Int64")
    return out


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` with the noun in the right number: ``count(1, "case")`` is "1 case", ``count(3, "case")`` "3 cases"."""
    word = singular if int(n) == 1 else (plural or singular + "s")
    return f"{number(int(n))} {word}"
