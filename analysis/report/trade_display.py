"""The Chapter 8 page's views: the two rules' readings of Tables 8.2 and 8.4 and of a
reader's own trade series, their quadrant charts (:func:`quadrant_figure`, :func:`quadrant`),
and the text's verdicts against them.

Apart from :mod:`analysis.report.casestudy_display` so that only the Chapter 8 page depends
on the trade rules (:mod:`analysis.method.trade`) and on these views.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis import escape
from analysis.method import trade
from analysis import theme
from analysis.io.bookref import line_ref

if TYPE_CHECKING:  # matplotlib is imported by the figure function, only when it draws
    from matplotlib.figure import Figure

RULE_VARIANTS = {"absolute": "kr", "relative": "kr_relative"}


def kr_column(rule_variant: str) -> str:
    """The verdict column of the Kaplinsky–Readman reading chosen by ``rule_variant``."""
    try:
        return RULE_VARIANTS[rule_variant]
    except KeyError:
        raise ValueError(f"rule_variant {rule_variant!r}: expected one of {', '.join(RULE_VARIANTS)}") from None


def select_panels(classified: pd.DataFrame, panels: str) -> list[str]:
    """Panel labels chosen by ``panels``: "all", or comma-separated names or unique parts of names.

    Raises ``ValueError`` naming the choice that matches no panel or several.
    """
    labels = list(dict.fromkeys(classified["panel"]))
    if panels.strip().lower() == "all":
        return labels
    chosen = []
    for want in (p.strip() for p in panels.split(",") if p.strip()):
        hits = [p for p in labels if p.lower() == want.lower()] or [p for p in labels if want.lower() in p.lower()]
        if len(hits) != 1:
            raise ValueError(f"panels: {want!r} matches {len(hits)} panels ({'; '.join(hits) or 'none'}); "
                             f"choose among: {'; '.join(labels)}")
        if hits[0] not in chosen:
            chosen.append(hits[0])
    if not chosen:
        raise ValueError("panels: give 'all' or at least one panel name")
    return chosen


def _label(label: str, reason: str) -> str:
    return f"{label} ({reason})" if label == trade.UNCLASSIFIABLE else label


def with_variant(classified: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """Copy in which ``unit_value_change_pct`` is the unit-value change the chosen reading uses.

    ``absolute`` keeps the change as given (printed, or the country's own);
    ``relative`` substitutes the change relative to the other exporters
    (``unit_value_vs_listed_pct`` for the book's panels,
    ``unit_value_vs_competitors_pct`` for a user's series).
    """
    out = classified.copy()
    if kr_column(rule_variant) == "kr_relative":
        col = "unit_value_vs_listed_pct" if "unit_value_vs_listed_pct" in out else "unit_value_vs_competitors_pct"
        out["unit_value_change_pct"] = out[col]
    return out


_QUADRANTS = {(1, 1): "upgrading", (1, -1): "immiserizing growth",
              (-1, -1): "withdrawal", (-1, 1): "niche shift"}


# Label places around a point, tried in this order: (dx, dy) directions, then distances in
# points from the marker's centre. Beyond the first distance a leader line joins label and point.
_DIRECTIONS = ((1, 1), (1, 0), (-1, 1), (-1, 0), (1, -1), (-1, -1), (0, 1), (0, -1))
_DISTANCES = (5, 11, 18, 28, 40, 55)
_MARKER_RADIUS = 3.0  # points: the scatter's default marker is 6 pt across
_GAP = 1.0            # points kept free between a label and anything else


def _candidate_box(point, size, direction, offset):
    """The box (x0, y0, x1, y1, pixels) of a label of ``size`` (w, h) set ``offset`` pixels from
    ``point`` towards ``direction``, aligned away from the point (see :func:`_alignment`)."""
    (x, y), (w, h), (dx, dy) = point, size, direction
    x0 = x + dx * offset - (1 - dx) * w / 2
    y0 = y + dy * offset - (1 - dy) * h / 2
    return (x0, y0, x0 + w, y0 + h)


def _alignment(direction):
    dx, dy = direction
    return ({1: "left", 0: "center", -1: "right"}[dx], {1: "bottom", 0: "center", -1: "top"}[dy])


def _overlaps(a, b, gap=0.0):
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _inside(box, frame):
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def _crosses(box, zero):
    """How many of the zero lines (at display ``zero``, x and y) ``box`` crosses: a soft cost,
    since a label on a reference line is harder to read but better there than nowhere."""
    return (box[0] < zero[0] < box[2]) + (box[1] < zero[1] < box[3])


def _place(point, size, obstacles, frame, zero, pt):
    """The cheapest free place for one label: ``(direction, distance in points)``, or ``None``
    when every candidate overlaps an obstacle or leaves the axes. The cost counts the distance
    step, the direction's rank and a penalty of two steps per zero line crossed."""
    best = None
    for k, dist in enumerate(_DISTANCES):
        for j, d in enumerate(_DIRECTIONS):
            box = _candidate_box(point, size, d, dist * pt)
            if not _inside(box, frame) or any(_overlaps(box, o, _GAP * pt) for o in obstacles):
                continue
            cost = 10 * k + j + 20 * _crosses(box, zero)
            if best is None or cost < best[0]:
                best = (cost, d, dist)
    return best[1:] if best else None


def _box(bbox):
    return (bbox.x0, bbox.y0, bbox.x1, bbox.y1)


def _label_placer(labels, names):
    """An artist that sets the quadrant chart's point labels where none overlaps another
    label, a marker or a quadrant name, inside the axes, each time the figure is drawn.

    Placement runs at draw time because :func:`analysis.theme.conform` resizes the figure and
    lays it out again after the chart is made: only then are the pixel distances between the
    points known. It is greedy and deterministic (labels in the given order, candidates in the
    fixed order of :data:`_DIRECTIONS` and :data:`_DISTANCES`), so two builds draw identical files.
    """
    from matplotlib.artist import Artist

    class LabelPlacer(Artist):
        zorder = 0  # drawn before the labels (zorder 4), so they are drawn where it puts them

        def draw(self, renderer):
            _place_labels(self.axes, labels, names, renderer)

    placer = LabelPlacer()
    placer.set_in_layout(False)
    for label in labels:  # kept inside the axes by the placer; the layout need not make room
        label.set_in_layout(False)
    return placer


def _place_labels(ax, labels, names, renderer) -> None:
    from matplotlib.text import Text

    pt = renderer.points_to_pixels(1.0)
    points = [ax.transData.transform(a.xy) for a in labels]
    r = _MARKER_RADIUS * pt
    obstacles = [(x - r, y - r, x + r, y + r) for x, y in points]
    obstacles += [_box(n.get_window_extent(renderer)) for n in names]
    zero = ax.transData.transform((0, 0))
    frame = _box(ax.bbox)
    for a, point in zip(labels, points):
        a.set_position((0, 0))
        ext = Text.get_window_extent(a, renderer)
        size = (ext.width, ext.height)
        # with no free place left the label keeps the first one; the figure test then fails
        direction, dist = _place(point, size, obstacles, frame, zero, pt) or (_DIRECTIONS[0], _DISTANCES[0])
        ha, va = _alignment(direction)
        a.set_horizontalalignment(ha)
        a.set_verticalalignment(va)
        a.xyann = (direction[0] * dist, direction[1] * dist)
        a.arrow_patch.set_visible(dist > _DISTANCES[0])
        obstacles.append(_candidate_box(point, size, direction, dist * pt))


@theme.themed
def quadrant_figure(classified: pd.DataFrame, panel: str) -> Figure:
    """Market-share change (x, percentage points) against unit-value change (y, per cent).

    ``panel`` is a panel label or a unique case-insensitive part of one. Quadrants
    carry the Kaplinsky–Readman names; rows without a start share cannot be
    placed and are listed under the plot.
    """
    labels = list(dict.fromkeys(classified["panel"]))
    hits = [p for p in labels if p == panel] or [p for p in labels if panel.lower() in p.lower()]
    if len(hits) != 1:
        raise KeyError(f"panel {panel!r} matches {hits or 'nothing'}; panels: {labels}")
    d = classified[classified["panel"] == hits[0]]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 5.5))
    ax = fig.add_subplot()
    ok = d[d["share_change_pp"].notna() & d["unit_value_change_pct"].notna()]
    focus = ok["focus"] if "focus" in ok else pd.Series(False, index=ok.index)
    # the focus country differs from the others by colour, marker shape and bold label (the
    # theme's colour-blind-safe palette; never by colour alone)
    for is_focus, colour, marker in ((False, theme.PALETTE[1], theme.MARKERS[0]), (True, theme.PALETTE[0], theme.MARKERS[2])):
        pts = ok[focus.astype(bool) == is_focus]
        ax.scatter(pts["share_change_pp"], pts["unit_value_change_pct"], color=colour, marker=marker, zorder=3)
    xmax = max(1.0, ok["share_change_pp"].abs().max() if len(ok) else 1.0) * 1.3
    ymax = max(1.0, ok["unit_value_change_pct"].abs().max() if len(ok) else 1.0) * 1.3
    labels = [ax.annotate(escape.mpl(r["country"]), (r["share_change_pp"], r["unit_value_change_pct"]),
                          xytext=(0, 0), textcoords="offset points", fontsize=8,
                          fontweight="bold" if f else "normal", zorder=4,
                          arrowprops=dict(arrowstyle="-", color=theme.GREY, lw=0.6, shrinkA=0, shrinkB=3))
              for (_, r), f in zip(ok.iterrows(), focus)]
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlim(-xmax, xmax)
    ax.set_ylim(-ymax, ymax)
    names = [ax.text(sx * 0.97 * xmax, sy * 0.96 * ymax, name, ha="right" if sx > 0 else "left",
                     va="top" if sy > 0 else "bottom", fontsize=9, color="dimgrey", style="italic")
             for (sx, sy), name in _QUADRANTS.items()]
    # focus countries first, so they get the places nearest their points
    order = sorted(range(len(labels)), key=lambda i: not bool(focus.iloc[i]))
    ax.add_artist(_label_placer([labels[i] for i in order], names))
    ax.set_xlabel("change in world market share (percentage points)")
    ax.set_ylabel("change in export unit value (%)")
    table = f"Table {d['table'].iloc[0]} " if "table" in d else ""
    ax.set_title(escape.mpl(f"{table}{hits[0]}\n{d['world_growth_label'].iloc[0]}"), fontsize=10)
    missing = d.loc[~d.index.isin(ok.index), "country"].tolist()
    if missing:
        fig.text(0.01, 0.01, "not placed (share or unit value missing, e.g. start share n.a.): "
                 + escape.mpl(", ".join(missing)), fontsize=8)
    return fig


def quadrant(classified: pd.DataFrame, panel: str, rule_variant: str) -> Figure:
    """:func:`quadrant_figure` for the chosen unit-value reading."""
    fig = quadrant_figure(with_variant(classified, rule_variant), panel)
    if kr_column(rule_variant) == "kr_relative":
        fig.axes[0].set_ylabel("change in unit value relative to the other exporters (%)")
    return fig


PANEL = "Panel"  # the column of classification_view that names each row's panel (shown once per panel)


def panel_heading(panel: str, world_growth_label: str) -> str:
    """The heading of one panel of Table 8.2 or 8.4: its printed label and its world market's
    growth, both the same for every exporter of the panel."""
    return f"{panel}: {world_growth_label}"


def classification_view(classified: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """Rows of Table 8.2 or 8.4 with the inputs, the share change and both rules' verdicts.

    :data:`PANEL` holds each row's panel heading (:func:`panel_heading`, with the world
    market growth, which is one figure per panel); the page shows it once per panel
    (``Page.table(group_by=PANEL)``), the download keeps both on every row."""
    kr = kr_column(rule_variant)
    uv_label = ("Unit value change, printed (%)" if kr == "kr" else
                "Unit value change vs other listed exporters (%)")
    uv = classified["unit_value_change_pct"] if kr == "kr" else classified["unit_value_vs_listed_pct"]
    return pd.DataFrame({
        PANEL: [panel_heading(p, g) for p, g in zip(classified["panel"], classified["world_growth_label"])],
        "Country": classified["country"],
        "Export earnings growth (% a year)": classified["export_earnings_cagr_pct"],
        "Share 1990 (%)": classified["share_start_pct"], "Share 2000 (%)": classified["share_end_pct"],
        "Share change (points)": classified["share_change_pp"],
        uv_label: uv,
        "Table 8.1 rule": [_label(a, b) for a, b in zip(classified["table81"], classified["table81_reason"])],
        "Kaplinsky–Readman": [_label(a, b) for a, b in zip(classified[kr], classified[f"{kr}_reason"])],
    }).reset_index(drop=True)


def text_comparison_view(comparison: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """The text's verdicts against both rules: one row per statement the chapter makes."""
    kr = kr_column(rule_variant)
    c = comparison[comparison["verdict_in_text"] != ""]
    return pd.DataFrame({
        "Table": c["table"], "Panel": c["panel"], "Country": c["country"],
        "Text says": c["verdict_in_text"], "Source line": c["line"].astype("Int64"),
        "Table 8.1 rule": c["table81"], "vs text (8.1)": c["table81_vs_text"],
        "Kaplinsky–Readman": c[kr], "vs text (K–R)": c[f"{kr}_vs_text"],
    }).reset_index(drop=True)


def disagreements(comparison: pd.DataFrame, classified: pd.DataFrame, rule_variant: str) -> list[str]:
    """One sentence per (text statement, rule) on which the classification contradicts the text.

    ``comparison`` from :func:`analysis.audit.casestudies.ch8_trade.compare_with_text`,
    ``classified`` the classified rows (for the reasons behind each verdict).
    """
    kr = kr_column(rule_variant)
    keys = ["table", "panel", "country"]
    reasons = classified[keys + ["table81_reason", f"{kr}_reason"]]
    m = comparison.merge(reasons, on=keys, how="left")
    out = []
    for r in m.to_dict("records"):
        for rule, name in (("table81", "the Table 8.1 rule"), (kr, "Kaplinsky–Readman")):
            if r[f"{rule}_vs_text"] == "disagree":
                out.append(f"On {line_ref(int(r['line']))} (text line {int(r['line'])}), the chapter reads "
                           f"{r['country']} in Table {r['table']} {r['panel']} "
                           f"as '{r['verdict_in_text']}'; {name} gives '{r[rule]}' ({r[rule + '_reason']}).")
    return out


def series_view(classified_series: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """A user's classified trade series (from :func:`analysis.method.trade.classify_series`) for display."""
    kr = kr_column(rule_variant)
    s = classified_series
    uv = s["unit_value_change_pct"] if kr == "kr" else s["unit_value_vs_competitors_pct"]
    return pd.DataFrame({
        "Product": s["panel"], "Country": s["country"], "Period": [f"{a}–{b}" for a, b in zip(s["start"], s["end"])],
        "Export value change": s["export_value_change"], "Share start (%)": s["share_start_pct"],
        "Share end (%)": s["share_end_pct"], "Share change (points)": s["share_change_pp"],
        ("Unit value change (%)" if kr == "kr" else "Unit value change vs other countries (%)"): uv,
        "World volume change (%)": s["world_growth_pct"],
        "Table 8.1 rule": [_label(a, b) for a, b in zip(s["table81"], s["table81_reason"])],
        "Kaplinsky–Readman": [_label(a, b) for a, b in zip(s[kr], s[f"{kr}_reason"])],
    })


# ---------------------------------------------------------------- page blocks
