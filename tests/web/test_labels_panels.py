"""Issue 15, item 5 on the dashboard: a representative statement's share names its denominator
(the group), a Pol.is fallback row that did not pass the test is marked, a group's size says what
share of all participants it is, and a consensus majority whose interval reaches 50% says so."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import DESKTOP, Server, wait_until
from .helpers import make_conversation

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
        p.renderStability(root, {clear_groups: false, per_group: {}}, 0);
        out.nobody = root.textContent;
        p.renderStability(root, {clear_groups: false, per_group: {}, restarts: [1, 2, 1],
                                 k_uncertain: true});
        out.split = root.textContent;
        p.renderStability(root, {...stability, restarts: [2, 2], k_uncertain: false});
        out.agreed = root.textContent;
        return out;
    }""")
    assert "0,93" in result["nl"] and "0,80" in result["nl"] and "0.93" not in result["nl"]
    assert "0.93" in result["en"] and "0.80" in result["en"]
    assert result["none"].startswith("No clear opinion groups")
    assert result["nobody"] == "No groups yet."  # nobody grouped is not "everyone one group"
    # Runs of the grouping with their own seeds that disagree: the number of groups is uncertain.
    assert result["split"].startswith("No clear opinion groups")
    assert "the number of groups is uncertain" in result["split"]
    assert "k = 1, 2, 1" in result["split"]
    assert "uncertain" not in result["agreed"]


def _analysis(groups: list[dict], clear: bool) -> dict:
    return {"version": 1, "participants": 12, "votes": 60, "statements": 5, "k": len(groups),
            "polis_compatible": False, "groups": groups, "bridging": [],
            "consensus": {"agree": [], "disagree": []},
            "group_stability": {"method": "m", "clear_groups": clear, "overall": None,
                                "per_group": {}, "held_out_z": None, "min_group_size": 5,
                                "k_scores": {}, "steps": []}}


def _answer(body: dict):  # type: ignore[no-untyped-def]
    """A Playwright route handler that answers ``body`` as JSON."""
    return lambda route, request=None: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(body))


def test_results_page_shares_are_of_the_group_and_nobody_grouped_is_no_group(
        server: Server, new_page) -> None:  # type: ignore[no-untyped-def]
    """The participants' results page said "58% of this group agrees" for 6 of 10 (Pol.is's
    smoothed (6 + 1) / (10 + 2)); the dashboard and the report say 60%. And a room where nobody
    is grouped yet is not "everyone is one group"."""
    with httpx.Client(base_url=server.base, timeout=10) as http:
        conv = make_conversation(http)
    row = {"statement_id": conv.statements[0], "text": "stelling", "repful_for": "agree",
           "n_success": 6, "n_trials": 10, "p_success": 7 / 12, "p_test": 1.5, "repness": 1.5,
           "repness_test": 1.5, "metric": 1.0, "best_agree": True, "passes_test": True}
    answers = {
        "grouped": _analysis([{"id": 0, "size": 10, "center": [0, 0], "representative": [row],
                               "share_of_participants": 0.83}], True),
        "nobody": _analysis([], False),
    }
    texts = {}
    for name, body in answers.items():
        page = new_page(DESKTOP)
        page.route("**/stream**", lambda route: route.abort())
        page.route(f"**/conversations/{conv.id}/analysis", _answer(body))
        page.goto(f"{server.base}/c/{conv.id}/results")
        wait_until(page, "document.querySelector('#result-groups').textContent.length > 0")
        texts[name] = page.inner_text("#result-groups")
    assert "60% van deze groep is het eens" in texts["grouped"], texts["grouped"]
    assert "Nog geen groepen" in texts["nobody"] and "één groep" not in texts["nobody"]
