"""Issue 18, item 8: a deleted conversation's text does not stay readable on disk (SQLite).

Replays the attack: delete a conversation, then read the database file and its WAL as raw
bytes. Before, the statement text stayed in the WAL (and in free pages) for minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import make_dialogue


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_deleted_text_is_gone_from_the_database_file_and_the_wal(client, db_url):
    path = Path(db_url.removeprefix("sqlite:///"))
    d = make_dialogue(client, participants=1)
    secret = "Mijn buurman op nummer 17 heeft schulden bij de woningcorporatie"
    r = client.post(d.url("/statements"), headers=d.p(0), json={"text": secret})
    assert r.status_code == 201
    client.patch(d.url("/participants/me"), headers=d.p(0),
                 json={"demographics": {"wijk": "Zuidoost-geheim"}})
    on_disk = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
    assert secret.encode() in on_disk  # the attack's premise: it was written

    assert client.delete(d.url(), headers=d.f).status_code == 204
    files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
    for file in files:
        data = file.read_bytes()
        assert secret.encode() not in data, file.name
        assert b"Zuidoost-geheim" not in data, file.name
    assert client.get(d.url()).status_code == 404
