"""Product upgrading measured through trade data (Chapter 8, Amighini).

The chapter judges whether a country *upgrades* in a product from four
movements over a period ``t`` to ``t + n``: its export value, its world market
share, its export unit value, and world demand for the product. This module
holds that method as pure functions, plus the loader for a user's own series.

Notation (the chapter's, for country *A* and product *i*)
----------------------------------------------------------
``X``   export value,              ``Q``  export volume,
``V``   unit value, ``V = X / Q``,  ``Qw`` world trade volume of the product,
``M``   market share, ``M = Q / Qw``; subscripts 0 and 1 stand for ``t`` and ``t+n``;
``ΔZ = Z1 - Z0`` for any of them.

Equation 8.1 (value = volume effect + unit-value effect)::

    ΔX = V1·Q1 - V0·Q0 = V1·(Q1 - Q0) + Q0·(V1 - V0)

It is exact: ``V1·Q1 - V1·Q0 + Q0·V1 - Q0·V0 = V1·Q1 - V0·Q0``.

Equation 8.2 (the volume change split by world demand and market share)::

    ΔX = V1·(M0·ΔQw + ΔM·Qw0 + ΔM·ΔQw) + Q0·ΔV

because ``Q1 = M1·Qw1 = (M0 + ΔM)(Qw0 + ΔQw)`` so that
``ΔQ = M0·ΔQw + ΔM·Qw0 + ΔM·ΔQw``. The chapter attributes ΔX to three factors
(world demand ΔQw, competitiveness ΔM, unit value ΔV) but the equation carries
a cross term ``V1·ΔM·ΔQw`` belonging to both demand and share; we report it as
its own ``interaction`` component rather than allocating it.

(The chapter calls ``Qw`` "world export volume" where it defines ``M`` and
"world total imports" where it lists the factors; the method only needs one
world volume series per product, which the user file calls
``world_import_volume``.)

Two classification rules
------------------------
:func:`classify_table_8_1` — the chapter's own rule (Table 8.1 and the text
beside it): product upgrading needs export value up and unit value up, together
with *either* a rising market share (whatever world demand did) *or* an
unchanged share in an expanding world market ("shift to a higher niche").
Every other case is "no upgrading"; the chapter calls those outcomes ambiguous
(downgrading or withdrawal).

:func:`classify_kaplinsky_readman` — the rule of Kaplinsky and Readman (2000)
as the chapter summarises it: four outcomes from the market-share change and
the unit-value change *relative to competitors* (non-decreasing share + rising
unit value = upgrading; non-decreasing share + falling unit value = immiserizing
growth; falling share + falling unit value = withdrawal; falling share + rising
unit value = niche shift, a possible move to higher-quality restricted niches).
:func:`relative_change` turns an own unit-value change into one relative to
competitors.

Both return a :class:`Verdict` (label, reason). A missing input gives the
label ``"unclassifiable"`` with the reason, unless the known inputs already
settle the outcome (the reason then says so).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

# ---------------------------------------------------------------- labels
UPGRADING_SHARE = "upgrading: rising share"
UPGRADING_NICHE = "upgrading: higher niche, expanding market"
NO_UPGRADING = "no upgrading"
UNCLASSIFIABLE = "unclassifiable"
TABLE_8_1_LABELS = (UPGRADING_SHARE, UPGRADING_NICHE, NO_UPGRADING, UNCLASSIFIABLE)

KR_UPGRADING = "upgrading"
KR_IMMISERIZING = "immiserizing growth"
KR_WITHDRAWAL = "withdrawal"
KR_NICHE = "niche shift"
KR_LABELS = (KR_UPGRADING, KR_IMMISERIZING, KR_WITHDRAWAL, KR_NICHE, UNCLASSIFIABLE)


class Verdict(NamedTuple):
    """A classification outcome and the reason for it, in words."""

    label: str
    reason: str


# ---------------------------------------------------------------- basics
def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or (
        isinstance(x, (np.floating,)) and np.isnan(x))


def sign_of(x, tol: float = 0.0) -> int | None:
    """Sign of a change: 1 if ``x > tol``, -1 if ``x < -tol``, 0 otherwise; None if missing."""
    if _missing(x):
        return None
    if x > tol:
        return 1
    if x < -tol:
        return -1
    return 0


def unit_value(export_value: float, export_volume: float) -> float:
    """Unit value ``V = X / Q``; NaN when the volume is missing or zero (no unit value exists)."""
    if _missing(export_value) or _missing(export_volume) or export_volume == 0:
        return float("nan")
    return export_value / export_volume


def market_share(export_volume: float, world_volume: float) -> float:
    """Market share ``M = Q / Qw`` as a fraction (NaN when either volume is missing)."""
    if _missing(export_volume) or _missing(world_volume) or world_volume == 0:
        return float("nan")
    return export_volume / world_volume


def relative_change(own_change: float, competitor_change: float) -> float:
    """Change of a ratio ``own / competitors`` given both changes as fractions.

    If own unit value grows by ``a`` and competitors' by ``b`` (0.10 = +10 %), the
    own-to-competitor ratio changes by ``(1 + a) / (1 + b) - 1``: positive exactly
    when own unit values "grow more rapidly or fall less rapidly" than
    competitors', the Kaplinsky–Readman criterion.
    """
    if _missing(own_change) or _missing(competitor_change):
        return float("nan")
    return (1.0 + own_change) / (1.0 + competitor_change) - 1.0


# ---------------------------------------------------------------- decomposition
def decompose_8_1(q0: float, q1: float, v0: float, v1: float) -> dict:
    """Equation 8.1: ``ΔX = V1·ΔQ + Q0·ΔV``.

    Returns ``delta_x`` (``V1·Q1 - V0·Q0``), ``volume`` (``V1·(Q1-Q0)``) and
    ``unit_value`` (``Q0·(V1-V0)``); the two effects add up to ``delta_x``.
    """
    return {
        "delta_x": v1 * q1 - v0 * q0,
        "volume": v1 * (q1 - q0),
        "unit_value": q0 * (v1 - v0),
    }


def decompose_8_2(q0: float, q1: float, v0: float, v1: float, qw0: float, qw1: float) -> dict:
    """Equation 8.2: the volume effect of 8.1 split by world demand and market share.

    With ``M = Q/Qw``::

        world_demand = V1·M0·ΔQw      (share held at its start level)
        market_share = V1·ΔM·Qw0      (world volume held at its start level)
        interaction  = V1·ΔM·ΔQw      (the cross term of the equation)
        unit_value   = Q0·ΔV

    Their sum equals ``delta_x = V1·Q1 - V0·Q0`` exactly (up to float error).
    """
    m0, m1 = q0 / qw0, q1 / qw1
    d_qw, d_m = qw1 - qw0, m1 - m0
    return {
        "delta_x": v1 * q1 - v0 * q0,
        "world_demand": v1 * m0 * d_qw,
        "market_share": v1 * d_m * qw0,
        "interaction": v1 * d_m * d_qw,
        "unit_value": q0 * (v1 - v0),
    }


def decompose_from_values(x0: float, x1: float, q0: float, q1: float,
                          qw0: float, qw1: float) -> dict:
    """Equation 8.2 from export values and volumes (unit values ``V = X/Q`` derived)."""
    return decompose_8_2(q0, q1, x0 / q0, x1 / q1, qw0, qw1)


# ---------------------------------------------------------------- rules
def classify_table_8_1(dx, dm, dv, dqw, tol: float = 0.0) -> Verdict:
    """The chapter's product-upgrading rule (Table 8.1).

    Arguments are changes over the period (any units; only signs matter):
    ``dx`` export value, ``dm`` market share, ``dv`` unit value, ``dqw`` world
    demand. A change within ``±tol`` counts as zero. Outcomes:

    * ``dx > 0, dv > 0, dm > 0`` (any ``dqw``) -> "upgrading: rising share";
    * ``dx > 0, dv > 0, dm = 0, dqw > 0`` -> "upgrading: higher niche, expanding market";
    * any other combination -> "no upgrading" (ambiguous in the chapter:
      downgrading or withdrawal);
    * a missing input that could change the outcome -> "unclassifiable".
    """
    sx, sm, sv, sw = (sign_of(v, tol) for v in (dx, dm, dv, dqw))
    if sx is not None and sx <= 0:
        why = "export value did not rise"
        return Verdict(NO_UPGRADING, why + (" (share change unknown, not needed)" if sm is None else ""))
    if sv is not None and sv <= 0:
        why = "unit value did not rise"
        return Verdict(NO_UPGRADING, why + (" (share change unknown, not needed)" if sm is None else ""))
    if sm is not None and sm < 0:
        return Verdict(NO_UPGRADING, "market share fell")
    missing = [n for n, s in (("export value", sx), ("unit value", sv)) if s is None]
    if sm is None:
        missing.append("market share (a share n.a.)")
    if sm == 0 and sw is None:
        missing.append("world demand")
    if missing:
        return Verdict(UNCLASSIFIABLE, "missing: " + ", ".join(missing))
    if sm > 0:
        market = {1: "expanding", 0: "flat", -1: "declining", None: "unknown"}[sw]
        return Verdict(UPGRADING_SHARE, f"export value, unit value and share rose ({market} world market)")
    if sw > 0:
        return Verdict(UPGRADING_NICHE, "unit value rose with unchanged share in an expanding world market")
    return Verdict(NO_UPGRADING, "share unchanged and world demand did not expand")


def classify_kaplinsky_readman(dm, dv, tol: float = 0.0) -> Verdict:
    """Kaplinsky–Readman outcome as the chapter states it.

    ``dm`` market-share change, ``dv`` unit-value change (relative to
    competitors when the caller has that; see :func:`relative_change`).

    * ``dm >= 0, dv > 0`` -> "upgrading"
    * ``dm >= 0, dv < 0`` -> "immiserizing growth"
    * ``dm < 0,  dv < 0`` -> "withdrawal"
    * ``dm < 0,  dv > 0`` -> "niche shift"
    * ``dv = 0`` (within ``tol``) -> "unclassifiable": the chapter's outcomes need
      unit values that rise or fall; a missing input -> "unclassifiable".
    """
    sm, sv = sign_of(dm, tol), sign_of(dv, tol)
    if sv is None and sm is None:
        return Verdict(UNCLASSIFIABLE, "missing: market share and unit value")
    if sv is None:
        return Verdict(UNCLASSIFIABLE, "missing: unit value change")
    if sv == 0:
        return Verdict(UNCLASSIFIABLE, "unit value unchanged: the four outcomes need a rise or a fall")
    if sm is None:
        pair = "upgrading or niche shift" if sv > 0 else "immiserizing growth or withdrawal"
        # short: it is shown in a table cell beside the label (Tables 8.2 and 8.4)
        return Verdict(UNCLASSIFIABLE, f"share n.a.; by unit value {pair}")
    if sm >= 0:
        if sv > 0:
            return Verdict(KR_UPGRADING, "share not decreasing, unit value up")
        return Verdict(KR_IMMISERIZING, "share not decreasing, unit value down")
    if sv < 0:
        return Verdict(KR_WITHDRAWAL, "share down, unit value down")
    return Verdict(KR_NICHE, "share down, unit value up")


# ---------------------------------------------------------------- user series
#: Columns of a user's trade-series CSV (long format, one row per product, country, year).
SERIES_COLUMNS = ["product", "country", "year", "export_value", "export_volume", "world_import_volume"]
_MISSING_TEXT = {"", "n.a.", "na", "NA", "n/a", "N/A", "nan", "NaN"}

SERIES_SCHEMA = pa.DataFrameSchema(
    {
        "product": pa.Column(str, pa.Check.str_length(min_value=1)),
        "country": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": pa.Column(int, pa.Check.in_range(1800, 2200)),
        "export_value": pa.Column(float, pa.Check.ge(0), nullable=True),
        "export_volume": pa.Column(float, pa.Check.ge(0), nullable=True),
        "world_import_volume": pa.Column(float, pa.Check.gt(0)),
    },
    strict=True,
    unique=["product", "country", "year"],
    coerce=True,
    name="trade series",
)


def _failure_lines(path: Path, failures: pd.DataFrame) -> list[str]:
    """Readable messages ``file: row N (CSV line L), field F: ...`` from pandera failures."""
    out = []
    for _, f in failures.iterrows():
        idx = f.get("index")
        col = f.get("column")
        where = "header" if _missing(idx) else f"row {int(idx) + 1} (CSV line {int(idx) + 2})"
        field = col if isinstance(col, str) else str(f.get("check"))
        out.append(f"{path}: {where}, field '{field}': failed {f.get('check')} "
                   f"(value {f.get('failure_case')!r})")
    return out


def _parse_numbers(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Turn text cells of the numeric columns into numbers; blanks and ``n.a.`` become missing.

    Collects every unreadable cell and raises one ``ValueError`` naming source, row and field.
    """
    df = df.copy()
    errors = []
    for col in ("year", "export_value", "export_volume", "world_import_volume"):
        if col not in df.columns or pd.api.types.is_numeric_dtype(df[col]):
            continue
        values = []
        for i, text in zip(df.index, df[col]):
            t = "" if text is None else str(text).strip().replace(",", "")
            if t in _MISSING_TEXT:
                values.append(float("nan"))
                continue
            try:
                values.append(float(t))
            except ValueError:
                errors.append(f"{source}: row {i + 1} (CSV line {i + 2}), field '{col}': "
                              f"not a number ({text!r})")
                values.append(float("nan"))
        df[col] = pd.Series(values, index=df.index, dtype="float64")
    if "year" in df.columns:
        for i, y in zip(df.index, df["year"]):
            if not _missing(y) and float(y) != int(y):
                errors.append(f"{source}: row {i + 1} (CSV line {i + 2}), field 'year': not a whole year ({y!r})")
    if errors:
        raise ValueError("invalid trade series:\n" + "\n".join(errors))
    return df


def validate_series(df: pd.DataFrame, source: str = "<frame>") -> pd.DataFrame:
    """Validate a trade-series frame; errors name the source, row (1-based data row) and field.

    Besides the column checks (numbers, ranges, one row per product, country and
    year), the world volume of a product must be the same for every country in a
    given year (it is one world market).
    """
    df = _parse_numbers(df.reset_index(drop=True), source)
    try:
        df = SERIES_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValueError("invalid trade series:\n" + "\n".join(_failure_lines(Path(source), exc.failure_cases))) from exc
    spread = df.groupby(["product", "year"])["world_import_volume"].transform(lambda s: s.max() - s.min())
    bad = df.index[spread > 0]
    if len(bad):
        lines = [f"{source}: row {i + 1} (CSV line {i + 2}), field 'world_import_volume': differs from "
                 f"other countries' value for {df.at[i, 'product']!r} in {df.at[i, 'year']}" for i in bad]
        raise ValueError("invalid trade series:\n" + "\n".join(lines))
    return df


def read_trade_series(path: str | Path) -> pd.DataFrame:
    """Load a user's trade-series CSV (columns :data:`SERIES_COLUMNS`) and validate it.

    Missing values may be left empty or written ``n.a.``; they are kept missing.
    Raises ``ValueError`` whose message names the file, the row and the field.
    """
    path = Path(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    missing_cols = [c for c in SERIES_COLUMNS if c not in df.columns]
    if missing_cols:
        raise ValueError(f"{path}: header, field(s) {missing_cols} missing; expected columns {SERIES_COLUMNS}")
    out = validate_series(df, source=str(path))
    out.attrs["source"] = str(path)
    return out


def _competitor_unit_value_change(frame: pd.DataFrame, country: str, start: int, end: int) -> float:
    """Change (fraction) of the pooled unit value of the *other* countries of one product.

    Pooled unit value = total value / total volume of the others that report both
    value and a positive volume in both years. NaN when there are none.
    """
    others = frame[frame["country"] != country]
    ok = []
    for c, g in others.groupby("country"):
        y = g.set_index("year")
        if all(yr in y.index for yr in (start, end)) and all(
                not _missing(y.at[yr, "export_value"]) and not _missing(y.at[yr, "export_volume"])
                and y.at[yr, "export_volume"] > 0 for yr in (start, end)):
            ok.append(c)
    if not ok:
        return float("nan")
    sel = others[others["country"].isin(ok)]
    uv = {yr: sel.loc[sel.year == yr, "export_value"].sum() / sel.loc[sel.year == yr, "export_volume"].sum()
          for yr in (start, end)}
    return uv[end] / uv[start] - 1.0


def series_changes(frame: pd.DataFrame, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Start/end levels, changes and the 8.2 decomposition per product and country.

    ``start``/``end`` default to each product's first and last year in the frame.
    Market shares are in per cent of world volume; ``share_change_pp`` in
    percentage points; unit-value and world-volume changes in per cent.
    """
    rows = []
    for product, pf in frame.groupby("product", sort=False):
        t0 = int(pf["year"].min()) if start is None else start
        t1 = int(pf["year"].max()) if end is None else end
        world = pf.groupby("year")["world_import_volume"].first()
        qw0, qw1 = world.get(t0, float("nan")), world.get(t1, float("nan"))
        for country, cf in pf.groupby("country", sort=False):
            y = cf.set_index("year")
            get = lambda col, yr: y.at[yr, col] if yr in y.index else float("nan")  # noqa: E731
            x0, x1 = get("export_value", t0), get("export_value", t1)
            q0, q1 = get("export_volume", t0), get("export_volume", t1)
            v0, v1 = unit_value(x0, q0), unit_value(x1, q1)
            m0, m1 = market_share(q0, qw0), market_share(q1, qw1)
            comp = _competitor_unit_value_change(pf, country, t0, t1)
            own = v1 / v0 - 1.0 if not (_missing(v0) or _missing(v1)) else float("nan")
            rec = {"panel": product, "country": country, "start": t0, "end": t1,
                   "x0": x0, "x1": x1, "q0": q0, "q1": q1, "v0": v0, "v1": v1,
                   "qw0": qw0, "qw1": qw1,
                   "share_start_pct": 100 * m0, "share_end_pct": 100 * m1,
                   "share_change_pp": 100 * (m1 - m0),
                   "export_value_change": x1 - x0,
                   "unit_value_change_pct": 100 * own,
                   "competitor_uv_change_pct": 100 * comp,
                   "unit_value_vs_competitors_pct": 100 * relative_change(own, comp),
                   "world_growth_pct": 100 * (qw1 / qw0 - 1.0),
                   "world_growth_label": f"world volume {100 * (qw1 / qw0 - 1.0):+.1f}% over {t0}–{t1}"}
            parts = (decompose_8_2(q0, q1, v0, v1, qw0, qw1)
                     if not any(_missing(v) for v in (q0, q1, v0, v1, qw0, qw1)) else {})
            for k in ("world_demand", "market_share", "interaction", "unit_value"):
                rec[f"effect_{k}"] = parts.get(k, float("nan"))
            rows.append(rec)
    return pd.DataFrame(rows)


def classify_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Add the three verdict columns (label and reason) to a :func:`series_changes` frame.

    ``table81`` uses export value, share, own unit value and world volume;
    ``kr`` the share and own unit value; ``kr_relative`` the share and unit value
    relative to the other countries of the product in the frame.
    """
    out = changes.copy()
    v81 = [classify_table_8_1(r.export_value_change, r.share_change_pp, r.unit_value_change_pct,
                              r.world_growth_pct) for r in out.itertuples()]
    vkr = [classify_kaplinsky_readman(r.share_change_pp, r.unit_value_change_pct) for r in out.itertuples()]
    vrel = []
    for r in out.itertuples():
        if _missing(r.unit_value_vs_competitors_pct) and not _missing(r.unit_value_change_pct):
            vrel.append(Verdict(UNCLASSIFIABLE, "no competitor in the file reports value and volume in both years"))
        else:
            vrel.append(classify_kaplinsky_readman(r.share_change_pp, r.unit_value_vs_competitors_pct))
    for name, vs in (("table81", v81), ("kr", vkr), ("kr_relative", vrel)):
        out[name] = [v.label for v in vs]
        out[f"{name}_reason"] = [v.reason for v in vs]
    return out


def classify_series(frame: pd.DataFrame, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Whole method on a validated trade-series frame: changes, decomposition and verdicts."""
    return classify_changes(series_changes(validate_series(frame), start, end))
