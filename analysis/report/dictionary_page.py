"""What the data dictionary (``chapters/data_dictionary.md``) shows besides the provenance
table: the codes of the vocabulary and the CE-component columns its prose glues in
(:func:`glue_values`), and one section per data file with the columns of its schema
(:func:`file_sections`). The sentences are the page's Markdown; the lists glued into them
are generated from :mod:`analysis.vocab` and :mod:`analysis.method.indices`, so the page
cannot fall out of step with the code.
"""
from __future__ import annotations

from analysis.io.schema import SCHEMAS, dictionary
from analysis.method.indices import DEFAULT_CE_CUTS, EE_COMPONENTS, JA_COMPONENTS
from analysis.vocab import GOVERNANCE_CODES, SECTOR_LABELS


def _markdown(md: str):
    """``md`` as a value for ``{glue:md}`` (an IPython Markdown object: glued as text/markdown)."""
    from IPython.display import Markdown

    return Markdown(md)


def _code_spans(names):
    """Identifiers as Markdown code spans separated by commas, for ``{glue:md}`` (they are the
    code's own names, never data text)."""
    return _markdown(", ".join(f"`{n}`" for n in names))


def glue_values() -> dict:
    """The governance codes and the sectors (``{glue:text}`` and ``{glue:md}``: the sector ids
    as code), the CE-component columns of each group (``{glue:md}``), and the cut points that
    turn a new case's CE index into its degree."""
    return {"governance_codes": "; ".join(f"{k} {v}" for k, v in GOVERNANCE_CODES.items()),
            "sector_codes": _markdown("; ".join(f"`{k}` {v}" for k, v in SECTOR_LABELS.items())),
            "ee_columns": _code_spans(EE_COMPONENTS), "ja_columns": _code_spans(JA_COMPONENTS),
            "ce_cut_low": float(DEFAULT_CE_CUTS[0]), "ce_cut_high": float(DEFAULT_CE_CUTS[1])}


def file_sections(page, show_checks: bool = True) -> list[tuple[str, dict]]:
    """One section per data file with a schema: its heading and the table of its columns
    (with each column's validation rule when ``show_checks``).

    In Python because there is one section per schema of :data:`analysis.io.schema.SCHEMAS`,
    which Markdown cannot repeat; the file names are the project's own."""
    out = []
    for name, schema in SCHEMAS.items():
        d = dictionary(schema)
        if not show_checks:
            d = d.drop(columns="rule")
        slug = name.replace("/", "_").replace(".csv", "")
        out.append((f"### `data/{name}`", {}))
        out.append((page.table(d, f"schema_{slug}", f"Columns of data/{name}", "analysis/io/schema.py"), {}))
    return out
