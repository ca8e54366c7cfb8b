"""The reproduction audit of the unmodified book data, computed once per test session.

Many tests read the same audit (about 3 s to compute); they get a fresh copy each time, so
one test's edits cannot leak into another. Tests that corrupt the data compute their own."""
from analysis.audit.book_audit import book_audit

_DONE: dict[int, object] = {}


def audited(book_data):
    """``book_audit(book_data)`` for the session's ``book_data`` fixture, as a copy."""
    if id(book_data) not in _DONE:
        _DONE[id(book_data)] = (book_data, book_audit(book_data))  # keep the object alive: ids stay unique
    return _DONE[id(book_data)][1].copy()
