"""The judging standard applied to every audit row (see chapters/judging_standard.md).

The audit functions of each chapter compute the two sides of a comparison;
this module decides the status of every row with the one judging function,
:func:`analysis.audit.judging.judge`, from

* the row itself (printed text, computed value, the error ``tolerance`` its
  rounded inputs carry, ``exact`` for sums that allow no rounding), and
* for comparisons of two statements (``kind == "consistency"``) the judgement
  recorded in ``data/book/judgements.csv``: each side's five attributes, the
  qualifier and rounding unit of each figure, the relation tested (equal, or a
  part against its whole), and the erratum's root cause.

A derived cell and its recomputation from the same table's inputs are the same
quantity by construction, so their attributes are filled in from the table.
Every mismatch must point at a root cause in ``data/errata.csv``.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.audit.judging import ATTRIBUTES, Interval, centre, judge, judge_derived, point, stated, strict
from analysis.io.bookref import book_ref, line_ref
from analysis.method.printed import parse_printed

SIDES = ("printed", "computed")
ATTRIBUTE_COLUMNS = [f"{s}_{a}" for s in SIDES for a in ATTRIBUTES]
#: columns the standard adds to the audit
STANDARD_COLUMNS = [*ATTRIBUTE_COLUMNS, "relation", "nested", "differs", "severity", "root_cause", "role", "page", "reason"]
ROLES = ("origin", "follows")
KEY = ["table", "row", "column"]


class StandardError(ValueError):
    """The audit and its judgements do not fit together (named rows)."""


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x).strip() == ""


def _num(x) -> float | None:
    return None if _blank(x) else float(x)


def _figure_text(x: float) -> str:
    """A value read back as the figure the book printed (``29000.0`` -> ``"29000"``)."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(round(x, 6))


def _base_table(label: str) -> str:
    return str(label).split(" ")[0]


def _derived_sides(row: pd.Series) -> dict:
    """Both sides of a derived cell: the printed cell and its recomputation from the same table."""
    try:
        src = book_ref(_base_table(row["table"]))
    except KeyError:
        src = f"Table {row['table']}"
    side = {"definition": f"{row['row']} | {row['column']}", "unit": f"as printed in {src}",
            "geography": f"as printed in {src}", "period": f"as printed in {src}", "source": src}
    return {f"{s}_{a}": side[a] for s in SIDES for a in ATTRIBUTES}


def _page(row: pd.Series) -> str:
    line = row.get("line")
    if not _blank(line):
        try:
            return line_ref(int(line))
        except ValueError:
            pass
    try:
        return book_ref(_base_table(row["table"])).split(", ", 1)[1]
    except KeyError:
        return ""


def _related(iv: Interval, relation: str) -> Interval:
    """Widen the printed side for a part/whole relation (printed <= or >= computed)."""
    if relation == "printed_le_computed":
        return Interval(iv.lo, math.inf, iv.lo_closed, False, iv.scale)
    if relation == "printed_ge_computed":
        return Interval(-math.inf, iv.hi, False, iv.hi_closed, iv.scale)
    return iv


def with_claim(j: pd.Series, claim: tuple | None) -> pd.Series:
    """The judgement completed by the text claim on this row (``data/book/text_claims.csv``
    holds the number and qualifier of every prose statement; the judgement holds the rest)."""
    if claim is None:
        return j
    side, number, qualifier, step = claim
    j = j.astype(object).copy()
    if side == "printed":
        j["printed_figure"] = "qualitative" if qualifier == "qualitative" else number
        j["printed_qualifier"] = None if qualifier == "qualitative" else qualifier
        if not _blank(step):
            j["printed_step"] = step
    else:
        j["computed_figure"], j["computed_qualifier"] = number, qualifier
        if not _blank(step):
            j["computed_step"] = step
    return j


def judge_consistency(row: pd.Series, j: pd.Series) -> dict:
    """Status of a comparison of two statements under the standard."""
    printed_side = {a: j[f"printed_{a}"] for a in ATTRIBUTES}
    computed_side = {a: j[f"computed_{a}"] for a in ATTRIBUTES}
    nested = j.get("nested")
    if not _blank(nested):  # a part against its whole: this attribute differs by design
        printed_side[nested] = computed_side[nested] = "nested by design"
    ptext = row["printed"] if _blank(j["printed_figure"]) else j["printed_figure"]
    if str(ptext).strip() == "qualitative":  # a description is not a figure, whatever its sides
        return {"status": "not_derivable", "severity": None, "differs": "",
                "rule": "qualitative wording: the standard does not read it as a number"}
    qualifier = "plain" if _blank(j["printed_qualifier"]) else j["printed_qualifier"]
    try:
        piv = stated(ptext, qualifier, unit=_num(j["printed_step"]))
    except ValueError:
        piv = None
    if piv is None:
        return judge(None, None, printed_side=printed_side, computed_side=computed_side)
    piv = _related(piv, j["relation"] or "equal")
    computed = _num(row["computed"])
    as_figure = not (_blank(j["computed_figure"]) and _blank(j["computed_step"]) and _blank(j["computed_qualifier"]))
    if as_figure:
        ctext = j["computed_figure"] if not _blank(j["computed_figure"]) else (
            None if computed is None else _figure_text(computed))
        civ = None if ctext is None else stated(
            ctext, "plain" if _blank(j["computed_qualifier"]) else j["computed_qualifier"], unit=_num(j["computed_step"]))
        cval = None if ctext is None else centre(ctext)
    else:
        tol = _num(j["computed_tolerance"])
        tol = (_num(row.get("tolerance")) or 0.0) if tol is None else tol
        civ = None if computed is None else point(computed, tol)
        cval = computed
    pval = centre(ptext) if qualifier not in ("negative", "positive") else None
    # the statement as worded: a plain figure in a part/whole relation is a bound ("238 of
    # the 2,095 firms": at most 2,095), which a computed value beyond it reaches (a match)
    relation = j["relation"] or "equal"
    worded = None if qualifier == "plain" and relation == "equal" else _related(strict(ptext, qualifier), relation)
    return judge(piv, civ, printed_value=pval, computed_value=cval,
                 printed_side=printed_side, computed_side=computed_side, printed_strict=worded)


def apply_standard(audit: pd.DataFrame, judgements: pd.DataFrame, claims: dict | None = None) -> pd.DataFrame:
    """Re-judge every audit row under the standard; add :data:`STANDARD_COLUMNS`.

    ``claims`` maps audit keys to the prose statement judged there
    (:func:`analysis.audit.prose_claims.claim_sides`).

    Raises :class:`StandardError` naming the rows if a comparison of two
    statements has no judgement, or a judgement points at no audit row.
    """
    jmap = {tuple(k): r for k, r in zip(judgements[KEY].values, (r for _, r in judgements.iterrows()))}
    used, missing, out = set(), [], []
    for _, row in audit.iterrows():
        key = (row["table"], row["row"], row["column"])
        j = jmap.get(key)
        rec = row.to_dict()
        if row["kind"] == "consistency":
            if j is None:
                missing.append(key)
                continue
            res = judge_consistency(row, with_claim(j, (claims or {}).get(key)))
            rec.update({c: j[c] for c in ATTRIBUTE_COLUMNS})
            rec.update(relation=j["relation"] or "equal", nested=None if _blank(j["nested"]) else j["nested"])
        else:
            res = judge_derived(row["printed"], _num(row["computed"]),
                                tolerance=_num(row.get("tolerance")) or 0.0, exact=bool(row.get("exact")))
            rec.update(_derived_sides(row), relation="equal", nested=None)
            if j is not None:
                rec.update({c: j[c] for c in ATTRIBUTE_COLUMNS if not _blank(j[c])})
        if j is not None:
            used.add(key)
        rec.update(status=res["status"], rule=res["rule"], severity=res["severity"], differs=res["differs"],
                   root_cause=None if j is None or _blank(j["root_cause"]) else j["root_cause"],
                   role=None if j is None or _blank(j["role"]) else j["role"],
                   reason=None if j is None or _blank(j["reason"]) else j["reason"],
                   page=_page(row))
        out.append(rec)
    stale = [k for k in jmap if k not in used]
    if missing or stale:
        raise StandardError(
            "data/book/judgements.csv does not fit the audit:\n"
            + "".join(f"  no judgement for the comparison {k}\n" for k in missing)
            + "".join(f"  judgement for no audit row {k}\n" for k in stale))
    return pd.DataFrame(out)


def problems(audit: pd.DataFrame, errata: pd.DataFrame) -> list[str]:
    """What the standard forbids in a judged audit, one message per offending row.

    * a ``mismatch`` without a root cause, or pointing at a root cause that
      ``data/errata.csv`` does not list;
    * a ``mismatch`` whose two sides differ in an attribute;
    * an erratum no mismatch points at (it would mislead);
    * a judged row (any status but ``not_derivable``) that lacks one of the five
      attributes of either side, or a row without a printed page.
    """
    msgs = []
    for _, r in audit.iterrows():
        where = f"{r['table']} / {r['row']} / {r['column']}"
        if _blank(r.get("page")):
            msgs.append(f"row without a printed page: {where}")
        if r["status"] == "not_derivable":
            continue
        lacking = [c for c in ATTRIBUTE_COLUMNS if _blank(r.get(c))]
        if lacking:
            msgs.append(f"{r['status']} row without {', '.join(lacking)}: {where}")
    known = set(errata["root_cause"])
    mism = audit[audit["status"] == "mismatch"]
    for _, r in mism.iterrows():
        where = f"{r['table']} / {r['row']} / {r['column']}"
        if _blank(r.get("root_cause")):
            msgs.append(f"mismatch without a root cause: {where}")
        elif r["root_cause"] not in known:
            msgs.append(f"mismatch points at unknown root cause {r['root_cause']!r}: {where}")
        for a in ATTRIBUTES:
            if a == r.get("nested"):  # a part against its whole differs here by design
                continue
            if str(r[f"printed_{a}"]).strip().lower() != str(r[f"computed_{a}"]).strip().lower():
                msgs.append(f"mismatch whose sides differ in {a}: {where}")
    pointed = set(mism["root_cause"].dropna())
    for rc in sorted(known - pointed):
        msgs.append(f"erratum {rc} is not the root cause of any mismatch")
    return msgs


def errata_by_root_cause(audit: pd.DataFrame, errata: pd.DataFrame) -> pd.DataFrame:
    """The errata, one row per root cause, with the number of contradictions it
    explains, the cells that follow from it, and its severity (largest gap in
    units of the tolerance among its own mismatches). No errata: no rows, the same columns."""
    mism = audit[audit["status"] == "mismatch"]
    rows = []
    for _, e in errata.iterrows():
        m = mism[mism["root_cause"] == e["root_cause"]]
        own = m[m["role"] != "follows"]
        rows.append({**e.to_dict(), "contradictions": int(len(own)), "following_cells": int((m["role"] == "follows").sum()),
                     "severity": float(own["severity"].max()) if len(own) else float("nan")})
    counts = {"contradictions": "int64", "following_cells": "int64", "severity": "float64"}
    return pd.DataFrame(rows, columns=[*errata.columns, *counts]).astype(counts)


def changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rows whose status the standard changed: old status, new status and why."""
    m = after.merge(before[[*KEY, "status"]].rename(columns={"status": "old_status"}), on=KEY, how="left")
    m["old_status"] = m["old_status"].fillna("(new check)")
    ch = m[m["old_status"] != m["status"]].copy()

    def why(r):
        if r["status"] == "not_comparable":
            return f"different quantities ({r['differs'].replace(';', ', ')}): {r['reason'] or r['rule']}"
        if not _blank(r.get("reason")):
            return r["reason"]
        return r["rule"]
    ch["why"] = ch.apply(why, axis=1)
    return ch[[*KEY, "printed", "computed", "old_status", "status", "why"]].reset_index(drop=True)


def is_number(text) -> bool:
    try:
        return parse_printed(text).value is not None
    except ValueError:
        return False


def status_before_after(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Counts per status before the standard (snapshot) and after it, by kind of comparison."""
    from analysis.audit.judging import STATUSES

    rows = []
    for kind in ("derived cell", "consistency"):
        b = before[before["kind"] == kind]["status"].value_counts()
        a = after[after["kind"] == kind]["status"].value_counts()
        for s in STATUSES:
            rows.append({"kind": kind, "status": s, "before": int(b.get(s, 0)), "after": int(a.get(s, 0))})
    out = pd.DataFrame(rows)
    total = out.groupby("status", sort=False)[["before", "after"]].sum().reset_index()
    total.insert(0, "kind", "all")
    return pd.concat([out, total], ignore_index=True)


def errata_view(audit: pd.DataFrame, errata: pd.DataFrame) -> pd.DataFrame:
    """The errata for display, one line per root cause, most severe first within each kind
    (no errata: an empty frame with the same columns)."""
    e = errata_by_root_cause(audit, errata)
    e = e.sort_values(["kind", "severity"], ascending=[True, False])
    return pd.DataFrame({
        "Root cause": e["root_cause"], "Kind": e["kind"].str.replace("_", " "), "Erratum": e["title"],
        "First statement": e["quantity_a"] + " (" + e["page_a"] + ")",
        "Second statement": e["quantity_b"] + " (" + e["page_b"] + ")",
        "Why the same quantity": e["same_quantity"],
        "Severity (x tolerance)": e["severity"].round(2),
        "Contradictions": e["contradictions"], "Cells following from it": e["following_cells"],
    }).reset_index(drop=True)


def counted_mismatches(audit: pd.DataFrame) -> pd.DataFrame:
    """Mismatches that count: those that are not consequences of another erratum."""
    m = audit[audit["status"] == "mismatch"]
    return m[m["role"] != "follows"]
