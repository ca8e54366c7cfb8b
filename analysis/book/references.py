"""The works behind each case: ``data/case_references.csv`` against ``references.bib``.

Each row of ``case_references.csv`` links a case to one BibTeX entry and keeps
the citation as printed in the case's ``sources`` (Table 1.3), e.g.
``Schmitz (1995, 1999b)`` once for each of the two works it names.
:func:`check_case_references` lists every inconsistency between the three files.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.paths import ROOT

BIB_FILE = ROOT / "references.bib"
MAPPING_FILE = ROOT / "data" / "case_references.csv"

_VOLUME = re.compile(r"\(Chapter (\d+) in this volume\)")


def load_bibliography(path: str | Path = BIB_FILE):
    """Parse a .bib file with pybtex (duplicate keys are an error)."""
    from pybtex.database import parse_file

    return parse_file(str(path), bib_format="bibtex")


def printed_citations(sources: str) -> list[str]:
    """Split a printed sources cell into its citations: ``'A (2000); B and C (2001, 2002)'`` -> 2 items."""
    return [m.strip(" ,;") for m in re.findall(r"[^;()]+\([^)]*\)", sources or "")]


def cited_years(citation: str) -> list[str]:
    """Years named by one printed citation ('1999c' -> '1999'); a chapter of this volume counts as 2006."""
    if _VOLUME.search(citation):
        return ["2006"]
    inside = citation[citation.rfind("(") + 1:citation.rfind(")")]
    return [y[:4] for y in re.findall(r"\d{4}[a-z]?", inside)]


def check_case_references(cases: pd.DataFrame, mapping: pd.DataFrame, bib) -> list[str]:
    """Every problem found (empty list when the files agree).

    Rules: every case has at least one work; every key exists in the .bib; every
    mapped case exists; each row's printed citation is part of the case's sources;
    every printed citation of a case is mapped, to as many works as it names years;
    the year (and, for chapters of this volume, the chapter) of each work matches
    the citation.
    """
    problems = []
    entries = bib.entries
    known = set(cases["case_id"])
    sources = dict(zip(cases["case_id"], cases["sources"].fillna("")))
    for i, row in mapping.reset_index(drop=True).iterrows():
        where = f"case_references.csv line {i + 2}"
        if row["case_id"] not in known:
            problems.append(f"{where}: unknown case {row['case_id']!r}")
            continue
        if row["bibkey"] not in entries:
            problems.append(f"{where}: key {row['bibkey']!r} is not in references.bib")
            continue
        if row["as_printed"] not in printed_citations(sources[row["case_id"]]):
            problems.append(f"{where}: {row['as_printed']!r} is not a citation in the sources of "
                            f"{row['case_id']} ({sources[row['case_id']]!r})")
        entry = entries[row["bibkey"]]
        year = entry.fields.get("year", "")
        if year not in cited_years(row["as_printed"]):
            problems.append(f"{where}: {row['bibkey']} is from {year or 'no year'}, "
                            f"but {row['as_printed']!r} cites {', '.join(cited_years(row['as_printed']))}")
        chapter = _VOLUME.search(row["as_printed"])
        if chapter and entry.fields.get("chapter") != chapter.group(1):
            problems.append(f"{where}: {row['bibkey']} is not Chapter {chapter.group(1)} of this volume")
    for case_id in sorted(known):
        rows = mapping[mapping["case_id"] == case_id]
        if rows.empty:
            problems.append(f"case {case_id}: no work in case_references.csv")
            continue
        for citation in printed_citations(sources[case_id]):
            n = int((rows["as_printed"] == citation).sum())
            expected = len(cited_years(citation))
            if n != expected:
                problems.append(f"case {case_id}: {citation!r} names {expected} work(s), "
                                f"case_references.csv maps it to {n}")
    return problems
