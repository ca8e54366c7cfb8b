"""One page per case, all written by one execution (issue 12 item 6, issue 15).

    python -m analysis.book.casepages OUT_DIR [--cases DIR] [--formats png,svg,pdf]

:func:`write_case_pages` writes, into ``OUT_DIR/chapters/cases/``, a MyST page
for each of the 40 published cases (``data/cases.csv``) and for every new case
of a ``--cases`` directory, plus ``index.md``, a case index filterable by
sector, country, CE degree and upgrading (``_static/case_index.js``, no outside
request). It runs in the build's own process: no kernel per case.

Every page has the same template: scores and codes against the case's sector
(one themed figure, PNG at screen resolution; SVG/PDF only on demand with
``formats``), its value chains, its sources linked to the bibliography
(``data/case_references.csv``), every book table it appears in with printed
pages (``data/reconciliation.csv`` through :func:`analysis.io.bookref.book_ref`),
its reconciliation notes (name variants), the Table 9.3 and regression context
(which of the regression page's five outcome models use the case, and why not the
others: :func:`regression_use`), and the Chapter 10 policy menu aimed at its weak
points against its sector (:func:`analysis.method.policy.weak_points`). New cases
add their coder's justifications.

Labels are stable: ``case-<case_id>`` for the page, ``case-<case_id>-<name>``
for its tables and figure. Case text is data: it reaches MyST only through
:func:`analysis.escape.myst`, tables through :meth:`Page.table` (literal-table
directive, text nodes).

Pages are cached by content: a page whose inputs (the case row, its sector's
published cases, the data and the code) are unchanged is copied from
``cache_dir`` instead of being rendered again, and files are only rewritten
when their bytes differ, so Sphinx re-reads only what changed.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd

from analysis import escape
from analysis.paths import ROOT

CASES_DIR = "chapters/cases"
#: bump when the page template changes in a way the code hash would not show
TEMPLATE_VERSION = "2"
_BIBKEY = re.compile(r"^[A-Za-z0-9_.:+-]{1,80}$")
SCREEN_DPI = 100


def page_doc(case_id: str) -> str:
    """The document name of a case's page (what links point to)."""
    return f"{CASES_DIR}/{case_id}"


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "–"
    try:
        if pd.isna(v):
            return "–"
    except (TypeError, ValueError):
        pass
    if isinstance(v, float) and v.is_integer():
        return f"{int(v)}"
    return str(v)


def _code_hash() -> str:
    """Hash of the code that shapes a case page (this module and the analysis package)."""
    h = hashlib.sha256(TEMPLATE_VERSION.encode())
    for p in sorted((ROOT / "analysis").rglob("*.py")):
        if "__pycache__" in p.parts or p.parts[-2] == "book" and p.name not in ("casepages.py",):
            continue
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes())
    for p in sorted((ROOT / "data").rglob("*.csv")) + [ROOT / "requirements.txt"]:
        h.update(p.as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


_BASE: dict = {}  # code/data hash -> the published part of a context (kept warm in a watching preview)


class _Context:
    """Everything shared by all case pages, loaded once (the published part once per process
    while code and data are unchanged)."""

    def __init__(self, cases_dir: str = "", key: str = ""):
        from analysis.io import extended as ext
        from analysis.io.data import load_book_data
        from analysis.method import policy
        from analysis.method.indices import with_indices

        if key not in _BASE:
            _BASE.clear()
            data = load_book_data()
            published = with_indices(data.cases)
            _BASE[key] = {"data": data, "published": published, "regression": regression_use(data.cases),
                          "refs": pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str, keep_default_na=False),
                          "t101": policy.read_table_10_1(), "t102": policy.read_table_10_2(),
                          "figures": _SectorFigures(published)}
        b = _BASE[key]
        self.data, self.published, self.refs = b["data"], b["published"], b["refs"]
        self.t101, self.t102, self.figures = b["t101"], b["t102"], b["figures"]
        _, extended, new = ext.load_samples(cases_dir, self.data) if cases_dir else (None, None, self.data.cases.iloc[0:0])
        self.new = with_indices(new) if len(new) else new
        # which models use each case: the published sample's for published cases, the
        # extended sample's (published plus new cases) for new ones
        self.regression = b["regression"]
        self.regression_extended = regression_use(extended) if len(new) else {}
        self.raw_new = new
        self.rec = self.data.reconciliation
        self.t93 = self.data.table_9_3


#: how the sector means of the case pages differ from the book's averages (said under the table)
MEANS_NOTE = ("Sector means are over the cases with a score. The book's averages (Tables 9.4–9.6) count a "
              "score printed N/A as 0 and still count the case, so they can be lower: Table 9.4 prints 0.70 "
              "for traditional functional upgrading, where the mean of the scored cases is 0.75 (Chapter 9).")

#: Case pages are not in the table of contents (front matter ``orphan: true``): the case
#: index links each of them. In a toctree, every page's sidebar would resolve the whole
#: tree of case entries, so Sphinx's cost per page would grow with the number of cases
#: (quadratic in all; issue 15), and a new case would change the tree of every page.
ORPHAN = ["---", "orphan: true", "---", ""]


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly these bytes (keeps mtimes, so
    Sphinx does not re-read an unchanged page)."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _sync_tree(src: Path, dest: Path) -> int:
    """Make ``dest`` hold exactly ``src``'s files, rewriting only the files that differ."""
    changed = 0
    wanted = set()
    for f in src.rglob("*"):
        if f.is_file():
            rel = f.relative_to(src)
            wanted.add(rel)
            changed += _write_if_changed(dest / rel, f.read_bytes())
    if dest.exists():
        for f in list(dest.rglob("*")):
            if f.is_file() and f.relative_to(dest) not in wanted:
                f.unlink()
                changed += 1
    return changed


# ---------------------------------------------------------------- one page

def regression_use(sample: pd.DataFrame) -> dict[str, dict]:
    """For each case of ``sample``: the outcome models of the regression page it is used in,
    and the variables it lacks for the others.

    The regression page's own rule (:mod:`analysis.report.regression_pages`): its frame
    (:func:`~analysis.report.regression_pages.analysis_frame`), its regressors (CE degree,
    global quasi-hierarchy and the scored sectors' dummies,
    :func:`~analysis.report.regression_pages.page_regressors`) and listwise deletion over
    each model's variables (:func:`analysis.stats.variables.listwise`, as
    :func:`analysis.stats.models.fit_models` does), over the page's five outcomes.
    Returns ``{case_id: {"used": [outcomes], "left_out": [outcomes], "missing": [variables],
    "why": plain words}}``, the why in the words of the regression page's table of cases
    left out (:func:`~analysis.report.regression_pages._why`).
    """
    from analysis.report import regression_pages as rp
    from analysis.stats import models
    from analysis.stats.variables import VARIABLES, listwise

    frame = rp.analysis_frame(sample)
    outcomes = list(models.OUTCOMES)
    regressors = rp.page_regressors(frame, outcomes)
    missing: dict[str, dict[str, list[str]]] = {cid: {} for cid in frame["case_id"]}
    for o in outcomes:
        _, dropped = listwise(frame, [models.OUTCOMES[o], *regressors])
        for cid, miss in zip(dropped["case_id"], dropped["missing"]):
            missing[cid][o] = [m.strip() for m in miss.split(",") if m.strip()]
    order = list(VARIABLES)
    out = {}
    for _, row in frame.iterrows():
        cid = row["case_id"]
        left = [o for o in outcomes if o in missing[cid]]
        vars_ = sorted({v for o in left for v in missing[cid][o]},
                       key=lambda v: order.index(v) if v in order else len(order))
        out[cid] = {"used": [o for o in outcomes if o not in missing[cid]], "left_out": left,
                    "missing": vars_, "why": rp._why(vars_, row) if vars_ else ""}
    return out


def _models(outcomes: list[str]) -> str:
    """'the product, process and intersectoral models' (the regression page's outcome names)."""
    names = list(outcomes)
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"the {text} model" + ("s" if len(names) > 1 else "")


_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def regression_text(use: dict, is_new: bool = False) -> str:
    """The sentence of a case page saying which outcome models of the regression page use the
    case and, for the others, why not (``use``: one case's entry of :func:`regression_use`)."""
    where = ("the extended-sample models of {doc}`../regression` (published cases plus new cases; the "
             "published estimates never include a new case)" if is_new else "{doc}`../regression`")
    used, left = use["used"], use["left_out"]
    n = _NUMBER_WORDS.get(len(used) + len(left), str(len(used) + len(left)))
    if not left:
        return (f"In {where}, the case is used in all {n} outcome models ({', '.join(used)}): its CE degree, "
                "its quasi-hierarchy governance code and the four upgrading scores are all known.")
    if not used:
        return f"In {where}, the case is left out of all {n} outcome models ({', '.join(left)}): {use['why']}."
    return (f"In {where}, the case is used in {_models(used)} and left out of {_models(left)}: "
            f"{use['why']}.")


#: the rule of a case's weak points, stated on every page (analysis.method.policy.weak_points)
WEAK_RULE = ("Rule: a weak point is the item on which the case falls furthest below the mean of its "
             "sector's published cases (ties kept; upgrading types and collective-efficiency components "
             "ranked apart), so an item at or above that mean is never called weak.")


def weak_points_text(row: dict, sector_cases: pd.DataFrame) -> str:
    """The case page's sentence on the case's weak points (MyST, labels escaped): which they are,
    with score and sector mean, or that there is none and why."""
    from analysis.method import policy
    from analysis.vocab import CE_COMPONENTS

    means = policy.sector_means(sector_cases)
    weak = policy.weak_points(row, means)
    if weak:
        text = (("Weak point: " if len(weak) == 1 else "Weak points: ")
                + "; ".join(policy.weak_point_text(row, means, w) for w in weak) + ".")
    elif policy.comparable_items(row, means):
        text = ("The case scores at or above its sector's published mean on every item it is scored on, so "
                "no weak point is named and no action of Table 10.1 is picked; the sector's priorities "
                "still apply.")
    else:
        text = ("No score of the case can be set against a published sector mean, so no weak point is "
                "named and no action of Table 10.1 is picked; the sector's priorities still apply.")
    if any(not pd.isna(row.get(c)) and c not in means for c in CE_COMPONENTS if c in row):
        text += (" The book publishes no collective-efficiency component per case, so the case's components "
                 "have no sector mean to be set against and none is called weak.")
    return escape.myst(text)


def _group_sources(refs: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(printed label, its BibTeX keys) of a case's sources, one per printed label, labels and
    keys in the order of data/case_references.csv."""
    out: dict[str, list[str]] = {}
    for printed, key in zip(refs["as_printed"], refs["bibkey"]):
        keys = out.setdefault(printed, [])
        if key not in keys:
            keys.append(key)
    return list(out.items())


def _has_any_score(case: pd.Series, sector_cases: pd.DataFrame) -> bool:
    """Whether the case or a published case of its sector has an upgrading score or a CE degree
    (the scores table has something to show)."""
    from analysis.vocab import UPGRADING_COLUMNS

    cols = [*UPGRADING_COLUMNS, "ce_degree"]
    return (any(not pd.isna(case.get(c)) for c in cols)
            or bool(sector_cases[cols].notna().to_numpy().any()))


def _scores_table(case: pd.Series, sector_cases: pd.DataFrame) -> pd.DataFrame:
    from analysis.vocab import UPGRADING_TYPES

    rows = []
    for t in UPGRADING_TYPES:
        col = f"upgrading_{t}"
        vals = pd.to_numeric(sector_cases[col], errors="coerce").dropna()
        rows.append({"Item": f"{t.capitalize()} upgrading (0–3)", "This case": _fmt(case.get(col)),
                     "Sector mean": f"{vals.mean():.2f}" if len(vals) else "–",
                     "Sector range": f"{vals.min():g}–{vals.max():g}" if len(vals) else "–",
                     "Cases scored": str(len(vals))})
    deg = case.get("ce_degree")
    from analysis.vocab import CE_DEGREES

    counts = sector_cases["ce_degree"].dropna().astype(str).value_counts()
    rows.append({"Item": "Collective-efficiency degree", "This case": _fmt(deg if not pd.isna(deg) else None),
                 "Sector mean": "–",  # degrees in their own order (low, medium, high), as everywhere else
                 "Sector range": ", ".join(f"{k}: {counts[k]}" for k in CE_DEGREES if k in counts) or "–",
                 "Cases scored": str(int(sector_cases["ce_degree"].notna().sum()))})
    return pd.DataFrame(rows)


def _chains_table(case: pd.Series, sector_cases: pd.DataFrame) -> pd.DataFrame:
    from analysis.vocab import CHAIN_LABELS, GOVERNANCE_CODES

    rows = []
    for c, label in CHAIN_LABELS.items():
        v = case.get(f"gov_{c}")
        codes = pd.to_numeric(sector_cases[f"gov_{c}"], errors="coerce")
        rows.append({"Value chain": label, "Code": _fmt(v),
                     "Meaning": GOVERNANCE_CODES.get(int(v), "") if v is not None and not pd.isna(v) else "not coded",
                     "Sector cases in this chain": f"{int((codes > 0).sum())} of {int(codes.notna().sum())}"})
    return pd.DataFrame(rows)


class _SectorFigures:
    """The 'case against its sector' figure, drawn once per sector and saved once per case.

    The published cases of a sector (dots, with the mean as a bar) are the same on every
    page of that sector, so each sector's figure is built once; for each case only its
    marker (a diamond with a dark edge: shape and colour, not colour alone) and the
    'not scored' note change before the PNG is written. Fixed layout (no tight bounding
    box), screen resolution: about 0.05 s a case. SVG/PDF only when asked for.
    """

    TYPES = ("product", "process", "functional", "intersectoral")

    def __init__(self, published: pd.DataFrame):
        self.published = published
        self._figs: dict = {}

    def _build(self, sector: str):
        import numpy as np
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from analysis import theme

        theme.use()
        # not a pyplot figure: it is kept open for the whole run, and a plt.close("all") elsewhere
        # in the process would otherwise take its canvas away
        fig = Figure(figsize=(theme.COLUMN_WIDTH, 3.0), dpi=SCREEN_DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.11, 0.17, 0.58, 0.78))
        cases = self.published[self.published["sector"] == sector]
        rng = np.random.default_rng(0)
        for i, t in enumerate(self.TYPES):
            vals = pd.to_numeric(cases[f"upgrading_{t}"], errors="coerce").dropna().to_numpy()
            if len(vals):
                ax.scatter(i + rng.uniform(-0.15, 0.15, len(vals)), vals, s=22, color="0.55", alpha=0.8,
                           marker="o", label="published cases" if i == 0 else None, zorder=2)
                ax.scatter([i], [vals.mean()], marker="_", s=700, color="0.15", linewidths=2,
                           label="sector mean" if i == 0 else None, zorder=3)
        mark = ax.scatter([], [], marker="D", s=70, color="#d55e00", edgecolors="black", linewidths=0.8,
                          label="this case", zorder=4)
        # beside the plot, under the legend: inside the axes it covered the dots at score 3
        note = ax.text(1.02, 0.45, "", transform=ax.transAxes, fontsize=8, va="top", ha="left")
        ax.set_xticks(range(4), list(self.TYPES), fontsize=9)
        ax.set_yticks(range(4))
        ax.set(xlim=(-0.5, 3.5), ylim=(-0.3, 3.3))
        ax.set_xlabel("Type of upgrading", fontsize=9)
        ax.set_ylabel("Score (0 absent – 3 high)", fontsize=9)
        ax.grid(axis="y", color="0.9", zorder=0)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        fig.canvas.draw()  # everything but the case's own marks, drawn once per sector
        bg = fig.canvas.copy_from_bbox(fig.bbox)
        self._figs[sector] = (fig, ax, mark, note, bg)
        return self._figs[sector]

    def save(self, case: pd.Series, folder: Path, formats: tuple[str, ...]) -> None:
        import numpy as np

        fig, ax, mark, note, bg = self._figs.get(case["sector"]) or self._build(case["sector"])
        vals = [case.get(f"upgrading_{t}") for t in self.TYPES]
        pts = [(i, float(v)) for i, v in enumerate(vals) if v is not None and not pd.isna(v)]
        mark.set_offsets(np.array(pts) if pts else np.empty((0, 2)))
        missing = [t for t, v in zip(self.TYPES, vals) if v is None or pd.isna(v)]
        note.set_text("not scored:\n" + "\n".join(missing) if missing else "")
        meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
        import matplotlib.pyplot as plt

        if "png" in formats:  # blit: the sector's background, then the case's marks only
            from PIL import Image

            fig.canvas.restore_region(bg)
            ax.draw_artist(mark)
            ax.draw_artist(note)
            # the PNG records its resolution, so its size in inches (the theme's column width) is known
            Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(
                folder / "against_sector.png", dpi=(SCREEN_DPI, SCREEN_DPI))
        with plt.rc_context({"svg.hashsalt": "upgrading-to-compete"}):
            for ext in formats:
                if ext != "png":
                    fig.savefig(folder / f"against_sector.{ext}", metadata=meta[ext])


def render_case(ctx: _Context, case_id: str, out: Path, formats: tuple[str, ...] = ("png",)) -> None:
    """Write ``out/<case_id>.md`` and ``out/downloads/case-<case_id>/`` for one case."""
    from analysis.io.bookref import book_ref
    from analysis.method import policy
    from analysis.report.present import Page
    from analysis.vocab import SECTOR_LABELS, UPGRADING_TABLE, category_label

    is_new = case_id in set(ctx.new["case_id"]) if len(ctx.new) else False
    frame = ctx.new if is_new else ctx.published
    case = frame.set_index("case_id").loc[case_id]
    sector = case["sector"]
    sector_cases = ctx.published[ctx.published["sector"] == sector]
    m = escape.myst
    slug = f"case-{case_id}"
    with contextlib.chdir(out):
        page = Page(slug)
        folder = Path("downloads") / slug
        # a case without any upgrading score (the software cases) gets no figure: it would be empty
        scored = any(not pd.isna(case.get(f"upgrading_{t}")) for t in _SectorFigures.TYPES)
        if scored:
            ctx.figures.save(case, folder, formats)
        # a contributed case says so in its title (navigation, browser tab, search results, citation)
        L = [*ORPHAN, f"({slug})=", f"# New case: {m(case['name'])}" if is_new else f"# {m(case['name'])}", ""]
        origin = ("A new case, coded by " + m(case.get("coder")) + (f" on {m(case.get('coded_on'))}" if
                  escape.text(case.get("coded_on")) else "") + ". It was not coded by the book's authors: "
                  "its scores are shown beside the published cases of its sector, never mixed into the "
                  "published results.") if is_new else \
            (f"A published case of the book (Chapter {m(case['book_chapter'])})." if escape.text(case.get("book_chapter"))
             else "A published case of the book (coded in Chapter 9).")
        L += [f"**{m(case['industry'])}** in {m(case['location'])}, {m(case['country'])}. "
              f"Sector: {{doc}}`{SECTOR_LABELS[sector]} <../sectors/{sector}>`. {origin} "
              "All cases: {doc}`the case index <index>`.", ""]  # case pages are not in the sidebar
        if is_new and escape.text(case.get("coding_basis")):
            L += [f"Coding basis: {m(case.get('coding_basis'))}", ""]
        if escape.text(case.get("notes")):
            L += [f"Notes: {m(case.get('notes'))}", ""]

        L += ["## Scores against the sector", ""]
        # the sector's per-case table of the book (9.4, 9.5 or 9.6: scores and CE degrees)
        table_no = UPGRADING_TABLE.get(sector)
        book_source = f"book {book_ref(table_no)}" if table_no else "the book"
        has_table = _has_any_score(case, sector_cases)
        if has_table:  # not a table of nothing but dashes (the software cases and their sector)
            L.append(page.table(_scores_table(case, sector_cases), "scores",
                                f"Upgrading scores and CE degree of the case against the published {SECTOR_LABELS[sector].lower()} cases",
                                book_source + (" and the case file" if is_new else ""), note=MEANS_NOTE))
        if scored:
            caption = (f"Upgrading scores of this case (diamond) against the published cases of the "
                       f"{SECTOR_LABELS[sector].lower()} sector (dots; bar: mean).")
            label = page._register("figure", "against_sector", caption, book_source,
                                   [page._rel(f"against_sector.{e}") for e in formats])
            extra = [e for e in formats if e != "png"]
            links = "".join(f" {{download}}`{e.upper()} <{page._rel('against_sector.' + e)}>`" for e in extra)
            L += [f"```{{figure}} {page._rel('against_sector.png')}", f":name: {label}",
                  ":alt: Strip plot of the sector's upgrading scores with this case highlighted", ":width: 100%", "",
                  m(caption) + (" Download:" + links if links else ""), "```", ""]
        elif has_table:
            L += [("The case file gives" if is_new else "The book publishes") + " no upgrading score for this "
                  "case, so there is nothing to plot against its sector.", ""]
        else:
            L += [("The case file gives" if is_new else "The book publishes") + " no upgrading score for this "
                  "case, nor a CE degree, and none for any published case of its sector, so there is no table "
                  "or plot of scores against the sector.", ""]

        L += ["## Value chains", ""]
        L.append(page.table(_chains_table(case, sector_cases), "chains",
                            "Governance codes of the case's value chains (Table 9.2 coding)",
                            "book Table 9.2" if not is_new else "the case file"))

        if is_new:
            from analysis.io.newcases import justifications_long
            from analysis.method.indices import EE_COMPONENTS, JA_COMPONENTS
            from analysis.vocab import column_label

            just = justifications_long(ctx.raw_new[ctx.raw_new["case_id"] == case_id]).drop(columns="case_id")
            L += ["## Scores and their justifications", ""]
            # shown with the fields' labels; the download keeps the case file's field names
            shown = just.assign(field=[column_label(f) for f in just["field"]],
                                value=[SECTOR_LABELS.get(v, v) if f == "sector" else v
                                       for f, v in zip(just["field"], just["value"])])
            L.append(page.table(shown, "justifications", "Every score of the case with the coder's justification",
                                f"case file {Path(escape.text(case.get('source_file'))).name}", data=just))
            comps = pd.DataFrame({"component": [*EE_COMPONENTS, *JA_COMPONENTS],
                                  "group": ["external economies"] * 4 + ["joint action"] * 4,
                                  "score (0-3)": [case.get(c) for c in (*EE_COMPONENTS, *JA_COMPONENTS)]})
            L += ["## Collective efficiency", ""]
            L.append(page.table(comps.assign(component=[column_label(c) for c in comps["component"]]),
                                "ce_components", "Collective-efficiency components of the case", "the case file",
                                data=comps))
            L += [f"CE index: {_fmt(case.get('ce_index'))} (scale 0–12); CE degree: "
                  f"{m(_fmt(case.get('ce_degree')))}.", ""]

        L += ["## Sources", ""]
        refs = ctx.refs[ctx.refs["case_id"] == case_id]
        if len(refs):
            # one bullet per printed label, with all its works ("Vargas (2001a, 2001b)" cites two),
            # in the order of data/case_references.csv
            for printed, keys in _group_sources(refs):
                keys = [k for k in keys if _BIBKEY.match(k)]
                cite = f" {{cite:p}}`{','.join(keys)}`" if keys else ""
                L.append(f"- {m(printed)}{cite}")
            L += ["", "Full entries: {doc}`../../bibliography`.", ""]
        else:
            L += [f"As given by the case file: {m(case.get('sources'))}" if is_new else
                  f"As printed: {m(case.get('sources'))}", ""]

        rec = ctx.rec[ctx.rec["case_id"] == case_id]
        L += ["## Where the book shows this case", ""]
        if len(rec):
            rows = []
            for _, r in rec.iterrows():
                try:
                    where = book_ref(r["table"])
                except KeyError:
                    where = f"Table {r['table']}"
                rows.append({"Book table": where, "Printed as": r["printed_label"], "Group": category_label("sector", r["group"]),
                             "Reconciliation": r["decision"], "Evidence": r["evidence"],
                             "line": r["line"]})
            data = pd.DataFrame(rows)  # the download keeps the extraction line, for traceability
            tab = data.drop(columns="line")
            L.append(page.table(tab, "book_tables", "Every book table the case appears in, with its printed "
                                "label and how it was matched to the case list",
                                "data/reconciliation.csv; pages from data/provenance.csv", data=data))
            variants = sorted(set(tab["Printed as"]) - {escape.text(case["name"])})
            if variants:
                L += ["Name variants printed in the book: " + "; ".join(m(v) for v in variants) + ".", ""]
        else:
            L += ["Not in the book's tables (a new case).", ""]

        t93 = ctx.t93[ctx.t93["sector"] == sector]
        if len(t93):
            tt = pd.DataFrame({"Row of Table 9.3": [(b.replace("_", " ") + (f" ({u})" if escape.text(u) else ""))
                                                   for b, u in zip(t93["block"], t93["upgrading"])],
                               "Label printed for the sector": t93["label"].tolist()})
            L += ["## Table 9.3 and regression context", ""]
            L.append(page.table(tt, "table93", f"Table 9.3's labels for the {SECTOR_LABELS[sector].lower()} sector",
                                book_ref("9.3")))
        use = (ctx.regression_extended if is_new else ctx.regression)[case_id]
        L += ["How these labels hold against the case scores: {doc}`../table93`. A model of the regression "
              "page uses a case only when its outcome and every explanatory variable (CE degree, global "
              "quasi-hierarchy, sector) are known. " + regression_text(use, is_new), ""]

        L += ["## Policy priorities for this case (book Chapter 10)", "",
              "The book's sectoral priorities (Table 10.2) for the case's sector, and the actions of its menu "
              "(Table 10.1) aimed at the case's weak points.", "", WEAK_RULE, ""]
        row = dict(case.to_dict(), case_id=case_id)
        L += [weak_points_text(row, sector_cases), ""]
        menu = policy.policy_menu_for_weak_points(row, policy.sector_means(sector_cases), ctx.t101, ctx.t102)
        shown = menu.drop(columns="line").assign(table=[book_ref(t) for t in menu["table"]])  # pages, not lines
        L.append(page.table(shown, "policy_menu", "Policy priorities and menu actions for the case",
                            "book Tables 10.1 and 10.2 (data/policy/), matched by analysis/method/policy.py", data=menu))
        L += ["", "[All cases](index.md)", ""]
        Path(f"{case_id}.md").write_text("\n".join(L), encoding="utf-8")


def upgrading_sum_text(case) -> str:
    """The case index's upgrading cell: the sum of the four types when all four are scored (the
    regression's ``upgrading_sum``), else the partial sum marked with the types not scored
    ("3 (functional N/A)"), "–" when none is. The cell starts with the number, so the index's
    filter (``_static/case_index.js``) still sorts its options by value."""
    from analysis.vocab import UPGRADING_TYPES

    vals = {t: case.get(f"upgrading_{t}") for t in UPGRADING_TYPES}
    known = {t: float(v) for t, v in vals.items() if v is not None and not pd.isna(v)}
    if not known:
        return "–"
    total = f"{sum(known.values()):g}"
    gaps = [t for t in UPGRADING_TYPES if t not in known]
    return total if not gaps else f"{total} ({', '.join(gaps)} N/A)"


def _index_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown rows with link cells, plain rows for the CSV) of the case index."""
    from analysis.vocab import SECTOR_LABELS

    rows = []
    for _, c in frame.iterrows():
        rows.append({"Case": {"text": escape.one_line(c["name"]), "doc": "/" + page_doc(c["case_id"])},
                     "Sector": SECTOR_LABELS[c["sector"]], "Country": escape.one_line(c["country"]),
                     "CE degree": _fmt(c["ce_degree"] if not pd.isna(c["ce_degree"]) else None),
                     "Upgrading (sum of 4 types)": upgrading_sum_text(c)})
    shown = pd.DataFrame(rows, columns=["Case", "Sector", "Country", "CE degree", "Upgrading (sum of 4 types)"])
    plain = shown.assign(Case=[r["Case"]["text"] for r in rows], case_id=list(frame["case_id"]))
    return shown, plain


def _sources_rows(frame: pd.DataFrame, refs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown rows, plain rows for the CSV) of the bibliography by case: one row per case and
    work, in the case index's order, each case linked to its page and each work to the
    bibliography."""
    from analysis.vocab import SECTOR_LABELS

    rows, plain = [], []
    for _, c in frame.iterrows():
        for _, r in refs[refs["case_id"] == c["case_id"]].iterrows():
            base = {"Sector": SECTOR_LABELS[c["sector"]], "Country": escape.one_line(c["country"])}
            rows.append({"Case": {"text": escape.one_line(c["name"]), "doc": "/" + page_doc(c["case_id"])}, **base,
                         "Source (as printed)": {"text": escape.one_line(r["as_printed"]), "doc": "/bibliography"},
                         "BibTeX key": r["bibkey"]})
            plain.append({"Case": escape.one_line(c["name"]), **base, "Source (as printed)": r["as_printed"],
                          "BibTeX key": r["bibkey"], "case_id": c["case_id"]})
    cols = ["Case", "Sector", "Country", "Source (as printed)", "BibTeX key"]
    return pd.DataFrame(rows, columns=cols), pd.DataFrame(plain, columns=cols + ["case_id"])


def _index_page(ctx: _Context, out: Path) -> None:
    """The case index: the published cases' table (the same in every edition, so its download
    does not change when cases are added) and, in the extended edition, the new cases' table."""
    from analysis.report.present import Page

    with contextlib.chdir(out):
        page = Page("case-index")
        shown, plain = _index_rows(ctx.published)
        tables = [page.table(shown, "published_cases", "The published cases of the book, each linked to its page",
                             "data/cases.csv (book Tables 1.3, 9.1–9.6)", data=plain)]
        if len(ctx.new):
            shown, plain = _index_rows(ctx.new)
            tables.append(page.table(shown, "new_cases", "The new cases of this extended edition, each linked to its page",
                                     "the new case files (not coded by the book's authors)", data=plain))
        shown, plain = _sources_rows(ctx.published, ctx.refs)
        sources = page.table(shown, "sources_by_case", "Bibliography by case: the works the book cites for each "
                             "published case (Table 1.3), each linked to the bibliography",
                             "data/case_references.csv and references.bib", data=plain, interactive=True)
    text = ["(case-index)=", "# Case pages", "",
            f"One page for each of the {len(ctx.published)} published cases"
            + ((f" and the {len(ctx.new)} new cases" if len(ctx.new) > 1 else " and the new case") if len(ctx.new) else "")
            + ": scores against the sector, value chains, sources, the book tables the case appears in, "
            "reconciliation notes, Table 9.3 and regression context and the Chapter 10 policy menu. "
            "Filter the lists below by sector, country, CE degree or upgrading (the filters work offline; "
            "without JavaScript the full tables are shown).", "",
            "The upgrading column is the sum of the four upgrading scores (product, process, functional, "
            "intersectoral; 0–12) only when all four are scored, as in the regressions. When a type is not "
            "scored it shows the sum of the others marked with what is missing, for example "
            "3 (functional N/A), which is not comparable with a full sum; a case without any score "
            "shows –.", "",
            '```{raw} html', '<div id="case-filters" class="case-filters" hidden></div>', '```', ""]
    for t in tables:
        text += [t, ""]  # _static/case_index.js: jupyter-book adds the _static scripts to every page
    text += ["(sources-by-case)=", "## Bibliography by case", "",
             "Which work documents which case. Sort by any column or filter the rows (offline, "
             "no outside request); the full entries are on the {doc}`../../bibliography` page.", "",
             sources, ""]
    Path(out / "index.md").write_text("\n".join(text), encoding="utf-8")


# ---------------------------------------------------------------- all pages

def write_case_pages(dest: Path, cases_dir: str = "", cache_dir: Path | None = None,
                     formats: tuple[str, ...] = ("png",), only: set[str] | None = None, log=print) -> dict:
    """Write every case page and the index into ``dest/chapters/cases``.

    ``only`` limits the pages to these case ids and leaves out the index (preview).
    Returns counts: ``{"pages": n, "rendered": k, "cached": n - k, "changed_files": c}``.
    """
    import time

    t0 = time.perf_counter()
    base = _code_hash() + ",".join(formats)
    ctx = _Context(cases_dir, base)
    target = Path(dest) / CASES_DIR
    cache_dir = Path(cache_dir) if cache_dir else None
    ids = list(ctx.published["case_id"]) + (list(ctx.new["case_id"]) if len(ctx.new) else [])
    if only is not None:
        ids = [i for i in ids if i in only]
    scratch = Path(dest) / ".casepages-new"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "downloads").mkdir(parents=True)
    rendered = 0
    for cid in ids:
        is_new = len(ctx.new) and cid in set(ctx.new["case_id"])
        frame = ctx.raw_new if is_new else ctx.published
        row = frame[frame["case_id"] == cid].iloc[0].copy()
        if "source_file" in row.index:  # the build copies cases into a digest-named folder: keep the name only
            row["source_file"] = Path(escape.text(row["source_file"])).name
        # a page shows its own row, and one thing that depends on the other cases: which
        # models of the extended sample use it (the regressors follow the sectors scored)
        context = json.dumps(ctx.regression_extended.get(cid), sort_keys=True) if is_new else ""
        key = hashlib.sha256((base + row.to_json(default_handler=str) + context).encode()).hexdigest()[:20]
        entry = cache_dir / "casepages" / key if cache_dir else None
        if entry is not None and (entry / f"{cid}.md").exists():
            shutil.copy2(entry / f"{cid}.md", scratch / f"{cid}.md")
            shutil.copytree(entry / "downloads", scratch / "downloads", dirs_exist_ok=True)
            continue
        one = scratch / ".one"
        shutil.rmtree(one, ignore_errors=True)
        one.mkdir()
        render_case(ctx, cid, one, formats)
        rendered += 1
        if entry is not None:
            tmp = entry.with_name(key + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(one, tmp)
            shutil.rmtree(entry, ignore_errors=True)
            tmp.rename(entry)
        shutil.copy2(one / f"{cid}.md", scratch / f"{cid}.md")
        shutil.copytree(one / "downloads", scratch / "downloads", dirs_exist_ok=True)
        shutil.rmtree(one)
    if only is None:
        _index_page(ctx, scratch)
    changed = _sync_tree(scratch, target)
    shutil.rmtree(scratch, ignore_errors=True)
    log(f"case pages: {len(ids)} pages ({rendered} rendered, {len(ids) - rendered} from cache), "
        f"{changed} files changed ({time.perf_counter() - t0:.1f}s)")
    return {"pages": len(ids), "rendered": rendered, "cached": len(ids) - rendered, "changed_files": changed,
            "ids": ids}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.book.casepages", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder that receives chapters/cases/")
    ap.add_argument("--cases", default="", help="folder of new case files (project-relative)")
    ap.add_argument("--formats", default="png", help="figure formats, e.g. png,svg,pdf (heavy formats on demand)")
    args = ap.parse_args(argv)
    write_case_pages(args.out, args.cases, formats=tuple(args.formats.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
