"""Printed pages: every table and figure of the book has one, and captions cite it."""
import pandas as pd
import pytest

from analysis.io import bookref
from analysis.io.data import DataError, read_validated
from analysis.io.schema import PROVENANCE

# The numbers printed in the book's own lists of tables and figures (front matter).
BOOK_TABLES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6",
               "5.1", "5.2", "5.3", "5.4", "5.5", "8.1", "8.2", "8.3", "8.4", "9.1", "9.2", "9.3", "9.4",
               "9.5", "9.6", "10.1", "10.2"]
BOOK_FIGURES = ["1.1", "2.1", "4.1", "4.2", "7.1", "7.2", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "10.1"]


def test_every_listed_table_figure_and_chapter_is_indexed():
    idx = bookref.page_index()
    assert sorted(idx.loc[idx.kind == "table", "number"]) == sorted(BOOK_TABLES)
    assert sorted(idx.loc[idx.kind == "figure", "number"]) == sorted(BOOK_FIGURES)
    assert sorted(idx.loc[idx.kind == "chapter", "number"].astype(int)) == list(range(1, 11))


@pytest.mark.parametrize("number,kind,expected", [
    ("9.4", None, "Table 9.4, p. 279"),          # list of tables: 9.4 ... 279
    ("Table 5.2", None, "Table 5.2, p. 147"),
    ("4.1", "figure", "Figure 4.1, p. 117"),     # list of figures: 4.1 ... 117
    ("Figure 10.1", None, "Figure 10.1, p. 301"),
    (9, "chapter", "Chapter 9, pp. 251–298"),    # contents: 9 at 251, 10 at 299
    ("10", "chapter", "Chapter 10, pp. 299–330"),  # contributors start at 331
])
def test_book_ref(number, kind, expected):
    assert bookref.book_ref(number, kind=kind) == expected


def test_book_ref_names_what_exists():
    with pytest.raises(KeyError, match="known tables: 1.1"):
        bookref.book_ref("9.9")
    with pytest.raises(ValueError, match="kind 'plate'"):
        bookref.book_ref("1.1", kind="plate")


def test_line_pages():
    assert bookref.line_pages(3420) == (279, 279)       # inside Table 9.4
    assert bookref.line_pages(3130) == (256, 256)       # inside Table 9.1
    first, last = bookref.line_pages(3401)              # prose of section 9.4 (p. 276 on)
    assert first == 276 and last == 291
    assert bookref.line_pages(280) == (1, 4)            # chapter 1 opening, before its first section
    with pytest.raises(ValueError, match="outside chapters"):
        bookref.line_pages(100)


def test_pages_follow_the_text_order():
    """Chapters and sections are in print order, so a later line never lies on an earlier page."""
    idx = bookref.page_index()
    spans = idx[idx.kind.isin(["chapter", "section"])].sort_values("first_line")
    for kind in ("chapter", "section"):
        s = spans[spans.kind == kind]
        assert s["page"].is_monotonic_increasing, kind
    # every table and figure lies inside the chapter whose page range holds its page
    chap = idx[idx.kind == "chapter"]
    for _, r in idx[idx.kind.isin(["table", "figure"])].iterrows():
        c = chap[(chap.first_line <= r.first_line) & (r.last_line <= chap.last_line)].iloc[0]
        assert c.page <= r.page <= c.page_end, (r.kind, r.number)


def test_every_transcribed_line_has_a_page(book_data):
    lines = list(book_data.printed["line"]) + list(book_data.reconciliation["line"])
    for cells in book_data.chapters.values():
        if "line" in cells.columns:
            lines += [int(x) for x in cells["line"].dropna()]
    for line in set(lines):
        first, last = bookref.line_pages(line)
        assert 1 <= first <= last <= 330


def test_a_table_without_a_page_is_rejected(data_copy):
    path = data_copy / "provenance.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[(df.kind == "table") & (df.number == "9.4"), "page"] = ""
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="'page'"):
        read_validated(path, PROVENANCE)

