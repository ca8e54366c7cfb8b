"""Statements the book makes about the structure of its own tables, checked.

The statements are data: ``data/book/structural_claims.csv`` holds each one in
our words, with its source line, printed page, the tables it rests on, the
name of the rule that decides it and the rule's parameters (sector, column,
strictness, named cases, ...). This module holds only the rules, in
:data:`RULES`, keyed by the name the data file uses.

A rule either decides the statement itself (``holds`` or ``does not hold``) or,
for a count ("40 case studies", "none of the cases"), computes the count. A
count becomes a row of the audit (table ``"structural claim"``) and is judged
with every other row by :func:`analysis.audit.standard.apply_standard`; its
verdict here is that row's status, and a mismatch points at its root cause in
``data/book/judgements.csv``. A rule that does not hold names its erratum in the
data file (``root_cause``). Statements about Table 9.1 can only be checked on
its printed values, because the per-case components behind it are not
published; those rules say so.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from analysis.audit.standard import apply_standard
from analysis.io.bookref import line_ref
from analysis.method.printed import parse_printed
from analysis.vocab import CE_DEGREES, GOVERNANCE_COLUMNS, SECTOR_LABELS, SECTORS, UPGRADING_COLUMNS

HOLDS, FAILS = "holds", "does not hold"
#: audit rows of the counts: table label
AUDIT_TABLE = "structural claim"
#: the verdict of a count, from the status of its judged audit row
STATUS_VERDICT = {"match": HOLDS, "rounding": HOLDS, "mismatch": FAILS,
                  "not_comparable": "not comparable", "not_derivable": "not derivable"}
DATA_FILE = "data/book/structural_claims.csv"
TABLE_9_1 = "9.1"
#: tables whose rows a count may count
COUNTED_TABLES = ("1.2", "1.3")
#: Table 1.2's production and export columns, in pairs of the same period
T12_PAIRS = (("production_1995", "exports_1996"), ("production_2002", "exports_2002"))
COLUMNS = ["claim_id", "source_line", "page", "tables", "statement", "rule", "evidence", "verdict",
           "root_cause", "note"]


class ClaimsDataError(ValueError):
    """A row of the structural claims file that the rules cannot read (file, line, field, value, allowed)."""


# ------------------------------------------------------------------ parameters
@dataclass(frozen=True)
class Param:
    kind: str            # sector, sectors, column, printed_column, degree, cases, codes, number, bool, table, text
    optional: bool = False


def _allowed(kind: str, ctx) -> list[str]:
    return {
        "sector": list(SECTORS), "sectors": list(SECTORS), "degree": list(CE_DEGREES),
        "column": [*UPGRADING_COLUMNS, *GOVERNANCE_COLUMNS],
        "printed_column": sorted(ctx.t91.columns), "cases": sorted(ctx.cases["case_id"]),
        "codes": ["0", "1", "2", "3"], "bool": ["true", "false"], "table": list(COUNTED_TABLES),
    }.get(kind, [])


def _parse_value(kind: str, text: str, ctx):
    """Parse one parameter; raise ValueError(value, allowed) if not allowed."""
    allowed = _allowed(kind, ctx)
    if kind in ("sectors", "cases", "codes"):
        items = [t.strip() for t in text.split("|")]
        bad = [t for t in items if t not in allowed]
        if bad or not items:
            raise ValueError(bad[0] if bad else text, allowed)
        return [int(t) for t in items] if kind == "codes" else items
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(text, ["a number"]) from None
    if kind == "text":
        return text
    if text not in allowed:
        raise ValueError(text, allowed)
    return text == "true" if kind == "bool" else text


def _split_params(text) -> dict[str, str]:
    if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
        return {}
    return dict(part.split("=", 1) for part in (p.strip() for p in str(text).split(";")) if part)


# ------------------------------------------------------------------ context
@dataclass
class Context:
    data: object
    cases: pd.DataFrame        # every case of cases.csv
    published: pd.DataFrame    # the cases the book publishes (origin 'book')
    t91: pd.DataFrame          # Table 9.1 as printed, one row per sector


def _printed_9_1(printed: pd.DataFrame) -> pd.DataFrame:
    t = printed[printed["table"] == TABLE_9_1].copy()
    t["value"] = t["printed"].map(lambda s: parse_printed(s).value)
    return t.pivot(index="row", columns="column", values="value").reindex(list(SECTORS))


def _context(data) -> Context:
    return Context(data, data.cases, data.cases[data.cases["origin"] == "book"], _printed_9_1(data.printed))


@dataclass
class Result:
    evidence: str
    ok: bool | None = None       # a rule's own verdict
    value: float | None = None   # a count, judged with the audit


def _fmt(series: pd.Series, digits: int = 2) -> str:
    return ", ".join(f"{SECTOR_LABELS.get(k, k)} {v:.{digits}f}" for k, v in series.items())


def _names(items) -> str:
    return ", ".join(SECTOR_LABELS.get(i, str(i)) for i in items)


def _sector(ctx: Context, sector: str) -> pd.DataFrame:
    return ctx.published[ctx.published["sector"] == sector]


# ------------------------------------------------------------------ rules
def printed_top(ctx, column, sectors):
    """the largest {n} printed value(s) of '{column}' in Table 9.1 belong to {sectors}"""
    s = ctx.t91[column]
    return Result(_fmt(s), ok=set(s.sort_values(ascending=False).index[:len(sectors)]) == set(sectors))


def printed_bottom(ctx, column, sectors):
    """the smallest {n} printed value(s) of '{column}' in Table 9.1 belong to {sectors}"""
    s = ctx.t91[column]
    return Result(_fmt(s), ok=set(s.sort_values().index[:len(sectors)]) == set(sectors))


def printed_exceeds(ctx, column, other_column):
    """the printed '{column}' exceeds the printed '{other_column}' in every sector of Table 9.1"""
    d = ctx.t91[column] - ctx.t91[other_column]
    return Result("difference: " + _fmt(d), ok=bool((d > 0).all()))


def row_count(ctx, table):
    """count of the case rows of Table {table}"""
    if table == "1.2":
        t = ctx.data.table_1_2
        return Result(f"{len(t)} rows, covering {t['case_id'].nunique()} distinct cases", value=len(t))
    rec = ctx.data.reconciliation
    listed = set(rec.loc[rec["table"] == table, "case_id"])
    n = int((rec["table"] == table).sum())
    missing = sorted(set(ctx.published["case_id"]) - listed)
    where = [f"{c} (in Tables {', '.join(sorted(set(rec.loc[rec['case_id'] == c, 'table'])))})" for c in missing]
    return Result(f"{n} rows; not listed: {', '.join(where) or 'none'}", value=n)


def distinct_cases(ctx):
    """distinct cases across Tables 1.3, 9.2 and 9.4-9.6 once spellings are reconciled (data/reconciliation.csv)"""
    rec = ctx.data.reconciliation
    per_table = rec.groupby("table")["case_id"].nunique()
    n = ctx.published["case_id"].nunique()
    return Result(f"{n} distinct cases; per table: " + ", ".join(f"{t} {k}" for t, k in per_table.items()), value=n)


def modal_degree_and_top(ctx, sector, degree, cases):
    """the modal CE degree of the {sector} cases is '{degree}', and their only cases at the top degree are {cases}"""
    part = _sector(ctx, sector)
    mode = part["ce_degree"].mode().iloc[0]
    top = set(part.loc[part["ce_degree"] == CE_DEGREES[-1], "case_id"])
    return Result(f"modal degree {mode}; {CE_DEGREES[-1]}: {', '.join(sorted(top))}",
                  ok=mode == degree and top == set(cases))


def few_at_degree(ctx, sector, degree, cases, share):
    """{cases} are at CE degree '{degree}', and the {sector} cases at that degree are under {share} of the sector"""
    part = _sector(ctx, sector)
    at = set(part.loc[part["ce_degree"] == degree, "case_id"])
    return Result(f"{degree}: {', '.join(sorted(at))} ({len(at)} of {len(part)})",
                  ok=set(cases) <= at and len(at) < len(part) * share)


def _rises(means: pd.Series, strict: bool) -> bool:
    m = means.dropna().values
    if len(m) < 2:
        return False
    steps = [b - a for a, b in zip(m[:-1], m[1:])]
    return all(s > 0 for s in steps) if strict else (all(s >= 0 for s in steps) and m[-1] > m[0])


def mean_rises_with_degree(ctx, sector, column, strict):
    """the mean '{column}' of the {sector} cases, by CE degree from low to high, {strictly}"""
    part = _sector(ctx, sector)
    m = part.groupby("ce_degree", observed=False)[column].mean().reindex(list(CE_DEGREES))
    return Result("means by CE degree: " + ", ".join(f"{k} {v:.2f}" for k, v in m.items()), ok=_rises(m, strict))


def few_scoring(ctx, sector, column, min_score, share, cases=None):
    """'{column}' of at least {min_score} in under {share} of the {sector} cases{named}"""
    part = _sector(ctx, sector)
    hit = set(part.loc[part[column] >= min_score, "case_id"])
    above0 = int((part[column] > 0).sum())
    ok = len(hit) < len(part) * share and (cases is None or hit == set(cases))
    return Result(f"{len(hit)} of {len(part)} cases ({', '.join(sorted(hit))}); "
                  f"{above0} of {len(part)} score above 0", ok=ok)


def mean_exceeds(ctx, sector, column, other_column):
    """the mean '{column}' of the {sector} cases exceeds their mean '{other_column}'"""
    part = _sector(ctx, sector)
    a, b = part[column].mean(), part[other_column].mean()
    return Result(f"{column} {a:.2f}, {other_column} {b:.2f}", ok=a > b)


def _domestic_and_global(cases: pd.DataFrame) -> pd.Series:
    """A case has both a domestic chain (a code 1 or 3) and a global one (a code 2 or 3).
    Unknown codes give NaN."""
    gov = cases[list(GOVERNANCE_COLUMNS)]
    known = gov.notna().all(axis=1)
    both = gov.isin([1, 3]).any(axis=1) & gov.isin([2, 3]).any(axis=1)
    return both.where(known)


def coexisting_chains_top(ctx, sectors):
    """{sectors} have the {n} largest shares of cases with both a domestic chain (code 1 or 3) and a global one (code 2 or 3)"""
    p = ctx.published
    shares = p.assign(both=_domestic_and_global(p).astype(float)).groupby("sector")["both"].mean().reindex(list(SECTORS))
    return Result("share of cases: " + _fmt(shares),
                  ok=set(shares.sort_values(ascending=False).index[:len(sectors)]) == set(sectors))


def _with_code(ctx, sector, column, codes):
    part = _sector(ctx, sector)
    return part, part.loc[part[column].isin(codes), "case_id"].tolist()


def majority_with_code(ctx, sector, column, codes):
    """more than half of the {sector} cases have '{column}' coded {codes}"""
    part, hit = _with_code(ctx, sector, column, codes)
    return Result(f"{len(hit)} of {len(part)} cases", ok=len(hit) > len(part) / 2)


def all_with_code(ctx, sector, column, codes):
    """every {sector} case has '{column}' coded {codes}"""
    part, hit = _with_code(ctx, sector, column, codes)
    return Result(f"{len(hit)} of {len(part)} cases", ok=len(hit) == len(part))


def count_with_code(ctx, sector, column, codes):
    """count of the {sector} cases with '{column}' coded {codes}"""
    part, hit = _with_code(ctx, sector, column, codes)
    return Result(f"{len(hit)} of {len(part)} cases: {', '.join(hit) or 'none'}", value=len(hit))


def footnote_marks_excess(ctx, footnote):
    """the rows of Table 1.2 where an export figure exceeds the production figure of the same period are exactly those marked {footnote}"""
    num = lambda s: parse_printed(s).value  # noqa: E731
    flagged, exceed = set(), set()
    for _, r in ctx.data.table_1_2.iterrows():
        if footnote in str(r["footnotes"]).split(","):
            flagged.add(r["cluster"])
        for prod, exp in T12_PAIRS:
            p, e = num(r[prod]), num(r[exp])
            if p is not None and e is not None and e > p:
                exceed.add(r["cluster"])
    return Result(f"marked {footnote}: {', '.join(sorted(flagged))}; exports above production: "
                  f"{', '.join(sorted(exceed))}", ok=flagged == exceed)


def rankings_agree(ctx, column):
    """same order of the sectors with published CE degrees by mean degree (low=1, medium=2, high=3) and by the printed '{column}'"""
    deg = ctx.published.dropna(subset=["ce_degree"]).assign(o=lambda d: d["ce_degree"].cat.codes + 1)
    mean_deg = deg.groupby("sector")["o"].mean()
    common = [s for s in SECTORS if s in mean_deg.index]
    ce = ctx.t91[column]
    same = list(mean_deg[common].sort_values().index) == list(ce[common].sort_values().index)
    return Result("mean degree: " + _fmt(mean_deg[common]) + "; " + column + ": " + _fmt(ce[common]), ok=same)


def _spec(fn: Callable, **kinds) -> tuple[Callable, dict[str, Param]]:
    sig = inspect.signature(fn)
    return fn, {k: Param(kinds[k], sig.parameters[k].default is not inspect.Parameter.empty) for k in kinds}


#: rule name (the data file's ``rule``) -> (function, parameters); counts are the rules that return a value
RULES: dict[str, tuple[Callable, dict[str, Param]]] = {
    "printed_top": _spec(printed_top, column="printed_column", sectors="sectors"),
    "printed_bottom": _spec(printed_bottom, column="printed_column", sectors="sectors"),
    "printed_exceeds": _spec(printed_exceeds, column="printed_column", other_column="printed_column"),
    "row_count": _spec(row_count, table="table"),
    "distinct_cases": _spec(distinct_cases),
    "modal_degree_and_top": _spec(modal_degree_and_top, sector="sector", degree="degree", cases="cases"),
    "few_at_degree": _spec(few_at_degree, sector="sector", degree="degree", cases="cases", share="number"),
    "mean_rises_with_degree": _spec(mean_rises_with_degree, sector="sector", column="column", strict="bool"),
    "few_scoring": _spec(few_scoring, sector="sector", column="column", min_score="number", share="number",
                         cases="cases"),
    "mean_exceeds": _spec(mean_exceeds, sector="sector", column="column", other_column="column"),
    "coexisting_chains_top": _spec(coexisting_chains_top, sectors="sectors"),
    "majority_with_code": _spec(majority_with_code, sector="sector", column="column", codes="codes"),
    "all_with_code": _spec(all_with_code, sector="sector", column="column", codes="codes"),
    "count_with_code": _spec(count_with_code, sector="sector", column="column", codes="codes"),
    "footnote_marks_excess": _spec(footnote_marks_excess, footnote="text"),
    "rankings_agree": _spec(rankings_agree, column="printed_column"),
}
#: the rules that return a count (judged as audit rows)
COUNT_RULES = frozenset({"row_count", "distinct_cases", "count_with_code"})
#: rounding unit of a count (a whole number)
COUNT_STEP = 1.0


def describe(rule: str, params: dict) -> str:
    """The rule in words: its docstring filled with the row's parameters."""
    fn, _ = RULES[rule]
    shown = {k: (_names(v) if isinstance(v, list) else SECTOR_LABELS.get(v, v) if k == "sector" else v)
             for k, v in params.items()}
    lists = [v for v in params.values() if isinstance(v, list)]
    shown.setdefault("n", len(lists[0]) if lists else "")
    shown.setdefault("named", f", and they are exactly {_names(params['cases'])}" if params.get("cases") else "")
    shown.setdefault("strictly", "rises at each step" if params.get("strict") else "never falls, ends higher")
    shown.setdefault("cases", "")
    return " ".join(fn.__doc__.split()).format(**shown)


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and pd.isna(x)) or not str(x).strip()


def read_rules(data, ctx: Context | None = None) -> list[dict]:
    """Every row of the claims file with its rule's parameters parsed and checked.

    Raises :class:`ClaimsDataError` listing every problem, each naming the file,
    the CSV line, the claim, the field, the value and what is allowed."""
    ctx = ctx or _context(data)
    claims = data.structural_claims
    source = claims.attrs.get("source", DATA_FILE)
    problems, out = [], []
    for i, c in claims.reset_index(drop=True).iterrows():
        where = f"{source}, line {i + 2} (claim {c['claim_id']})"

        def bad(field, value, allowed):
            problems.append(f"{where}, field {field!r}: value {value!r} not allowed; allowed: {allowed}")
        rule = c["rule"]
        if rule not in RULES:
            bad("rule", rule, ", ".join(sorted(RULES)))
            continue
        _, spec = RULES[rule]
        raw = _split_params(c.get("params"))
        params = {}
        for key in sorted(set(raw) - set(spec)):
            bad(f"params.{key}", raw[key], ", ".join(spec) or "no parameters")
        for key, p in spec.items():
            if key not in raw:
                if not p.optional:
                    bad(f"params.{key}", None, f"a {p.kind} (required)")
                continue
            try:
                params[key] = _parse_value(p.kind, raw[key].strip(), ctx)
            except ValueError as exc:
                value, allowed = exc.args
                bad(f"params.{key}", value, ", ".join(map(str, allowed)))
        count = rule in COUNT_RULES
        for field in ("number", "qualifier", "measure"):
            if count and _blank(c.get(field)):
                bad(field, None, f"a {field} (a count is judged with the audit)")
            if not count and not _blank(c.get(field)):
                bad(field, c.get(field), "empty (only a count states a number)")
        if count and not _blank(c.get("root_cause")):
            bad("root_cause", c["root_cause"], "empty (see data/book/judgements.csv)")
        out.append({**c.to_dict(), "params": params})
    if problems:
        raise ClaimsDataError(f"{len(problems)} problem(s) in the structural claims:\n" + "\n".join(problems))
    return out


def _evaluate(data):
    ctx = _context(data)
    rows = read_rules(data, ctx)
    return rows, [RULES[r["rule"]][0](ctx, **r["params"]) for r in rows]


def _audit_row(c: dict, res: Result) -> dict:
    return {"table": AUDIT_TABLE, "row": c["claim_id"], "column": c["measure"], "printed": c["number"],
            "computed": float(res.value), "status": "", "rule": describe(c["rule"], c["params"]),
            "note": res.evidence, "tolerance": 0.0, "exact": True, "line": int(c["line"]),
            "kind": "consistency", "chapter": int(c["chapter"])}


def structural_audit(data) -> pd.DataFrame:
    """The counts among the statements, as raw audit rows (judged with the rest of the audit)."""
    rows, results = _evaluate(data)
    return pd.DataFrame([_audit_row(c, r) for c, r in zip(rows, results) if c["rule"] in COUNT_RULES])


def structural_sides(claims: pd.DataFrame) -> dict:
    """Audit key -> (side, number, qualifier, step) of the counts (cf. :func:`analysis.audit.prose_claims.claim_sides`).
    A count of cases is a whole number, so its rounding unit is 1 ("40" is not read to the ten)."""
    counts = claims[claims["rule"].isin(COUNT_RULES)]
    return {(AUDIT_TABLE, c["claim_id"], c["measure"]): ("printed", c["number"], c["qualifier"], COUNT_STEP)
            for _, c in counts.iterrows()}


def check_claims(data) -> pd.DataFrame:
    """All statements with the rule that decides each, its evidence and verdict (columns :data:`COLUMNS`)."""
    rows, results = _evaluate(data)
    counts = [_audit_row(c, r) for c, r in zip(rows, results) if c["rule"] in COUNT_RULES]
    judged = {}
    if counts:
        j = data.judgements[data.judgements["table"] == AUDIT_TABLE]
        audit = apply_standard(pd.DataFrame(counts), j, structural_sides(data.structural_claims))
        judged = {r["row"]: r for _, r in audit.iterrows()}
    out = []
    for c, res in zip(rows, results):
        if c["rule"] in COUNT_RULES:
            a = judged[c["claim_id"]]
            verdict = STATUS_VERDICT[a["status"]]
            root = a["root_cause"]
            evidence = f"{res.evidence} (stated: {c['number']}, {c['qualifier']}; audit status {a['status']})"
        else:
            verdict = HOLDS if res.ok else FAILS
            root = None if _blank(c.get("root_cause")) else c["root_cause"]
            evidence = res.evidence
        out.append({"claim_id": c["claim_id"], "source_line": int(c["line"]), "page": c["page"],
                    "tables": c["tables"], "statement": c["statement"], "rule": describe(c["rule"], c["params"]),
                    "evidence": evidence, "verdict": verdict, "root_cause": root,
                    "note": None if _blank(c.get("note")) else c["note"]})
    return pd.DataFrame(out, columns=COLUMNS)


def claims_problems(claims: pd.DataFrame, errata: pd.DataFrame) -> list[str]:
    """What the judging standard forbids among the checked statements: a statement that does not
    hold without a root cause in data/errata.csv, a root cause on a statement that holds, and a
    page that is not the page of the statement's line."""
    known, msgs = set(errata["root_cause"]), []
    for _, c in claims.iterrows():
        fails = c["verdict"] == FAILS
        if fails and _blank(c["root_cause"]):
            msgs.append(f"{c['claim_id']}: does not hold and names no root cause")
        elif fails and c["root_cause"] not in known:
            msgs.append(f"{c['claim_id']}: unknown root cause {c['root_cause']!r}")
        elif not fails and not _blank(c["root_cause"]):
            msgs.append(f"{c['claim_id']}: names root cause {c['root_cause']!r} but its verdict is {c['verdict']!r}")
        if c["page"] != line_ref(int(c["source_line"])):
            msgs.append(f"{c['claim_id']}: page {c['page']!r} is not the page of line {c['source_line']}")
    return msgs
