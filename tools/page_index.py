"""One-off: build the printed-page index of data/provenance.csv from the book's text.

Not run at build time (the project never reads the book's text extraction at run
time). Run by hand when the index must be rebuilt:

    .venv/bin/python tools/page_index.py /work/shared/seeds/004_912c8487ab0685b0.txt > /tmp/index.csv

It reads the book's own lists (CONTENTS, INDEX OF TOPICS BY CHAPTER, Figures,
Tables), which give printed pages, and finds the line of each caption or
section heading in the extraction. Line *ranges* of tables and figures are
decided by reading (END_LINES below: the caption's last line, normally its
"Source:" line); the script checks that each range starts at the caption.
The output is merged by hand with the transcription notes of provenance.csv.
"""
from __future__ import annotations

import csv
import re
import sys

# last line of each table/figure block (its Source: line, or the last body line)
END_LINES = {
    ("figure", "1.1"): 309, ("figure", "2.1"): 847, ("figure", "4.1"): 1599, ("figure", "4.2"): 1605,
    ("figure", "7.1"): 2455, ("figure", "7.2"): 2461, ("figure", "8.1"): 2895, ("figure", "8.2"): 2908,
    ("figure", "8.3"): 2914, ("figure", "8.4"): 2930, ("figure", "8.5"): 2936, ("figure", "8.6"): 2985,
    ("figure", "10.1"): 3666,
    ("table", "1.1"): 467, ("table", "1.2"): 516, ("table", "1.3"): 569, ("table", "2.1"): 772,
    ("table", "2.2"): 939, ("table", "3.1"): 1094, ("table", "3.2"): 1139, ("table", "4.1"): 1518,
    ("table", "4.2"): 1567, ("table", "4.3"): 1629, ("table", "4.4"): 1686, ("table", "4.5"): 1745,
    ("table", "4.6"): 1843, ("table", "5.1"): 1933, ("table", "5.2"): 1972, ("table", "5.3"): 2003,
    ("table", "5.4"): 2059, ("table", "5.5"): 2125, ("table", "8.1"): 2776, ("table", "8.2"): 2854,
    ("table", "8.3"): 2970, ("table", "8.4"): 3034, ("table", "9.1"): 3139, ("table", "9.2"): 3335,
    ("table", "9.3"): 3395, ("table", "9.4"): 3439, ("table", "9.5"): 3501, ("table", "9.6"): 3530,
    ("table", "10.1"): 3718, ("table", "10.2"): 3857,
}
# chapter heading line and last line (before the next part or chapter heading)
CHAPTER_LINES = {1: (278, 738), 2: (749, 1047), 3: (1048, 1477), 4: (1478, 1882), 5: (1891, 2268),
                 6: (2269, 2428), 7: (2429, 2665), 8: (2674, 3082), 9: (3083, 3638), 10: (3639, 3980)}
LAST_PAGE_BEFORE_CONTRIBUTORS = 330

ENTRY = re.compile(r"^(\d+\.\d+)\t(.*?)[\s.]*\t(\d+)\s*$")
TAGS = re.compile(r"</?b>|\*\*")


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", TAGS.sub("", s)).strip(" .\t")


def listed(lines: list[str], start: str, stop: str) -> list[tuple[str, str, int]]:
    i, j = lines.index(start), lines.index(stop)
    out, pending = [], ""
    for raw in lines[i + 1:j]:
        m = ENTRY.match(raw.rstrip("\n"))
        if m:
            out.append((m.group(1), clean(m.group(2)), int(m.group(3))))
        elif raw.strip() and out and not raw.startswith("##"):
            # a title wrapped onto the next line: the page is on the continuation
            m2 = re.match(r"^\t?(.*?)[\s.]*\t(\d+)\s*$", raw.rstrip("\n"))
            if m2 and out[-1][2] is None:
                out[-1] = (out[-1][0], out[-1][1] + " " + clean(m2.group(1)), int(m2.group(2)))
    return out


def caption_line(lines: list[str], kind: str, number: str) -> int:
    pat = re.compile(rf"^\W*{kind.capitalize()} {re.escape(number)}\.\s")
    hits = [k + 1 for k, s in enumerate(lines) if pat.match(s) and k > 250]
    if not hits:
        raise SystemExit(f"no caption for {kind} {number}")
    return hits[0]


def chapters(lines: list[str]) -> list[tuple[int, str, int]]:
    out = []
    for raw in lines[lines.index("## CONTENTS\n"):lines.index("## INDEX OF TOPICS BY CHAPTER\n")]:
        s = TAGS.sub("", raw)
        m = re.match(r"^\s*(\d+)\s+(.*?)[\s.]*\t\s*(\d+)\s*$", s.rstrip("\n")) or \
            re.match(r"^\s*(\d+)\t(.*?)[\s.]*\t\s*(\d+)\s*$", s.rstrip("\n"))
        if m:
            out.append((int(m.group(1)), clean(m.group(2)), int(m.group(3))))
    return out


def sections(lines: list[str]) -> list[tuple[int, str, int, int]]:
    """(chapter, section title, page, line of its heading in the text)."""
    out, chapter = [], 0
    block = lines[lines.index("## INDEX OF TOPICS BY CHAPTER\n"):lines.index("## Figures\n")]
    pending = ""
    for raw in block:
        if "<b>" in raw:  # chapter and part titles (bold), not sections
            m = re.match(r"^\s*<b>(\d+)\s", raw)
            if m:
                chapter = int(m.group(1))
            continue
        s = raw.rstrip("\n")
        m = re.match(r"^\s*(\d+)\s", s)
        if m and not s.strip().startswith("PART"):
            chapter = int(m.group(1))
            continue
        m = re.match(r"^(.*?)[\s.]*\t\s*(\d+)\s*$", s)
        if m and chapter and not s.strip().startswith("<"):
            title = clean(pending + " " + m.group(1)) if pending else clean(m.group(1))
            pending = ""
            if title.lower() in ("references",) or not title:
                continue
            out.append((chapter, title, int(m.group(2)), heading_line(lines, chapter, title)))
        elif s.strip().endswith(":\t") or (s.strip() and s.endswith("\t") and chapter):
            pending = s.strip()
    return out


def heading_line(lines: list[str], chapter: int, title: str) -> int:
    lo, hi = CHAPTER_LINES[chapter]
    key = re.sub(r"\W+", "", title.lower())[:40]
    for k in range(lo + 2, hi):  # skip the chapter's own title lines
        s = lines[k]
        if s.startswith("#") or s.startswith("**"):
            if key and key == re.sub(r"\W+", "", TAGS.sub("", s).lower())[:40]:
                return k + 1
    return 0


def main(path: str) -> None:
    lines = open(path, encoding="utf-8").readlines()
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["kind", "number", "title", "page", "page_end", "source_lines"])
    chs = chapters(lines)
    for k, (n, title, page) in enumerate(chs):
        end = chs[k + 1][2] - 1 if k + 1 < len(chs) else LAST_PAGE_BEFORE_CONTRIBUTORS
        lo, hi = CHAPTER_LINES[n]
        w.writerow(["chapter", str(n), title, page, end, f"{lo}-{hi}"])
    for kind, start, stop in (("figure", "## Figures\n", "## Tables\n"), ("table", "## Tables\n", "## PREFACE\n")):
        for number, title, page in listed(lines, start, stop):
            first = caption_line(lines, kind, number)
            last = END_LINES[(kind, number)]
            assert last >= first, (kind, number, first, last)
            w.writerow([kind, number, title, page, "", f"{first}-{last}"])
    secs = sections(lines)
    ends = {n: (chs[k + 1][2] - 1 if k + 1 < len(chs) else LAST_PAGE_BEFORE_CONTRIBUTORS)
            for k, (n, _, _) in enumerate(chs)}
    for k, (chapter, title, page, line) in enumerate(secs):
        ordinal = sum(1 for c, *_ in secs[:k + 1] if c == chapter)
        nxt = secs[k + 1] if k + 1 < len(secs) and secs[k + 1][0] == chapter else None
        # a section ends on the page where the next one starts (or the chapter's last page)
        page_end = nxt[2] if nxt else ends[chapter]
        last = (nxt[3] - 1) if nxt else CHAPTER_LINES[chapter][1]
        w.writerow(["section", f"{chapter}-s{ordinal}", title, page, page_end, f"{line}-{last}"])


if __name__ == "__main__":
    main(sys.argv[1])
