"""Tests of surveystats.newsroom.annotator: recognition of poll figures and claims in prose.

Every snippet below is written for these tests (own words) around real published figures:

* Info Sapiens for the New Europe Center (Kyiv), fieldwork 5-26 November 2025, 1,000 adults:
  best security guarantee, own nuclear weapons 31.1% and NATO membership 19.4% (one
  single-choice question, one sample); giving up NATO aspirations "completely
  unacceptable" 56.9% (2023), 48.7% (2024), 41.1% (2025), independent samples of about
  1,000.  The press wrote the NATO figure as "a 10% drop from last year".
* Gallup, same-sex marriage should be valid: 27% (1996, first asked), 71% (2022).
* Gallup, trust in the mass media "a great deal" or "a fair amount": 31% (September 2024).
* Pew Research Center (2022): 61% of U.S. adults say abortion should be legal in all or
  most cases.
Where a snippet needs a sample size its source did not give in the text, the test passes
``n=`` and says so.  A few closeness claims use illustrative numbers, marked as such.

The expected statistics are computed independently in each test by calling the core
functions (proportion_ci, margin_of_error, sample_size, compare_proportions,
compare_shares, trend_test), whose own tests check them against R; what is tested here is
that the annotator finds the right figures, spans, order, n and claim and asks the right
question.  The arithmetic of the two readings of "a 10% drop" (29.4% and 19.4 / 0.9) is
spelled out in the test.
"""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.exceptions import InvalidOptionError, InvalidValueError
from surveystats.newsroom.annotator import KINDS, Annotation, Finding, annotate

REL = 1e-12


def only(annotation, kind):
    found = annotation.of_kind(kind)
    assert len(found) == 1, [(f.kind, f.quote) for f in annotation.findings]
    return found[0]


def quote(text, finding):
    return text[finding.span[0] : finding.span[1]]


def assert_share(finding, p, n, *, deff=1.0, level=0.95):
    ref = ss.proportion_ci(p, n, deff=deff, confidence_level=level)
    assert finding.kind == "share"
    assert finding.values == pytest.approx((p,), rel=REL)
    assert finding.n == n
    assert (finding.low, finding.high, finding.moe) == pytest.approx(
        (ref.low, ref.high, ref.moe), rel=REL
    )
    assert finding.pvalue is None and finding.significant is None


def assert_change(finding, p1, p2, n, *, level=0.95):
    ref = ss.compare_proportions(p1, n, p2, n, confidence_level=level)
    assert finding.values == pytest.approx((p1, p2), rel=REL)
    assert finding.n == n
    assert (finding.low, finding.high, finding.pvalue) == pytest.approx(
        (ref.low, ref.high, ref.pvalue), rel=REL
    )
    assert finding.significant == ref.significant
    assert finding.moe == pytest.approx((ref.high - ref.low) / 2, rel=REL)


# --------------------------------------------------------------------------- shares
def test_percent_sign_with_poll_of_n():
    # Info Sapiens / New Europe Center, Nov 2025: 19.4% NATO membership, n = 1,000.
    text = "In a poll of 1,000 Ukrainians, 19.4% named NATO membership as the best guarantee."
    a = annotate(text)
    share = only(a, "share")
    assert quote(text, share) == "19.4%"
    assert_share(share, 0.194, 1000)
    size = only(a, "sample_size")
    assert quote(text, size) == "poll of 1,000"
    assert size.moe == pytest.approx(ss.margin_of_error(0.5, 1000), rel=REL)
    assert "±2.4 percentage points" in share.message  # proportion_ci(0.194, 1000).moe


def test_per_cent_spelling_and_sample_of():
    # Same poll, British spelling: 31.1 per cent nuclear weapons, "a sample of 1,000 adults".
    text = (
        "Info Sapiens interviewed a sample of 1,000 adults in November. Some 31.1 per cent "
        "said nuclear weapons of Ukraine's own would guarantee its security."
    )
    a = annotate(text)
    assert_share(only(a, "share"), 0.311, 1000)
    assert only(a, "sample_size").n == 1000


def test_percent_word_and_n_equals():
    # Same poll: 41.1 percent "completely unacceptable" in 2025 (n = 1,000).
    text = "Giving up NATO aspirations was completely unacceptable to 41.1 percent (n = 1,000)."
    a = annotate(text)
    share = only(a, "share")
    assert quote(text, share) == "41.1 percent"
    assert_share(share, 0.411, 1000)


def test_size_stated_after_the_figure():
    # Gallup, September 2024: 31% trust the mass media; the n is a test input stated
    # in the text after the figure (Gallup polls about 1,000 adults).
    text = (
        "Only 31% of Americans trust the mass media a great deal or a fair amount. "
        "Gallup surveyed 1,000 adults by telephone."
    )
    a = annotate(text)
    assert_share(only(a, "share"), 0.31, 1000)


def test_word_fraction_nearly_a_third():
    # 31.1% nuclear weapons, as a newsroom might round it: "nearly a third".
    text = "Nearly a third of Ukrainians in the survey chose nuclear weapons."
    a = annotate(text, n=1000)  # n given by the test
    share = only(a, "share")
    assert quote(text, share) == "Nearly a third"
    assert_share(share, 1 / 3, 1000)
    assert share.details["approximate"] is True
    assert "approximate" in share.message


def test_one_in_five_and_six_in_ten():
    # 19.4% as "one in five" (Info Sapiens 2025); Pew 2022: "about six in ten (61%)" say
    # abortion should be legal in all or most cases (n given by the test).
    text = (
        "In the poll, one in five picked NATO membership. About six in ten Americans "
        "(61%) say abortion should be legal in all or most cases."
    )
    a = annotate(text, n=1000)
    shares = a.of_kind("share")
    # Changed with issue 11 (item 8, glosses): "About six in ten Americans (61%)" is one
    # figure, the precise one; the old reading counted it twice (0.6 and 0.61).
    assert [quote(text, f) for f in shares] == ["one in five", "61%"]
    assert_share(shares[0], 0.2, 1000)
    assert_share(shares[1], 0.61, 1000)


def test_design_effect_and_confidence_level_reach_the_core():
    # 19.4% of 1,000 with a design effect of 1.5 at 90% confidence.
    text = "The survey of 1,000 adults found 19.4% in favour of NATO membership."
    a = annotate(text, deff=1.5, confidence_level=0.90)
    assert_share(only(a, "share"), 0.194, 1000, deff=1.5, level=0.90)
    assert "90% confidence interval" in only(a, "share").message
    assert only(a, "sample_size").moe == pytest.approx(
        ss.margin_of_error(0.5, 1000, deff=1.5, confidence_level=0.90), rel=REL
    )


def test_no_sample_size_means_no_interval():
    # 31.1% with no n anywhere: the annotator must not invent one.
    text = "According to the survey, 31.1% prefer nuclear weapons."
    share = only(annotate(text), "share")
    assert share.n is None and share.low is None and share.moe is None
    assert "no sample size" in share.message


# --------------------------------------------------------------------------- margins
def test_stated_margin_matches_n():
    # n = 1,000: margin_of_error(0.5, 1000) = 3.099 points, stated as ±3.1.
    text = (
        "The poll of 1,000 adults has a margin of error of ±3.1 percentage points; "
        "19.4% chose NATO."
    )
    stated = only(annotate(text), "stated_moe")
    assert stated.moe == pytest.approx(0.031)
    assert stated.n == 1000
    assert stated.details["verdict"] == "matches"
    assert stated.details["simple_random_sample_moe"] == pytest.approx(
        ss.margin_of_error(0.5, 1000), rel=REL
    )


def test_stated_margin_too_small_for_n():
    # ±2 points cannot come from 1,000 respondents (the floor is ±3.1 at 50%).
    text = "The survey of 1,000 people has a margin of error of plus or minus 2 percentage points."
    stated = only(annotate(text), "stated_moe")
    assert stated.moe == pytest.approx(0.02)
    assert stated.details["verdict"] == "smaller"
    assert "check the figures" in stated.message


def test_stated_margin_with_design_effect():
    # ±3.5 points for 1,000 respondents: larger than ±3.1, a design effect of
    # 1000 / sample_size(0.035) = 1000 / 784.
    text = "The poll of 1,000 respondents carries a margin of error of ±3.5 points."
    stated = only(annotate(text), "stated_moe")
    assert stated.details["verdict"] == "larger"
    assert stated.details["implied_deff"] == pytest.approx(1000 / ss.sample_size(0.035), rel=REL)


def test_stated_margin_implies_n_for_shares():
    # No n, only "±3.1 points": the shares use the effective n implied by the margin.
    text = "Nuclear weapons were named by 31.1%. The margin of error is ±3.1 points."
    a = annotate(text)
    implied = ss.sample_size(0.031)
    assert only(a, "stated_moe").details["implied_effective_n"] == implied
    share = only(a, "share")
    assert_share(share, 0.311, implied)
    assert share.details["n_source"] == "stated margin"


# --------------------------------------------------------------------------- leads
def test_lead_within_one_poll():
    # 31.1% vs 19.4% in one single-choice question, n = 1,000: compare_shares.
    text = (
        "Asked about security guarantees, 31.1% of the 1,000 respondents named nuclear "
        "weapons, compared with 19.4% for NATO membership."
    )
    a = annotate(text)
    lead = only(a, "lead")
    # Changed with issue 11 (item 12): a lead of A over B is reported as A - B.  The old
    # reference, compare_shares(0.311, 0.194), is 0.194 - 0.311, the wrong sign for a lead
    # of 31.1% over 19.4%; compare_shares(p_a, p_b) reports p_b - p_a, so the trailer is p_a.
    ref = ss.compare_shares(0.194, 0.311, 1000)
    assert ref.estimate == pytest.approx(0.311 - 0.194)
    assert lead.values == pytest.approx((0.311, 0.194))
    assert (lead.low, lead.high, lead.pvalue) == pytest.approx(
        (ref.low, ref.high, ref.pvalue), rel=REL
    )
    assert lead.significant is True
    assert "11.7-point lead" in lead.message
    assert quote(text, lead).startswith("31.1%") and quote(text, lead).endswith("19.4%")


def test_statistical_tie_for_a_significant_lead_is_flagged():
    # The 11.7-point lead described as a "statistical tie": wrong.
    text = (
        "In the poll of 1,000, nuclear weapons (31.1%) and NATO (19.4%) were in a statistical tie."
    )
    a = annotate(text)
    wording = only(a, "wording")
    ref = ss.compare_shares(0.311, 0.194, 1000)
    assert quote(text, wording) == "statistical tie"
    assert wording.pvalue == pytest.approx(ref.pvalue, rel=REL)
    assert wording.details["claim_holds"] is False
    assert "does not fit" in wording.message


def test_dead_heat_for_a_close_race_says_about_even():
    # Illustrative numbers (not a published poll): 46% vs 44%, n = 800.
    text = "With 46% to 44% among 800 likely voters polled, the race is a dead heat."
    a = annotate(text, n=800)
    ref = ss.compare_shares(0.46, 0.44, 800)
    assert not ref.significant
    lead = only(a, "lead")
    assert lead.pvalue == pytest.approx(ref.pvalue, rel=REL)
    wording = only(a, "wording")
    assert wording.details["claim_holds"] is True
    assert "about even" in wording.message


def test_within_margin_of_error_applied_to_a_lead():
    # The 11.7-point lead is called "within the margin of error": it is not.
    text = (
        "Nuclear weapons led NATO membership by 31.1% to 19.4% in a survey of 1,000 "
        "adults, a lead within the margin of error."
    )
    a = annotate(text)
    wording = only(a, "wording")
    ref = ss.compare_shares(0.311, 0.194, 1000)
    assert wording.details["claim"] == "within"
    assert wording.details["claim_holds"] is False
    assert wording.moe == pytest.approx((ref.high - ref.low) / 2, rel=REL)


# --------------------------------------------------------------------------- changes
def test_change_dropped_to_from():
    # 48.7% (2024) -> 41.1% (2025), independent samples of 1,000.
    text = (
        "In the survey of 1,000 adults, the share calling the concession completely "
        "unacceptable dropped to 41.1% from 48.7% a year earlier."
    )
    change = only(annotate(text), "change")
    assert_change(change, 0.487, 0.411, 1000)
    assert "fall from 48.7% to 41.1%, 7.6 percentage points" in change.message


def test_three_waves_give_a_trend_and_two_changes():
    # 56.9% (2023), 48.7% (2024), 41.1% (2025); years as scores.
    text = (
        "This year 41.1% of the 1,000 respondents found it completely unacceptable, down "
        "from 48.7% in 2024 and 56.9% in 2023."
    )
    a = annotate(text)
    trend = only(a, "trend")
    assert trend.values == pytest.approx((0.569, 0.487, 0.411))
    ref = ss.trend_test([0.569, 0.487, 0.411], 1000, scores=[2023, 2024, 2025])
    assert trend.pvalue == pytest.approx(ref.pvalue, rel=1e-9)
    assert trend.details["slope"] == pytest.approx(
        ss.trend_test([0.569, 0.487, 0.411], 1000).slope, rel=1e-9
    )
    changes = a.of_kind("change")
    assert len(changes) == 2
    pairs = sorted(tuple(round(v, 3) for v in c.values) for c in changes)
    assert pairs == [(0.487, 0.411), (0.569, 0.487)]
    for c in changes:
        assert_change(c, c.values[0], c.values[1], 1000)


def test_from_to_with_years_gallup_same_sex_marriage():
    # Gallup: 27% (1996) to 71% (2022) support same-sex marriage; n = 1,000 given.
    text = "Support for same-sex marriage in Gallup polls climbed from 27% in 1996 to 71% in 2022."
    change = only(annotate(text, n=1000), "change")
    assert_change(change, 0.27, 0.71, 1000)
    assert change.details["years"] == [1996, 2022]


def test_points_change_without_earlier_figure_is_worked_out():
    # "down 7.6 points" to 41.1%: the earlier figure is 48.7%.
    text = "In the poll of 1,000, 41.1% found it completely unacceptable, down 7.6 points."
    change = only(annotate(text), "change")
    assert_change(change, 0.411 + 0.076, 0.411, 1000)
    assert change.details["earlier_inferred"] is True


def test_ten_percent_drop_gives_both_readings():
    # The NATO example: 19.4% after "a 10% drop from last year", n = 1,000.  As 10
    # percentage points the earlier share was 29.4%; as a relative 10%, 19.4 / 0.9 = 21.56%.
    text = (
        "In the Info Sapiens poll of 1,000 adults, 19.4% named NATO membership as the "
        "best guarantee, a 10% drop from last year."
    )
    a = annotate(text)
    wording = only(a, "wording")
    assert quote(text, wording) == "a 10% drop"
    points, relative = wording.details["readings"]
    assert points["earlier"] == pytest.approx(0.294)
    assert relative["earlier"] == pytest.approx(0.194 / 0.9)
    ref_points = ss.compare_proportions(0.294, 1000, 0.194, 1000)
    ref_rel = ss.compare_proportions(0.194 / 0.9, 1000, 0.194, 1000)
    assert points["pvalue"] == pytest.approx(ref_points.pvalue, rel=REL)
    assert relative["pvalue"] == pytest.approx(ref_rel.pvalue, rel=REL)
    assert points["significant"] is True and relative["significant"] is False
    assert "different verdicts" in wording.message
    assert wording.significant is None  # ambiguous: no single verdict
    assert_share(only(a, "share"), 0.194, 1000)


def test_percent_used_for_points_is_flagged():
    # 48.7% -> 41.1% is 7.6 points (a relative fall of 15.6%), written "a 7.6% drop".
    text = "In the survey of 1,000 adults, rejection fell from 48.7% to 41.1%, a 7.6% drop."
    a = annotate(text)
    wording = only(a, "wording")
    assert "percentage points, not percent" in wording.message
    assert wording.details["points"] == pytest.approx(7.6)
    ratio = ss.compare_proportions(0.487, 1000, 0.411, 1000).ratio
    assert wording.details["relative_percent"] == pytest.approx(100 * (1 - ratio), rel=1e-9)
    assert_change(only(a, "change"), 0.487, 0.411, 1000)


def test_points_used_for_percent_is_flagged():
    # The same fall written as "16 points" (the relative change, 15.6%, rounded).
    text = "In the survey of 1,000 adults, rejection fell 16 points, from 48.7% to 41.1%."
    wording = only(annotate(text), "wording")
    assert "relative change, not percentage points" in wording.message


def test_correct_relative_wording_is_not_flagged():
    # "a 15.6% drop" for 48.7% -> 41.1% is right as a relative change.
    text = "In the survey of 1,000 adults, rejection fell from 48.7% to 41.1%, a 15.6% drop."
    assert annotate(text).of_kind("wording") == []


def test_outside_margin_of_error_for_a_real_change_holds():
    text = (
        "Among all 1,000 respondents the share fell from 48.7% in 2024 to 41.1% in 2025, "
        "a change outside the margin of error."
    )
    a = annotate(text)
    wording = only(a, "wording")
    assert wording.details["about"] == "change"
    assert wording.details["claim_holds"] is True
    assert_change(only(a, "change"), 0.487, 0.411, 1000)


# --------------------------------------------------------------------------- subgroups
def test_subgroup_without_n_is_honest():
    # Illustrative subgroup figure (not published): 45% among those under 30, full n 1,000.
    text = "The poll of 1,000 adults found that among those under 30, 45% backed joining NATO."
    share = only(annotate(text), "share")
    assert share.details["subgroup"] == "those under 30"
    assert share.n is None and share.low is None
    full = ss.margin_of_error(0.45, 1000)
    assert share.details["full_sample_moe"] == pytest.approx(full, rel=REL)
    assert "not given" in share.message and "larger than" in share.message


def test_subgroup_with_stated_n():
    # Illustrative: 45% of 212 respondents under 30.
    text = (
        "The poll of 1,000 adults found that among the 212 respondents under 30, 45% "
        "backed joining NATO."
    )
    a = annotate(text)
    share = only(a, "share")
    assert share.details["subgroup"]
    assert_share(share, 0.45, 212)
    sizes = a.of_kind("sample_size")
    assert [s.n for s in sizes] == [1000, 212]
    assert sizes[1].details["subgroup"]


# --------------------------------------------------------------------------- no poll content
@pytest.mark.parametrize(
    "text",
    [
        "",
        "The minister arrived in Kyiv on Tuesday.",
        "COVID-19 closed schools in 2020, and Windows 10 support ends in 2025.",
        "The ticket costs $19.40, up from $17 in 2019; the hall seats 1,200.",
        "Inflation rose to 3.2% in March while interest rates stayed at 5.25%.",
        "The battery lasts 10 hours and charges to 80% in 30 minutes.",
        "Half an hour later, a third of October had passed.",
        "Prices rose 10% last year; shares of the firm fell 4 points.",
        "Ünïcödé ‰ ٪ 🙂 ５０％ ½ ⅓ 19,4 % in 2024 — nothing to count here.",
    ],
)
def test_no_poll_content_gives_no_shares(text):
    a = annotate(text)
    assert a.of_kind("share") == []
    assert a.of_kind("change") == [] and a.of_kind("lead") == []


def test_poll_article_ignores_economic_percentages():
    text = (
        "A poll of 1,000 adults found 31.1% favour nuclear weapons. "
        "Meanwhile inflation reached 12% last year."
    )
    shares = annotate(text).of_kind("share")
    assert [s.values[0] for s in shares] == [pytest.approx(0.311)]


# --------------------------------------------------------------------------- robustness
def test_large_text_and_odd_input():
    # 1 MB: ordinary prose with numbers that are not shares, and a poll paragraph in
    # every twentieth block.
    filler = (
        "COVID-19 closed the plant in 2020; Windows 10 machines cost $450 and the "
        "hall seats 1,200 people. The minister spoke for half an hour. "
    )
    poll = (
        "In the poll of 1,000 adults, 31.1% named nuclear weapons, compared with 19.4% for NATO. "
    )
    block = filler * 19 + poll
    copies = 1_000_000 // len(block) + 1
    text = block * copies
    a = annotate(text)
    assert len(text) > 1_000_000
    assert len(a.of_kind("share")) == 2 * copies
    assert len(a.of_kind("lead")) == copies
    assert annotate(b"19.4% of 1,000 respondents").of_kind("share")[0].n == 1000
    annotate("\x00\ufeff%%% 100% 0% 101% 1e5% .5% ±±± n = n = 0 sample of 0")


def test_bad_options_raise():
    with pytest.raises(InvalidOptionError):
        annotate("19.4%", confidence_level=95)
    with pytest.raises(InvalidValueError):
        annotate("19.4%", n=-5)
    with pytest.raises(InvalidValueError):
        annotate("19.4%", deff=0)
    with pytest.raises(InvalidValueError):
        annotate(None)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 .,%±-–()$nN=\n")) | st.characters(), max_size=400
    ),
    st.sampled_from(["", " poll of 1,000 adults. ", " margin of error ±3 points. "]),
)
def test_random_text_never_raises(text, context):
    text = context + text + context
    a = annotate(text)
    for f in a.findings:
        assert f.kind in KINDS
        assert 0 <= f.span[0] <= f.span[1] <= len(text)
        assert all(0.0 <= v <= 1.0 for v in f.values)
        if f.low is not None and f.kind == "share":
            assert 0.0 <= f.low <= f.high <= 1.0
    a.to_markdown()
    a.to_html()
    json.loads(a.to_json())


# --------------------------------------------------------------------------- renderers
ARTICLE = (
    "In the Info Sapiens poll of 1,000 adults, 31.1% named nuclear weapons, compared "
    "with 19.4% for NATO <membership> & more, a 10% drop from last year."
)


def test_markdown_puts_the_interval_after_each_figure():
    md = annotate(ARTICLE).to_markdown()
    ref = ss.proportion_ci(0.311, 1000)
    assert (
        f"**31.1%** *(±{100 * ref.moe:.1f} pts, {100 * ref.low:.1f}%–{100 * ref.high:.1f}%)*" in md
    )
    assert re.search(r"\[\^\d+\]: \*\*wording\*\*: “a 10% drop” is ambiguous", md)


def test_html_keeps_text_and_escapes():
    a = annotate(ARTICLE)
    page = a.to_html()
    assert "&lt;membership&gt; &amp; more" in page
    assert "<style>" in page and '<mark class="ss-share"' in page
    visible = re.sub(
        r'<span class="ss-label">.*?</span>|<sup.*?</sup>',
        "",
        page.split('<div class="ss-article">')[1].split("</div>")[0],
    )
    import html as html_module

    assert html_module.unescape(re.sub(r"<[^>]+>", "", visible)) == ARTICLE


def test_json_has_every_field():
    data = json.loads(annotate(ARTICLE).to_json())
    assert data["confidence_level"] == 0.95
    fields = {
        "kind",
        "span",
        "values",
        "n",
        "moe",
        "low",
        "high",
        "pvalue",
        "significant",
        "message",
    }
    assert data["findings"] and all(fields <= set(f) for f in data["findings"])
    assert {f["kind"] for f in data["findings"]} >= {"share", "lead", "wording", "sample_size"}


def test_public_names():
    assert ss.annotate is not None and callable(ss.annotate)
    a = ss.annotate("19.4% of 1,000 respondents")
    assert isinstance(a, Annotation) and isinstance(a.findings[0], Finding)
    assert ss.Finding is Finding and ss.Annotation is Annotation
