"""``meedenken demo`` seeds a Dutch health-care dialogue whose map shows the planted groups."""

from __future__ import annotations

from sqlmodel import Session, select

from meedenken.api.cli.main import build_parser, main
from meedenken.models.db import make_engine
from meedenken.models.tables import AnalysisSnapshot, Participant, Statement


def test_demo_seeds_analyses_and_prints_the_urls(tmp_path, capsys):
    assert main(["demo", "--data-dir", str(tmp_path), "--no-serve", "--port", "0"]) == 0
    out = capsys.readouterr().out
    assert "Zorg en ondersteuning in Zoetermeer" in out
    for part in ("/docs", "/conversations/1/analysis", "/conversations/1/stream",
                 "facilitator token:"):
        assert part in out
    engine = make_engine(f"sqlite:///{tmp_path / 'meedenken-demo.db'}")
    with Session(engine) as session:
        snapshot = session.exec(select(AnalysisSnapshot)).one()
        roles = {p.role for p in session.exec(select(Participant))}
        pending = session.exec(select(Statement).where(Statement.moderation == "pending")).all()
    engine.dispose()
    result = snapshot.result
    assert result["participants"] == 300 and result["votes"] > 4000
    assert result["k"] == 3  # the three planted opinion groups
    assert result["consensus"]["agree"], "the shared statements show up as consensus"
    assert {"resident", "professional", "manager"} <= roles
    assert len(pending) == 2


def test_serve_arguments():
    args = build_parser().parse_args(["serve", "--db", "postgresql://u@h/db", "--port", "9000"])
    assert (args.db, args.port, args.host) == ("postgresql://u@h/db", 9000, "127.0.0.1")
