"""Policy suggestions for a case, from the book's Tables 10.1 and 10.2.

Table 10.1 (a menu of actions) and Table 10.2 (priorities by sector) are
stored in ``data/policy/`` (provenance and the target mapping in
``data/policy/README.md``). For a case profile page we list

* the priorities of the case's sector (Table 10.2), and
* the menu actions (Table 10.1) whose ``target`` includes one of the case's
  weak points,

each with a ``reason`` saying why it was selected. A weak point
(:func:`weak_points`, what the case pages use) is measured against the case's
sector: the item on which the case falls furthest below the mean of the
sector's published cases, so an item at or above that mean is never weak.
(An earlier, sector-blind reading took the case's own lowest scores as its weak points, so
a case at the top of its sector could be "weak"; it is gone.) This is the project's
mechanical reading of the tables, not advice from the book's authors: the book
insists policy must be context-specific (Ch. 10), so the page should present
the list as a starting point.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd
import pandera.pandas as pa

from analysis.paths import POLICY_DATA_DIR
from analysis.vocab import CE_COMPONENTS, GOVERNANCE_COLUMNS, SECTOR_LABELS, SECTORS, UPGRADING_COLUMNS, column_label

#: names a Table 10.1 target may use
TARGET_NAMES = frozenset(CE_COMPONENTS + UPGRADING_COLUMNS + GOVERNANCE_COLUMNS)
TARGET_SEPARATOR = ";"
MENU_COLUMNS = ["table", "goal", "action", "target", "line", "reason"]

_DATA = POLICY_DATA_DIR


def _targets_valid(s: pd.Series) -> pd.Series:
    """Each cell is empty or a ';'-list of known component names."""
    return s.map(lambda t: all(x in TARGET_NAMES for x in _split(t)))


TABLE_10_1_SCHEMA = pa.DataFrameSchema(
    {
        "goal": pa.Column(str, pa.Check.str_length(min_value=1)),
        "action": pa.Column(str, pa.Check.str_length(min_value=1)),
        "target": pa.Column(str, pa.Check(_targets_valid, error="unknown target name")),
        "target_basis": pa.Column(str),
        "line": pa.Column(int, pa.Check.ge(1)),
        "text_lines": pa.Column(str, pa.Check.str_matches(r"^\d+-\d+$")),
    },
    strict=True, coerce=True, unique=["action"], name="Table 10.1",
)
TABLE_10_2_SCHEMA = pa.DataFrameSchema(
    {
        "sector": pa.Column(str, pa.Check.isin(SECTORS)),
        "sector_label": pa.Column(str),
        "priority": pa.Column(str, pa.Check.str_length(min_value=1)),
        "wording": pa.Column(str, pa.Check.isin(["printed", "paraphrased"])),
        "line": pa.Column(int, pa.Check.ge(1)),
    },
    strict=True, coerce=True, name="Table 10.2",
)


def _split(targets) -> list[str]:
    """Target cell -> list of names (empty cell -> [])."""
    if targets is None or (isinstance(targets, float) and pd.isna(targets)):
        return []
    return [t.strip() for t in str(targets).split(TARGET_SEPARATOR) if t.strip()]


def read_table_10_1(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``data/policy/table_10_1.csv`` (menu of actions)."""
    frame = pd.read_csv(path or _DATA / "table_10_1.csv", dtype=str, keep_default_na=False)
    return TABLE_10_1_SCHEMA.validate(frame, lazy=True)


def read_table_10_2(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``data/policy/table_10_2.csv`` (sector priorities)."""
    frame = pd.read_csv(path or _DATA / "table_10_2.csv", dtype=str, keep_default_na=False)
    return TABLE_10_2_SCHEMA.validate(frame, lazy=True)


# ---------------------------------------------------------------- weak points against the sector

#: the groups ranked apart (so that a low upgrading score does not hide a CE component, and
#: vice versa), each with the noun the reasons use
WEAK_GROUPS = {"collective-efficiency component": CE_COMPONENTS, "upgrading type": UPGRADING_COLUMNS}
#: gaps closer than this are ties (the means are averages of half-point scores)
_TIE = 1e-9


def _score(case_row: Mapping, column: str) -> float | None:
    v = case_row.get(column)
    if v is None or v is pd.NA:
        return None
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(v) else v


def sector_means(sector_cases: pd.DataFrame) -> dict[str, float]:
    """Mean score of each CE component and upgrading type over ``sector_cases`` (the published
    cases of one sector), for the items at least one of them is scored on."""
    out = {}
    for group in WEAK_GROUPS.values():
        for c in group:
            if c in sector_cases.columns:
                vals = pd.to_numeric(sector_cases[c], errors="coerce").dropna()
                if len(vals):
                    out[c] = float(vals.mean())
    return out


def weak_points(case_row: Mapping, means: Mapping[str, float]) -> list[str]:
    """The items on which the case falls furthest below its sector's mean (``means``, from
    :func:`sector_means`), ranked in each group of :data:`WEAK_GROUPS` apart, ties kept.

    Only items below the mean can be weak: a case at or above its sector's mean everywhere
    has no weak point (an empty list), however low its own scores. An item the case is not
    scored on, or that has no sector mean, is not compared (unknown is not weak).
    """
    out = []
    for group in WEAK_GROUPS.values():
        gaps = {}
        for c in group:
            v = _score(case_row, c)
            if v is not None and c in means and means[c] - v > _TIE:
                gaps[c] = means[c] - v
        if gaps:
            top = max(gaps.values())
            out += [c for c in group if c in gaps and top - gaps[c] <= _TIE]
    return out


def comparable_items(case_row: Mapping, means: Mapping[str, float]) -> list[str]:
    """The items both scored for the case and with a sector mean (what :func:`weak_points` compares)."""
    return [c for g in WEAK_GROUPS.values() for c in g if _score(case_row, c) is not None and c in means]


def weak_point_text(case_row: Mapping, means: Mapping[str, float], item: str, label=column_label) -> str:
    """'Functional upgrading (scored 0 against a sector mean of 0.75)'."""
    return f"{label(item)} (scored {_score(case_row, item):g} against a sector mean of {means[item]:.2f})"


def target_text(targets, label=column_label) -> str:
    """A Table 10.1 target cell in readers' labels: 'EE: market access; Functional upgrading'."""
    return "; ".join(label(t) for t in _split(targets))


def policy_menu_for_weak_points(case_row: Mapping, means: Mapping[str, float], table_10_1: pd.DataFrame,
                                table_10_2: pd.DataFrame, label=column_label) -> pd.DataFrame:
    """Sector priorities and the menu actions aimed at the case's :func:`weak_points`.

    Columns :data:`MENU_COLUMNS`: first the Table 10.2 priorities of the case's sector, then
    each Table 10.1 action whose target names a weak point (one row per action, the reason
    naming every weak point it addresses); ``line`` points into the book text. Written for
    readers: targets and reasons name items by ``label`` (data/labels.csv), the sector by its
    label, and each reason gives the case's score beside its sector's mean.
    """
    sector = case_row.get("sector")
    if sector not in SECTORS:
        raise ValueError(f"case {case_row.get('case_id')!r}: unknown sector {sector!r}; "
                         f"allowed: {', '.join(SECTORS)}")
    rows = []
    for _, p in table_10_2[table_10_2["sector"] == sector].iterrows():
        rows.append({"table": "10.2", "goal": p["sector_label"], "action": p["priority"],
                     "target": "", "line": int(p["line"]),
                     "reason": f"a priority the book sets for the case's sector ({SECTOR_LABELS[sector]})"})
    weak = weak_points(case_row, means)
    for _, a in table_10_1.iterrows():
        hits = [w for w in weak if w in _split(a["target"])]
        if not hits:
            continue
        parts = []
        for noun, group in WEAK_GROUPS.items():
            mine = [h for h in hits if h in group]
            if not mine:
                continue
            text = ("aims at " + ", ".join(weak_point_text(case_row, means, h, label) for h in mine)
                    + f", the {noun} furthest below its sector mean")
            others = [w for w in weak if w in group and w not in mine]
            if others:
                text += " (tied with " + ", ".join(label(o) for o in others) + ")"
            parts.append(text)
        rows.append({"table": "10.1", "goal": a["goal"], "action": a["action"],
                     "target": target_text(a["target"], label), "line": int(a["line"]),
                     "reason": "; ".join(parts)})
    return pd.DataFrame(rows, columns=MENU_COLUMNS)
