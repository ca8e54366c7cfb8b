"""The project's vocabulary, defined once: the book's four sectoral groups (Chapter 1,
after Pavitt's taxonomy), chain types, governance codes, upgrading types, the
collective-efficiency components and the column names built from them.

Every other module imports these names from here; labels shown to readers come
from here too.
"""
from __future__ import annotations

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
