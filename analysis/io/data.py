"""Loading and validating the data files (the only module here that reads files).

Errors name the file, the CSV line, the case (where there is one), the field,
the bad value and the rule it broke, and list every problem at once.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.io.chapter_tables import ChapterTables, load_chapter_tables
from analysis.io.schema import SCHEMAS
from analysis.vocab import CE_DEGREES

from analysis.paths import DATA_DIR, ROOT as ROOT_DIR



class DataError(ValueError):
    """A data file failed validation; the message lists every problem."""


def _describe_failures(path: Path, raw: pd.DataFrame, exc: pa.errors.SchemaErrors) -> str:
    lines = [f"{path}: {len(exc.failure_cases)} problem(s)"]
    for _, f in exc.failure_cases.iterrows():
        idx = f.get("index")
        where = "file"
        if idx is not None and not pd.isna(idx) and int(idx) in raw.index:
            i = int(idx)
            case = raw.loc[i, "case_id"] if "case_id" in raw.columns else None
            where = f"line {i + 2}" + (f" (case {case!r})" if case else "")
        field = f.get("column") if not pd.isna(f.get("column")) else "(table)"
        lines.append(f"  {where}, field {field!r}: value {f.get('failure_case')!r} "
                     f"fails check {f.get('check')}")
    return "\n".join(lines)


def read_validated(path: str | Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Read one CSV (UTF-8) and validate it against ``schema``."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: malformed CSV: {exc}") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path}: empty file") from exc
    frame = raw.replace({"": None})
    try:
        out = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(_describe_failures(path, raw, exc)) from None
    out.attrs["source"] = str(path)
    return out


#: attribute of :class:`BookData` -> its file under ``data/`` (schema in :data:`analysis.io.schema.SCHEMAS`)
FILES = {
    "cases": "cases.csv", "reconciliation": "reconciliation.csv", "printed": "book/printed_values.csv",
    "errata": "errata.csv", "provenance": "provenance.csv", "judgements": "book/judgements.csv",
    "audit_before": "book/audit_before.csv", "text_claims": "book/text_claims.csv",
    "structural_claims": "book/structural_claims.csv", "text_scan": "book/text_scan.csv",
    "table_1_1": "book/table_1_1.csv", "table_1_2": "book/table_1_2.csv",
    "table_1_2_notes": "book/table_1_2_notes.csv", "table_9_3": "book/table_9_3.csv",
    "table_9_3_notes": "book/table_9_3_notes.csv",
}


class BookData:
    """Every input of the book's pages, validated: one attribute per file of :data:`FILES`
    (``cases`` with its analysis types) and ``chapters``, the case-study tables of Chapters
    2-5 and 8 (``data/chapters``, keyed "2.1", "4.2", ...).

    Each file is read and validated when first used, so a page reads exactly the files it
    uses (the build checks them against the inputs the page declares in ``chapters/runs.yml``).
    :func:`load_book_data` reads and cross-checks everything at once.
    """

    def __init__(self, data_dir: str | Path = DATA_DIR):
        self._dir = Path(data_dir)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "chapters":
            value = ChapterTables(self._dir / "chapters")
        elif name in FILES:
            value = read_validated(self._dir / FILES[name], SCHEMAS[FILES[name]])
            if name == "cases":
                value = tidy_cases(value)
        else:
            raise AttributeError(f"BookData has no {name!r} (files: {', '.join(FILES)}, chapters)")
        setattr(self, name, value)  # read once
        return value


def tidy_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """Give validated case columns their analysis types (ordered CE degree)."""
    out = cases.copy()
    out["ce_degree"] = out["ce_degree"].astype(pd.CategoricalDtype(list(CE_DEGREES), ordered=True))
    return out


def open_book_data(data_dir: str | Path = DATA_DIR) -> BookData:
    """The book's data, each file read when first used (what the pages call)."""
    return BookData(data_dir)


def load_book_data(data_dir: str | Path = DATA_DIR) -> BookData:
    """Read and validate every data file of ``data_dir`` now, and the case-study tables of
    ``data_dir/chapters`` (:mod:`analysis.io.chapter_tables`), and check that every case id
    used in another file exists (what the build does before anything executes)."""
    data = BookData(data_dir)
    attribute = {file: name for name, file in FILES.items()}
    for file, schema in SCHEMAS.items():  # also the files other modules read (labels, qualifiers, ...)
        if file in attribute:
            getattr(data, attribute[file])
        else:
            read_validated(Path(data_dir) / file, schema)
    data.chapters = load_chapter_tables(Path(data_dir) / "chapters")
    check_references(data)
    return data


def check_references(data: BookData) -> None:
    """Every case id used in another file must exist in cases.csv."""
    known = set(data.cases["case_id"])
    problems = []
    for label, frame in (("reconciliation.csv", data.reconciliation), ("book/table_1_2.csv", data.table_1_2)):
        for i, cid in frame["case_id"].items():
            if cid not in known:
                problems.append(f"{label}, line {i + 2}, field 'case_id': unknown case {cid!r}")
    if problems:
        raise DataError("\n".join(problems))
