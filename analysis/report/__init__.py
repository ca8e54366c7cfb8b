"""Layer 3, showing results on a page: page helpers, figures, case-study and
regression display. Imports every domain layer below; never analysis.book."""
