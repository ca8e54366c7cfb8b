"""The project's vocabulary, defined once: the book's four sectoral groups (Chapter 1,
after Pavitt's taxonomy), chain types, governance codes, upgrading types, the
collective-efficiency components and the column names built from them.

Every other module imports these names from here; labels shown to readers come
from here too.
"""
from __future__ import annotations

import csv
import functools
import re

from analysis.paths import DATA_DIR

SECTORS = ("traditional", "natural_resource", "complex_products", "specialized_suppliers")

SECTOR_LABELS = {
    "traditional": "Traditional manufacturing",
    "natural_resource": "Natural-resource-based",
    "complex_products": "Complex products",
    "specialized_suppliers": "Specialized suppliers (software)",
}

# The book's per-case upgrading table for each sector; software has none.
UPGRADING_TABLE = {
    "traditional": "9.4",
    "natural_resource": "9.5",
    "complex_products": "9.6",
    "specialized_suppliers": None,
}

CE_DEGREES = ("low", "medium", "high")
UPGRADING_TYPES = ("product", "process", "functional", "intersectoral")
CHAIN_TYPES = ("market", "network", "quasi_hierarchy", "hierarchy")
CHAIN_LABELS = {"market": "Market", "network": "Network",
                "quasi_hierarchy": "Quasi-hierarchy", "hierarchy": "Hierarchy"}
GOVERNANCE_CODES = {0: "absent", 1: "domestic chain", 2: "global chain", 3: "domestic and global chain"}

# Columns of the case database built from the codes above.
UPGRADING_COLUMNS = tuple(f"upgrading_{t}" for t in UPGRADING_TYPES)
GOVERNANCE_COLUMNS = tuple(f"gov_{c}" for c in CHAIN_TYPES)
# Collective-efficiency components, 0-3 each (the reasons for four per index: analysis.method.indices).
EE_COMPONENTS = ("ee_labour_market", "ee_local_inputs", "ee_information", "ee_market_access")
JA_COMPONENTS = ("ja_vertical_backward", "ja_vertical_forward",
                 "ja_horizontal_bilateral", "ja_horizontal_multilateral")
CE_COMPONENTS = EE_COMPONENTS + JA_COMPONENTS


def check_sector(sector: str) -> str:
    """Return ``sector`` if it is a known code, else raise with the allowed codes."""
    if sector not in SECTORS:
        raise ValueError(f"unknown sector {sector!r}; allowed: {', '.join(SECTORS)}")
    return sector


# ---------------------------------------------------------------- labels shown to readers
# Human labels for every column, code and category come from data/labels.csv (one place;
# the data dictionary, every table header and every figure use it).
LABELS_CSV = DATA_DIR / "labels.csv"
SECTOR_ORDER = SECTORS            # the one order of sectors on every page
CHAIN_ORDER = CHAIN_TYPES         # the one order of chain types on every page
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


@functools.lru_cache(maxsize=1)
def _labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    columns: dict[str, str] = {}
    categories: dict[str, dict[str, str]] = {}
    with LABELS_CSV.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["kind"] == "column":
                columns[r["column"]] = r["label"]
            else:
                categories.setdefault(r["column"], {})[r["code"]] = r["label"]
    return columns, categories


def is_identifier(text: str) -> bool:
    """True if ``text`` looks like a raw variable name (snake_case such as ``ce_degree``)."""
    return bool(_IDENTIFIER.fullmatch(str(text)))


def column_label(name) -> str:
    """The label readers see for column ``name``: from data/labels.csv, else the name itself
    with underscores as spaces and a capital first letter (never a raw identifier)."""
    name = str(name)
    columns, _ = _labels()
    if name in columns:
        return columns[name]
    if is_identifier(name) or name.islower():
        text = name.replace("_", " ")
        return text[:1].upper() + text[1:]
    return name


def category_label(column: str, code) -> str:
    """The label of ``code`` in the coded column ``column`` (the code itself if it has none)."""
    return _labels()[1].get(str(column), {}).get(str(code), code)


#: the kinds of value a column holds, as the data dictionary and the codebook name them
#: (labels in data/labels.csv, column ``data_type``)
DATA_TYPES = ("text", "whole_number", "decimal_number", "yes_no", "date", "category")


def data_type(dtype) -> str:
    """The kind of value (:data:`DATA_TYPES`) of a pandas or numpy ``dtype`` (a dtype object or
    its name, e.g. ``string[pyarrow]``, ``Int64``, ``float64``): the one mapping from storage
    types to what a reader needs to know."""
    import pandas as pd

    t = pd.api.types
    if isinstance(dtype, str) and dtype in ("str", "string"):
        return "text"
    dtype = pd.api.types.pandas_dtype(dtype) if isinstance(dtype, str) else dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if t.is_bool_dtype(dtype):
        return "yes_no"
    if t.is_integer_dtype(dtype):
        return "whole_number"
    if t.is_float_dtype(dtype):
        return "decimal_number"
    if t.is_datetime64_any_dtype(dtype):
        return "date"
    return "text"  # object, string (python or pyarrow storage)


def type_label(dtype) -> str:
    """What readers see for a column's type ("text", "whole number", "decimal number", ...)."""
    return category_label("data_type", data_type(dtype))


def relabel(df, columns: bool = True):
    """A copy of ``df`` for display: codes of labelled columns (sector, chain, status, ...)
    replaced by their labels and, if ``columns``, the headers by :func:`column_label`."""
    cats = _labels()[1]
    out = df.copy()
    for col in out.columns:
        mapping = cats.get(str(col))
        if mapping:
            out[col] = out[col].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    if columns:
        out.columns = [column_label(c) for c in out.columns]
    return out
