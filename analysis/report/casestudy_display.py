"""Turning case-study tables and audit rows into what the chapter pages show.

The chapter notebooks (``chapters/ch02_dairy.md`` ...) call these functions and
hand the results to :class:`analysis.report.present.Page`; nothing here reads files, except
:func:`consistency_view` when it is not given the book's data (see there).

* :func:`rebuilt_table`: a printed table rebuilt from its cells. Input cells are
  shown as printed (ranges such as "60–90" and lower bounds such as "150+" stay
  text, ``n.a.`` and dashes become missing). A derived cell the audit could
  recompute shows the *computed* value; a derived cell whose inputs the book
  does not publish is shown as printed, and the caption note says how many.
* :func:`cell_notes`: the notes of a cells file (footnotes, reconstruction
  decisions) as a de-duplicated list, each with the cells it applies to.
* :func:`consistency_view`: a chapter's consistency checks for display: each statement as
  worded, the two figures in the order the check names their sources, why it holds.
* :func:`select_panels`, :func:`classification_view`, :func:`text_comparison_view`,
  :func:`disagreements`: the Chapter 8 page.
* :func:`md_escape`: text shown literally in a MyST paragraph (:func:`analysis.escape.myst`).
"""
from __future__ import annotations

import functools
import math
import re

import pandas as pd

from analysis import escape, vocab
from analysis.audit.casestudies import sides
from analysis.audit.judging import stated
from analysis.audit.prose_claims import AUDIT_TABLE, REF, claim_sides
from analysis.report import format as fmt
from analysis.method.printed import parse_printed

def md_escape(text) -> str:
    """Text shown exactly as written in a MyST paragraph (the project's one escaper)."""
    return escape.myst(text)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _shown_printed(text):
    """A printed cell for display: missing markers become None, everything else stays text."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    return None if parse_printed(text).is_missing else str(text)


def rebuilt_table(cells: pd.DataFrame, audit: pd.DataFrame | None = None,
                  index_name: str = "", split_rows: tuple[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """The table of ``cells`` with every derivable derived cell replaced by its recomputed value.

    ``audit`` holds the table's derived-cell audit rows (columns row, column,
    computed). ``split_rows`` names two columns to split row labels of the form
    ``"A | B"`` into. Returns ``(frame, counts)``; ``frame`` has the row label(s)
    as ordinary columns, ``counts`` the numbers of ``input``, ``recomputed`` and
    ``derived_as_printed`` cells.
    """
    computed = {}
    if audit is not None and len(audit):
        computed = {(r, c): v for r, c, v in zip(audit["row"], audit["column"], audit["computed"])
                    if not _missing(v)}
    counts = {"input": 0, "recomputed": 0, "derived_as_printed": 0}
    values = {}
    for r, c, text, kind in zip(cells["row"], cells["column"], cells["printed"], cells["kind"]):
        if kind == "derived" and (r, c) in computed:
            values[(r, c)] = float(computed[(r, c)])
            counts["recomputed"] += 1
        else:
            values[(r, c)] = _shown_printed(text)
            counts["input" if kind == "input" else "derived_as_printed"] += 1
    rows = list(dict.fromkeys(cells["row"]))
    cols = list(dict.fromkeys(cells["column"]))
    frame = pd.DataFrame([[values.get((r, c)) for c in cols] for r in rows], columns=cols, dtype=object)
    if split_rows:
        parts = [r.split(" | ", 1) if " | " in r else [r, ""] for r in rows]
        frame.insert(0, split_rows[1], [p[1] for p in parts])
        frame.insert(0, split_rows[0], [p[0] for p in parts])
    else:
        frame.insert(0, index_name or "Row", rows)
    return frame, counts


def rebuilt_note(counts: dict) -> str:
    """One sentence saying which cells are recomputed and which are shown as printed."""
    parts = []
    if counts["recomputed"]:
        parts.append(f"{fmt.count(counts['recomputed'], 'derived cell')} recomputed from the inputs (the printed values are in the audit)")
    if counts["derived_as_printed"]:
        parts.append(f"{fmt.count(counts['derived_as_printed'], 'derived cell')} shown as printed because their inputs are not published")
    if not parts:
        return "Every cell is a printed input."
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "; a dash marks a cell printed as n.a., a dash or blank."


def cell_data(cells: pd.DataFrame, audit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long frame for download: every cell with its kind, printed text, value used and audit status."""
    out = cells[["row", "column", "kind", "printed", "line", "note"]].copy()
    out["value"] = [parse_printed(t).value for t in out["printed"]]
    if audit is not None and len(audit):
        a = audit[["row", "column", "computed", "status"]]
        out = out.merge(a, on=["row", "column"], how="left")
    else:
        out["computed"] = None
        out["status"] = None
    return out


def _split_segments(note: str) -> list[str]:
    """Split a note on '; ' outside parentheses."""
    out, depth, cur = [], 0, ""
    i = 0
    while i < len(note):
        ch = note[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and note.startswith("; ", i):
            out.append(cur.strip())
            cur = ""
            i += 2
            continue
        cur += ch
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out


def _listing(items: list[str], limit: int = 6) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _where(cells_of: set, all_rows: list, all_cols: list, by_row: dict, by_col: dict) -> str:
    """Where a note applies, in words: all cells, whole rows or columns, or a list of cells."""
    rows = [r for r in all_rows if any(k[0] == r for k in cells_of)]
    cols = [c for c in all_cols if any(k[1] == c for k in cells_of)]
    if len(cells_of) == sum(map(len, by_row.values())):
        return "All cells"
    if all(by_row[r] <= cells_of for r in rows):
        return ("Rows " if len(rows) > 1 else "Row ") + _listing(rows)
    if all(by_col[c] <= cells_of for c in cols):
        return ("Columns " if len(cols) > 1 else "Column ") + _listing(cols)
    if len(cols) == 1:
        return f"Column {cols[0]}, " + ("rows " if len(rows) > 1 else "row ") + _listing(rows)
    if len(rows) == 1:
        return f"Row {rows[0]}, " + ("columns " if len(cols) > 1 else "column ") + _listing(cols)
    return "Cells " + _listing([f"{r} / {c}" for r in all_rows for c in all_cols if (r, c) in cells_of])


def cell_notes(cells: pd.DataFrame, keep=None) -> list[str]:
    """De-duplicated notes of a cells file, each prefixed by where it applies.

    Notes are split into their '; '-separated parts so that a footnote shared by
    many cells is listed once; parts that apply to exactly the same cells are
    joined again. ``keep`` is an optional predicate on a part (e.g. to drop
    parts that only restate the printed text). Returns plain strings (not escaped).
    """
    all_rows = list(dict.fromkeys(cells["row"]))
    all_cols = list(dict.fromkeys(cells["column"]))
    by_row = {r: set() for r in all_rows}
    by_col = {c: set() for c in all_cols}
    seg_cells: dict[str, set] = {}
    for r, c, note in zip(cells["row"], cells["column"], cells["note"].fillna("")):
        by_row[r].add((r, c))
        by_col[c].add((r, c))
        for seg in _split_segments(str(note)):
            if keep is None or keep(seg):
                seg_cells.setdefault(seg, set()).add((r, c))
    merged: dict[frozenset, list[str]] = {}
    for seg, where in seg_cells.items():
        merged.setdefault(frozenset(where), []).append(seg)
    return [f"{_where(set(w), all_rows, all_cols, by_row, by_col)}: {'; '.join(segs)}" for w, segs in merged.items()]


def notes_markdown(notes: list[str]) -> str:
    """A bullet list of notes, escaped for MyST (empty string for no notes)."""
    return "\n".join(f"- {md_escape(n)}" for n in notes)


# ---------------------------------------------------------------- audit views
def table_audit(audit: pd.DataFrame, table: str) -> pd.DataFrame:
    """Derived-cell audit rows of one book table."""
    return audit[(audit["table"] == table) & (audit["kind"] == "derived cell")]


#: the columns of a chapter's consistency checks, the explanation last (it gets the width)
CONSISTENCY_COLUMNS = ["Check", "What", "First statement", "Second statement", "Verdict", "Page", "Why"]
_VERDICT = {"match": "consistent", "rounding": "consistent", "mismatch": "inconsistent",
            "not_derivable": "cannot be checked"}
_IDENT = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_YEARS = re.compile(r"\byears?\b|\bdate", re.IGNORECASE)
_MEETS = re.compile(r"meets computed \[([-+\d.e]+), ([-+\d.e]+)\]")
#: qualifiers (data/book/qualifiers.csv) read as words before their figure ("over 100"); a
#: table's lower bound reads as printed ("150+")
_WORDED = ("about", "nearly", "over", "under", "at least", "at most")


@functools.lru_cache(maxsize=1)
def _blank(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or str(x).strip() == ""


def _text(x) -> str | None:
    return None if _blank(x) else str(x).strip()


def statements(book) -> dict:
    """For each consistency row (key table, row, column): the two figures the judging standard
    reads, as worded, and which side holds the prose statement.

    ``book`` holds ``judgements`` (``data/book/judgements.csv``: a side's figure, qualifier and
    rounding step where the row's own text is not the figure) and ``text_claims``
    (``data/book/text_claims.csv``: the prose statement's number, qualifier and side, and the
    expression a statement is checked by), the two sources :func:`analysis.audit.standard.with_claim`
    completes each judgement from. Values: dicts of ``printed_figure``, ``printed_qualifier``,
    ``printed_step``, ``computed_figure``, ``computed_qualifier``, ``claim_side`` and
    ``against`` (the tables a checked-by-expression statement reads)."""
    names = ["printed_figure", "printed_qualifier", "printed_step", "computed_figure", "computed_qualifier"]
    out = {}
    for _, j in book.judgements.iterrows():
        out[(j["table"], j["row"], j["column"])] = {n: _text(j.get(n)) for n in names}
    for key, (side, number, qualifier, step) in claim_sides(book.text_claims).items():
        rec = out.setdefault(key, {n: None for n in names})
        rec[f"{side}_figure"], rec[f"{side}_qualifier"] = _text(number), _text(qualifier)
        if side == "printed" and not _blank(step):
            rec["printed_step"] = _text(step)
        rec["claim_side"] = side
    for _, c in book.text_claims.iterrows():
        how = str(c["compared_with"])
        if how.startswith("expr:"):
            rec = out.setdefault((AUDIT_TABLE, c["claim_id"], c["measure"]), {n: None for n in names})
            rec["against"] = tuple(dict.fromkeys(m.group(1) for m in REF.finditer(how) if m.group(1)))
    return out


def _parsed(text):
    try:
        return parse_printed(text)
    except ValueError:
        return None


def _decimals(text) -> int:
    p = _parsed(text) if text is not None else None
    if p is None:
        return 0
    if p.decimals is not None:
        return p.decimals
    if p.low is not None:  # a range: the decimals of its ends
        return max(len(f"{v:g}".partition(".")[2]) for v in (p.low, p.high))
    return 0


def _figure(text, year: bool) -> str:
    """A figure as the book words it: printed text as printed, a transcribed bare number
    of four or more digits with its thousands separator (``5400``: "5,400"), a year as is."""
    t = str(text)
    if not year and re.fullmatch(r"\d{4,}", t):
        return fmt.number(int(t))
    return t


def _worded(figure, qualifier, *, table: bool, year: bool) -> str:
    """A statement as worded: "over 100", "about 10,000", "negative"; a table's lower bound "150+"."""
    q = qualifier or "plain"
    if q in ("negative", "positive"):
        return q
    f = _figure(figure, year)
    if q == "at least" and table:
        return f if f.endswith("+") else f + "+"
    return f"{q} {f}" if q in _WORDED else f


def _is_year(measure, figure) -> bool:
    """A check of a year ("first year of falling exports", "date_of_creation" printed 1987):
    its figures are shown without thousands separator."""
    return bool(_YEARS.search(str(measure))) and bool(re.fullmatch(r"1\d{3}|20\d{2}", str(figure or "")))


def _labelled(text) -> str:
    """A measure with every raw identifier replaced by its label (``production_1995``:
    "Production 1995 (US$ millions)", from data/labels.csv)."""
    return _IDENT.sub(lambda m: vocab.column_label(m.group(0)), str(text))


def _key_words(text) -> str:
    """A row or column key of a transcribed table as words: its parts (the transcription's
    " | " between a block and its row, or a heading and its unit line) as a list separated by
    commas, a unit in parentheses set after its heading with a space
    ("Petrolina-Juazeiro | Mangoes" -> "Petrolina-Juazeiro, Mangoes";
    "change in exports | (US$ millions)" -> "change in exports (US$ millions)")."""
    out = ""
    for part in str(text).split(" | "):
        part = part.strip()
        out = part if not out else out + (" " if part.startswith("(") else ", ") + part
    return out


def _span(lo: float, hi: float, decimals: int, year: bool) -> str:
    return f"{fmt.beside(lo, decimals, not year)}–{fmt.beside(hi, decimals, not year)}"


def _bound(side: dict, relation: str, year: bool, verb: str = "does not exceed") -> str:
    """A part against its whole in words ("238 does not exceed 2,095", "over 60 does not exceed
    66"); a bound's own wording is dropped ("at most 500" against 475: "475 does not exceed 500")."""
    p = side["pw"]
    if side["pfig"] is not None and (side["pq"] or "plain") in ("plain", "exact", "at least", "at most"):
        p = _figure(str(side["pfig"]).rstrip("+"), year)
    part, whole = (p, side["cw"]) if relation == "printed_le_computed" else (side["cw"], p)
    return f"{part} {verb} {whole}"


def _holds(side: dict, rule: str, relation: str, year: bool) -> str:
    """Why a consistent check holds, in words ("150+ is over 100", "23.3 rounds to 23")."""
    pw, cw, pfig, q = side["pw"], side["cw"], side["pfig"], side["pq"] or "plain"
    if relation in ("printed_le_computed", "printed_ge_computed"):
        return _bound(side, relation, year)
    if q in ("negative", "positive"):
        return f"{cw} is {q}"
    p, v, d = _parsed(pfig), side["cval"], _decimals(pfig)
    if p is not None and q == "plain" and p.lower_bound:
        q, pfig = "at least", str(pfig).rstrip("+")
    if p is not None and q == "plain" and p.value is None and p.low is not None:
        q = "range"
    if p is not None and p.value is not None and v is not None and abs(p.value - v) < 1e-9 \
            and q not in ("range", "at least", "at most"):  # "over 700" against 700: met as the standard reads it
        return f"both give {cw}" if q in ("plain", "exact") else f"the same figure: {cw} against '{pw}'"
    if q in ("over", "under", "at least", "at most"):
        return f"{cw} is {q} {_figure(pfig, year)}"
    try:
        iv = stated(pfig, q, unit=None if side["pstep"] is None else float(side["pstep"]))
    except (ValueError, TypeError):
        iv = None
    inside = iv is not None and v is not None and (iv.lo < v < iv.hi or (v == iv.lo and iv.lo_closed)
                                                    or (v == iv.hi and iv.hi_closed))
    allowed = "" if iv is None or not (math.isfinite(iv.lo) and math.isfinite(iv.hi)) else \
        f" ({_span(iv.lo, iv.hi, d, year)})"
    if cw == pw and v is not None:  # the value shown rounds to the figure: show the digits it has
        cw = fmt.number(v, min(d + 2, 6), not year)
    if inside:
        if q == "range":
            inner = p is not None and p.low <= v <= p.high
            return f"{cw} lies within {pfig}" if inner else f"{cw} lies within the rounding of {pfig}{allowed}"
        if q == "plain":
            return f"{cw} rounds to {pw}"
        return f"{cw} fits '{pw}'{allowed}"
    m = _MEETS.search(rule or "")
    if m:
        return (f"{cw} is computed from rounded figures and can be "
                f"{_span(float(m.group(1)), float(m.group(2)), d, year)}, which reaches {pw}")
    return f"{pw} and {cw} agree within their rounding"


def _sentences(parts) -> str:
    out = []
    for t in parts:
        t = str(t).strip().rstrip(".")
        if t:
            out.append(t[:1].upper() + t[1:] + ".")
    return " ".join(out)


def _check_row(r, st: dict, clusters) -> dict:
    """One consistency row as shown (see :func:`consistency_view`)."""
    label, first = sides.shown_check(r["table"], st.get("claim_side"), st.get("against") or ())
    text_side = first if label.startswith("text vs") else None
    pfig = st.get("printed_figure") or _text(r["printed"])
    year = _is_year(r["column"], pfig)
    pq = st.get("printed_qualifier")
    pw = "–" if pfig is None else _worded(pfig, pq, table=text_side != "printed", year=year)
    computed = None if _blank(r["computed"]) else float(r["computed"])
    cfig, cq = st.get("computed_figure"), st.get("computed_qualifier")
    if cfig is None and cq is not None and computed is not None:
        cfig = f"{computed:g}"
    if cfig is not None:
        cw = _worded(cfig, cq, table=text_side != "computed", year=year)
        cp = _parsed(cfig)
        cval = None if cp is None else (cp.value if cp.value is not None else computed)
    else:
        cw = fmt.beside(computed, _decimals(pfig), separator=not year)
        cval = computed
    worded = {"printed": pw, "computed": cw}
    second = "computed" if first == "printed" else "printed"
    status, relation, rule = r["status"], r.get("relation") or "equal", _text(r.get("rule")) or ""
    side = {"pw": pw, "cw": cw, "pfig": pfig, "pq": pq, "pstep": st.get("printed_step"), "cval": cval}
    if status in ("match", "rounding"):
        main = [_holds(side, rule, relation, year)]
    else:
        main = [_text(r.get("erratum")) or rule.removeprefix("different quantities: ")]
        if relation in ("printed_le_computed", "printed_ge_computed"):
            main.append("the check: " + _bound(side, relation, year, "should not exceed"))
    reason = _text(r.get("reason"))
    if reason and not any(reason in m for m in main):
        main.append(reason)
    if status == "not_comparable":
        differs = [d for d in str(r.get("differs") or "").split(";") if d]
        verdict = "different quantities" + (f" ({', '.join(differs)})" if differs else "")
    else:
        verdict = _VERDICT.get(status, status)
    item = r["row"]
    if r["table"] in (sides.TEXT_CLAIM, sides.STRUCTURAL_CLAIM):
        what = _key_words(_labelled(r["column"]))
    elif str(r["table"]).startswith("1.2") and str(item).isdigit():  # a row of Table 1.2, its columns by name
        measure = " vs ".join(vocab.column_label(part) for part in str(r["column"]).split(" vs "))
        what = f"Table 1.2, row {item} ({clusters()[str(item)]}): {measure}"
    else:
        what = f"{_key_words(item)}, {_key_words(_labelled(r['column']))}"
    return {"Check": label, "What": what, "First statement": worded[first], "Second statement": worded[second],
            "Verdict": verdict, "Page": _text(r.get("page")) or "", "Why": _sentences(main)}


def consistency_view(audit: pd.DataFrame, chapter: int, book) -> pd.DataFrame:
    """A chapter's consistency checks for display, one row per check (:data:`CONSISTENCY_COLUMNS`).

    * ``Check`` names the two sources in the order the row shows them, the text first
      ("text vs 3.1", "3.1 vs 1.2", "text vs 8.2" for a statement checked by expression, "within
      5.2"; :func:`analysis.audit.casestudies.sides.shown_check`); ``What`` is the quantity,
      labelled (a Table 1.2 row by its number and cluster);
    * ``First statement`` and ``Second statement`` are the figures of the first- and
      second-named source: a statement as worded ("over 100", "150+", "negative"), printed
      figures as printed, a computed value at the precision of the figure it is set against
      (:func:`analysis.report.format.beside`), years without separator;
    * ``Verdict`` is ``consistent`` (match or rounding), ``inconsistent`` (mismatch),
      ``different quantities (…)`` with the attributes that differ, or ``cannot be checked``;
    * ``Why`` says why a consistent statement holds ("150+ is over 100"), or gives the
      erratum of an inconsistency or the standard's reason, then the judgement's own reason.

    ``book`` (the page's :class:`analysis.io.data.BookData`) holds the judgements and prose
    statements (:func:`statements`) and Table 1.2 (cluster names), read only as needed: the
    page passes its own data, so the build records these reads as the page's inputs. The
    audit rows do not carry a side's qualifier, so it is read from there.
    """
    c = audit[(audit["chapter"] == chapter) & (audit["kind"] == "consistency")]
    if c.empty:
        return pd.DataFrame(columns=CONSISTENCY_COLUMNS)
    forms = statements(book)

    @functools.lru_cache(maxsize=1)
    def clusters() -> dict:
        t = book.table_1_2
        return dict(zip(t["row_no"].astype(str), t["cluster"]))

    rows = [_check_row(r, forms.get((r["table"], r["row"], r["column"]), {}), clusters) for _, r in c.iterrows()]
    return pd.DataFrame(rows, columns=CONSISTENCY_COLUMNS)


def status_summary(audit: pd.DataFrame) -> pd.DataFrame:
    """Counts of audit rows by kind, chapter, table and status (one column per status, plus total)."""
    out = audit.groupby(["kind", "chapter", "table", "status"]).size().unstack(fill_value=0)
    statuses = ["match", "rounding", "mismatch", "not_comparable", "not_derivable"]
    for s in statuses:
        if s not in out.columns:
            out[s] = 0
    out = out[statuses]
    out["total"] = out.sum(axis=1)
    return out.reset_index()

def table_block(page, cells: pd.DataFrame, audit: pd.DataFrame, key: str, title: str, source: str,
                index_name: str = "", split_rows: tuple[str, str] | None = None, keep=None,
                show_notes: bool = True) -> str:
    """MyST for one rebuilt numeric table: audit badge, numbered table, download, notes.

    ``page`` is an :class:`analysis.report.present.Page`; ``audit`` the full audit frame
    (this table's derived-cell rows are picked out); ``key`` the book table
    number ("2.1"). The download holds every cell in long form
    (:func:`cell_data`).
    """
    rows = table_audit(audit, key)
    frame, counts = rebuilt_table(cells, rows, index_name=index_name, split_rows=split_rows)
    name = "table_" + key.replace(".", "_")
    out = page.table(frame, name, title, source, audit=rows, data=cell_data(cells, rows), note=rebuilt_note(counts))
    notes = cell_notes(cells, keep=keep) if show_notes else []
    if notes:
        out += "\n\nNotes on the cells (footnotes of the book and our transcription decisions, in our words):\n\n"
        out += notes_markdown(notes) + "\n"
    return out
