"""The report's trajectory section (issue 21): ``meedenken report --db URL --conversation ID``
of any round of a trajectory reports the whole trajectory for the board.

Per round: participation (participants, returning, new, votes), its diversity (the mix of
declared roles and of the answers to the join questions, cells under the small-cell minimum
hidden; the number of opinion groups of its latest analysis) and who came back from the round
before, overall and by role; per carried statement: its agree share in every
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
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from sqlalchemy import func, literal_column
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
           "roles": "Rollen", "answers": "Antwoorden bij deelname",
           "groups": "Opiniegroepen", "carried": "Meegenomen stellingen: wat bleef, wat verschoof",
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
           "votes": "Votes", "roles": "Roles", "answers": "Answers to the join questions",
           "groups": "Opinion groups",
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


def _answers(session: Session, conversation_id: int, k: int) -> str:
    """The round's answers to the join questions (age, area, ...), per question, cells under
    ``k`` hidden (:func:`suppress_cells`, with its second cell where one alone would show)."""
    text: Any = literal_column("CAST(participant.demographics AS TEXT)")
    rows = session.exec(select(text, func.count())  # type: ignore[call-overload]
                        .where(Participant.conversation_id == conversation_id)
                        .group_by(text)).all()
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for raw, n in rows:
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            continue
        if isinstance(value, dict):
            for question, answer in value.items():
                if answer is not None and answer != "":
                    cells[str(question)][str(answer)] += int(n)
    parts = []
    for question in sorted(cells):
        names = sorted(cells[question])
        hidden = suppress_cells(np.array([cells[question][a] for a in names]), k).tolist()
        shown = ", ".join(f"{a} {'< ' + str(k) if h else cells[question][a]}"
                          for a, h in zip(names, hidden, strict=True))
        parts.append(f"{question}: {shown}")
    return "; ".join(parts)


def _groups(result: dict[str, Any]) -> int | str:
    """Opinion groups in the round's latest analysis ("-" before the first one)."""
    groups = result.get("groups")
    return len(groups) if isinstance(groups, list) else "-"


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
    hidden = f"< {k}"
    results = {r.round: latest_result(session, r.id) or {} for r in process.rounds}
    rounds = [{**r.model_dump(), "roles": _roles(session, r.id, k),
               "answers": _answers(session, r.id, k), "groups": _groups(results[r.round]),
               "returning": hidden if r.returning is None else r.returning,
               "new": hidden if r.new is None else r.new} for r in process.rounds]
    common_by_round = {n: {e["statement_id"] for e in result.get("bridging", [])
                           if e.get("is_bridging")} for n, result in results.items()}
    carried, common = [], []
    for c in process.carried:
        shares = [f"{words['round'].lower()} {e.round}: "
                  f"{_pct(e.votes.agree / max(sum(e.votes.model_dump().values()), 1))} "
                  f"{words['agree']}" for e in c.rounds]
        shifts = []
        for s in c.shifts:
            if s.agree_change is None:
                pairs = hidden if s.n_pairs is None else s.n_pairs
                shifts.append(f"{s.from_round} → {s.to_round}: {words['hidden']} "
                              f"(n = {pairs})")
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
    def cell(n: int | None) -> int | str:
        return hidden if n is None else n

    retention = [{"from": x.from_round, "to": x.to_round, "before": cell(x.overall.before),
                  "returned": cell(x.overall.returned),
                  "by_role": ", ".join(f"{name} {cell(c.returned)} / {cell(c.before)}"
                                       for name, c in x.by_role.items())}
                 for x in process.retention]
    return {"w": words, "rounds": rounds, "carried": carried, "common": common, "map": picture,
            "retention": retention}


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
