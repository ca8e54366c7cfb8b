"""Layer 2, beyond the book: model variables, regressions, tests of Table 9.3's
patterns, sensitivity of the expert codings. Imports io, method, vocab, paths;
never audit, report or book."""
