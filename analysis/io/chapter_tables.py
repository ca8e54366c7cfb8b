"""Reading the case-study files of ``data/chapters/`` (the only file I/O of the case-study code).

:func:`load_chapter_tables` reads every ``table_*.csv`` of the folder and
validates it:

* numeric tables (``table_2_1.csv`` ... ``table_8_4.csv``) are cells files, read
  with :func:`analysis.method.cells.read_cells`;
* the qualitative tables of Chapter 4 (4.2, 4.5, 4.6) are validated with their
  own schemas (:func:`validate_qualitative`), and
  the text columns of Table 4.4 (``table_4_4_businesses.csv``) with
  :data:`BUSINESSES_SCHEMA`;
* Chapter 8's transcribed text verdicts (``ch8_text_verdicts.csv``) are added
  under the key :data:`TEXT_VERDICTS`.

Keys are book table numbers as strings ("2.1", "4.2"), plus
``"4.4 businesses"`` and :data:`TEXT_VERDICTS`: the keys the chapter modules'
``consistency_*`` functions expect. Every table, audit and figure function
receives these frames; none of them opens a file.

A reader's own trade series for the Chapter 8 page is read by
:mod:`analysis.io.trade_series` (kept apart so that pages loading the book's
tables do not depend on the Chapter 8 rules).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.method.cells import read_cells

from analysis.paths import CHAPTERS_DATA_DIR as CHAPTERS_DIR

TEXT_VERDICTS = "8 text verdicts"
#: key of the prose statements (data/book/text_claims.csv) among the loaded tables
TEXT_CLAIMS = "text claims"
QUALITATIVE = ("4.2", "4.5", "4.6")

BUSINESSES_SCHEMA = pa.DataFrameSchema(
    {
        "business": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        "product_location": pa.Column(str, pa.Check.str_length(min_value=1)),
        "capital_structure_summary": pa.Column(str, pa.Check.str_length(min_value=1)),
        "line": pa.Column(int, pa.Check.in_range(1661, 1686)),
    },
    strict=True, coerce=True, name="Table 4.4 businesses",
)

_NAME = re.compile(r"^table_(\d+)_(\d+)(?:_([a-z]+))?\.csv$")


def table_key(path: Path) -> str:
    """Key of a ``table_*.csv`` file: ``table_4_2.csv`` -> "4.2", ``table_4_4_businesses.csv`` -> "4.4 businesses"."""
    m = _NAME.match(path.name)
    if not m:
        raise ValueError(f"{path}: file name does not follow table_<chapter>_<number>[_<part>].csv")
    key = f"{m.group(1)}.{m.group(2)}"
    return f"{key} {m.group(3)}" if m.group(3) else key


def _read_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _validated(path: Path, validate) -> pd.DataFrame:
    """Run ``validate`` on the raw text of ``path``; any failure names the file."""
    try:
        out = validate(_read_text(path))
    except (pa.errors.SchemaError, pa.errors.SchemaErrors, ValueError) as exc:
        raise ValueError(f"{path}: invalid table file:\n{exc}") from exc
    out.attrs["source"] = str(path)
    return out


class ChapterTables(Mapping):
    """The case-study tables of a folder, each read and validated on first use.

    Keys as :func:`load_chapter_tables` gives them; listing the keys reads no file, so a
    page that uses Table 2.1 reads ``table_2_1.csv`` and nothing else of the folder.
    Raises ``FileNotFoundError`` when the folder holds no table at all.
    """

    def __init__(self, data_dir: str | Path = CHAPTERS_DIR):
        d = Path(data_dir)
        files = sorted(d.glob("table_*.csv"))
        if not files:
            raise FileNotFoundError(f"{d}: no table_*.csv files")
        self._paths = {table_key(p): p for p in files}
        verdicts = d / "ch8_text_verdicts.csv"
        if verdicts.exists():
            self._paths[TEXT_VERDICTS] = verdicts
        claims = d.parent / "book" / "text_claims.csv"
        if claims.exists():  # the prose statements the chapter audits judge (data/book/text_claims.csv)
            self._paths[TEXT_CLAIMS] = claims
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._loaded:
            self._loaded[key] = _load_table(key, self._paths[key])
        return self._loaded[key]

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _load_table(key: str, path: Path) -> pd.DataFrame:
    if key == TEXT_VERDICTS:
        return read_text_verdicts(path)
    if key == TEXT_CLAIMS:
        from analysis.io.data import read_validated
        from analysis.io.schema import TEXT_CLAIMS as _TEXT_CLAIMS_SCHEMA
        return read_validated(path, _TEXT_CLAIMS_SCHEMA)
    if key in QUALITATIVE:
        return _validated(path, lambda df, k=key: validate_qualitative(df, k))
    if key == "4.4 businesses":
        return _validated(path, BUSINESSES_SCHEMA.validate)
    return read_cells(path)


def load_chapter_tables(data_dir: str | Path = CHAPTERS_DIR) -> dict[str, pd.DataFrame]:
    """Every ``table_*.csv`` of ``data_dir`` (plus Chapter 8's text verdicts and the prose
    statements), read and validated now.

    Raises ``ValueError`` naming the file when a file does not validate, and
    ``FileNotFoundError`` when the folder holds no table at all.
    """
    return dict(ChapterTables(data_dir))


# ---------------------------------------------------------------- qualitative schemas
SCHEMA_4_2 = pa.DataFrameSchema({
    "stage": pa.Column(str, pa.Check.isin(["Initiation", "Maturity", "Globalization"])),
    "period": pa.Column(str), "dimension": pa.Column(str), "item_no": pa.Column(int, pa.Check.ge(0)),
    "item": pa.Column(str, pa.Check.str_length(min_value=1)), "line": pa.Column(int, pa.Check.in_range(1556, 1567)),
    "note": pa.Column(str, nullable=True)}, strict=True, coerce=True, unique=["stage", "dimension", "item_no"])
SCHEMA_4_5 = pa.DataFrameSchema({
    "action_no": pa.Column(int, unique=True), "stage": pa.Column(str), "actors": pa.Column(str),
    "action": pa.Column(str), "cause_incentive": pa.Column(str),
    "financing_type": pa.Column(str, pa.Check.isin(["Private", "Public/private"])),
    "public_share_pct": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    "private_share_pct": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    "financing_contributors": pa.Column(str, nullable=True), "amount_printed": pa.Column(str, nullable=True),
    "result_rating": pa.Column(str), "result_detail": pa.Column(str, nullable=True),
    "line": pa.Column(int, pa.Check.in_range(1728, 1746)), "note": pa.Column(str, nullable=True)},
    strict=True, coerce=True)
SCHEMA_4_6 = pa.DataFrameSchema({
    "upgrade_type": pa.Column(str, pa.Check.isin(["Process upgrading", "Product upgrading",
                                                  "Functional upgrading", "Intersectoral upgrading"])),
    "link": pa.Column(str), "dimension": pa.Column(str, pa.Check.isin(["Practices", "Leadership/action",
                                                                      "Impact/results"])),
    "item": pa.Column(str, nullable=True), "line": pa.Column(int, pa.Check.in_range(1817, 1843)),
    "note": pa.Column(str, nullable=True)}, strict=True, coerce=True)


def validate_qualitative(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Validate a loaded qualitative table ("4.2", "4.5" or "4.6") against its schema."""
    schema = {"4.2": SCHEMA_4_2, "4.5": SCHEMA_4_5, "4.6": SCHEMA_4_6}[table]
    out = schema.validate(df.replace({"": None}) if table == "4.5" else df)
    if table == "4.5":
        # Shares that are printed must add up to 100 (a check on our transcription).
        both = out.dropna(subset=["public_share_pct", "private_share_pct"])
        bad = both[(both["public_share_pct"] + both["private_share_pct"]).round(6) != 100]
        if not bad.empty:
            raise ValueError(f"Table 4.5 financing shares do not add to 100: {bad['action_no'].tolist()}")
    return out


# ---------------------------------------------------------------- audits


# ---------------------------------------------------------------- Chapter 8 text verdicts
VERDICTS_SCHEMA = pa.DataFrameSchema(
    {
        "table": pa.Column(str, pa.Check.isin(["8.2", "8.4"])),
        "panel": pa.Column(str),
        "country": pa.Column(str),
        "verdict_in_text": pa.Column(str),
        "line": pa.Column(int, pa.Check.ge(1)),
        "quote_summary": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=True, coerce=True, name="chapter 8 text verdicts",
)


def read_text_verdicts(path: str | Path) -> pd.DataFrame:
    """Load ``ch8_text_verdicts.csv`` and validate it; errors name the file."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        return VERDICTS_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValueError(f"{path}: invalid verdicts file:\n{exc.failure_cases.to_string()}") from exc
