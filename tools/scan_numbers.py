"""Find every numeric statement in the prose of Chapters 1-10 (a reading aid; not run at build time).

    .venv/bin/python tools/scan_numbers.py /work/shared/seeds/004_912c8487ab0685b0.txt \
        --out /tmp/numeric_statements.csv

The project never reads the book's text at run time; this script is how the
text claims of ``data/book/text_claims.csv`` were found. It

1. takes the prose lines of each chapter (the chapter's line range from
   ``data/provenance.csv``, minus the line ranges of its tables and figures,
   its reference list and its headings);
2. splits them into sentences and finds every number token (digits, percentages,
   money, and number words such as "half", "tripled", "one-eighth");
3. drops tokens that are only years, citation years, footnote markers or
   table/figure/chapter numbers;
4. writes one row per sentence that still holds a number: chapter, line, page
   span, the tokens, whether one is a *figure* (more than a counting word or a
   list marker), and the sentence (for reading, not for publication).

The figure sentences were then read one by one; every one that can be checked
against a table, another statement or arithmetic is in data/book/text_claims.csv.

Summary counts (lines, sentences, tokens) go to stderr; chapters/audit.md
quotes the counts of the last run (stored in data/book/text_scan.csv).
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from analysis.io.bookref import line_ref, page_index

WORDS = (r"half|one-third|two-thirds|a third|a quarter|one-quarter|one-eighth|one-fifth|doubled|tripled|"
         r"twice|three times|four times|ten times|dozen|hundreds|thousands|"
         r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty")
TOKEN = re.compile(rf"(?<![\w.])(US\\?\$\s?)?(\d[\d,]*(?:\.\d+)?|\.\d+)(\s?(?:percent|%|million|billion|tons|hectares))?|\b({WORDS})\b",
                   re.IGNORECASE)
YEAR = re.compile(r"^(1[89]\d\d|20[0-2]\d)s?$")
REF = re.compile(r"(Table|Figure|Chapter|chapter|table|figure|note|Note|equation)s?\s+$")
SUP = re.compile(r"<sup>\d+</sup>")
# a figure, as opposed to a counting word or a list marker "(1)": digits other than a lone
# one-digit marker, a percentage, money, or a fraction/multiple word
FIGURE = re.compile(r"\d\d|\d[.,]\d|percent|%|\$|million|billion|half|third|quarter|eighth|fifth|doubled|tripled|twice|times",
                    re.IGNORECASE)


def prose_lines(lines: list[str]):
    idx = page_index()
    blocks = idx[idx["kind"].isin(["table", "figure"])]
    chapters = idx[idx["kind"] == "chapter"]
    for _, c in chapters.iterrows():
        in_refs = False
        for n in range(int(c["first_line"]), int(c["last_line"]) + 1):
            s = lines[n - 1].rstrip("\n")
            if re.match(r"^#+\s*\**\s*REFERENCES", s, re.IGNORECASE) or s.strip().upper() == "REFERENCES":
                in_refs = True
            if in_refs or not s.strip() or s.startswith("#") or s.startswith("**") and s.endswith("**"):
                continue
            if ((blocks["first_line"] <= n) & (n <= blocks["last_line"])).any():
                continue
            yield int(c["number"]), n, s


def numeric_tokens(sentence: str) -> list[str]:
    clean = SUP.sub(" ", sentence)
    out = []
    for m in TOKEN.finditer(clean):
        tok = m.group(0).strip()
        num = m.group(2)
        before = clean[:m.start()]
        if num is not None:
            num = num.rstrip(",")              # "in 2000, exports..." ends the token with a comma
            bare = num.replace(",", "")
            # a year or decade is written bare: "1,800" or "US$2,000" is an amount, not a year
            if YEAR.match(bare) and not m.group(3) and not m.group(1) and "," not in num:
                continue
            if REF.search(before[-12:]):
                continue                      # "Table 4.1", "Chapter 9"
            if re.search(r"\d\.\d", num) and re.search(r"(Table|Figure)s?\s+\d*$", before[-10:]):
                continue
        out.append(tok)
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;:!?])\s+(?=[A-Z(“\"])", text) if s.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--summary", type=Path, help="write per-chapter counts here (CSV)")
    args = ap.parse_args()
    lines = args.text.read_text(encoding="utf-8").splitlines(keepends=True)
    rows, per = [], {}
    for chapter, n, s in prose_lines(lines):
        st = per.setdefault(chapter, {"chapter": chapter, "prose_lines": 0, "sentences": 0,
                                      "numeric_sentences": 0, "figure_sentences": 0, "number_tokens": 0})
        st["prose_lines"] += 1
        for sent in sentences(s):
            st["sentences"] += 1
            toks = numeric_tokens(sent)
            if not toks:
                continue
            st["numeric_sentences"] += 1
            st["number_tokens"] += len(toks)
            figure = any(FIGURE.search(t) for t in toks)
            st["figure_sentences"] += int(figure)
            rows.append({"chapter": chapter, "line": n, "page": line_ref(n), "tokens": " | ".join(toks),
                         "figure": figure, "sentence": sent})
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["chapter", "line", "page", "tokens", "figure", "sentence"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    summary = list(per.values())
    if args.summary:
        with args.summary.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(summary[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(summary)
    for st in summary:
        print(st, file=sys.stderr)
    print(f"numeric sentences: {len(rows)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
