"""The report's trajectory section (issue 21): ``meedenken report --db URL --conversation ID``
of any round of a trajectory reports the whole trajectory for the board.

Per round: participation (participants, returning, new, votes) and the mix of declared roles
(cells under the small-cell minimum hidden); per carried statement: its agree share in every
round and, for the people who voted in two consecutive rounds, the paired change with its 95%
Newcombe interval, marked "moved" when the interval leaves out zero and "held" otherwise; and
the statements that were common ground (the analysis's ``is_bridging``) in every round that
asked them; and every round on round 1's opinion map, a line for each returning person from
where they were to where they are (:mod:`.trajectory_map`). Every number comes from
:func:`meedenken.api.live.process.process_answer` (the same answer as ``GET /process``), the map
from :func:`meedenken.api.live.process_map.process_map` (``GET /process/map``) and the rounds'
stored snapshots; nothing is refitted.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from sqlalchemy import func
from sqlmodel import Session, select

from meedenken.api.live.process import process_answer
from meedenken.api.live.process_map import ProcessMap, process_map
from meedenken.api.live.rounds import round_of
from meedenken.api.present.trajectory import ProcessAnswer
from meedenken.api.store import latest_result
from meedenken.engine.diversity import suppress_cells
from meedenken.engine.diversity_settings import DIVERSITY
from meedenken.models.tables import Participant

from . import figures as fg

__all__ = ["MAP_FIGURE", "TEMPLATE", "TrajectorySection", "insert_section", "map_figure",
           "trajectory_context", "trajectory_section"]

TEMPLATE = Path(__file__).with_name("templates") / "trajectory.html"
#: File stem of the map figure (written as ``<report>-trajectory-map.png/.svg``).
MAP_FIGURE = "trajectory-map"

WORDS = {
    "nl": {"title": "Traject: alle rondes", "round": "Ronde", "topic": "Onderwerp",
           "participants": "Deelnemers", "returning": "Terug", "new": "Nieuw", "votes": "Stemmen",
           "roles": "Rollen", "carried": "Meegenomen stellingen: wat bleef, wat verschoof",
           "statement": "Stelling", "agree": "eens", "shift": "Verschuiving (gepaard)",
           "moved": "verschoven", "held": "bleef", "hidden": "te weinig mensen om te tonen",
           "common": "Gemeenschappelijke grond in elke ronde",
           "none": "Geen stelling was in elke ronde gemeenschappelijke grond.",
           "retention": "Terug uit de vorige ronde",
           "map": "Wie schoof waarheen: elke ronde op de kaart van ronde 1",
           "map_caption": "Elke ronde op de meningskaart van ronde 1, geplaatst met alleen de "
                          "stemmen op de meegenomen stellingen. Een lijn loopt van de plek van "
                          "een terugkerende deelnemer in de vorige ronde waaraan die meedeed "
                          "naar de plek nu (ten hoogste {moves} lijnen per ronde).",
           "map_none": "Geen kaart: uit ronde 1 is geen stelling meegenomen.",
           "map_panel": "Ronde {round}: {returning} terug, {new} nieuw",
           "map_new": "nieuw in deze ronde", "map_returning": "terug (plek nu)",
           "map_earlier": "plek in een eerdere ronde", "map_moved": "verschuiving",
           "map_axis_x": "as 1 van de kaart van ronde 1",
           "map_axis_y": "as 2 van de kaart van ronde 1",
           "note": "Verschuiving: alleen mensen die in beide rondes stemden; eens-aandeel na "
                   "min voor, met 95%-interval (Newcombe). Cellen onder {k} mensen verborgen."},
    "en": {"title": "Process: every round", "round": "Round", "topic": "Topic",
           "participants": "Participants", "returning": "Returning", "new": "New",
           "votes": "Votes", "roles": "Roles",
           "carried": "Carried statements: what held, what moved", "statement": "Statement",
           "agree": "agree", "shift": "Shift (paired)", "moved": "moved", "held": "held",
           "hidden": "too few people to show",
           "common": "Common ground in every round",
           "none": "No statement was common ground in every round that asked it.",
           "retention": "Back from the round before",
           "map": "Who moved where: every round on round 1's map",
           "map_caption": "Every round on round 1's opinion map, placed with the votes on the "
                          "carried statements only. A line runs from a returning participant's "
                          "place in the latest earlier round they took part in to their place "
                          "now (at most {moves} lines per round).",
           "map_none": "No map: no statement of round 1 was carried.",
           "map_panel": "Round {round}: {returning} returning, {new} new",
           "map_new": "new in this round", "map_returning": "returning (place now)",
           "map_earlier": "place in an earlier round", "map_moved": "shift",
           "map_axis_x": "axis 1 of round 1's map", "map_axis_y": "axis 2 of round 1's map",
           "note": "Shift: only people who voted in both rounds; agree share after minus "
                   "before, with a 95% interval (Newcombe). Cells under {k} people hidden."},
}


def _roles(session: Session, conversation_id: int, k: int) -> str:
    rows = session.exec(select(Participant.role, func.count())  # type: ignore[call-overload]
                        .where(Participant.conversation_id == conversation_id,
                               Participant.role.is_not(None))  # type: ignore[union-attr]
                        .group_by(Participant.role)).all()
    names = sorted(str(r) for r, _ in rows)
    counts = dict((str(r), int(n)) for r, n in rows)
    hidden = (suppress_cells(np.array([counts[n] for n in names]), k).tolist() if names
              else [])
    return ", ".join(f"{n} {'< ' + str(k) if h else counts[n]}"
                     for n, h in zip(names, hidden, strict=True))


def _pct(x: float | None) -> str:
    return "?" if x is None else f"{round(100 * x)}%"


def _points(x: float | None) -> str:
    return "?" if x is None else f"{100 * x:+.0f}"


@dataclass(frozen=True)
class TrajectorySection:
    """The report's trajectory section: its HTML and its figure (the map, when drawn)."""

    html: str
    figures: tuple[fg.RenderedFigure, ...]


def map_figure(answer: ProcessMap, lang: str) -> fg.RenderedFigure | None:
    """The rounds on round 1's map (None when no statement of round 1 was carried)."""
    from .trajectory_map import MAX_MOVES, trajectory_map_figure

    if not answer.rounds:
        return None
    words = WORDS[lang]
    return fg.render(MAP_FIGURE, words["map_caption"].format(moves=MAX_MOVES),
                     trajectory_map_figure(answer, words, lang), lang=lang)


def trajectory_context(session: Session, process: ProcessAnswer, lang: str,
                       figure: fg.RenderedFigure | None = None) -> dict[str, Any]:
    """The template's context (words, rounds, carried statements, common ground, the map)."""
    k = process.min_cell_size
    words = {key: (value.format(k=k) if key == "note" else value)
             for key, value in WORDS[lang].items()}
    rounds = [{**r.model_dump(), "roles": _roles(session, r.id, k)} for r in process.rounds]
    common_by_round = {}
    for r in process.rounds:
        result = latest_result(session, r.id) or {}
        common_by_round[r.round] = {e["statement_id"] for e in result.get("bridging", [])
                                    if e.get("is_bridging")}
    carried, common = [], []
    for c in process.carried:
        shares = [f"{words['round'].lower()} {e.round}: "
                  f"{_pct(e.votes.agree / max(sum(e.votes.model_dump().values()), 1))} "
                  f"{words['agree']}" for e in c.rounds]
        shifts = []
        for s in c.shifts:
            if s.agree_change is None:
                shifts.append(f"{s.from_round} → {s.to_round}: {words['hidden']} "
                              f"(n = {s.n_pairs})")
                continue
            low, high = s.agree_change_low, s.agree_change_high
            verdict = words["moved"] if low is not None and high is not None \
                and (low > 0 or high < 0) else words["held"]
            shifts.append(f"{s.from_round} → {s.to_round}: {_points(s.agree_change)} "
                          f"[{_points(low)}, {_points(high)}], n = {s.n_pairs}: {verdict}")
        carried.append({"text": c.text, "shares": "; ".join(shares), "shifts": shifts})
        if all(e.statement_id in common_by_round.get(e.round, set()) for e in c.rounds):
            common.append(c.text)
    picture = None if figure is None else {
        "src": "data:image/svg+xml;base64," + base64.b64encode(figure.svg.encode()).decode(),
        "caption": figure.caption}
    return {"w": words, "rounds": rounds, "carried": carried, "common": common, "map": picture,
            "retention": [{"from": x.from_round, "to": x.to_round,
                           "before": x.overall.before, "returned": x.overall.returned}
                          for x in process.retention]}


def trajectory_section(url: str, conversation_id: int,
                       lang: str = "nl") -> TrajectorySection | None:
    """The section for the trajectory of ``conversation_id`` (None: in no trajectory)."""
    from meedenken.models.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            if round_of(session, conversation_id) is None:
                return None
            process = process_answer(session, conversation_id, DIVERSITY.min_cell_size)
            figure = map_figure(process_map(session, conversation_id), lang)
            context = trajectory_context(session, process, lang, figure)
    finally:
        engine.dispose()
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent),
                                     autoescape=True)
    html = environment.get_template(TEMPLATE.name).render(context)
    return TrajectorySection(html, () if figure is None else (figure,))


def insert_section(html: str, section: str) -> str:
    """``section`` placed before the report's attribution (or at the end of the body)."""
    for anchor in ('<section id="attribution">', "</body>"):
        if anchor in html:
            return html.replace(anchor, section + "\n" + anchor, 1)
    return html + section
