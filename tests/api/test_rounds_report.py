"""``meedenken report --db URL --conversation ID`` of any round reports its whole trajectory
(issue 21, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from matplotlib.collections import LineCollection

from meedenken.api.cli.main import main
from meedenken.api.http.app import create_app
from meedenken.api.live.process_map import MapPoint, ProcessMap, RoundMap
from meedenken.api.report.figures import count_text
from meedenken.api.report.trajectory import WORDS, map_figure
from meedenken.api.report.trajectory_map import MAX_MOVES, round_points, trajectory_map_figure
from meedenken.api.settings import Settings

from .helpers import bearer, make_dialogue
from .test_report_methods import _inside


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
        # diversity per round and who came back by role, cells under 5 hidden
        assert ("Opiniegroepen" if lang == "nl" else "Opinion groups") in section
        # round 1's 4 professionals are under 5; the 8 residents go too, as 12 - 8 = 4
        assert "<td>professional &lt; 5, resident &lt; 5</td>" in section
        assert "10 / 12 (professional &lt; 5 / &lt; 5, resident &lt; 5 / &lt; 5)" in section
    assert "verschoven" in (tmp_path / f"report-{d.id}.html").read_text() or \
        "bleef" in (tmp_path / f"report-{d.id}.html").read_text()


def test_report_shows_the_rounds_on_round_1s_map(tmp_path: Path) -> None:
    """Item 5 in the report: a figure of every round on round 1's map, written next to the page
    and embedded in the trajectory section, its panel titles and legend in the report's
    language."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    settings = Settings(database_url=url, analysis_in_process=True, rate_limits=False)
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=0)
        first = []
        for i in range(12):
            first.append(d.join())
            for j, sid in enumerate(d.statements):
                assert d.vote(sid, 1 if (i + j) % 3 else -1, i).status_code == 201
        r = client.post(d.url("/rounds"), headers=d.f, json={"carry": d.statements[:3]})
        r2, carried = r.json()["id"], [p["id"] for p in r.json()["carried"]]
        for i in range(9):  # nine come back, three are new
            body = {"returning_token": first[i]} if i < 6 else {}
            token = client.post(f"/conversations/{r2}/participants", json=body).json()["token"]
            for sid in carried:
                assert client.post(f"/conversations/{r2}/votes", headers=bearer(token),
                                   json={"statement_id": sid, "vote": 1}).status_code == 201
    # 3 new people: under the small-cell minimum, so neither side of the split is told
    for lang, title in (("nl", "Ronde 2: &lt; 5 terug, &lt; 5"),
                        ("en", "Round 2: &lt; 5 returning, &lt; 5")):
        out = tmp_path / lang / "report.html"
        assert main(["report", "--db", url, "--conversation", str(r2), "--out", str(out),
                     "--no-topics", "--lang", lang]) == 0
        section = out.read_text().split('<section id="trajectory">', 1)[1].split("</section>")[0]
        assert '<figure id="trajectory-map"><img src="data:image/svg+xml;base64,' in section
        svg = (out.parent / "report-trajectory-map.svg").read_text(encoding="utf-8")
        assert title in svg
        assert (out.parent / "report-trajectory-map.png").read_bytes()[:4] == b"\x89PNG"


def _map(rounds: int, people: int, back: int) -> ProcessMap:
    """``rounds`` rounds of ``people``; the first ``back`` of each round return in the next,
    person i moving by (0.1 x round, 0)."""
    out = []
    for r in range(1, rounds + 1):
        points = [MapPoint(x=0.1 * r * (i < back) + i / people, y=i / people, group=i % 2,
                           person=i if i < back else None) for i in range(people)]
        out.append(RoundMap(round=r, id=100 + r, points=points))
    return ProcessMap(axes_round=1, statements=[1, 2], rounds=out)


@pytest.mark.parametrize(("back", "lines"), [(30, 30), (MAX_MOVES + 250, MAX_MOVES)])
def test_map_figure_joins_each_returning_person_to_their_earlier_place(back: int,
                                                                      lines: int) -> None:
    answer = _map(3, MAX_MOVES + 300, back)
    rounds = round_points(answer)
    assert [int(r.returning.sum()) for r in rounds] == [0, back, back]
    # person 0's earlier place in round 3 is where round 2 put them
    assert rounds[2].before[0].tolist() == [answer.rounds[1].points[0].x,
                                            answer.rounds[1].points[0].y]
    words = {**WORDS["nl"], "map_axis_x": "as 1 " + "lang " * 30}  # a long title wraps
    figure = trajectory_map_figure(answer, words, "nl")
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert len(panels) == 3
    assert panels[1].get_title().replace("\n", " ") == \
        f"Ronde 2: {count_text(back, 'nl')} terug, {count_text(MAX_MOVES + 300 - back, 'nl')} nieuw"
    moves = [c for c in panels[1].collections if isinstance(c, LineCollection)]
    assert len(moves) == 1 and len(moves[0].get_segments()) == lines
    assert not [c for c in panels[0].collections if isinstance(c, LineCollection)]
    _inside(figure)


def test_map_figure_in_two_rows_for_five_rounds() -> None:
    figure = trajectory_map_figure(_map(5, 40, 10), WORDS["en"], "en")
    assert sum(ax.get_visible() for ax in figure.axes) == 5
    _inside(figure)
    assert map_figure(ProcessMap(axes_round=1, statements=[], rounds=[]), "en") is None
