"""Describe the data files as a Frictionless Data Package (``datapackage.json``).

    python -m analysis.book.datapackage          # rewrite datapackage.json at the repository root
    python -m analysis.book.datapackage --check  # exit 1 if the committed file is out of date

The package is generated from the same pandera schemas that validate the files
when the book is built (``analysis/io/schema.py`` and the case-study loaders), so
the published description cannot drift from the checks: pandera types become
Table Schema types, ``isin`` an ``enum``, ``in_range``/``ge``/``le`` a
``minimum``/``maximum``, ``str_matches`` a ``pattern``, ``str_length`` a
``minLength``/``maxLength``, a non-nullable column ``required``, ``unique`` a
``unique`` constraint and a table-level unique combination of required columns
the ``primaryKey``. Checks with no Table Schema equivalent (e.g. "in steps of
0.5") are named in the field's description instead.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.paths import DATA_DIR as DATA, ROOT

OUTPUT = ROOT / "datapackage.json"

CELLS_COLUMNS = ["row", "column", "printed", "kind", "line", "note"]

BOOK = ("Pietrobelli, Carlo and Roberta Rabellotti, eds. 2006. Upgrading to Compete: Global Value "
        "Chains, Clusters, and SMEs in Latin America. Washington, DC: Inter-American Development Bank.")


# ---------------------------------------------------------------- schemas

def field_type(dtype) -> str:
    """Table Schema type of a pandera dtype."""
    name = str(dtype).lower()
    if name.startswith(("int", "uint")):
        return "integer"
    if name.startswith("float"):
        return "number"
    if name.startswith("bool"):
        return "boolean"
    if name.startswith(("str", "string", "object")):
        return "string"
    if name.startswith("datetime"):
        return "datetime"
    raise ValueError(f"no Table Schema type for pandera dtype {dtype!r}")


def _value(v, ftype: str):
    """A constraint value in the field's own type (enum values must be of the field type)."""
    if ftype == "integer":
        return int(v)
    if ftype == "number":
        return float(v) if not float(v).is_integer() else int(v)
    return str(v)


def field_descriptor(name: str, col: pa.Column) -> dict:
    """Table Schema field of one pandera column."""
    ftype = field_type(col.dtype)
    constraints: dict = {}
    other = []
    for check in col.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            constraints["enum"] = [_value(v, ftype) for v in stats["allowed_values"]]
        elif check.name == "in_range" and stats.get("include_min", True) and stats.get("include_max", True):
            constraints["minimum"] = _value(stats["min_value"], ftype)
            constraints["maximum"] = _value(stats["max_value"], ftype)
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = _value(stats["min_value"], ftype)
        elif check.name == "less_than_or_equal_to":
            constraints["maximum"] = _value(stats["max_value"], ftype)
        elif check.name == "str_matches":
            constraints["pattern"] = stats["pattern"]
        elif check.name == "str_length" and stats.get("exact_value") is None:
            if stats.get("min_value") is not None:
                constraints["minLength"] = int(stats["min_value"])
            if stats.get("max_value") is not None:
                constraints["maxLength"] = int(stats["max_value"])
        else:  # no Table Schema equivalent: say so instead of dropping it silently
            other.append(str(check.error or check.name))
    if not col.nullable:
        constraints["required"] = True
    if col.unique:
        constraints["unique"] = True
    out = {"name": name, "type": ftype}
    description = col.description or ""
    if other:
        description = (description + " " if description else "") + "Also checked when the book is built: " + \
            "; ".join(other) + "."
    if description:
        out["description"] = description
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(schema: pa.DataFrameSchema) -> dict:
    """Table Schema of a pandera DataFrameSchema."""
    fields = [field_descriptor(n, c) for n, c in schema.columns.items()]
    out = {"fields": fields, "missingValues": [""]}
    unique = schema.unique
    if unique:
        unique = [unique] if isinstance(unique, str) else list(unique)
        if all(not schema.columns[c].nullable for c in unique):
            out["primaryKey"] = unique
        else:
            out["description"] = "Unique combination (checked when the book is built): " + ", ".join(unique) + "."
    return out


# ---------------------------------------------------------------- resources

def chapter_schemas() -> dict[str, pa.DataFrameSchema]:
    """Schemas of the files of data/chapters/ that are not cells files."""
    from analysis.io import chapter_tables as ct

    return {"table_4_2.csv": ct.SCHEMA_4_2, "table_4_4_businesses.csv": ct.BUSINESSES_SCHEMA,
            "table_4_5.csv": ct.SCHEMA_4_5, "table_4_6.csv": ct.SCHEMA_4_6,
            "ch8_text_verdicts.csv": ct.VERDICTS_SCHEMA}


def policy_schemas() -> dict[str, pa.DataFrameSchema]:
    from analysis.method.policy import TABLE_10_1_SCHEMA, TABLE_10_2_SCHEMA

    return {"table_10_1.csv": TABLE_10_1_SCHEMA, "table_10_2.csv": TABLE_10_2_SCHEMA}


def resource_name(rel: str) -> str:
    """``data/book/table_1_1.csv`` -> ``book-table-1-1``."""
    stem = rel.removeprefix("data/").removesuffix(".csv")
    return stem.replace("/", "-").replace("_", "-").lower()


def _resource(rel: str, schema: pa.DataFrameSchema, title: str, description: str = "") -> dict:
    out = {"name": resource_name(rel), "path": rel, "title": title}
    if description:
        out["description"] = description
    out.update({"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8", "schema": table_schema(schema)})
    return out


def _book_table(stem: str) -> str | None:
    """``table_4_4_businesses`` -> "Table 4.4"."""
    parts = stem.split("_")
    if parts[0] == "table" and len(parts) >= 3 and parts[1].isdigit() and parts[2].isdigit():
        return f"Table {parts[1]}.{parts[2]}"
    return None


def resources(data_dir: Path = DATA) -> list[dict]:
    """One tabular resource per data file, in a fixed order."""
    from analysis.method.cells import CELLS_SCHEMA
    from analysis.io.schema import SCHEMAS

    out = []
    for name, schema in SCHEMAS.items():
        table = _book_table(Path(name).stem)
        title = f"Book {table}" if table and "notes" not in name else (schema.name or name)
        if table and "notes" in name:
            title = f"Notes of book {table}"
        out.append(_resource(f"data/{name}", schema, title[:1].upper() + title[1:]))
    special = chapter_schemas()
    for path in sorted((data_dir / "chapters").glob("*.csv")):
        rel = f"data/chapters/{path.name}"
        table = _book_table(path.stem)
        if path.name in special:
            title = f"Book {table}" if table else special[path.name].name or path.stem
            if path.stem.endswith("_businesses"):
                title += ": text columns"
            out.append(_resource(rel, special[path.name], title[:1].upper() + title[1:]))
            continue
        header = pd.read_csv(path, nrows=0).columns.tolist()
        if header != CELLS_COLUMNS:
            raise ValueError(f"{rel}: neither a cells file ({', '.join(CELLS_COLUMNS)}) nor a file with a "
                             f"known schema; add its schema to analysis/book/datapackage.py")
        out.append(_resource(rel, CELLS_SCHEMA, f"Book {table}, cell by cell",
                             "One row per printed cell: row and column labels, the cell as printed, "
                             "whether it is an input or a value the book derived, and its line in the "
                             "source text (see analysis/method/cells.py)."))
    for name, schema in policy_schemas().items():
        table = _book_table(Path(name).stem)
        out.append(_resource(f"data/policy/{name}", schema, f"Book {table}"))
    return out


def package(data_dir: Path = DATA) -> dict:
    """The whole ``datapackage.json`` descriptor."""
    from analysis.book.edition import edition_metadata

    ed = edition_metadata()  # CITATION.cff: the one file with the edition's version and authors

    return {
        "profile": "tabular-data-package",
        "name": "upgrading-to-compete-edition",
        "title": "Upgrading to Compete: data of the reproducible edition",
        "description": (
            "Case database, reconciliation of the book's case lists, and the book's tables transcribed "
            "as printed, with their provenance. The figures are those published in the book (see "
            "sources); the transcription, coding and reconciliation are ours. Generated from the "
            "validation schemas by `python -m analysis.book.datapackage`; do not edit by hand."),
        "version": ed.version,
        "licenses": [{
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 (our transcription and coding; the published "
                     "numbers come from the book and remain credited to it)",
        }],
        "sources": [{"title": BOOK}],
        "contributors": [{"title": a.strip("{}"), "role": "author"} for a in ed.author_names()],
        "keywords": ["industrial clusters", "global value chains", "SMEs", "Latin America", "upgrading"],
        "resources": resources(data_dir),
    }


def render(data_dir: Path = DATA) -> str:
    return json.dumps(package(data_dir), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.book.datapackage", description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report whether datapackage.json is up to date")
    ap.add_argument("--out", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python -m analysis.book.datapackage", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(json.loads(text)['resources'])} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
