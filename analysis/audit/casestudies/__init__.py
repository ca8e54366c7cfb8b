"""The case-study chapters (2-5 and 8): each module rebuilds its chapter's tables
from the cells files and checks them (cross-table, table-vs-text)."""
