"""End-to-end tests of the web pages in Debian's headless Chromium against a real server."""

from __future__ import annotations

import sqlite3
import zipfile

import httpx
import pytest

from .conftest import DESKTOP, PHONE, ROOT, Server, screenshot, wait_until
from .helpers import SEEDS, add_voters, make_conversation

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "web" / "vendor" / "axe.min.js"
OWN_STATEMENT = "Er moet een wijkcentrum komen met huisarts, apotheek en welzijn onder één dak."
#: Seconds to wait for the live dashboard (debounced analysis plus the stream). The analysis
#: reaches the dashboard only by the stream (no poll), so a longer wait cannot pass a page that
#: is not live; 60 s as in test_common_ground_live.py, for an analysis under load.
LIVE_TIMEOUT = 60.0


def _vote_all(page, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Vote on ``n`` statements, alternating click and keyboard; return their texts."""
    seen = []
    for i in range(n):
        statement = page.locator("#statement")
        text = statement.inner_text()
        seen.append(text)
        if i % 2 == 0:
            name = ["Eens", "Oneens", "Sla over"][i % 3]
            page.get_by_role("button", name=name, exact=True).click()
        else:
            page.keyboard.press(["a", "2", "p"][i % 3])
        wait_until(page, "document.querySelector('#vote-card').hidden || "
                         f"document.querySelector('#statement').textContent !== {text!r}")
        if i % 2 == 0 and page.is_visible("#vote-card"):  # the keyboard focus stays put
            assert page.evaluate("document.activeElement.classList.contains('choice')")
    return seen


def _pass_all(page) -> None:  # type: ignore[no-untyped-def]
    """Pass (key P) on every statement left, up to the end screen."""
    while page.is_visible("#vote-card"):
        text = page.inner_text("#statement")
        page.keyboard.press("p")
        wait_until(page, "document.querySelector('#vote-card').hidden || "
                         f"document.querySelector('#statement').textContent !== {text!r}")
    page.wait_for_selector("#done:not([hidden])")


def test_resident_votes_adds_statement_and_dashboard_updates_live(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, strict_moderation=True)
    add_voters(conv, 6)

    dashboard = new_page(DESKTOP)
    dashboard.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    dashboard.wait_for_selector("#live.on")
    assert "token" not in dashboard.url  # the fragment is taken off the address bar
    wait_until(dashboard, "Number(document.querySelector('#stat-votes').textContent) >= 30")
    votes_before = int(dashboard.inner_text("#stat-votes"))
    points_before = int(dashboard.get_attribute("#map", "data-points") or 0)
    image_before = dashboard.evaluate("document.querySelector('#map').toDataURL()")
    dashboard.evaluate("window.__noReload = true")

    resident = new_page(PHONE)
    resident.goto(f"{server.base}/c/{conv.id}")
    # Topic and first statement at once, no questions first.
    resident.wait_for_selector("#statement:not(:empty)")
    assert resident.inner_text("h1") == "Zorg in de wijk"
    assert resident.inner_text("#statement") in SEEDS
    assert "0 van 5" in resident.inner_text("#progress")
    seen = _vote_all(resident, len(SEEDS))
    assert sorted(seen) == sorted(SEEDS)  # each seed once
    resident.wait_for_selector("#done:not([hidden])")

    resident.click("#add-own summary")
    resident.fill("#own-text", OWN_STATEMENT)
    resident.get_by_role("button", name="Insturen").click()
    resident.wait_for_selector("#own-result .ok", timeout=60_000)  # model may still be loading
    assert "goedkeuring" in resident.inner_text("#own-result")  # strict moderation: pending

    # The dashboard shows the new votes and a changed map, without a reload.
    wait_until(dashboard,
               f"Number(document.querySelector('#stat-votes').textContent) >= {votes_before + 5}",
               LIVE_TIMEOUT)
    wait_until(dashboard,
               f"Number(document.querySelector('#map').dataset.points) > {points_before}",
               LIVE_TIMEOUT)
    assert dashboard.evaluate("document.querySelector('#map').toDataURL()") != image_before
    assert dashboard.evaluate("window.__noReload") is True

    # The facilitator accepts the pending statement in one click ...
    item = dashboard.locator(".queue-item", has_text=OWN_STATEMENT)
    item.wait_for(timeout=LIVE_TIMEOUT * 1000)
    item.get_by_role("button", name=f"Accepteren: {OWN_STATEMENT}").click()
    wait_until(dashboard, "document.querySelector('#queue-count').textContent === '0'")
    # ... and it reaches the resident.
    resident.reload()
    resident.wait_for_selector("#statement:not(:empty)")
    assert resident.inner_text("#statement") == OWN_STATEMENT
    assert dashboard.evaluate("window.__noReload") is True

    # Export: the Pol.is zip downloads from the dashboard (token sent as a header).
    with dashboard.expect_download() as download:
        dashboard.get_by_role("button", name="Pol.is-export (zip)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "comments.csv" in archive.namelist()
        assert OWN_STATEMENT in archive.read("comments.csv").decode()
    assert not resident.js_errors and not dashboard.js_errors


def _axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Serious and critical axe-core violations (WCAG 2.1 A/AA rules and best practices)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
             const r = await axe.run(document, {runOnly: {type: 'tag', values:
               ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
           }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_accessibility_of_both_pages(server: Server, new_page) -> None:  # type: ignore[no-untyped-def]
    demo = server.demo
    # axe is injected as a script; the pages' CSP would (rightly) refuse it, so bypass it here.
    resident = new_page(PHONE, bypass_csp=True)
    resident.goto(f"{server.base}/c/{demo.conversation_id}")
    resident.wait_for_selector("#statement:not(:empty)")
    resident.click("#add-own summary")
    resident.click("#about summary")
    assert _axe_violations(resident) == []
    # The end screen too (map, standing).
    _pass_all(resident)
    assert _axe_violations(resident) == []

    dashboard = new_page(DESKTOP, bypass_csp=True)
    dashboard.goto(f"{server.base}/admin/{demo.conversation_id}")
    dashboard.wait_for_selector("#token-form:not([hidden])")
    assert _axe_violations(dashboard) == []  # the token form
    dashboard.fill("#token", "not-the-token")
    dashboard.get_by_role("button", name="Openen").click()
    dashboard.wait_for_selector("#notice:has-text('hoort niet bij dit gesprek')")
    assert dashboard.is_hidden("#board")
    dashboard.fill("#token", demo.facilitator_token)
    dashboard.get_by_role("button", name="Openen").click()
    dashboard.wait_for_selector("#live.on")
    wait_until(dashboard, "document.querySelectorAll('.group-card').length > 0")
    assert _axe_violations(dashboard) == []

    setup = new_page(PHONE, bypass_csp=True)
    setup.goto(f"{server.base}/new")
    assert _axe_violations(setup) == []


def _no_horizontal_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_screenshots_and_layout(server: Server, new_page, size: str) -> None:  # type: ignore[no-untyped-def]
    viewport = PHONE if size == "phone" else DESKTOP
    demo = server.demo
    resident = new_page(viewport)
    resident.goto(f"{server.base}/c/{demo.conversation_id}")
    resident.wait_for_selector("#statement:not(:empty)")
    assert _no_horizontal_scroll(resident)
    box = resident.locator("#agree").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44  # touch target
    screenshot(resident, f"participant-{size}")
    if size == "phone":  # the end screen: where the resident stands among the groups
        _pass_all(resident)
        wait_until(resident, "!document.querySelector('#standing-figure').hidden")
        assert "groep" in resident.inner_text("#standing").lower()
        screenshot(resident, f"participant-end-{size}")

    dashboard = new_page(viewport)
    dashboard.goto(f"{server.base}/admin/{demo.conversation_id}#token={demo.facilitator_token}")
    wait_until(dashboard, "document.querySelectorAll('.group-card').length > 0")
    assert _no_horizontal_scroll(dashboard)
    assert int(dashboard.get_attribute("#map", "data-points") or 0) > 100
    screenshot(dashboard, f"dashboard-{size}")

    setup = new_page(viewport)
    setup.goto(f"{server.base}/new")
    assert _no_horizontal_scroll(setup)
    screenshot(setup, f"setup-{size}")
    assert not (resident.js_errors or dashboard.js_errors or setup.js_errors)


def test_language_switch_and_join_questions(server: Server, http: httpx.Client,
                                            new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, language="en", join_questions=["role", "age"])
    page = new_page(PHONE)
    page.goto(f"{server.base}/c/{conv.id}?ask=role,age,area")  # an old link's ?ask= is ignored
    page.wait_for_selector("#statement:not(:empty)")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("button", name="Agree", exact=True).is_visible()
    page.select_option("#lang", "nl")
    assert page.get_by_role("button", name="Eens", exact=True).is_visible()
    assert page.evaluate("document.documentElement.lang") == "nl"

    # The questions are optional and beside the voting: vote first, answer later.
    page.keyboard.press("1")
    wait_until(page, "document.querySelector('#progress').textContent.startsWith('1 ')")
    page.click("#about summary")
    assert page.is_visible("#q-role") and page.is_visible("#q-age")
    assert not page.is_visible("#q-area")  # not asked in this conversation
    page.select_option("#q-role", "carer")
    page.select_option("#q-age", "65-74")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_selector("#about-result:has-text('Opgeslagen')")
    with sqlite3.connect(server.database) as db:
        rows = db.execute("SELECT role, demographics FROM participant "
                          "WHERE conversation_id = ? AND role IS NOT NULL", (conv.id,)).fetchall()
    assert rows == [("carer", '{"age": "65-74"}')]
    assert not page.js_errors


def test_end_screen_when_results_are_not_shared(server: Server, http: httpx.Client,
                                                new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, results_visible=False, participant_statements=False)
    page = new_page(PHONE)
    page.goto(f"{server.base}/c/{conv.id}")
    page.wait_for_selector("#statement:not(:empty)")
    assert page.is_hidden("#add-own")  # the conversation takes no participants' statements
    _pass_all(page)
    page.wait_for_selector("#standing:has-text('gespreksleider')")
    assert page.is_hidden("#standing-figure")
    assert not page.js_errors


def test_set_up_page_shows_seeds_in_other_words_before_saving(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    """Issue 17, item 4: the seeds' near-duplicates (the model's check, not only identical
    words) are shown before saving; the facilitator edits them or keeps both."""
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    page.fill("#topic", "Voorzieningen in de wijk")
    page.fill("#seeds", "Er moet een nieuw zwembad in de wijk komen.\n"
                        "De bibliotheek moet op zondag open zijn.\n"
                        "In onze wijk moet een nieuw zwembad komen.\n")
    page.get_by_role("button", name="Gesprek aanmaken").click()
    page.wait_for_selector("#seed-check .similar-seeds")
    listed = page.inner_text("#seed-check")
    assert "In onze wijk moet een nieuw zwembad komen." in listed
    assert "bibliotheek" not in listed
    assert page.is_hidden("#result")  # nothing saved yet
    page.get_by_role("button", name="Toch opslaan").click()
    page.wait_for_selector("#result:not([hidden])")
    cid = int(page.inner_text("#link").split("/c/")[1])
    assert http.get(f"/conversations/{cid}/statements").json()["count"] == 3
    assert not page.js_errors


def test_set_up_page_creates_a_conversation(server: Server, http: httpx.Client,
                                            new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    page.fill("#topic", "Ouder worden in Zoetermeer")
    page.fill("#seeds", "Ik wil zo lang mogelijk thuis blijven wonen.\n\n"
                        "Er zijn genoeg plekken in verpleeghuizen.\n")
    page.fill("#reference", "attribute,category,share\n# CBS 2017\nage,20-64,0.7752\n"
                            "age,65+,0.2248\n")
    page.check("#strict-moderation")
    page.uncheck("input[name=ask][value=area]")
    page.get_by_role("button", name="Gesprek aanmaken").click()
    page.wait_for_selector("#result:not([hidden])")
    steps = page.inner_text("#steps")
    assert "2 startstellingen opgeslagen" in steps
    # PUT /reference is issue 5's route: saved where the server has it, else said so.
    has_reference = http.put("/conversations/1/reference", json={}).status_code not in (404, 405)
    assert ("Referentiepopulatie opgeslagen" if has_reference else "nog geen") in steps
    link = page.inner_text("#link")
    assert "?" not in link  # one link: the settings live in the conversation (issue 19)
    cid = int(link.split("/c/")[1])
    token = page.inner_text("#token")
    conv = http.get(f"/conversations/{cid}").json()
    assert conv["topic"] == "Ouder worden in Zoetermeer" and conv["strict_moderation"] is True
    assert conv["join_questions"] == ["role", "age"]
    seeds = http.get(f"/conversations/{cid}/statements").json()
    assert seeds["count"] == 2
    # The QR code is a server-made SVG that loaded in the page.
    wait_until(page, "document.querySelector('#qr').complete && "
                     "document.querySelector('#qr').naturalWidth > 0")
    screenshot(page, "setup-result-desktop")
    qr = http.get(f"/c/{cid}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and b"<svg" in qr.content
    # The dashboard link carries the token in the fragment and opens the board in a new tab.
    with page.context.expect_page() as opened:
        page.click("#dashboard")
    board = opened.value
    board.wait_for_selector("#live.on")
    board.wait_for_selector("h1:has-text('Ouder worden in Zoetermeer')")
    assert token and board.evaluate(f"localStorage.getItem('meedenken:admin:{cid}')") == token


def test_map_draws_density_beyond_a_few_thousand_points(server: Server,
                                                         new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    result = page.evaluate("""async () => {
        const { drawMap, DENSITY_THRESHOLD } = await import('/static/js/map.js');
        const canvas = document.createElement('canvas');
        canvas.style.cssText = 'width: 800px; height: 500px';
        document.body.append(canvas);
        const n = 50000, coordinates = [];
        for (let i = 0; i < n; i++) {
          const g = i % 3, a = i * 2.399963;
          coordinates.push({id: i, group: g, x: 3 * g - 3 + Math.cos(a) * (i % 97) / 60,
                            y: (g === 1 ? 2 : -1) + Math.sin(a) * (i % 89) / 60});
        }
        const analysis = {version: 1, coordinates, groups: [0, 1, 2].map(id => ({id, size: 1}))};
        const big = drawMap(canvas, analysis);
        const small = drawMap(canvas, {...analysis, coordinates: coordinates.slice(0, 500)});
        return {big, small, threshold: DENSITY_THRESHOLD};
    }""")
    assert result["big"] == {"points": 50000, "mode": "density"}
    assert result["small"] == {"points": 500, "mode": "dots"}
    assert result["threshold"] <= 5000


def test_bridging_and_diversity_panels_render_when_present(server: Server,
                                                           new_page) -> None:  # type: ignore[no-untyped-def]
    """The analysis' ``bridging`` list (issue 4) and GET /diversity (issue 5) are drawn when a
    server provides them; text goes in as text, never as markup."""
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    result = page.evaluate("""async () => {
        const p = await import('/static/js/panels.js');
        const card = document.createElement('section'), root = document.createElement('div');
        card.hidden = true;
        document.body.append(card, root);
        const texts = new Map([[7, '<img src=x onerror=alert(1)> Meer wijkverpleging']]);
        p.renderBridging(card, root, {bridging: [{statement_id: 7, score: 0.42, low: 0.3,
            high: 0.55, polarization: 0.1, group_agree: {0: 0.7, 1: 0.6},
            group_support: {0: 0.81, 1: 0.74}, is_bridging: true, status: 'common_ground'}]},
            (sid) => texts.get(sid));
        const bridging = {hidden: card.hidden, bars: root.querySelectorAll('.bar-fill').length,
            width: root.querySelector('.bar-fill').style.width, text: root.textContent,
            images: root.querySelectorAll('img').length};
        p.renderBridging(card, root, {}, () => '');
        const hiddenWithout = card.hidden;
        const dcard = document.createElement('section'), droot = document.createElement('div');
        p.renderDiversity(dcard, droot, {participation: {joined: 40, voted: 35},
            attributes: {age: {shares: {'20-64': 0.6, '65+': 0.4, '<18': null},
            representation_ratio: {'20-64': 0.77, '65+': 1.78}, effective_categories: 1.9}}});
        return {bridging, hiddenWithout, diversity: droot.textContent,
                rows: droot.querySelectorAll('tbody tr').length};
    }""")
    assert result["bridging"]["hidden"] is False
    assert result["bridging"]["bars"] == 2 and result["bridging"]["width"] == "81%"
    assert "81% van groep A en 74% van groep B is het eens" in result["bridging"]["text"]
    assert "score" not in result["bridging"]["text"] and "0.42" not in result["bridging"]["text"]
    assert result["bridging"]["images"] == 0 and "<img" in result["bridging"]["text"]
    assert result["hiddenWithout"] is True
    assert result["rows"] == 2 + 3 and "1.78" in result["diversity"]
    assert "aangemeld40" in result["diversity"].replace(" ", "")


def test_common_ground_panel_lists_only_common_ground_and_an_honest_empty_state(
        server: Server, new_page) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: the dashboard's panel shows only statements that meet the common-ground rule
    (``is_bridging``), in words; with none, it says so and shows the closest ones."""
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    result = page.evaluate("""async () => {
        const p = await import('/static/js/panels.js');
        const card = document.createElement('section'), root = document.createElement('div');
        document.body.append(card, root);
        const entry = (id, ok, status, support) => ({statement_id: id, score: 0.5, low: 0.4,
            high: 0.6, polarization: 0.1, group_agree: support, group_support: support,
            is_bridging: ok, status});
        const texts = (sid) => `stelling ${sid}`;
        p.renderBridging(card, root, {bridging: [
            entry(1, true, 'common_ground', {0: 0.82, 1: 0.74, 2: 0.69}),
            entry(2, false, 'not_enough_votes', {0: 0.9, 1: 0.9}),
            entry(3, false, 'rejected_by_a_group', {0: 0.95, 1: 0.9, 2: 0.1}),
            entry(4, true, 'common_ground', {0: 0.7, 1: 0.66, 2: 0.6})]}, texts);
        const some = {items: [...root.querySelectorAll('.bridge .text')].map(n => n.textContent),
                      text: root.textContent};
        p.renderBridging(card, root, {bridging: [
            entry(2, false, 'not_enough_votes', {0: 0.9, 1: 0.9}),
            entry(3, false, 'rejected_by_a_group', {0: 0.95, 1: 0.9, 2: 0.1})]}, texts);
        const none = {items: [...root.querySelectorAll('.bridge .text')].map(n => n.textContent),
                      text: root.textContent};
        // As the server sends it now: each group that holds a statement back, and why.
        p.renderBridging(card, root, {bridging: [
            {...entry(2, false, 'not_enough_votes', {0: 0.9, 1: 0.9}), why_not: {2: 'few_votes'}},
            {...entry(3, false, 'rejected_by_a_group', {0: 0.95, 1: 0.9, 2: 0.1}),
             why_not: {2: 'rejects'}}]}, texts);
        const named = root.textContent;
        return {some, none, named};
    }""")
    assert result["some"]["items"] == ["stelling 1", "stelling 4"]
    assert ("82% van groep A, 74% van groep B en 69% van groep C is het eens"
            in result["some"]["text"])
    assert "score" not in result["some"]["text"]
    none = result["none"]
    assert none["text"].startswith(
        "Nog geen gemeenschappelijke grond; deze komen het dichtst in de buurt:")
    assert none["items"] == ["stelling 2", "stelling 3"]
    # A snapshot stored before the reasons were served: the status alone.
    assert "(nog niet genoeg stemmen)" in none["text"]
    assert "(een groep is het oneens)" in none["text"]
    # Now: which group holds it back, and whether for want of votes or by a veto.
    assert "(nog niet genoeg stemmen in groep C)" in result["named"]
    assert "(groep C is het oneens)" in result["named"]


def test_roles_common_ground_is_its_own_list_only_common_ground_and_hidden_without_roles(
        server: Server, new_page) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 item 3: "common ground across roles" is a list of its own on the dashboard: only
    statements every shown role supports, in words; an honest empty state; hidden when no roles
    are declared (the analysis sends an empty list)."""
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    result = page.evaluate("""async () => {
        const p = await import('/static/js/panels.js');
        const card = document.createElement('section'), root = document.createElement('div');
        document.body.append(card, root);
        const entry = (id, ok, status, support) => ({statement_id: id, is_common_ground: ok,
            status, role_support: {role: support}, n_votes: 40});
        const texts = (sid) => `stelling ${sid}`;
        p.renderRoleCommonGround(card, root, {common_ground_roles: [
            entry(1, true, 'common_ground', {resident: 0.82, professional: 0.74}),
            entry(2, false, 'rejected_by_a_role', {resident: 0.9, professional: 0.1}),
            entry(3, false, 'not_enough_votes', {resident: 0.9})]}, texts);
        const some = {hidden: card.hidden, text: root.textContent,
                      items: [...root.querySelectorAll('.bridge .text')].map(n => n.textContent)};
        p.renderRoleCommonGround(card, root, {common_ground_roles: [
            entry(2, false, 'rejected_by_a_role', {resident: 0.9, professional: 0.1})]}, texts);
        const none = {hidden: card.hidden, text: root.textContent};
        p.renderRoleCommonGround(card, root, {common_ground_roles: []}, texts);
        return {some, none, withoutRoles: card.hidden};
    }""")
    some = result["some"]
    assert some["hidden"] is False and some["items"] == ["stelling 1"]
    assert ("Eens (van wie eens of oneens stemde): inwoner 82% en zorgprofessional 74%"
            in some["text"])
    assert "score" not in some["text"] and "0.8" not in some["text"]
    none = result["none"]
    assert none["hidden"] is False
    assert none["text"].startswith("Nog geen gemeenschappelijke grond")
    assert "(een rol is het oneens)" in none["text"]
    assert result["withoutRoles"] is True


def test_resident_is_asked_whether_a_near_duplicate_is_the_same_and_can_vote_on_it(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: a near-duplicate of a seed asks "Is uw stelling hetzelfde als ...?"; "Ja" puts
    the existing statement on the card and stores nothing; an unrelated text is posted at once."""
    conv = make_conversation(http)
    page = new_page(PHONE)
    page.goto(f"{server.base}/c/{conv.id}")
    page.wait_for_selector("#statement:not(:empty)")
    page.click("#add-own summary")
    page.fill("#own-text", "De wachttijden voor de GGZ zijn echt veel te lang.")
    page.get_by_role("button", name="Insturen").click()
    page.wait_for_selector("#own-result blockquote", timeout=60_000)  # model may still load
    assert "hetzelfde" in page.inner_text("#own-result")
    assert page.inner_text("#own-result blockquote") == "De wachttijd voor de GGZ is te lang."
    page.get_by_role("button", name="Ja, ik stem op deze stelling").click()
    assert page.inner_text("#statement") == "De wachttijd voor de GGZ is te lang."
    assert http.get(f"/conversations/{conv.id}/statements", headers=conv.auth
                    ).json()["count"] == len(SEEDS)
    page.fill("#own-text", "De bibliotheek moet op zondag open zijn.")
    page.get_by_role("button", name="Insturen").click()
    page.wait_for_selector("#own-result .ok", timeout=60_000)
    assert http.get(f"/conversations/{conv.id}/statements", headers=conv.auth
                    ).json()["count"] == len(SEEDS) + 1
    assert not page.js_errors
