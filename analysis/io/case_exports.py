"""The case database (``data/cases.csv``) for Stata and for Arrow/Parquet readers, with a codebook.

* :func:`to_stata`: a Stata 118 ``.dta`` file. Coded variables become labelled
  integers: the sector (1-4, labels from :data:`analysis.vocab.SECTOR_LABELS`),
  the degree of collective efficiency (1 low, 2 medium, 3 high), the origin, and
  the governance codes (0-3, labels from :data:`analysis.vocab.GOVERNANCE_CODES`).
  Every variable carries its label: the description of the column in the data
  package schema (``datapackage.json``), cut to Stata's 80 characters.
* :func:`to_parquet`: the same rows and columns as the CSV, types kept (pyarrow).
* :func:`codebook`: one row per variable: name, type, label, codes and their
  meanings, count of missing values.

Missing values stay missing (Stata's ``.``), never a code.
"""
from __future__ import annotations

import json
from pathlib import Path


import pandas as pd

from analysis import vocab
from analysis.paths import ROOT

STATA_LABEL_MAX = 80
ORIGINS = ("book", "new")


def value_labels() -> dict[str, dict[int, str]]:
    """Code → meaning for each coded column of the case file."""
    out = {
        "sector": {i + 1: vocab.SECTOR_LABELS[s] for i, s in enumerate(vocab.SECTORS)},
        "ce_degree": {i + 1: d for i, d in enumerate(vocab.CE_DEGREES)},
        "origin": {i + 1: o for i, o in enumerate(ORIGINS)},
    }
    for col in vocab.GOVERNANCE_COLUMNS:
        out[col] = {int(k): v for k, v in vocab.GOVERNANCE_CODES.items()}
    return out


def _codes_of_text() -> dict[str, dict[str, int]]:
    return {"sector": {s: i + 1 for i, s in enumerate(vocab.SECTORS)},
            "ce_degree": {d: i + 1 for i, d in enumerate(vocab.CE_DEGREES)},
            "origin": {o: i + 1 for i, o in enumerate(ORIGINS)}}


def variable_labels(datapackage: Path = ROOT / "datapackage.json") -> dict[str, str]:
    """Column → description, from the data package schema of ``data/cases.csv``."""
    pkg = json.loads(Path(datapackage).read_text(encoding="utf-8"))
    res = next(r for r in pkg["resources"] if str(r.get("path", "")).endswith("cases.csv"))
    return {f["name"]: str(f.get("description", "")) for f in res["schema"]["fields"]}


def _short(text: str, limit: int = STATA_LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stata_frame(cases: pd.DataFrame) -> pd.DataFrame:
    """The case frame with coded text columns as integer codes (float with NaN for missing)."""
    out = cases.copy()
    for col, codes in _codes_of_text().items():
        if col in out:
            bad = out[col].notna() & ~out[col].isin(list(codes))
            if bad.any():
                raise ValueError(f"{col} has values without a code: {sorted(set(out.loc[bad, col]))}")
            out[col] = out[col].map(codes).astype(float)
    for col in vocab.GOVERNANCE_COLUMNS:
        if col in out:
            out[col] = pd.to_numeric(out[col]).astype(float)
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("str"):
            out[col] = out[col].astype(object).where(out[col].notna(), "").astype(str)
        elif pd.api.types.is_numeric_dtype(out[col]):
            out[col] = pd.to_numeric(out[col]).astype(float)
    return out


def to_stata(cases: pd.DataFrame, path: Path) -> Path:
    """Write ``cases`` as a labelled Stata .dta file."""
    frame = stata_frame(cases)
    labels = variable_labels()
    vl = {c: v for c, v in value_labels().items() if c in frame.columns}
    frame.to_stata(path, write_index=False, version=118,
                   variable_labels={c: _short(labels.get(c, c)) for c in frame.columns},
                   value_labels=vl, data_label="Upgrading to Compete (2006): cluster cases")
    return Path(path)


def to_parquet(cases: pd.DataFrame, path: Path) -> Path:
    cases.to_parquet(path, index=False, engine="pyarrow")
    return Path(path)


def codebook(cases: pd.DataFrame) -> pd.DataFrame:
    labels = variable_labels()
    vl = value_labels()
    rows = []
    for col in cases.columns:
        s = cases[col]
        kind = vocab.type_label(s.dtype)
        codes = "; ".join(f"{k} = {v}" for k, v in vl[col].items()) if col in vl else ""
        rows.append({"variable": col, "type": kind + (" (coded in .dta)" if col in _codes_of_text() else ""),
                     "label": labels.get(col, ""), "codes": codes, "missing": int(s.isna().sum()),
                     "distinct values": int(s.nunique(dropna=True))})
    return pd.DataFrame(rows)


def write_all(cases: pd.DataFrame, out_dir: Path) -> dict[str, Path]:
    """cases.dta, cases.parquet and codebook.csv in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from analysis import escape
    cb = codebook(cases)
    escape.write_csv(cb, out_dir / "codebook.csv")
    return {"dta": to_stata(cases, out_dir / "cases.dta"),
            "parquet": to_parquet(cases, out_dir / "cases.parquet"),
            "codebook": out_dir / "codebook.csv"}




