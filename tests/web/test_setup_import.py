"""Issue 20, item 3 on the set-up page: a facilitator takes over a Pol.is conversation (a zip of
the API data with its math state) and lands on the same result screen."""

from __future__ import annotations

import zipfile
from pathlib import Path

import httpx

from tests._polis_math_data import MATH_DATA, SOUND, needs_math_data

from .conftest import DESKTOP, Server

pytestmark = needs_math_data


HTTP_TIMEOUT = 30


def test_set_up_page_imports_a_polis_conversation(server: Server, http: httpx.Client,
                                                  new_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = MATH_DATA / SOUND[1]
    archive = tmp_path / "polis.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("votes.json", "comments.json", "conversation.json", "math-pca2.json"):
            z.write(folder / name, name)
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    page.set_input_files("#import-file", str(archive))
    page.fill("#import-topic", "Vertrouwen in de samenleving")
    page.get_by_role("button", name="Gesprek overnemen").click()
    page.wait_for_selector("#result:not([hidden])")
    steps = page.inner_text("#steps")
    assert "27 deelnemers, 57 stellingen" in steps and "3 groepen van Pol.is" in steps
    cid = int(page.inner_text("#link").split("/c/")[1].split("?")[0])
    conv = http.get(f"/conversations/{cid}").json()
    assert conv["topic"] == "Vertrouwen in de samenleving" and conv["polis_compatible"] is True
    assert not page.js_errors  # type: ignore[attr-defined]


def test_set_up_page_says_why_an_import_fails(server: Server, new_page,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("readme.txt", "no Pol.is data here")
    page = new_page(DESKTOP)
    page.goto(f"{server.base}/new")
    page.set_input_files("#import-file", str(bad))
    page.get_by_role("button", name="Gesprek overnemen").click()
    page.wait_for_selector("#notice:not([hidden])")
    notice = page.inner_text("#notice")
    assert "upload.zip: neither votes.csv" in notice and "/tmp" not in notice
    assert page.is_hidden("#result")
