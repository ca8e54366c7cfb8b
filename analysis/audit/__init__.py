"""Layer 2, checking the book: the audit rules, the reproduction audit of every
printed derived cell, the text claims and the per-chapter checks of the case
studies. Imports io, method, vocab, paths; never stats, report or book."""
