"""Tests of surveystats.plot: the charts draw the core's numbers and write .png and .svg.

Expected values are the core's own (proportion_ci, compare_proportions, adjust_pvalues,
margin_of_error), which are checked against R in their own test files; the test here is
that the chart shows exactly those numbers, read back from the matplotlib artists.
Figures: Info Sapiens / New Europe Center Ukraine poll, November 2025 (best security
guarantee, single choice, n = 1,000: own nuclear weapons 31.1%, NATO membership 19.4%) and
"giving up NATO aspirations is completely unacceptable" 56.9% (2023), 48.7% (2024),
41.1% (2025), independent samples of 1,000 each.
"""

import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import surveystats as ss
from surveystats.exceptions import InvalidValueError, ShapeError, SurveyStatsError
from surveystats.plot import chart, plot_shares, plot_waves

PNG = b"\x89PNG\r\n\x1a\n"
SHARES = (["Own nuclear weapons", "NATO membership"], [0.311, 0.194], 1000)
WAVES = ([2023, 2024, 2025], [0.569, 0.487, 0.411], 1000)


def _interval(ax):
    """(low, high) of each whisker of the errorbar labelled '_interval', in input order."""
    (container,) = [c for c in ax.containers if c.get_label() == "_interval"]
    (bars,) = container.lines[2]
    segments = bars.get_segments()
    return np.array(
        [[min(s[0][k], s[1][k]), max(s[0][k], s[1][k])] for s in segments for k in [_axis(s)]]
    )


def _axis(segment):
    """0 for a horizontal whisker (x varies), 1 for a vertical one."""
    return 0 if segment[0][1] == segment[1][1] else 1


def _top_down(ax):
    """The bar labels from the top of the chart down."""
    ticks = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=False))
    return [label for _, label in ticks[::-1]]


def _changes(ax):
    return [t for t in ax.texts if t.get_gid() in ("change", "change-significant")]


# ------------------------------------------------------------------------- plot_shares


def test_plot_shares_whiskers_are_proportion_ci():
    ax = plot_shares(*SHARES)
    ref = ss.proportion_ci([0.311, 0.194], 1000)  # Wilson, checked against R
    # The first label is on top (yticklabels run bottom-up); bars and whiskers in input order.
    assert _top_down(ax) == SHARES[0]
    assert ax.patches[0].get_y() > ax.patches[1].get_y()
    np.testing.assert_allclose(_interval(ax), np.column_stack([ref.low, ref.high]), rtol=1e-12)
    np.testing.assert_allclose([b.get_width() for b in ax.patches], ref.estimate, rtol=1e-12)
    labels = [t.get_text() for t in ax.texts]
    assert labels == [
        f"{100 * e:.1f}%  \u00b1{100 * m:.1f}" for e, m in zip(ref.estimate, ref.moe, strict=False)
    ]


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "wald"])
def test_plot_shares_methods_and_deff(method):
    ax = plot_shares(
        ["a", "b", "c"],
        np.array([0.1, 0.5, 0.8]),
        [400, 800, 1200],
        method=method,
        deff=1.7,
        confidence_level=0.9,
    )
    ref = ss.proportion_ci(
        [0.1, 0.5, 0.8], [400, 800, 1200], method=method, deff=1.7, confidence_level=0.9
    )
    np.testing.assert_allclose(_interval(ax), np.column_stack([ref.low, ref.high]), rtol=1e-12)
    note = " ".join(ax.get_xlabel().split())
    largest = ss.margin_of_error(0.5, 400, confidence_level=0.9, deff=1.7)
    assert f"\u00b1{100 * largest:.1f} points" in note and "90%" in note
    assert "design effect 1.7" in note and "n = 400\u20131,200" in note


def test_plot_shares_scalar_and_sort():
    ax = plot_shares("Own nuclear weapons", 0.311, 1000)
    ref = ss.proportion_ci(0.311, 1000)
    np.testing.assert_allclose(_interval(ax), [[ref.low, ref.high]], rtol=1e-12)
    assert "n = 1,000" in ax.get_xlabel()
    ax = plot_shares(["NATO", "nuclear"], [0.194, 0.311], 1000, sort=True)
    assert _top_down(ax) == ["nuclear", "NATO"]


def test_plot_shares_draws_into_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    given = fig.add_subplot()
    assert plot_shares(*SHARES, ax=given, title="T") is given
    assert given.get_title(loc="left") == "T"


def test_plot_shares_bad_input():
    with pytest.raises(InvalidValueError, match="labels"):
        plot_shares(["one"], [0.1, 0.2], 1000)
    with pytest.raises(ShapeError):
        plot_shares(["a", "b"], [[0.1, 0.2], [0.3, 0.4]], 1000)
    with pytest.raises(InvalidValueError):  # scalar bad share: the core's rule
        plot_shares("a", 1.5, 1000)


def test_plot_shares_nan_slot_is_left_empty():
    ax = plot_shares(["ok", "bad"], [0.3, 1.5], 1000)
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith("30.0%") and texts[1].startswith("not available")


# -------------------------------------------------------------------------- plot_waves


def test_plot_waves_bars_and_significant_changes():
    ax = plot_waves(*WAVES)
    ref = ss.proportion_ci(WAVES[1], 1000)
    np.testing.assert_allclose(_interval(ax), np.column_stack([ref.low, ref.high]), rtol=1e-12)
    (line,) = ax.get_lines()[-1:]
    np.testing.assert_allclose(line.get_ydata(), WAVES[1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024", "2025"]
    change = ss.compare_proportions([0.569, 0.487], 1000, [0.487, 0.411], 1000)
    assert list(change.significant) == [True, True]
    assert [t.get_text() for t in _changes(ax)] == [
        f"\u2212{abs(100 * d):.1f} pts*" for d in change.estimate
    ]
    assert [t.get_text() for t in _changes(ax)] == ["\u22128.2 pts*", "\u22127.6 pts*"]


@pytest.mark.parametrize(
    "p, n",
    [
        ([0.40, 0.45, 0.46, 0.40], 1000),  # p = 0.024, 0.65, 0.0067
        ([0.30, 0.33, 0.40, 0.42], [500, 600, 700, 2000]),  # rises, varying n
        ([0.50, 0.52, 0.49, 0.55, 0.56], 1500),
    ],
)
def test_markers_exactly_where_compare_proportions_says(p, n):
    ax = plot_waves([f"w{i}" for i in range(len(p))], p, n)
    n = np.broadcast_to(n, len(p)).astype(float)
    ref = ss.compare_proportions(p[:-1], n[:-1], p[1:], n[1:])
    texts = _changes(ax)
    assert len(texts) == len(p) - 1
    assert [t.get_gid() == "change-significant" for t in texts] == list(ref.significant)
    assert [t.get_text().endswith("*") for t in texts] == list(ref.significant)
    assert [t.get_fontweight() == "bold" for t in texts] == list(ref.significant)
    assert 0 < sum(ref.significant) < len(p) - 1  # each case mixes both kinds


def test_plot_waves_adjusted():
    p = [0.487, 0.44, 0.45]  # raw p = 0.035, 0.65; Holm 0.070, 0.65
    ref = ss.compare_proportions(p[:-1], 1000, p[1:], 1000)
    adjusted = ss.adjust_pvalues(ref.pvalue, method="holm")
    assert list(ref.pvalue < 0.05) != list(adjusted < 0.05)  # the adjustment matters here
    ax = plot_waves(["a", "b", "c"], p, 1000, adjust="holm")
    assert [t.get_gid() == "change-significant" for t in _changes(ax)] == list(adjusted < 0.05)
    assert "holm-adjusted" in ax.get_xlabel()


def test_plot_waves_single_wave_and_label():
    ax = plot_waves("2025", 0.411, 1000, label="completely unacceptable")
    assert _changes(ax) == []
    ref = ss.proportion_ci(0.411, 1000)
    np.testing.assert_allclose(_interval(ax), [[ref.low, ref.high]], rtol=1e-12)
    assert ax.get_legend().get_texts()[0].get_text() == "completely unacceptable"


# ------------------------------------------------------------------------------ chart


@dataclass
class StandIn:
    kind: str
    values: tuple
    n: float | None
    span: tuple = (0, 0)
    moe: float | None = None
    low: float | None = None
    high: float | None = None
    pvalue: float | None = None
    significant: bool | None = None
    message: str = ""


@dataclass
class StandInAnnotation:
    findings: list = field(default_factory=list)


def test_chart_waves_from_stand_in(tmp_path):
    found = StandInAnnotation(
        [
            StandIn("share", (0.411,), 1000.0),
            StandIn("change", (0.487, 0.411), 1000.0),
            StandIn("trend", (0.569, 0.487, 0.411), 1000.0),
        ]
    )
    path = tmp_path / "waves.png"
    assert chart(found, path) == path
    assert path.read_bytes().startswith(PNG) and path.stat().st_size > 5000


def test_chart_shares_from_stand_in(tmp_path):
    found = StandInAnnotation(
        [
            StandIn("share", (0.311,), 1000.0),
            StandIn("share", (0.194,), 1000.0),
            StandIn("share", (0.5,), None),
        ]
    )  # no n: not charted
    path = tmp_path / "shares.svg"
    assert chart(found, str(path), title="Shares") == str(path)
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "Shares" in text


def test_chart_bad_suffix_and_nothing_to_chart(tmp_path):
    found = StandInAnnotation([StandIn("share", (0.311,), 1000.0)])
    for name in ("chart.pdf", "chart", "chart.png.txt"):
        with pytest.raises(SurveyStatsError, match=name.replace(".", r"\.")):
            chart(found, tmp_path / name)
    nothing = StandInAnnotation(
        [StandIn("sample_size", (), 1000.0), StandIn("share", (0.3,), None)]
    )
    with pytest.raises(SurveyStatsError, match="nothing to chart"):
        chart(nothing, tmp_path / "empty.png")
    assert not (tmp_path / "empty.png").exists()


def test_chart_through_annotate(tmp_path):
    text = (
        "In the poll of 1,000 adults, 31.1% named nuclear weapons, compared with 19.4% "
        "for NATO. This year 41.1% found it unacceptable, down from 48.7% in 2024 and "
        "56.9% in 2023."
    )
    a = ss.annotate(text)
    trend = [f for f in a.findings if f.kind == "trend"]
    assert [tuple(f.values) for f in trend] == [pytest.approx((0.569, 0.487, 0.411))]
    for suffix in (".png", ".svg"):
        path = tmp_path / f"article{suffix}"
        assert chart(a, path) == path and path.stat().st_size > 1000
    shares_only = ss.annotate(
        "In a poll of 1,000 adults, 31.1% named nuclear weapons, compared with 19.4% for NATO."
    )
    path = tmp_path / "shares.png"
    assert chart(shares_only, path) == path and path.read_bytes().startswith(PNG)
    with pytest.raises(SurveyStatsError, match="nothing to chart"):
        chart(ss.annotate("Nothing to see here."), tmp_path / "none.png")


def test_import_surveystats_does_not_import_matplotlib():
    code = (
        "import sys, surveystats, surveystats.plot; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
