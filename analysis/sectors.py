"""The book's four sectoral groups (Chapter 1, after Pavitt's taxonomy)."""
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


def check_sector(sector: str) -> str:
    """Return ``sector`` if it is a known code, else raise with the allowed codes."""
    if sector not in SECTORS:
        raise ValueError(f"unknown sector {sector!r}; allowed: {', '.join(SECTORS)}")
    return sector
