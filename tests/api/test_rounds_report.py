"""``meedenken report --db URL --conversation ID`` of any round reports its whole trajectory
(issue 21, item 4)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from meedenken.api.cli.main import main
from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings

from .helpers import bearer, make_dialogue


def test_report_of_any_round_has_the_trajectory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    settings = Settings(database_url=url, analysis_in_process=True, rate_limits=False)
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=0)
        first = []
        for i in range(12):
            token = d.join(role="resident" if i < 8 else "professional")
            first.append(token)
            for j, sid in enumerate(d.statements):
                assert d.vote(sid, 1 if (i + j) % 3 else -1, i).status_code == 201
        r = client.post(d.url("/rounds"), headers=d.f,
                        json={"topic": "Ronde twee", "carry": d.statements[:2]})
        assert r.status_code == 201
        r2, carried = r.json()["id"], [p["id"] for p in r.json()["carried"]]
        for i in range(10):  # ten come back and now all agree with the first statement
            joined = client.post(f"/conversations/{r2}/participants",
                                 json={"returning_token": first[i]}).json()
            for sid in carried:
                v = client.post(f"/conversations/{r2}/votes", headers=bearer(joined["token"]),
                                json={"statement_id": sid, "vote": 1})
                assert v.status_code == 201
    for cid, lang in ((d.id, "nl"), (r2, "en")):
        out = tmp_path / f"report-{cid}.html"
        assert main(["report", "--db", url, "--conversation", str(cid), "--out", str(out),
                     "--no-topics", "--lang", lang]) == 0
        html = out.read_text()
        assert '<section id="trajectory">' in html
        section = html.split('<section id="trajectory">', 1)[1].split("</section>", 1)[0]
        assert "Ronde twee" in section and ">12<" in section and ">10<" in section
        assert "1 → 2" in section and "n = 10" in section
    assert "verschoven" in (tmp_path / f"report-{d.id}.html").read_text() or \
        "bleef" in (tmp_path / f"report-{d.id}.html").read_text()
