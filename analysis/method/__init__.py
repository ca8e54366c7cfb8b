"""Layer 0, the book's arithmetic: pure functions on frames (indices, aggregates,
Chapter 8's trade method, the book's tables, the policy menu, printed-number
parsing, cells). Imports only :mod:`analysis.vocab` and :mod:`analysis.paths`.
See docs/architecture.md."""
