"""Issue 16 on a live server: the dashboard's common-ground panels hold only statements that
meet the rule, for a conversation with declared roles (one role rejects a statement, a role of 3
stays hidden) and one opinion group, and say so honestly when nothing qualifies yet."""

from __future__ import annotations

import httpx
import pytest

from .conftest import DESKTOP, Server, screenshot, wait_until
from .helpers import Conversation, make_conversation

pytestmark = pytest.mark.browser

#: Seconds to wait for the live dashboard (debounced analysis plus the stream).
LIVE_TIMEOUT = 60.0
STATEMENTS = [
    "Iedereen moet snel een huisarts kunnen bereiken.",  # everyone agrees
    "De wijkteams krijgen minder managers.",  # the managers reject it
    "Het bestuur vergadert voortaan in de wijk.",  # only the 3 board members reject it
    "Er komt een parkeervergunning bij het gezondheidscentrum.",  # split down the middle
]
#: 30 residents, 10 professionals, 8 managers and 3 board members (a cell under 5).
ROLES = ["resident"] * 30 + ["professional"] * 10 + ["manager"] * 8 + ["board_member"] * 3


def _join_and_vote(conv: Conversation, roles: list[str | None], rule) -> None:  # type: ignore[no-untyped-def]
    for i, role in enumerate(roles):
        r = conv.http.post(f"/conversations/{conv.id}/participants",
                           json={"role": role} if role else {})
        r.raise_for_status()
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        for j, sid in enumerate(conv.statements):
            r = conv.http.post(f"/conversations/{conv.id}/votes", headers=auth,
                               json={"statement_id": sid, "vote": rule(i, role, j)})
            r.raise_for_status()


def _panel(page, card: str, root: str) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(f"""() => ({{
        hidden: document.querySelector('#{card}').hidden,
        text: document.querySelector('#{root}').textContent,
        items: [...document.querySelectorAll('#{root} .bridge .text')].map(n => n.textContent),
    }})""")


def _results(new_page, server: Server, conv: Conversation) -> dict:  # type: ignore[no-untyped-def]
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/c/{conv.id}/results")
    wait_until(page, "document.querySelectorAll('#common li').length > 0", LIVE_TIMEOUT)
    return page.evaluate("""() => ({
        text: document.querySelector('#common').textContent,
        items: [...document.querySelectorAll('#common li .text')].map(n => n.textContent),
    })""")


def test_dashboard_lists_only_common_ground_across_groups_and_roles_live(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, STATEMENTS)

    def rule(i: int, role: str | None, j: int) -> int:
        return [1, -1 if role == "manager" else 1, -1 if role == "board_member" else 1,
                1 if i % 2 else -1][j]

    _join_and_vote(conv, list(ROLES), rule)
    n_votes = len(ROLES) * len(STATEMENTS)
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    page.wait_for_selector("#live.on")
    # The snapshot of every vote, as the two tests below wait for (an earlier one, taken while
    # the votes came in, can show other statements; read then, the panels and the served
    # analysis below came from different snapshots).
    wait_until(page, "document.querySelectorAll('#bridging .bridge').length > 0 && "
                     "!document.querySelector('#roles-common-card').hidden && "
                     f"document.querySelector('#stat-votes').textContent === '{n_votes}'",
               LIVE_TIMEOUT)
    analysis = conv.analysis()
    assert analysis["k"] <= 1 or len(analysis["groups"]) <= 1  # one opinion group
    common = [b["statement_id"] for b in analysis["bridging"] if b["is_bridging"]]
    by_id = dict(zip(conv.statements, STATEMENTS, strict=True))
    groups = _panel(page, "bridging-card", "bridging")
    roles = _panel(page, "roles-common-card", "roles-common")
    screenshot(page, "common-ground-live")
    # Only what meets the rule, and what the rule says: the managers' veto holds.
    assert groups["items"] == [by_id[s] for s in common]
    assert set(groups["items"]) == {STATEMENTS[0], STATEMENTS[2]}
    assert set(roles["items"]) == {STATEMENTS[0], STATEMENTS[2]}
    assert "Nog geen" not in groups["text"] + roles["text"]
    # In words, never a bare score; the role of 3 is never shown.
    assert "100% van groep A is het eens" in groups["text"]
    # One opinion group, no clear groups: the panel says what "every group" means here, in the
    # report's and the command line's words (api/report/i18n.py common_one_group).
    from meedenken.api.report.i18n import strings

    assert analysis["group_stability"]["clear_groups"] is False
    assert groups["text"].startswith(strings("nl")["common_one_group"]), groups["text"]
    assert "manager 100%" in roles["text"] and "bestuurder" not in roles["text"]
    assert "score" not in (groups["text"] + roles["text"]).lower()
    # Only the panels that apply the rule are called common ground, in either language: the
    # consensus panel (shares of all votes; it lists the statement the managers reject) is not.
    consensus = page.inner_text("#consensus")
    assert STATEMENTS[1] in consensus
    for lang, words in (("nl", "gemeenschappelijke grond"), ("en", "common ground")):
        page.select_option("#lang", lang)
        titles = {name: page.inner_text(f"#{name}-title").lower()
                  for name in ("bridging", "roles-common", "consensus")}
        assert words in titles["bridging"] and words in titles["roles-common"], titles
        assert words not in titles["consensus"], titles
    # The participants' results page (linked from the end screen) lists the same statements.
    results = _results(new_page, server, conv)
    assert results["items"] == groups["items"], results
    assert "100% van groep A is het eens" in results["text"] and "score" not in results["text"]
    assert results["text"].startswith(strings("nl")["common_one_group"]), results


def test_dashboard_says_honestly_that_there_is_no_common_ground_yet_live(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, STATEMENTS)

    def rule(i: int, role: str | None, j: int) -> int:
        return 1 if (i + j) % 2 else -1  # every statement split down the middle

    _join_and_vote(conv, [None] * 16, rule)
    n_votes = 16 * len(STATEMENTS)
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    page.wait_for_selector("#live.on")
    # The snapshot of every vote (an earlier one, taken while the votes came in, shows other
    # statements as coming closest).
    wait_until(page, "document.querySelectorAll('#bridging .bridge').length > 0 && "
                     f"document.querySelector('#stat-votes').textContent === '{n_votes}'",
               LIVE_TIMEOUT)
    analysis = conv.analysis()
    assert not any(b["is_bridging"] for b in analysis["bridging"])
    groups = _panel(page, "bridging-card", "bridging")
    screenshot(page, "common-ground-live-empty")
    # With no clear opinion groups (one group here) the note on what "every group" means
    # comes first, then the empty state.
    from meedenken.api.report.i18n import strings

    note = strings("nl")["common_one_group"] if (
        analysis["group_stability"] and not analysis["group_stability"]["clear_groups"]) else ""
    assert groups["text"].startswith(
        note + "Nog geen gemeenschappelijke grond; deze komen het dichtst in de buurt:"), groups
    assert 0 < len(groups["items"]) <= 3
    # Each says why, naming the group that holds it back, as the served list says and in the
    # report's words (api/present/analysis.py why_not_sentence).
    from meedenken.api.present.analysis import why_not_sentence
    from meedenken.api.report.i18n import strings

    for b in analysis["bridging"][:len(groups["items"])]:
        assert b["why_not"] or b["status"] == "rejected_within_a_group", b
        why = why_not_sentence(b["status"], b["why_not"], b["why_not_roles"], strings("nl"))
        assert f"({why})" in groups["text"] and "groep" in why, (why, groups["text"])
    results = _results(new_page, server, conv)
    assert results["text"].startswith(note + "Nog geen stellingen waar alle groepen het over "
                                      "eens zijn; deze komen het dichtst in de buurt:"), results
    assert 0 < len(results["items"]) <= 3
    assert _panel(page, "roles-common-card", "roles-common")["hidden"] is True  # no roles


def test_common_ground_shows_when_nobody_or_only_a_tiny_role_declared_a_role_live(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    """The service always hands the analysis a role attribute: with no role to show (20
    participants without one, 3 board members) common ground is judged over the groups alone,
    not "not enough votes yet" for every statement."""
    conv = make_conversation(http, STATEMENTS)

    def rule(i: int, role: str | None, j: int) -> int:
        return 1 if j == 0 else (1 if (i + j) % 2 else -1)

    _join_and_vote(conv, [None] * 20 + ["board_member"] * 3, rule)
    n_votes = 23 * len(STATEMENTS)
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    page.wait_for_selector("#live.on")
    # The snapshot of every vote (an earlier one, taken while the votes came in, shows other
    # statements as coming closest).
    wait_until(page, "document.querySelectorAll('#bridging .bridge').length > 0 && "
                     f"document.querySelector('#stat-votes').textContent === '{n_votes}'",
               LIVE_TIMEOUT)
    groups = _panel(page, "bridging-card", "bridging")
    assert groups["items"] == [STATEMENTS[0]], groups
    assert "Nog geen" not in groups["text"]
    assert _panel(page, "roles-common-card", "roles-common")["hidden"] is True
