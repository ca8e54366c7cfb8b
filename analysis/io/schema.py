"""Schemas of every data file, as pandera DataFrameSchemas.

Each schema documents its columns (``description``) so that the data
dictionary page of the book is generated from the same objects that validate
the files.
"""
from __future__ import annotations

import pandera.pandas as pa

from analysis.vocab import CE_DEGREES, EE_COMPONENTS, GOVERNANCE_COLUMNS as GOV_COLUMNS, JA_COMPONENTS, SECTORS
from analysis.vocab import UPGRADING_COLUMNS, type_label

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

_half_steps = pa.Check(lambda s: ((s * 2) % 1 == 0), element_wise=False,
                       error="0-3 in steps of 0.5", name="half_steps")


def _score(description: str) -> pa.Column:
    return pa.Column(float, [pa.Check.in_range(0, 3), _half_steps], nullable=True,
                     description=description)


_UPGRADING_TEXT = {
    "upgrading_product": "Product upgrading score: 0 absent, 1 low, 2 medium, 3 high (halves allowed).",
    "upgrading_process": "Process upgrading score, same scale.",
    "upgrading_functional": "Functional upgrading score, same scale (N/A in the book = missing).",
    "upgrading_intersectoral": "Intersectoral upgrading score, same scale.",
}
_GOV_TEXT = {
    "gov_market": "Market-type chains: 0 absent, 1 domestic chain, 2 global chain, 3 both (Table 9.2).",
    "gov_network": "Network-type chains, same codes.",
    "gov_quasi_hierarchy": "Quasi-hierarchical chains, same codes.",
    "gov_hierarchy": "Hierarchical chains, same codes.",
}
_COMPONENT_TEXT = {
    "ee_labour_market": "EE component: specialized labour market (0-3).",
    "ee_local_inputs": "EE component: local availability of inputs (0-3).",
    "ee_information": "EE component: ease of access to information (0-3).",
    "ee_market_access": "EE component: ease of access to markets (0-3).",
    "ja_vertical_backward": "JA component: backward vertical linkages, with suppliers (0-3).",
    "ja_vertical_forward": "JA component: forward vertical linkages, with buyers (0-3).",
    "ja_horizontal_bilateral": "JA component: bilateral horizontal cooperation between firms (0-3).",
    "ja_horizontal_multilateral": "JA component: multilateral horizontal cooperation, e.g. associations (0-3).",
}

CASES = pa.DataFrameSchema(
    {
        "case_id": pa.Column(str, pa.Check.str_matches(SLUG), unique=True,
                             description="Stable identifier (slug), used in every other file."),
        "name": pa.Column(str, description="Display name: industry, location."),
        "industry": pa.Column(str, description="Industry or main product."),
        "location": pa.Column(str, description="Place of the cluster as printed in the book's tables."),
        "country": pa.Column(str, description="Country."),
        "sector": pa.Column(str, pa.Check.isin(SECTORS),
                            description="Sector group: " + ", ".join(SECTORS) + "."),
        "sources": pa.Column(str, nullable=True, description="References for the case, as printed in Table 1.3."),
        "book_chapter": pa.Column("Int64", pa.Check.in_range(2, 7), nullable=True,
                                  description="Chapter of the book holding the new field study, if any."),
        "origin": pa.Column(str, pa.Check.isin(["book", "new"]),
                            description="'book' for published cases, 'new' for cases added by users."),
        "ce_degree": pa.Column(str, pa.Check.isin(list(CE_DEGREES)), nullable=True,
                               description="Degree of collective efficiency (Tables 9.4-9.6): low, medium, high; empty where unpublished."),
        **{c: _score(_UPGRADING_TEXT[c]) for c in UPGRADING_COLUMNS},
        **{c: pa.Column("Int64", pa.Check.isin([0, 1, 2, 3]), nullable=True, description=_GOV_TEXT[c])
           for c in GOV_COLUMNS},
        **{c: _score(_COMPONENT_TEXT[c]) for c in (*EE_COMPONENTS, *JA_COMPONENTS)},
        "coder": pa.Column(str, nullable=True, description="Who assigned the scores."),
        "coded_on": pa.Column(str, nullable=True, description="When the scores were assigned (ISO date)."),
        "notes": pa.Column(str, nullable=True, description="Our notes, e.g. spelling variants across tables."),
    },
    strict=True, coerce=True, name="cases",
)

RECONCILIATION = pa.DataFrameSchema(
    {
        "table": pa.Column(str, pa.Check.isin(["1.2", "1.3", "9.2", "9.4", "9.5", "9.6"]),
                           description="Book table in which the row is printed."),
        "group": pa.Column(str, nullable=True, description="Sub-heading the row is printed under (industry or sector)."),
        "printed_label": pa.Column(str, description="Row label exactly as printed."),
        "line": pa.Column(int, pa.Check.ge(1), description="Line of the row in the source text of the book."),
        "case_id": pa.Column(str, pa.Check.str_matches(SLUG), description="The case the row is assigned to."),
        "decision": pa.Column(str, description="How the row was matched to the case."),
        "evidence": pa.Column(str, nullable=True, description="Evidence for a non-obvious match."),
    },
    strict=True, coerce=True, unique=["table", "line", "case_id"], name="reconciliation",
)

PRINTED_VALUES = pa.DataFrameSchema(
    {
        "table": pa.Column(str, description="Book table."),
        "row": pa.Column(str, description="Case id, sector code, or 'Total' / 'Average'."),
        "column": pa.Column(str, description="Column heading as printed."),
        "printed": pa.Column(str, description="Cell exactly as printed."),
        "line": pa.Column(int, pa.Check.ge(1), description="Line in the source text."),
    },
    strict=True, coerce=True, unique=["table", "row", "column"], name="printed values",
)

TABLE_1_2 = pa.DataFrameSchema(
    {
        "row_no": pa.Column(int, pa.Check.in_range(1, 12), unique=True, description="Row number as printed."),
        "cluster": pa.Column(str, description="Cluster label as printed."),
        "case_id": pa.Column(str, pa.Check.str_matches(SLUG), description="Case in cases.csv."),
        "country": pa.Column(str, description="Country."),
        "date_of_creation": pa.Column(str, description="Date of creation as printed (e.g. '1980s')."),
        **{c: pa.Column(str, nullable=True, description=d) for c, d in [
            ("firms", "Number of firms, printed text ('65 + 150' kept)."),
            ("production_1995", "Production 1995, US$ millions (printed)."),
            ("production_2002", "Production 2002, US$ millions (printed)."),
            ("exports_1996", "Exports 1996, US$ millions (printed)."),
            ("exports_2002", "Exports 2002, US$ millions (printed)."),
            ("direct_jobs", "Direct jobs (printed)."),
            ("indirect_jobs", "Indirect jobs (printed)."),
            ("footnotes", "Footnote markers attached to the row."),
        ]},
        "line": pa.Column(int, pa.Check.ge(1), description="Line in the source text."),
    },
    strict=True, coerce=True, name="Table 1.2",
)

NOTES = pa.DataFrameSchema(
    {"marker": pa.Column(str, description="The footnote's marker as printed (a, b, ...)."),
     "note": pa.Column(str, description="The footnote's text, as printed."),
     "line": pa.Column(int, pa.Check.ge(1), description="Line of the footnote in the source text of the book.")},
    strict=True, coerce=True, name="table notes",
)

TABLE_1_1 = pa.DataFrameSchema(
    {
        "sector": pa.Column(str, pa.Check.isin(SECTORS), description="Sector group the row belongs to: "
                            + ", ".join(SECTORS) + "."),
        "industries": pa.Column(str, description="The industries the table lists for the sector, as printed."),
        "learning_pattern": pa.Column(str, description="The sector's pattern of learning, as printed."),
        "item": pa.Column(int, pa.Check.ge(1), description="Position of the bullet within the sector's cell (1 = first)."),
        "characteristic": pa.Column(str, description="Our paraphrase of the printed bullet."),
        "line": pa.Column(int, pa.Check.ge(1), description="Line of the sector's row in the source text of the book."),
    },
    strict=True, coerce=True, unique=["sector", "item"], name="Table 1.1",
)

TABLE_9_3 = pa.DataFrameSchema(
    {
        "block": pa.Column(str, pa.Check.isin(["learning_pattern", "collective_efficiency",
                                               "global_leaders", "other_sources"]),
                            description="Which group of rows the cell is in: the learning pattern, collective "
                                        "efficiency, global buyers or leaders, or other sources of knowledge."),
        "upgrading": pa.Column(str, pa.Check.isin(["product", "process", "functional"]), nullable=True,
                               description="The kind of upgrading of the row (product, process or functional); "
                                           "empty for the rows that are not about one kind."),
        "sector": pa.Column(str, pa.Check.isin(SECTORS), description="Sector group of the cell's column: "
                            + ", ".join(SECTORS) + "."),
        "label": pa.Column(str, description="Cell as printed."),
        "footnote": pa.Column(str, nullable=True, description="Marker of the book's footnote on the cell, if any "
                              "(its text is in table_9_3_notes.csv)."),
        "line": pa.Column(int, pa.Check.ge(1), description="Line of the cell's row in the source text of the book."),
    },
    strict=True, coerce=True, unique=["block", "upgrading", "sector"], name="Table 9.3",
)

ERRATA = pa.DataFrameSchema(
    {
        "root_cause": pa.Column(str, pa.Check.str_matches(r"^E\d\d$"), unique=True,
                                description="Identifier of the root cause (E01, E02, ...); audit rows point at it."),
        "kind": pa.Column(str, pa.Check.isin(["rounding_slip", "genuine"]),
                          description="rounding_slip: a cell printed off its own rounding; genuine: a contradiction no rounding explains."),
        "title": pa.Column(str, description="The erratum in one line."),
        "quantity_a": pa.Column(str, description="The first statement of the quantity, as printed (with value)."),
        "page_a": pa.Column(str, pa.Check.str_matches(r"^pp?\. \d+(–\d+)?$"), description="Printed page of the first statement."),
        "quantity_b": pa.Column(str, description="The second statement, or the computation it contradicts."),
        "page_b": pa.Column(str, pa.Check.str_matches(r"^pp?\. \d+(–\d+)?$"), description="Printed page of the second statement."),
        "same_quantity": pa.Column(str, description="Why the two are the same quantity (definition, unit, geography, period, source)."),
        "explanation": pa.Column(str, description="What the gap is and what may explain it (our words)."),
    },
    strict=True, coerce=True, name="errata",
)

_J_TEXT = "nullable text"
JUDGEMENTS = pa.DataFrameSchema(
    {
        "table": pa.Column(str, description="Audit row key: table or comparison label."),
        "row": pa.Column(str, description="Audit row key: row."),
        "column": pa.Column(str, description="Audit row key: column."),
        "printed_figure": pa.Column(str, nullable=True, description="The stated figure to read instead of the printed text ('qualitative': a description, not a number)."),
        "printed_qualifier": pa.Column(str, nullable=True, description="Qualifier rule of the stated figure (data/book/qualifiers.csv); empty: plain."),
        "printed_step": pa.Column(float, nullable=True, description="Rounding unit of the stated figure if not its last significant digit."),
        "computed_figure": pa.Column(str, nullable=True, description="The other side as a stated figure (read by the same rules)."),
        "computed_qualifier": pa.Column(str, nullable=True, description="Qualifier of the other side when it is a stated figure."),
        "computed_step": pa.Column(float, nullable=True, description="Rounding unit of the other side when it is a stated figure."),
        "computed_tolerance": pa.Column(float, nullable=True, description="Error a computed side carries from rounded inputs."),
        "relation": pa.Column(str, pa.Check.isin(["equal", "printed_le_computed", "printed_ge_computed"]), nullable=True,
                              description="equal, or a part against its whole (printed <= or >= computed)."),
        "nested": pa.Column(str, pa.Check.isin(["definition", "geography", "period"]), nullable=True,
                            description="For a part/whole relation: the attribute that differs by design."),
        **{f"{side}_{a}": pa.Column(str, nullable=True, description=f"{a.capitalize()} of the {side} side.")
           for side in ("printed", "computed") for a in ("definition", "unit", "geography", "period", "source")},
        "root_cause": pa.Column(str, pa.Check.str_matches(r"^E\d\d$"), nullable=True, description="Erratum the row belongs to."),
        "role": pa.Column(str, pa.Check.isin(["origin", "follows"]), nullable=True,
                          description="origin: the contradiction itself; follows: a cell that follows arithmetically from it (not counted again)."),
        "reason": pa.Column(str, nullable=True, description="Why the row is judged so (our words)."),
    },
    strict=True, coerce=True, unique=["table", "row", "column"], name="judgements",
)

_PAGE = r"^pp?\. \d+(–\d+)?$"
TEXT_CLAIMS = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, pa.Check.str_matches(r"^T\d\d-\d+-\w+$"), unique=True,
                              description="T<chapter>-<line>-<n>: stable identifier of the statement."),
        "chapter": pa.Column(int, pa.Check.in_range(1, 10), description="Chapter of the book (1-10)."),
        "line": pa.Column(int, pa.Check.ge(1), nullable=False, description="Source line in the text extraction."),
        "page": pa.Column(str, pa.Check.str_matches(_PAGE), nullable=False,
                          description="Printed page(s) of the statement: its section's span, or the exact page."),
        "quote": pa.Column(str, pa.Check.str_length(min_value=3), description="The book's words around the number (short)."),
        "number": pa.Column(str, description="The number as stated ('5,000', '30–60', '0.730')."),
        "qualifier": pa.Column(str, description="Qualifier rule (data/book/qualifiers.csv), or 'qualitative' for a description."),
        "step": pa.Column(float, nullable=True, description="Rounding unit if not the last significant digit (fraction words: 'half' is 50 +- 5)."),
        "measure": pa.Column(str, description="What the number measures (our words)."),
        "compared_with": pa.Column(str, pa.Check.str_matches(r"^(audit|expr: .+|none: .+|ref: .+)$"),
                                   description="audit (computed by a chapter's audit), expr: <expression>, none: <why nothing to compare>, ref: <the claim it serves>."),
        "how": pa.Column(str, pa.Check.isin(["equal", "printed_le_computed", "printed_ge_computed"]),
                         description="Relation tested."),
        "side": pa.Column(str, pa.Check.isin(["printed", "computed"]), nullable=True,
                          description="Which side of its audit row the statement is."),
        "audit_table": pa.Column(str, nullable=True, description="Audit row key (for 'audit' claims)."),
        "audit_row": pa.Column(str, nullable=True, description="Audit row key."),
        "audit_column": pa.Column(str, nullable=True, description="Audit row key."),
    },
    checks=[pa.Check(lambda df: bool((~df["compared_with"].eq("audit") | df["audit_table"].notna()).all()),
                     error="an 'audit' claim must name its audit row")],
    strict=True, coerce=True, name="text claims",
)

_PARAMS = r"^[a-z_]+=[^;=]+(?:; [a-z_]+=[^;=]+)*$"
STRUCTURAL_CLAIMS = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, pa.Check.str_matches(r"^C\d\d[a-z]?$"), unique=True,
                              description="C<nn>: stable identifier of the statement (C12a, C12b: two statements of one sentence)."),
        "chapter": pa.Column(int, pa.Check.isin([1, 9]), description="Chapter of the book the statement is in (1 or 9)."),
        "line": pa.Column(int, pa.Check.ge(1), nullable=False, description="Source line in the text extraction."),
        "page": pa.Column(str, pa.Check.str_matches(_PAGE), nullable=False,
                          description="Printed page(s) of the statement: its section's span, or the exact page."),
        "tables": pa.Column(str, description="The tables the statement rests on."),
        "statement": pa.Column(str, pa.Check.str_length(min_value=10), description="The statement in our words (a paraphrase, not a quote)."),
        "rule": pa.Column(str, pa.Check.str_matches(r"^[a-z_]+$"),
                          description="Name of the rule that decides it (analysis/audit/claims.py: RULES)."),
        "params": pa.Column(str, pa.Check.str_matches(_PARAMS), nullable=True,
                            description="The rule's parameters, 'key=value; key=value' (lists joined by '|'): sector, column, strict, ..."),
        "number": pa.Column(str, nullable=True, description="For a count: the number as stated (judged with the audit)."),
        "qualifier": pa.Column(str, nullable=True, description="For a count: its qualifier rule (data/book/qualifiers.csv)."),
        "measure": pa.Column(str, nullable=True, description="For a count: what it counts (the audit row's column)."),
        "root_cause": pa.Column(str, pa.Check.str_matches(r"^E\d\d$"), nullable=True,
                                description="For a rule that does not hold and is not an audit row: its erratum (data/errata.csv)."),
        "note": pa.Column(str, nullable=True, description="Our remark on the reading (our words)."),
    },
    strict=True, coerce=True, name="structural claims",
)

TEXT_SCAN = pa.DataFrameSchema(
    {
        "chapter": pa.Column(int, pa.Check.in_range(1, 10), unique=True, description="Chapter of the book (1-10)."),
        "prose_lines": pa.Column(int, pa.Check.ge(0), description="Lines of prose (tables, figures, headings and references left out)."),
        "sentences": pa.Column(int, pa.Check.ge(0), description="Sentences in those lines."),
        "numeric_sentences": pa.Column(int, pa.Check.ge(0), description="Sentences holding a number other than a year, citation or table number."),
        "figure_sentences": pa.Column(int, pa.Check.ge(0), description="Of those, sentences with a figure (not only a counting word or list marker): the ones read."),
        "number_tokens": pa.Column(int, pa.Check.ge(0), description="Number tokens in them (digits, percentages, money, number words)."),
    },
    strict=True, coerce=True, name="scan of the prose for numbers (tools/scan_numbers.py)",
)

PROSE_READING = pa.DataFrameSchema(
    {
        "chapter": pa.Column(int, pa.Check.in_range(1, 10), description="Chapter of the book (1-10)."),
        "line": pa.Column(int, pa.Check.ge(1), description="Source line of the sentence in the text extraction."),
        "page": pa.Column(str, pa.Check.str_matches(_PAGE), description="Printed page span of the sentence's section."),
        "snippet": pa.Column(str, pa.Check.str_length(min_value=3, max_value=100),
                             description="The book's words around the number (at most about 80 characters)."),
        "decision": pa.Column(str, pa.Check.isin(["checked", "part_of_check", "not_checkable"]),
                              description="checked: a claim of data/book/text_claims.csv judges it; part_of_check: it only "
                                          "gives the other side of a check; not_checkable: nothing in the book to compare."),
        "claim_ids": pa.Column(str, nullable=True, description="The claims transcribed from the sentence, ';'-separated."),
        "reason": pa.Column(str, nullable=True, description="Why the sentence is not checkable (our words)."),
    },
    strict=True, coerce=True, name="reading log of the numeric sentences (tools/scan_numbers.py)",
    description="One decision per numeric sentence the scan lists: every numeric sentence of Chapters 6, 7 and 10, "
                "and the word-only numeric sentences (counting words or list markers, no figure) of the other chapters.",
)

AUDIT_BEFORE = pa.DataFrameSchema(
    {
        "table": pa.Column(str, description="Book table (or pair of sources) the comparison belongs to."),
        "row": pa.Column(str, description="Row of the cell compared (a case, a sector or a row label)."),
        "column": pa.Column(str, description="Column of the cell compared, as headed in print."),
        "printed": pa.Column(str, nullable=True, description="The book's figure exactly as printed."),
        "computed": pa.Column(float, nullable=True, description="Our recomputed value, where one could be computed."),
        "status": pa.Column(str, pa.Check.isin(["match", "rounding", "mismatch", "not_derivable"]),
                            description="Outcome of the comparison then: match, rounding (equal after rounding), "
                                        "mismatch, or not_derivable (the inputs are not published)."),
        "rule": pa.Column(str, nullable=True, description="How the printed figure was recomputed, in short."),
        "note": pa.Column(str, nullable=True, description="Our remark on the comparison."),
        "line": pa.Column("Int64", nullable=True, description="Line of the printed figure in the source text of the book."),
        "kind": pa.Column(str, description="What was compared: a derived cell of a table with its recomputation, or two "
                          "sources with each other (consistency)."),
        "chapter": pa.Column(int, description="Chapter of the book the comparison belongs to."),
        "erratum_kind": pa.Column(str, nullable=True, description="For a mismatch: rounding_slip or genuine (as in "
                                  "data/errata.csv)."),
        "erratum": pa.Column(str, nullable=True, description="For a mismatch: the erratum in our words."),
    },
    strict=True, coerce=True, name="audit before the judging standard (main at ce1a6c4)",
)

PAGE_KINDS = ("chapter", "section", "table", "figure")
_LINE_RANGE = r"^\d+-\d+$"


def _range_ordered(df) -> bool:
    lo_hi = df["source_lines"].str.split("-", expand=True).astype(int)
    return bool((lo_hi[0] <= lo_hi[1]).all())


def _page_end_ok(df) -> bool:
    end = df["page_end"]
    return bool(((end.isna()) | (end >= df["page"])).all())


PROVENANCE = pa.DataFrameSchema(
    {
        "kind": pa.Column(str, pa.Check.isin(PAGE_KINDS), description="chapter, section, table or figure."),
        "number": pa.Column(str, description="Number as printed ('9.4'; chapters '9'; sections '<chapter>-s<n>')."),
        "title": pa.Column(str, description="Title as in the book's own lists (contents, lists of tables and figures)."),
        "page": pa.Column(int, pa.Check.ge(1), nullable=False,
                          description="Printed page: of the table or figure as the book's list gives it; first page "
                                      "of a chapter or section."),
        "page_end": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                              description="Last printed page of a chapter or section (empty for tables and figures)."),
        "source_lines": pa.Column(str, pa.Check.str_matches(_LINE_RANGE),
                                  description="Line range in the text extraction of the book (first-last)."),
        "data_file": pa.Column(str, description="Where the transcription lives ('none' if not transcribed)."),
        "transcription": pa.Column(str, description="Layout decisions and how garbled parts were reconstructed."),
    },
    checks=[pa.Check(_range_ordered, error="source_lines must run first-last"),
            pa.Check(_page_end_ok, error="page_end must not precede page")],
    strict=True, coerce=True, unique=["kind", "number"], name="provenance",
)

QUALIFIERS = pa.DataFrameSchema(
    {
        "qualifier": pa.Column(str, unique=True, description="Name of the rule (used in judgements and text claims)."),
        "wordings": pa.Column(str, description="The book's wordings this rule reads."),
        "low": pa.Column(float, description="Lower end, in rounding units u from the figure N (-inf: none)."),
        "high": pa.Column(float, description="Upper end, in rounding units u from N (inf: none)."),
        "low_closed": pa.Column(str, pa.Check.isin(["true", "false"]),
                                description="Whether the lower end itself is allowed (true/false)."),
        "high_closed": pa.Column(str, pa.Check.isin(["true", "false"]),
                                 description="Whether the upper end itself is allowed (true/false)."),
        "meaning": pa.Column(str, description="The rule in words."),
    },
    strict=True, coerce=True, name="qualifiers",
)

CASE_REFERENCES = pa.DataFrameSchema(
    {
        "case_id": pa.Column(str, pa.Check.str_matches(SLUG), description="Case in cases.csv."),
        "bibkey": pa.Column(str, description="Key of the work in references.bib."),
        "as_printed": pa.Column(str, description="The citation as printed in the case's sources (Table 1.3)."),
    },
    strict=True, coerce=True, unique=["case_id", "bibkey"], name="case references",
)

LABELS = pa.DataFrameSchema(
    {
        "kind": pa.Column(str, pa.Check.isin(["column", "category"]),
                          description="column: the label of a column header; category: the label of a code in a column."),
        "column": pa.Column(str, description="The column (variable) name, as in the data files and frames."),
        "code": pa.Column(str, nullable=True, description="The code being labelled (empty for a column label)."),
        "label": pa.Column(str, description="What readers see in tables, figures and the data dictionary."),
    },
    strict=True, coerce=True, unique=["kind", "column", "code"], name="labels",
)

SCHEMAS = {
    "cases.csv": CASES,
    "reconciliation.csv": RECONCILIATION,
    "errata.csv": ERRATA,
    "provenance.csv": PROVENANCE,
    "case_references.csv": CASE_REFERENCES,
    "labels.csv": LABELS,
    "book/qualifiers.csv": QUALIFIERS,
    "book/judgements.csv": JUDGEMENTS,
    "book/audit_before.csv": AUDIT_BEFORE,
    "book/text_claims.csv": TEXT_CLAIMS,
    "book/structural_claims.csv": STRUCTURAL_CLAIMS,
    "book/text_scan.csv": TEXT_SCAN,
    "book/prose_reading.csv": PROSE_READING,
    "book/printed_values.csv": PRINTED_VALUES,
    "book/table_1_1.csv": TABLE_1_1,
    "book/table_1_2.csv": TABLE_1_2,
    "book/table_1_2_notes.csv": NOTES,
    "book/table_9_3.csv": TABLE_9_3,
    "book/table_9_3_notes.csv": NOTES,
}


def dictionary(schema: pa.DataFrameSchema):
    """Columns of ``schema`` as a table: name, type, nullable, checks, description."""
    import pandas as pd

    rows = []
    for name, col in schema.columns.items():
        checks = "; ".join(str(c.error or c.name) for c in col.checks)
        rows.append({"column": name, "type": type_label(col.dtype.type),
                     "missing allowed": "yes" if col.nullable else "no",
                     "rule": checks, "meaning": col.description or ""})
    return pd.DataFrame(rows)
