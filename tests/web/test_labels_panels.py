"""Issue 15, item 5 on the dashboard: a representative statement's share names its denominator
(the group), a Pol.is fallback row that did not pass the test is marked, a group's size says what
share of all participants it is, and a consensus majority whose interval reaches 50% says so."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, Server

pytestmark = pytest.mark.browser


def test_group_and_consensus_panels_say_denominators_and_uncertainty(
        server: Server, new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    result = page.evaluate("""async () => {
        const p = await import('/static/js/panels.js');
        const groups = document.createElement('div'), consensus = document.createElement('ol');
        document.body.append(groups, consensus);
        const rep = (id, side, ok) => ({statement_id: id, text: `stelling ${id}`,
            repful_for: side, n_success: 6, n_trials: 10, p_success: 7 / 12, p_test: 0.9,
            repness: 1.17, repness_test: 0.8, metric: 0.5, best_agree: !ok, passes_test: ok});
        p.renderGroups(groups, {groups: [{id: 0, size: 15, center: [0, 0],
            share_of_participants: 0.15, share_of_grouped: 0.375,
            representative: [rep(14, 'agree', false), rep(3, 'disagree', true)]}]}, () => '');
        const c = (id, n, s, wording) => ({statement_id: id, text: `stelling ${id}`,
            n_success: n, n_trials: s, p_success: (n + 1) / (s + 2), p_test: 1.5,
            share_of_voters: n / s, wording});
        p.renderConsensus(consensus, {consensus: {agree: [c(1, 55, 100, 'majority_not_certain'),
            c(2, 80, 100, 'clear_majority')], disagree: []}}, () => '');
        return {groups: groups.textContent,
                items: [...groups.querySelectorAll('li')].map((n) => n.textContent),
                consensus: [...consensus.querySelectorAll('li')].map((n) => n.textContent)};
    }""")
    assert "15 deelnemers, 15% van alle deelnemers" in result["groups"]
    first, second = result["items"]
    assert first.startswith("60% van de groep eens") and "niet significant" in first
    assert second.startswith("60% van de groep oneens") and "niet significant" not in second
    uncertain, clear = result["consensus"]
    assert uncertain.startswith("55% van wie erover stemden eens")
    assert "het 95%-interval reikt tot 50%" in uncertain
    assert clear.startswith("80% van wie erover stemden eens") and "interval" not in clear


def test_stability_line_writes_numbers_as_the_page_language(
        server: Server, new_page) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, item 4 on the dashboard: each group's bootstrap Jaccard beside the groups, in
    the page's number style (Dutch 0,93 as its own "0,75 of meer", not 0.93)."""
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    result = page.evaluate("""async () => {
        const p = await import('/static/js/panels.js');
        const i18n = await import('/static/js/i18n.js');
        const root = document.createElement('p');
        const stability = {clear_groups: true, per_group: {'0': 0.934, '1': 0.8}};
        const out = {};
        for (const lang of ['nl', 'en']) {
            i18n.setLanguage(lang);
            p.renderStability(root, stability);
            out[lang] = root.textContent;
        }
        p.renderStability(root, {clear_groups: false, per_group: {}});
        out.none = root.textContent;
        return out;
    }""")
    assert "0,93" in result["nl"] and "0,80" in result["nl"] and "0.93" not in result["nl"]
    assert "0.93" in result["en"] and "0.80" in result["en"]
    assert result["none"].startswith("No clear opinion groups")
