"""The judging standard, as code (chapters/judging_standard.md states it in words).

Every comparison of the audit — a printed derived cell against its
recomputation, a figure printed twice, a prose statement against a table —
ends in :func:`judge`, and nowhere else:

1. **Same quantity first.** Each side carries five attributes
   (:data:`ATTRIBUTES`: definition, unit, geography, period, source). If one
   differs, or is not stated on one side, the status is ``not_comparable`` and
   the differing attributes are named; the numbers are not judged.
2. **Each figure is an interval.** A stated figure is read as the set of values
   its printed form allows (:func:`stated`): its own rounding unit (the last
   significant digit, or for a printed derived cell its printed decimals) and
   its qualifier ("about", "nearly", "over", ...; one rule per qualifier, in
   ``data/book/qualifiers.csv``). A recomputed value is a point widened by the
   error its rounded inputs can carry (:func:`point`).
3. **Statuses.** ``match``: equal values. ``rounding``: different values whose
   intervals meet. ``mismatch``: the intervals are disjoint; its ``severity``
   is the gap between them in units of the stated figure's tolerance.
   ``not_derivable``: a side has no number. The rule is symmetric: rounding,
   truncation or padding at fewer decimals get no special treatment.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from analysis.method.printed import parse_printed

ATTRIBUTES = ("definition", "unit", "geography", "period", "source")
STATUSES = ("match", "rounding", "mismatch", "not_comparable", "not_derivable")
#: an attribute value that says the book does not state it
NOT_STATED = "not stated"
_EPS = 1e-9


@lru_cache(maxsize=1)
def qualifier_rules() -> pd.DataFrame:
    """``data/book/qualifiers.csv`` (validated), indexed by qualifier."""
    from analysis.io.data import read_validated
    from analysis.io.schema import QUALIFIERS
    from analysis.paths import DATA_DIR

    rules = read_validated(DATA_DIR / "book" / "qualifiers.csv", QUALIFIERS).set_index("qualifier")
    for end in ("low_closed", "high_closed"):
        rules[end] = rules[end] == "true"
    return rules


@dataclass(frozen=True)
class Interval:
    """The values a figure allows; ``lo``/``hi`` may be infinite."""

    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = True
    #: the unit the tolerance is measured in (half-width for a rounded figure)
    scale: float = 0.0

    def meets(self, other: "Interval") -> bool:
        """True if the two intervals share at least one value."""
        lo, lo_c = max((self.lo, self.lo_closed), (other.lo, other.lo_closed), key=lambda t: (t[0], not t[1]))
        hi, hi_c = min((self.hi, self.hi_closed), (other.hi, other.hi_closed), key=lambda t: (t[0], t[1]))
        if lo < hi - _EPS:
            return True
        return abs(lo - hi) <= _EPS and lo_c and hi_c

    def gap(self, other: "Interval") -> float:
        """Distance between two disjoint intervals (0 if they meet)."""
        if self.meets(other):
            return 0.0
        return max(other.lo - self.hi, self.lo - other.hi, 0.0)

    def text(self) -> str:
        def f(x):
            return "∞" if x == math.inf else "-∞" if x == -math.inf else f"{x:.6g}"
        if self.lo == self.hi:
            return f"{self.lo:.6g}"
        return f"{'[' if self.lo_closed else '('}{f(self.lo)}, {f(self.hi)}{']' if self.hi_closed else ')'}"


def significant_unit(text: str) -> float:
    """Unit of the last significant digit of a stated figure.

    ``"14,000"`` -> 1000, ``"750"`` -> 10, ``"25"`` -> 1, ``"39.8"`` -> 0.1,
    ``"0.730"`` -> 0.001 (printed decimals count, trailing zeros included).
    """
    p = parse_printed(text)
    s = str(text).replace(",", "").strip().rstrip("+%")
    if p.decimals:
        return 10.0 ** -p.decimals
    digits = "".join(ch for ch in s if ch.isdigit())
    if not digits or int(digits) == 0:
        return 1.0
    return 10.0 ** (len(digits) - len(digits.rstrip("0")))


def decimals_unit(text: str) -> float:
    """Unit of a printed derived cell: its printed decimals (a whole number: 1)."""
    d = parse_printed(text).decimals or 0
    return 10.0 ** -d


def _rule(qualifier: str) -> pd.Series:
    rules = qualifier_rules()
    if qualifier not in rules.index:
        raise ValueError(f"unknown qualifier {qualifier!r}; data/book/qualifiers.csv allows: "
                         + ", ".join(rules.index))
    return rules.loc[qualifier]


def stated(text, qualifier: str = "plain", unit: float | None = None) -> Interval:
    """The interval a stated figure allows under its qualifier's rule.

    ``unit`` overrides the rounding unit (default :func:`significant_unit`);
    a printed range ("60–90") or lower bound ("150+") sets its own qualifier
    when ``qualifier`` is ``plain``.
    """
    p = parse_printed(text)
    if qualifier in ("negative", "positive"):
        r = _rule(qualifier)
        return Interval(float(r["low"]), float(r["high"]), bool(r["low_closed"]), bool(r["high_closed"]), 1.0)
    if p.is_missing:
        raise ValueError(f"no number in {text!r}")
    if p.lower_bound and qualifier == "plain":
        qualifier = "at least"
    if p.low is not None and p.value is None:
        qualifier = "range"
    r = _rule(qualifier)
    if qualifier == "range":
        u = unit or min(significant_unit(f"{p.low:g}"), significant_unit(f"{p.high:g}"))
        lo, hi = p.low, p.high
    else:
        u = unit or significant_unit(text)
        lo = hi = p.value
    lo_off, hi_off = float(r["low"]), float(r["high"])
    a = lo + lo_off * u if math.isfinite(lo_off) else lo_off
    b = hi + hi_off * u if math.isfinite(hi_off) else hi_off
    width = 0.5 * u if qualifier in ("plain", "range") else u
    return Interval(a, b, bool(r["low_closed"]), bool(r["high_closed"]), width)


def point(value: float, tolerance: float = 0.0) -> Interval:
    """A computed value, widened by the error its rounded inputs can carry."""
    t = abs(float(tolerance or 0.0))
    return Interval(float(value) - t, float(value) + t, True, True, t)


def centre(text) -> float | None:
    p = parse_printed(text)
    if p.value is not None:
        return p.value
    if p.low is not None:
        return (p.low + p.high) / 2
    return None


def differing(printed_side: dict, computed_side: dict) -> list[str]:
    """Attributes that differ between the sides, or that one side does not state."""
    out = []
    for a in ATTRIBUTES:
        x, y = (str(printed_side.get(a) or NOT_STATED).strip(), str(computed_side.get(a) or NOT_STATED).strip())
        if x.lower() != y.lower() or x.lower().startswith(NOT_STATED):
            out.append(a)
    return out


def strict(text, qualifier: str = "plain") -> Interval:
    """The statement as worded, with no allowance for rounding ("over 700": (700, inf); "30 to 60": [30, 60])."""
    return stated(text, qualifier, unit=1e-12)


def judge(printed_interval: Interval | None, computed_interval: Interval | None, *,
          printed_value: float | None = None, computed_value: float | None = None,
          printed_side: dict | None = None, computed_side: dict | None = None,
          printed_strict: Interval | None = None) -> dict:
    """The one judging function. Returns ``status``, ``severity``, ``differs`` and ``rule``.

    ``printed_strict`` is the statement as worded (:func:`strict`): a value
    inside it is a ``match`` even if not equal (a bound reached, a range hit);
    ``*_side`` are the attribute dicts (:data:`ATTRIBUTES`); ``None`` means the
    comparison is of a cell with its own recomputation (the same quantity by
    construction). A side without an interval is ``not_derivable``.
    """
    if printed_side is not None and computed_side is not None:
        diff = differing(printed_side, computed_side)
        if diff:
            return {"status": "not_comparable", "severity": None, "differs": ";".join(diff),
                    "rule": "different quantities: " + "; ".join(
                        f"{a}: {printed_side.get(a) or NOT_STATED} vs {computed_side.get(a) or NOT_STATED}"
                        for a in diff)}
    if printed_interval is None or computed_interval is None:
        return {"status": "not_derivable", "severity": None, "differs": "",
                "rule": "no number to compare on one side"}
    if printed_interval.meets(computed_interval):
        same = (printed_value is not None and computed_value is not None
                and abs(printed_value - computed_value) <= _EPS)
        if printed_strict is not None and computed_value is not None:
            same = same or printed_strict.meets(point(computed_value))
        return {"status": "match" if same else "rounding", "severity": None, "differs": "",
                "rule": ("equal" if same else
                         f"stated {printed_interval.text()} meets computed {computed_interval.text()}")}
    gap = printed_interval.gap(computed_interval)
    scale = printed_interval.scale or computed_interval.scale or 1.0
    return {"status": "mismatch", "severity": round(gap / scale, 3), "differs": "",
            "rule": (f"stated {printed_interval.text()} and computed {computed_interval.text()} are "
                     f"{gap:.4g} apart, {gap / scale:.3g} x the tolerance {scale:.4g}")}


def judge_derived(printed_text, computed: float | None, *, tolerance: float = 0.0,
                  exact: bool = False) -> dict:
    """A printed derived cell against its recomputation (the one rounding rule for derived cells).

    The printed cell is read at its printed decimals, half-up (:func:`decimals_unit`);
    ``exact`` cells (sums of half-step scores, counts) allow no rounding at all.
    The computed value carries ``tolerance`` from its rounded inputs. No other
    convention (truncation, padding a shorter rounding with zeros) is accepted.
    """
    p = parse_printed(printed_text)
    if computed is None or (isinstance(computed, float) and math.isnan(computed)) or p.is_missing:
        return judge(None, None)
    if p.lower_bound:
        iv = stated(printed_text, "at least")
        return judge(iv, point(computed, tolerance), printed_value=centre(printed_text),
                     computed_value=float(computed), printed_strict=strict(printed_text, "at least"))
    elif exact:
        iv = stated(printed_text, "exact")
    else:
        iv = stated(printed_text, "plain", unit=decimals_unit(printed_text))
    return judge(iv, point(computed, tolerance), printed_value=centre(printed_text), computed_value=float(computed))


def round_half_up(x: float, unit: float) -> float:
    """``x`` rounded half-up to a multiple of ``unit`` (for display and notes)."""
    q = Decimal(repr(unit))
    return float((Decimal(repr(float(x))) / q).quantize(Decimal(1), rounding="ROUND_HALF_UP") * q)
