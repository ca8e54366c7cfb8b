"""Layer 1, reading: the data files, their pandera schemas, the case-study tables,
contributed cases. Imports only :mod:`analysis.vocab`, :mod:`analysis.paths` and
the pure arithmetic of :mod:`analysis.method` (to derive computed columns while
loading). See docs/architecture.md."""
