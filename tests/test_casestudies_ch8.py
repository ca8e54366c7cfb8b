"""Chapter 8 (trade data): cells of Tables 8.2-8.4, classifications, audit, text comparison.

Expected values are worked out by hand from the printed cells (in the comments),
never copied from the functions under test.
"""
from __future__ import annotations


# the repository root holds the ``analysis`` package; no conftest is assumed

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.method import trade  # noqa: E402
from analysis.method.cells import read_cells  # noqa: E402
from analysis.audit.casestudies import ch8_trade as ch8  # noqa: E402
from analysis.io.chapter_tables import TEXT_CLAIMS, read_text_verdicts  # noqa: E402
from analysis.io.data import read_validated  # noqa: E402
from analysis.report import trade_display  # noqa: E402
from analysis.io.schema import TEXT_CLAIMS as TEXT_CLAIMS_SCHEMA  # noqa: E402

from analysis.paths import ROOT  # noqa: E402
CH = ROOT / "data" / "chapters"
EXAMPLE = ROOT / "data" / "examples" / "trade_series_example.csv"
PAC = "(b) Salmon, Pacific, frozen, whole"
ATL = "(c) Salmon, Atlantic or Danube, frozen, whole"
FRESH = "(a) Salmon, fresh or chilled, whole"


@pytest.fixture(scope="module")
def cells():
    return {t: read_cells(CH / f"table_8_{t}.csv") for t in ("2", "3", "4")}


@pytest.fixture(scope="module")
def classified(cells):
    return pd.concat([ch8.classify_table_8_2(cells["2"]), ch8.classify_table_8_4(cells["4"])],
                     ignore_index=True)


def _row(df, panel, country):
    hit = df[(df["panel"] == panel) & (df["country"] == country)]
    assert len(hit) == 1
    return hit.iloc[0]


# ---------------------------------------------------------------- cells
def test_cells_validate_and_sit_in_the_chapter(cells):
    t2, t3, t4 = cells["2"], cells["3"], cells["4"]
    # 4 panels + 30 country rows x 4 cells; 3 panels + 21 x 4; 9 rows x 4 columns
    assert (len(t2), len(t4), len(t3)) == (4 + 30 * 4, 3 + 21 * 4, 36)
    assert set(t2["kind"]) == {"input"} and set(t4["kind"]) == {"input"}
    assert t2["line"].between(2819, 2852).all()
    assert t4["line"].between(3009, 3032).all()
    assert t3["line"].between(2958, 2966).all()
    # nine n.a. start shares in 8.2 (4 + 1 + 1 + 3), three in 8.4 (China in each panel)
    assert (t2["printed"] == "n.a.").sum() == 9 and (t4["printed"] == "n.a.").sum() == 3


def test_spot_cells_as_printed(cells):
    from analysis.method.cells import number, printed
    t2, t4 = cells["2"], cells["4"]
    assert printed(t2, f"{PAC} | Chile", "Competitiveness (1990)") == "20.79%"
    assert printed(t2, f"{PAC} | Chile", "Competitiveness (2000)") == "38.44%"
    assert number(t2, PAC, "External market conditions") == 11
    assert number(t2, f"{FRESH} | Chile", "Export earnings") == 0.96
    assert number(t4, "(a) Office furniture | Mexico", "Unit value") == -22.89
    assert number(t4, "(b) Kitchen furniture | Malaysia", "Competitiveness (1990)") == 0  # printed "0"


# ---------------------------------------------------------------- classifications
def test_every_row_classified_or_has_a_reason(classified):
    assert len(classified) == 51
    for rule, labels in (("table81", trade.TABLE_8_1_LABELS), ("kr", trade.KR_LABELS),
                         ("kr_relative", trade.KR_LABELS)):
        assert classified[rule].isin(labels).all(), rule
        assert (classified[f"{rule}_reason"].str.len() > 0).all(), rule


def test_hand_worked_rows(classified):
    # Chile, Pacific frozen: earnings +18.4, share 20.79 -> 38.44, unit value +17.48
    r = _row(classified, PAC, "Chile")
    assert r["share_change_pp"] == pytest.approx(17.65)
    assert (r["table81"], r["kr"]) == (trade.UPGRADING_SHARE, trade.KR_UPGRADING)
    # Chile, Atlantic frozen: share 22.51 -> 14.03 falls, unit value +14.61
    r = _row(classified, ATL, "Chile")
    assert (r["table81"], r["kr"]) == (trade.NO_UPGRADING, trade.KR_NICHE)
    # Mexico, office: share 0.35 -> 1.61, unit value -22.89
    r = _row(classified, "(a) Office furniture", "Mexico")
    assert (r["table81"], r["kr"]) == (trade.NO_UPGRADING, trade.KR_IMMISERIZING)
    # Mexico, bedroom: share 0.97 -> 0.68, unit value +3.31
    assert _row(classified, "(c) Bedroom furniture", "Mexico")["kr"] == trade.KR_NICHE
    # Italy, office: earnings printed 0% -> export value did not rise
    r = _row(classified, "(a) Office furniture", "Italy")
    assert r["table81"] == trade.NO_UPGRADING and "export value" in r["table81_reason"]


def test_missing_start_share(classified):
    # Norway, fresh: n.a. -> 51.45, unit value -6.53: Table 8.1 settles it, KR cannot
    r = _row(classified, FRESH, "Norway")
    assert r["table81"] == trade.NO_UPGRADING
    assert r["kr"] == trade.UNCLASSIFIABLE and "share n.a." in r["kr_reason"] and "immiserizing growth or withdrawal" in r["kr_reason"]
    # China, kitchen: n.a. -> 13.01, earnings +29, unit value +72.89: neither rule can say
    r = _row(classified, "(b) Kitchen furniture", "China")
    assert r["table81"] == trade.UNCLASSIFIABLE and r["kr"] == trade.UNCLASSIFIABLE


def test_relative_to_listed_competitors(classified):
    # Japan, Pacific frozen: others' unit values 17.48, -33.29, 27.86, -7.00, -25.58 average -4.106;
    # (1 - 0.0338) / (1 - 0.04106) - 1 = +0.757 %: relative rise, so KR-relative says upgrading
    r = _row(classified, PAC, "Japan")
    assert r["listed_competitors_uv_pct"] == pytest.approx(-4.106)
    assert r["unit_value_vs_listed_pct"] == pytest.approx(100 * (0.9662 / 0.95894 - 1))
    assert (r["kr"], r["kr_relative"]) == (trade.KR_IMMISERIZING, trade.KR_UPGRADING)


def test_panel_sums_show_na_left_out_of_1990_total(classified):
    s = ch8.panel_share_sums(classified).set_index("panel")
    # fresh 1990: 19.79 + 0.16 + 0.16 + 51.19 + 28.57 = 99.87 with four n.a.
    assert s.loc[FRESH, "start_sum_pct"] == pytest.approx(99.87)
    assert s.loc[FRESH, "n_start_missing"] == 4


# ---------------------------------------------------------------- Table 8.3 audit
def test_audit_covers_every_derived_cell(cells):
    t3 = cells["3"]
    audit = pd.DataFrame(ch8.audit_table_8_3(t3))
    derived = set(map(tuple, t3.loc[t3["kind"] == "derived", ["row", "column"]].to_numpy()))
    assert set(zip(audit["row"], audit["column"])) == derived and len(audit) == len(derived) == 20
    assert set(audit["status"]) <= {"match", "rounding"}
    # Samitri: 100 x 16.3 / 193.0 = 8.4456, printed 8.5: only the rounding of inputs explains it
    sam = audit[(audit["row"] == "Samitri") & (audit["column"] == "Market share")].iloc[0]
    assert sam["computed"] == pytest.approx(8.445596) and sam["status"] == "rounding"
    # inputs printed to +-0.05 move the share by up to +-0.046; 8.4456 + 0.046 reaches 8.45
    assert sam["tolerance"] == pytest.approx(0.0456, abs=1e-3) and "meets computed [8.4" in sam["rule"]


def test_corrupted_input_flips_audit_to_mismatch(cells):
    bad = cells["3"].copy()
    bad.loc[(bad["row"] == "CVRD") & (bad["column"] == "Processed"), "printed"] = "70.3"
    audit = pd.DataFrame(ch8.audit_table_8_3(bad)).set_index(["row", "column"])
    assert audit.loc[("CVRD", "Total"), "status"] == "mismatch"      # 70.3 + 22.5 = 92.8 vs 99.8
    assert audit.loc[("Total", "Processed"), "status"] == "mismatch"  # 149.1 vs 156.1


def test_text_claim_cvrd_pellets(cells):
    # 22.5 / 36.9 = 60.98 %, text says 61 percent
    claims = read_validated(ROOT / "data" / "book" / "text_claims.csv", TEXT_CLAIMS_SCHEMA)
    (r,) = ch8.audit_text_claims_8_3({"8.3": cells["3"], TEXT_CLAIMS: claims})
    assert r["status"] == "rounding" and r["printed"] == "61"
    assert "line 2942" in r["note"]
    # the statement's number is data: another number in the claims file changes the row
    claims.loc[claims["claim_id"] == "T08-2942-98", "number"] = "70"
    (r,) = ch8.audit_text_claims_8_3({"8.3": cells["3"], TEXT_CLAIMS: claims})
    assert r["printed"] == "70" and r["status"] == "mismatch"


# ---------------------------------------------------------------- text
def test_text_verdicts_compare(classified):
    v = read_text_verdicts(CH / "ch8_text_verdicts.csv")
    assert v["line"].between(2800, 3045).all()
    cmp = ch8.compare_with_text(classified, v)
    # every classified row appears, silent rows as "not stated"
    assert len(cmp) == len(classified) + v.duplicated(["table", "panel", "country"]).sum()
    japan = cmp[(cmp["panel"] == PAC) & (cmp["country"] == "Japan")].iloc[0]
    assert japan["kr_vs_text"] == "not stated"
    # line 2868 calls Chile an upgrader in frozen salmon; in Atlantic its share fell
    chile = cmp[(cmp["panel"] == ATL) & (cmp["country"] == "Chile") & (cmp["line"] == 2868)].iloc[0]
    assert (chile["table81_vs_text"], chile["kr_vs_text"]) == ("disagree", "disagree")
    # line 3000: withdrawal from bedroom furniture, but the printed unit value rose 3.31 %
    mex = cmp[(cmp["panel"] == "(c) Bedroom furniture") & (cmp["country"] == "Mexico")].iloc[0]
    assert (mex["table81_vs_text"], mex["kr_vs_text"]) == ("agree", "disagree")
    china = cmp[(cmp["panel"] == "(b) Kitchen furniture") & (cmp["country"] == "China")].iloc[0]
    assert china["kr_vs_text"] == "unclassifiable" and china["table81_vs_text"] == "not stated"


def test_verdict_without_table_row_is_refused(classified):
    v = read_text_verdicts(CH / "ch8_text_verdicts.csv").head(1).copy()
    v["country"] = "Atlantis"
    with pytest.raises(KeyError):
        ch8.compare_with_text(classified, v)


# ---------------------------------------------------------------- figure
def test_quadrant_figure(classified):
    fig = trade_display.quadrant_figure(classified, "fresh")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert FRESH in ax.get_title() and "+24%" in ax.get_title()
    texts = {t.get_text() for t in ax.texts}
    assert {"upgrading", "withdrawal", "niche shift", "immiserizing growth", "Chile"} <= texts
    # four n.a. starts cannot be placed: 5 points
    assert sum(len(c.get_offsets()) for c in ax.collections) == 5
    # the focus country (Chile) is told apart by marker shape and colour, not colour alone
    assert len(ax.collections) == 2
    shapes = [c.get_paths()[0].vertices.round(3).tobytes() for c in ax.collections]
    assert shapes[0] != shapes[1] and [len(c.get_offsets()) for c in ax.collections] == [4, 1]
    with pytest.raises(KeyError):
        trade_display.quadrant_figure(classified, "furniture")  # ambiguous


# ---------------------------------------------------------------- user series
def test_example_series_end_to_end():
    out = trade.classify_series(trade.read_trade_series(EXAMPLE))
    got = {(r.panel, r.country): (r.table81, r.kr, r.kr_relative) for r in out.itertuples()}
    A, B = "Example product A", "Example product B"
    # Alpha A: share 10 -> 15 %, V 5 -> 6; Beta A: share 20 -> 30 %, V 4 -> 3
    assert got[(A, "Alpha")][:2] == (trade.UPGRADING_SHARE, trade.KR_UPGRADING)
    assert got[(A, "Beta")][:2] == (trade.NO_UPGRADING, trade.KR_IMMISERIZING)
    # Gamma A: share 30 -> 20 %, V 5 -> 4.5; Delta: start volume n.a.
    assert got[(A, "Gamma")][:2] == (trade.NO_UPGRADING, trade.KR_WITHDRAWAL)
    assert got[(A, "Delta")][:2] == (trade.UNCLASSIFIABLE, trade.UNCLASSIFIABLE)
    # Epsilon A: share 5 -> 5 % in a market growing 1000 -> 1500, V 8 -> 9
    assert got[(A, "Epsilon")][0] == trade.UPGRADING_NICHE
    # B shrinks 1000 -> 800. Alpha: share 10 -> 15 %, V 10 -> 11, X 1000 -> 1320: upgrading;
    # but the others' pooled unit value goes 2200/500 = 4.4 -> 1960/360 = 5.44 (+23.7 %) > +10 %
    assert got[(B, "Alpha")] == (trade.UPGRADING_SHARE, trade.KR_UPGRADING, trade.KR_IMMISERIZING)
    # Beta B: share 20 -> 20 %, V 5 -> 6, X 1000 -> 960: KR upgrading, Table 8.1 not
    assert got[(B, "Beta")][:2] == (trade.NO_UPGRADING, trade.KR_UPGRADING)
    assert isinstance(trade_display.quadrant_figure(out, "product B"), Figure)


def test_bad_input_file_names_row_and_field(tmp_path):
    text = EXAMPLE.read_text().splitlines()
    text[4] = text[4].replace(",Beta,2000,800,", ",Beta,2000,eight hundred,")
    p = tmp_path / "broken.csv"
    p.write_text("\n".join(text) + "\n")
    with pytest.raises(ValueError) as e:
        trade.read_trade_series(p)
    assert "broken.csv" in str(e.value) and "row 4" in str(e.value) and "'export_value'" in str(e.value)


# ---------------------------------------------------------------- page tables
@pytest.mark.parametrize("table", ["8.2", "8.4"])
def test_panel_table_names_each_panel_once_and_the_download_on_every_row(book_data, tmp_path, monkeypatch, table):
    import json
    import re

    from analysis.report import trade_page
    from analysis.report.present import Page

    monkeypatch.chdir(tmp_path)
    p = trade_page.prepare(book_data, panels="all", rule_variant="absolute", series_file="")
    md, _ = trade_page.panel_section(Page("ch08"), p, table, "T")
    spec = json.loads(open(re.search(r"```\{literal-table\} (\S+)", md).group(1), encoding="utf-8").read())
    # the panels as the transcription lists them (rows without " | " are the panel headers)
    raw = pd.read_csv(CH / f"table_{table.replace('.', '_')}.csv", dtype=str)
    panels = list(dict.fromkeys(r for r in raw["row"] if " | " not in r))
    assert len(panels) >= 3
    assert "Panel" not in spec["columns"] and not any("world" in c.lower() for c in spec["columns"])
    assert not any(panel in str(cell) for row in spec["rows"] for cell in row for panel in panels)
    shown = list(dict.fromkeys(spec["groups"]))
    assert len(shown) == len(panels) and all(g.startswith(panel) for g, panel in zip(shown, panels))
    assert len(spec["groups"]) == len(spec["rows"])  # a label for every row; the directive shows changes only
    csv = pd.read_csv(tmp_path / "downloads" / "ch08" / spec["download"])
    assert len(csv) == len(spec["rows"]) and csv["panel"].notna().all() and csv["world_growth_pct"].notna().all()
    assert list(dict.fromkeys(csv["panel"])) == panels


def test_own_series_section_explains_the_file_and_gives_the_command_as_a_block(book_data, tmp_path, monkeypatch):
    import re

    from analysis.report import trade_page
    from analysis.report.present import Page

    md = (ROOT / "chapters" / "ch08_trade.md").read_text(encoding="utf-8")
    section = md.split("## Your own trade series", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)
    prose = re.sub(r"```.*?```", "", section, flags=re.S)
    assert all(f"`{c}`" in prose for c in trade.SERIES_COLUMNS)  # the loader's columns, every one
    sentences = [s for s in re.split(r"(?<=[.:])\s+(?=[A-Z])", " ".join(prose.split())) if s]
    assert 3 <= len(sentences) <= 5
    commands = [body.strip() for lang, body in blocks if lang == "bash"]
    assert len(commands) == 1 and commands[0].startswith("python -m analysis.book --set chapters/ch08_trade.series_file=")
    example = commands[0].rsplit("=", 1)[1]
    assert (ROOT / example).is_file() and trade.read_trade_series(ROOT / example) is not None
    # without a series the section adds nothing to the prose (no second copy of the command)
    monkeypatch.chdir(tmp_path)
    p = trade_page.prepare(book_data, panels="all", rule_variant="absolute", series_file="")
    assert trade_page.series_section(Page("ch08"), p) == ("", {})
def _drawn_label_boxes(fig):
    """Draw ``fig`` at print resolution and return, in pixels, the boxes of its point labels
    (the annotations; the quadrant names are plain texts), of its quadrant names, of its
    markers, and of its axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

    from analysis import theme

    fig.set_dpi(theme.DPI)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    # the text alone: a leader line may run from a label to its point, across other boxes
    labels = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in ax.texts if isinstance(t, Annotation)]
    names = [t.get_window_extent(renderer) for t in ax.texts if not isinstance(t, Annotation)]
    r = renderer.points_to_pixels(3)  # the scatter marker's radius (6 pt across)
    markers = [Bbox.from_extents(x - r, y - r, x + r, y + r)
               for c in ax.collections for x, y in ax.transData.transform(c.get_offsets())]
    return labels, names, markers, ax.bbox


@pytest.mark.parametrize("rule_variant", ["absolute", "relative"])
def test_quadrant_labels_do_not_collide_at_print_size(book_data, rule_variant):
    """Every panel of Tables 8.2 and 8.4, as the page saves it (theme.conform, 300 dpi): no
    two point labels overlap, no label covers a marker or a quadrant name, and every label
    stays inside the axes."""
    from analysis import theme

    t = book_data.chapters
    classified = pd.concat([ch8.classify_table_8_2(t["8.2"]), ch8.classify_table_8_4(t["8.4"])], ignore_index=True)
    for panel in dict.fromkeys(classified["panel"]):
        fig = theme.conform(trade_display.quadrant(classified, panel, rule_variant))
        labels, names, markers, axes_box = _drawn_label_boxes(fig)
        assert len(labels) == len(markers) >= 5, panel
        for i, (text, box) in enumerate(labels):
            assert axes_box.x0 <= box.x0 and box.x1 <= axes_box.x1, (panel, text)
            assert axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1, (panel, text)
            for other, box2 in labels[i + 1:]:
                assert not box.overlaps(box2), (panel, text, other)
            assert not any(box.overlaps(m) for m in markers), (panel, text, "marker")
            assert not any(box.overlaps(n) for n in names), (panel, text, "quadrant name")
        assert theme.smallest_font(fig) >= theme.MIN_FONT
