"""``meedenken report --db URL --conversation ID``: a conversation of the service database."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from meedenken.api.cli.main import main

pytestmark = pytest.mark.skipif(importlib.util.find_spec("meedenken.models.tables") is None,
                                reason="the service's database layer (models.tables) is absent")


def _database(path: Path) -> str:
    from sqlmodel import Session, SQLModel

    from meedenken.models.db import make_engine
    from meedenken.models.tables import (
        Conversation,
        Moderation,
        Participant,
        Statement,
        VoteHistory,
    )

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    rng = np.random.default_rng(5)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with Session(engine) as session:
        conversation = Conversation(topic="Zorg <dichtbij> huis", description="Regio West",
                                    facilitator_token_hash="f" * 64, max_groups=3)
        session.add(conversation)
        session.commit()
        cid = conversation.id
        people = [Participant(conversation_id=cid, token_hash=f"{i:064d}",
                              created_at=start + timedelta(hours=i)) for i in range(50)]
        session.add_all(people)
        session.commit()
        statements = [Statement(conversation_id=cid, text=f"Stelling {i} <b>vet</b>",
                                is_seed=i < 6, author_id=None if i < 6 else people[i].id,
                                moderation=Moderation.rejected if i == 11 else
                                Moderation.accepted) for i in range(12)]
        session.add_all(statements)
        session.commit()
        side = np.repeat([1, -1], 25)
        for i, person in enumerate(people):
            for j, statement in enumerate(statements):
                if rng.random() < 0.85:
                    value = int(side[i] * (1 if j % 2 else -1)) if j else 1
                    session.add(VoteHistory(conversation_id=cid, participant_id=person.id,
                                            statement_id=statement.id, value=value,
                                            created_at=start + timedelta(hours=i, minutes=j)))
        # a changed vote: the later one counts
        session.add(VoteHistory(conversation_id=cid, participant_id=people[0].id,
                                statement_id=statements[0].id, value=-1,
                                created_at=start + timedelta(days=3)))
        session.commit()
    engine.dispose()
    return url


def test_report_from_database(tmp_path: Path) -> None:
    url = _database(tmp_path / "meedenken.db")
    out = tmp_path / "db.html"
    assert main(["report", "--db", url, "--conversation", "1", "--out", str(out),
                 "--no-topics", "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Zorg &lt;dichtbij&gt; huis" in html and "Stelling 3 &lt;b&gt;vet&lt;/b&gt;" in html
    assert ("<code>max_groups</code></td><td><code>3</code> (set for this analysis; default "
            "<code>6</code>)") in html  # the conversation's own setting
    assert "The Computational Democracy Project" not in html  # no Pol.is attribution needed
    # Issue 15: the database has no input file, so the report fingerprints its votes.
    from meedenken.api.report.db_source import from_database
    from meedenken.api.report.provenance import votes_fingerprint
    digest = votes_fingerprint(from_database(url, 1).matrix)
    assert ("<code>votes (participant, statement, vote; sorted)</code>: "
            f'<code class="hash">{digest}</code>') in html
    assert '<td>statements: moderated out</td><td class="num">1</td>' in html


def test_database_source_contents(tmp_path: Path) -> None:
    from meedenken.api.report.db_source import from_database

    source = from_database(_database(tmp_path / "m.db"), 1)
    matrix = source.matrix
    assert matrix.n_participants == 50 and matrix.n_statements == 12
    assert matrix.excluded.sum() == 1
    row, column = matrix.participant_index[1], matrix.statement_index[1]
    assert matrix.X[row, column] == -1  # the latest vote won
    assert len(source.join_times) == 50 and source.max_groups == 3
    assert len(source.authors) == 6


@pytest.mark.parametrize(("argv", "message"), [
    (["--db", "{url}", "--conversation", "99"], "no conversation with id 99"),
    (["--db", "{url}"], "--conversation ID is required"),
    (["--db", "sqlite:///{tmp}/not-a-database.db", "--conversation", "1"], "cannot read"),
])
def test_database_errors(argv: list[str], message: str, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    url = _database(tmp_path / "e.db")
    (tmp_path / "not-a-database.db").write_bytes(b"this is not SQLite\n" * 100)
    args = ["report", *[a.format(url=url, tmp=tmp_path) for a in argv],
            "--out", str(tmp_path / "r.html")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def _roles_database(path: Path) -> str:
    """48 participants with declared roles (30 residents, 10 professionals, 8 managers) and 3
    board members (a cell under 5, hidden); every one votes on every statement. Statement
    (id) 1: everyone agrees; 2: the managers reject it; 3: the board members reject it; 4:
    split."""
    from sqlmodel import Session, SQLModel

    from meedenken.models.db import make_engine
    from meedenken.models.tables import Conversation, Participant, Role, Statement, VoteHistory

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    roles = ([Role.resident] * 30 + [Role.professional] * 10 + [Role.manager] * 8
             + [Role.board_member] * 3)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with Session(engine) as session:
        conversation = Conversation(topic="Rollen", description="", facilitator_token_hash="f" * 64)
        session.add(conversation)
        session.commit()
        cid = conversation.id
        people = [Participant(conversation_id=cid, token_hash=f"{i:064d}", role=role,
                              created_at=start + timedelta(minutes=i))
                  for i, role in enumerate(roles)]
        session.add_all(people)
        session.commit()
        statements = [Statement(conversation_id=cid, text=f"Stelling {i}", is_seed=True)
                      for i in range(4)]
        session.add_all(statements)
        session.commit()
        for i, (person, role) in enumerate(zip(people, roles, strict=True)):
            votes = [1,
                     -1 if role == Role.manager else 1,
                     -1 if role == Role.board_member else 1,
                     1 if i % 2 else -1]
            for statement, value in zip(statements, votes, strict=True):
                session.add(VoteHistory(conversation_id=cid, participant_id=person.id,
                                        statement_id=statement.id, value=value,
                                        created_at=start + timedelta(hours=1, minutes=i)))
        session.commit()
    engine.dispose()
    return url


@pytest.mark.parametrize(("lang", "heading", "board"), [
    ("en", "Common ground across roles", "board member"),
    ("nl", "Gemeenschappelijke grond tussen rollen", "bestuurder"),
])
def test_report_hears_the_declared_roles_as_the_dashboard_does(
        tmp_path: Path, lang: str, heading: str, board: str) -> None:
    """Issue 16: the report's analysis reads the roles declared in the service (as the live
    analysis does), so a statement a role rejects is not common ground in the report either,
    and "common ground across roles" is a list of its own; a role of 3 stays hidden."""
    url = _roles_database(tmp_path / "roles.db")
    out = tmp_path / f"roles-{lang}.html"
    assert main(["report", "--db", url, "--conversation", "1", "--out", str(out),
                 "--no-topics", "--lang", lang]) == 0
    html = out.read_text(encoding="utf-8")
    start = html.index('<section id="bridging">')
    body = html[start:html.index("</section>", start)]

    def listed(css: str) -> list[int]:
        part = body[body.index(f'<ol class="{css}">'):]
        part = part[:part.index("</ol>")]
        return [int(item.split(" ", 1)[0]) for item in part.split("<li>#")[1:]]

    assert listed("common-ground") == [1, 3]  # 2: the managers reject it
    assert f"<h3 id=\"common-ground-roles\">{heading}</h3>" in body
    assert listed("common-ground-roles") == [1, 3]
    roles = body[body.index('<ol class="common-ground-roles">'):]
    roles = roles[:roles.index("</ol>")]
    assert "manager 100%" in roles and "score" not in roles
    assert board not in roles  # a cell of 3 is hidden


def test_database_source_reads_the_declared_roles(tmp_path: Path) -> None:
    from meedenken.api.report.db_source import from_database

    source = from_database(_roles_database(tmp_path / "r.db"), 1)
    assert sorted(set(source.attributes["role"].values())) == [
        "board_member", "manager", "professional", "resident"]
    assert from_database(_database(tmp_path / "m.db"), 1).attributes == {}
