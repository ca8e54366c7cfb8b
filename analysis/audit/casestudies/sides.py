"""Which statement each side of a consistency row holds, for showing the row.

A consistency row compares its ``printed`` side (the figure judged as a statement, read
with its qualifier) with its ``computed`` side (what it is held against). Which source
sits on which side follows the judging, not the row's label: "3.1 vs text" rows hold the
prose on the printed side, except where the prose gives a plain figure against the
table's lower bound ("600 growers" against "400+"), and Table 1.2's figure is the printed
side of "4.3 vs 1.2". A page shows every row in the order its label names the sources
(the text first), so each column means one thing on every row; :func:`shown_check`
gives that label and the audit side of the first-named source.

The exceptions are the chapter modules' choices, declared here because the pages show
all chapters' rows through one function that imports no chapter module.
"""
from __future__ import annotations

import re

#: checks whose printed side holds the second-named source: Chapters 2 and 4 put Table 1.2's
#: figure on the printed side of "2.1 vs 1.2", "4.1 vs 1.2" and "4.3 vs 1.2"; the judgement of
#: Table 1.2 row 7's exports against its production puts the production (the whole) there
SECOND_IS_PRINTED = frozenset({"2.1 vs 1.2", "4.1 vs 1.2", "4.3 vs 1.2", "1.2 row 7 (internal)"})
#: checks of a table against the text whose printed side is always the table: Chapter 5 sets
#: each figure of Table 1.2 row 7 against the chapter's prose (the one statement recorded on
#: the printed side of these rows is Table 1.2's own line, p. 21)
TABLE_IS_PRINTED = frozenset({"1.2 vs text"})

_PAIR = re.compile(r"^(\S+) vs (\S+)$")
_INTERNAL = re.compile(r"^(\d+\.\d+)(?: row \d+)? \(internal\)$")
_TEXT_AT = re.compile(r"^(\d+\.\d+) text \(line \d+\)$")
TEXT_CLAIM = "text claim"
STRUCTURAL_CLAIM = "structural claim"


def _other(side: str) -> str:
    return "computed" if side == "printed" else "printed"


def shown_check(label: str, claim_side: str | None = None, against: tuple[str, ...] = ()) -> tuple[str, str]:
    """``(label as shown, audit side of the first-named source)`` for a consistency row.

    ``claim_side`` is the side that holds the prose statement recorded for the row in
    ``data/book/text_claims.csv`` (None if none is); ``against`` are the tables a
    ``text claim`` row's expression reads (none: the text's own figures).

    * "A vs text" is shown "text vs A", the text first;
    * "A vs B" (two tables) keeps its order;
    * a prose statement checked by expression is "text vs 8.2" (or "text vs text");
    * a statement of the book checked against our count is "text vs count";
    * a table checked against itself ("5.2 (internal)") is "within 5.2";
    * "8.3 text (line 2942)" is "text vs 8.3".
    """
    label = str(label)
    if label == TEXT_CLAIM:
        return "text vs " + (", ".join(against) if against else "text"), "printed"
    if label == STRUCTURAL_CLAIM:
        return "text vs count", "printed"
    m = _TEXT_AT.match(label)
    if m:
        return f"text vs {m.group(1)}", "printed"
    m = _INTERNAL.match(label)
    if m:
        return f"within {m.group(1)}", "computed" if label in SECOND_IS_PRINTED else "printed"
    m = _PAIR.match(label)
    if m and m.group(2) == "text":
        text_side = "computed" if label in TABLE_IS_PRINTED else (claim_side or "printed")
        return f"text vs {m.group(1)}", text_side
    if m:
        return label, "computed" if label in SECOND_IS_PRINTED else "printed"
    return label, "printed"
