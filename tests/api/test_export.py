"""Export round trip: the Pol.is zip reads back (models.polis_export, meedenken analyze) to the
same vote matrix and history as the database holds."""

from __future__ import annotations

import io
import json
import zipfile

from sqlmodel import Session, select

from meedenken.api.cli.main import main as cli_main
from meedenken.models.polis_export import read_export
from meedenken.models.tables import Vote, VoteHistory

from .helpers import make_dialogue


def test_export_round_trip(client, tmp_path, capsys):
    d = make_dialogue(client, participants=8)
    d.client.post(d.url("/participants"), json={"xid": "extern-7"})
    d.tokens.append(d.client.post(d.url("/participants"), json={"xid": "extern-8"})
                    .json()["token"])
    for i in range(len(d.tokens)):
        for sid in d.statements:
            assert d.vote(sid, 1 if (i + sid) % 3 else -1, i=i).status_code == 201
    for sid in d.statements[:3]:
        assert d.vote(sid, 0, i=0).status_code == 201  # changed votes: history keeps both
    own = d.client.post(d.url("/statements"), headers=d.p(1), json={"text": "Eigen idee"})
    d.client.patch(d.url(f"/statements/{d.statements[4]}"), headers=d.f,
                   json={"moderation": "rejected"})
    assert client.app.state.service.scheduler.wait_idle()

    r = client.get(d.url("/export"), headers=d.f)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    assert {"votes.csv", "comments.csv", "participants-votes.csv", "summary.csv"} <= names
    path = tmp_path / "export.zip"
    path.write_bytes(r.content)
    export = read_export(path)

    with Session(client.app.state.service.engine) as session:
        current = {(p, s): v for p, s, v in session.exec(
            select(Vote.participant_id, Vote.statement_id, Vote.value)
            .where(Vote.conversation_id == d.id)).all()}
        history = session.exec(select(VoteHistory.participant_id, VoteHistory.statement_id,
                                      VoteHistory.value)
                               .where(VoteHistory.conversation_id == d.id)
                               .order_by(VoteHistory.id)).all()
    assert list(zip(export.voter_ids.tolist(), export.comment_ids.tolist(),
                    export.votes.tolist(), strict=True)) == [tuple(h) for h in history]
    matrix = export.to_matrix(exclude_moderated=False)
    rows, cols, values, _ = matrix.records()
    from_export = {(matrix.participant_ids[r], matrix.statement_ids[c]): int(v)
                   for r, c, v in zip(rows, cols, values, strict=True)}
    assert from_export == current
    comments = {c.comment_id: c for c in export.comments}
    assert comments[d.statements[4]].moderated == -1
    assert comments[own.json()["statement"]["id"]].moderated == 0
    assert comments[d.statements[0]].is_seed
    assert export.summary["topic"] == "Zorg in de wijk"
    assert "extern-8" in (export.xids or ())

    assert cli_main(["analyze", str(path), "--json", "--include-moderated"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["votes"] == len(current) and body["participants"] == len(d.tokens)


def test_export_is_for_the_facilitator(dialogue):
    c = dialogue.client
    assert c.get(dialogue.url("/export")).status_code == 401
    assert c.get(dialogue.url("/export"), headers=dialogue.p()).status_code == 403
    other = make_dialogue(c, participants=0)
    assert c.get(dialogue.url("/export"), headers=other.f).status_code == 403
    assert c.get("/conversations/999999/export", headers=dialogue.f).status_code == 404
