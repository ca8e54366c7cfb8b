"""The edition's metadata, read from ``CITATION.cff`` (the one file that holds them).

Authors, version, release date, repository URL, the published site's URL and
the DOI are written once, in ``CITATION.cff``; the BibTeX entries, the page
stamps, the Cite folds and ``.zenodo.json`` are all derived from it here.

The repository and site addresses are optional (``repository-code`` and
``url`` in ``CITATION.cff``): while they are absent every link that would need
them is written as plain text instead (:func:`source_url` and :func:`page_url`
return ``None``).

Command line::

    python -m analysis.book.edition --write-zenodo   # write .zenodo.json from CITATION.cff
    python -m analysis.book.edition --check          # exit 1 if .zenodo.json disagrees with it
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.paths import ROOT

CFF = ROOT / "CITATION.cff"
ZENODO = ROOT / ".zenodo.json"
EDITION_KEY = "upgrading-edition"


@dataclass(frozen=True)
class Edition:
    title: str
    version: str
    date_released: str  # ISO date
    authors: tuple[dict, ...]
    license: str
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    repository: str | None = None
    url: str | None = None
    doi: str | None = None
    references: tuple[dict, ...] = field(default=())

    @property
    def year(self) -> str:
        return self.date_released[:4]

    def author_names(self) -> list[str]:
        """Authors as BibTeX names: ``Family, Given`` for a person, ``{Name}`` for an entity."""
        return [_bibtex_name(a) for a in self.authors]

    def author_text(self) -> str:
        """Authors for a plain-text citation: ``Family, G.``, entities as named, joined with ``&``."""
        parts = []
        for a in self.authors:
            if "family-names" in a:
                given = " ".join(f"{g[0]}." for g in str(a.get("given-names", "")).split() if g)
                parts.append(f"{a['family-names']}, {given}".rstrip(", "))
            else:
                parts.append(str(a["name"]))
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " & " + parts[-1]


def _bibtex_name(author: dict) -> str:
    if "family-names" in author:
        given = author.get("given-names", "")
        return f"{author['family-names']}, {given}" if given else str(author["family-names"])
    if "name" in author:
        return "{" + str(author["name"]) + "}"  # braced: an organisation, never split into first/last
    raise ValueError(f"CITATION.cff: author {author!r} has neither family-names nor name")


def edition_metadata(path: Path = CFF) -> Edition:
    """The edition's metadata from ``CITATION.cff`` (raises ``ValueError`` naming what is missing)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    missing = [k for k in ("title", "version", "date-released", "authors", "license") if not data.get(k)]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    if not isinstance(data["authors"], list):
        raise ValueError(f"{path}: authors must be a list")
    released = data["date-released"]
    released = released.isoformat() if isinstance(released, dt.date) else str(released)
    dt.date.fromisoformat(released)  # raises on a malformed date
    for a in data["authors"]:
        _bibtex_name(a)
    return Edition(
        title=str(data["title"]), version=str(data["version"]), date_released=released,
        authors=tuple(data["authors"]), license=str(data["license"]),
        abstract=" ".join(str(data.get("abstract", "")).split()),
        keywords=tuple(data.get("keywords", ())),
        repository=(str(data["repository-code"]).rstrip("/") if data.get("repository-code") else None),
        url=(str(data["url"]).rstrip("/") + "/" if data.get("url") else None),
        doi=str(data["doi"]) if data.get("doi") else None,
        references=tuple(data.get("references", ())),
    )


def source_url(ed: Edition, commit: str | None, path: str, line: int | None = None) -> str | None:
    """Link to ``path`` in the repository at ``commit``; ``None`` without a repository URL or commit."""
    if not ed.repository or not commit:
        return None
    return f"{ed.repository}/blob/{commit}/{path}" + (f"#L{line}" if line else "")


def page_url(ed: Edition, page: str, anchor: str | None = None) -> str | None:
    """Absolute URL of a built page (``chapters/ch09_synthesis``) and anchor; ``None`` without a site URL."""
    if not ed.url:
        return None
    return f"{ed.url}{page}.html" + (f"#{anchor}" if anchor else "")


# ------------------------------------------------------------------ .zenodo.json

def zenodo_metadata(ed: Edition) -> dict:
    """Zenodo deposit metadata (the ``.zenodo.json`` a GitHub release is archived with)."""
    creators = []
    for a in ed.authors:
        c = {"name": _bibtex_name(a).strip("{}")}
        if a.get("orcid"):
            c["orcid"] = str(a["orcid"]).rsplit("/", 1)[-1]
        if a.get("affiliation"):
            c["affiliation"] = str(a["affiliation"])
        creators.append(c)
    out = {
        "title": ed.title,
        "upload_type": "software",
        "version": ed.version,
        "publication_date": ed.date_released,
        "creators": creators,
        "description": ed.abstract,
        "license": ed.license,
        "keywords": list(ed.keywords),
        "access_right": "open",
    }
    related = []
    for ref in ed.references:
        if ref.get("isbn"):
            related.append({"identifier": str(ref["isbn"]), "relation": "isDerivedFrom",
                            "scheme": "isbn", "resource_type": "publication-book"})
    if ed.repository:
        related.append({"identifier": ed.repository, "relation": "isSupplementTo", "scheme": "url"})
    if ed.url:
        related.append({"identifier": ed.url, "relation": "isDocumentedBy", "scheme": "url"})
    if related:
        out["related_identifiers"] = related
    if ed.doi:
        out["doi"] = ed.doi
    return out


def zenodo_text(ed: Edition) -> str:
    return json.dumps(zenodo_metadata(ed), indent=2, ensure_ascii=False) + "\n"


def check(cff: Path = CFF, zenodo: Path = ZENODO) -> list[str]:
    """Differences between ``.zenodo.json`` and what ``CITATION.cff`` gives (empty when they agree)."""
    if not Path(zenodo).exists():
        return [f"{zenodo} does not exist (python -m analysis.book.edition --write-zenodo)"]
    want = zenodo_metadata(edition_metadata(cff))
    have = json.loads(Path(zenodo).read_text(encoding="utf-8"))
    return [f"{k}: .zenodo.json has {have.get(k)!r}, CITATION.cff gives {want.get(k)!r}"
            for k in sorted(set(want) | set(have)) if want.get(k) != have.get(k)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.book.edition", description=__doc__.split("\n\n")[0])
    ap.add_argument("--write-zenodo", action="store_true", help="write .zenodo.json from CITATION.cff")
    ap.add_argument("--check", action="store_true", help="check that .zenodo.json agrees with CITATION.cff")
    args = ap.parse_args(argv)
    if args.write_zenodo:
        ZENODO.write_text(zenodo_text(edition_metadata()), encoding="utf-8")
        print(f"wrote {ZENODO}")
    if args.check or not args.write_zenodo:
        problems = check()
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            return 1
        print(".zenodo.json agrees with CITATION.cff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
