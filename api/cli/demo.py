"""A seeded demo dialogue: "Zorg en ondersteuning in Zoetermeer".

Twenty-six Dutch statements about health care and support in a Dutch town, and simulated
participants in three planted opinion groups (residents who miss care, care professionals, and
managers/board members) who vote with noise, so the opinion map, groups, consensus and bridging
have something to show. The data are invented; they only look like a real dialogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import Engine, insert
from sqlmodel import Session

from meedenken.api.security import new_token
from meedenken.models.db import write_guard
from meedenken.models.tables import (
    Conversation,
    Language,
    Moderation,
    Participant,
    Role,
    Statement,
    Vote,
    VoteHistory,
    utcnow,
)

__all__ = ["DEMO_STATEMENTS", "DemoConversation", "seed_demo"]

TOPIC = "Zorg en ondersteuning in Zoetermeer"
DESCRIPTION = (
    "Hoe kunnen huisartsen, thuiszorg, GGZ, mantelzorgers en de gemeente samen zorgen dat "
    "iedereen in Zoetermeer de zorg en ondersteuning krijgt die nodig is? Geef bij elke stelling "
    "aan of u het ermee eens bent, oneens, of sla over. (Demo met gesimuleerde deelnemers.)"
)

#: (text, stance of group 0 "bewoners die zorg missen", 1 "zorgprofessionals",
#: 2 "bestuur en management"): +1 agree, -1 disagree, 0 divided.
DEMO_STATEMENTS: list[tuple[str, int, int, int]] = [
    ("Ik kan mijn huisarts binnen twee werkdagen spreken als ik dat nodig heb.", -1, 0, 1),
    ("De huisartsenpost is 's avonds en in het weekend goed bereikbaar.", -1, 0, 1),
    ("Huisartsen moeten meer taken kunnen overdragen aan praktijkondersteuners en "
     "verpleegkundigen.", 0, 1, 1),
    ("Beeldbellen met de huisarts is voor mij een goed alternatief voor een bezoek aan de "
     "praktijk.", -1, 1, 1),
    ("Digitale zorg mag nooit de enige keuze zijn; er moet altijd iemand zijn die je persoonlijk "
     "helpt.", 1, 1, -1),
    ("Een zorgapp die mijn gegevens deelt met al mijn zorgverleners zou mij veel gedoe "
     "besparen.", -1, 0, 1),
    ("De wachttijd voor de GGZ in Zoetermeer is onaanvaardbaar lang.", 1, 1, 1),
    ("Wie op de wachtlijst voor de GGZ staat, moet in de tussentijd steun krijgen van een vast "
     "aanspreekpunt.", 1, 1, 1),
    ("Jongeren met psychische klachten moeten zonder verwijzing bij het wijkteam terecht "
     "kunnen.", 1, -1, 0),
    ("Mantelzorgers krijgen te weinig erkenning en ondersteuning van de gemeente.", 1, 1, 0),
    ("Respijtzorg, zodat een mantelzorger even vrij is, moet makkelijker aan te vragen zijn.",
     1, 1, 1),
    ("Thuiszorgmedewerkers hebben te weinig tijd per cliënt.", 1, 1, -1),
    ("Het is beter om meer mensen thuis te verzorgen dan in een verpleeghuis, ook als dat meer "
     "van familie vraagt.", -1, 0, 1),
    ("Wijkverpleegkundigen moeten zelf kunnen beslissen hoeveel zorg een cliënt krijgt.",
     1, 1, -1),
    ("Eenzaamheid onder ouderen is in mijn wijk een groot probleem.", 1, 1, 0),
    ("Buurthuizen en ontmoetingsplekken zijn net zo belangrijk voor de gezondheid als een extra "
     "huisarts.", 0, 1, 1),
    ("De gemeente moet bezuinigen op zorg om andere voorzieningen in stand te houden.",
     -1, -1, 1),
    ("Zorgorganisaties in de regio moeten beter samenwerken in plaats van met elkaar te "
     "concurreren.", 1, 1, 1),
    ("Het eigen risico houdt mensen met een laag inkomen weg bij de zorg die ze nodig hebben.",
     1, 1, -1),
    ("Ik weet bij wie ik moet aankloppen als ik hulp nodig heb bij zorg of ondersteuning.",
     -1, 1, 1),
    ("Vrijwilligers kunnen een deel van de ondersteuning van ouderen overnemen.", -1, -1, 1),
    ("Er moet meer geld naar preventie, zoals bewegen en gezonde voeding, ook als dat ten koste "
     "gaat van de zorg van nu.", -1, 0, 1),
    ("Zorgmedewerkers verdienen een hoger salaris om het personeelstekort op te lossen.",
     1, 1, 0),
    ("Als bewoner word ik serieus betrokken bij beslissingen over de zorg in Zoetermeer.",
     -1, -1, 1),
    ("Een gezondheidscentrum met huisarts, fysiotherapeut en wijkteam onder één dak maakt de "
     "zorg beter.", 1, 1, 1),
    ("Ik maak me zorgen of er later nog plek is in een verpleeghuis voor mijn ouders of voor "
     "mijzelf.", 1, 1, -1),
]

#: Submissions by participants, waiting for the facilitator (the moderation queue).
PENDING = [
    "De bus naar het ziekenhuis rijdt te weinig voor mensen zonder auto.",
    "Er moeten meer huisartsen bijkomen in Oosterheem.",
]

GROUP_SHARES = (0.45, 0.30, 0.25)
GROUP_ROLES = (
    ((Role.resident, 0.6), (Role.patient, 0.2), (Role.carer, 0.2)),
    ((Role.professional, 0.8), (Role.resident, 0.1), (Role.carer, 0.1)),
    ((Role.manager, 0.5), (Role.board_member, 0.2), (Role.professional, 0.2),
     (Role.resident, 0.1)),
)
AGE_BANDS = ("18-34", "35-54", "55-74", "75+")
AGE_WEIGHTS = ((0.15, 0.25, 0.35, 0.25), (0.3, 0.45, 0.25, 0.0), (0.1, 0.55, 0.35, 0.0))
DISTRICTS = ("Buytenwegh", "Dorp", "Driemanspolder", "Meerzicht", "Noordhove", "Oosterheem",
             "Palenstein", "Rokkeveen", "Seghwaert")
#: How a participant votes on a statement their group agrees with (mirrored for disagree):
#: agree, pass, disagree. On divided statements: disagree, pass, agree.
P_WITH_GROUP = (0.80, 0.10, 0.10)
P_DIVIDED = (0.35, 0.30, 0.35)
#: Each participant votes on this many statements (uniform), like a real partial vote matrix.
VOTES_PER_PARTICIPANT = (10, 26)


@dataclass(frozen=True)
class DemoConversation:
    conversation_id: int
    facilitator_token: str
    participant_token: str
    n_participants: int
    n_votes: int


def _pick(rng: np.random.Generator, options: tuple, weights: tuple[float, ...]) -> object:
    return options[int(rng.choice(len(options), p=np.asarray(weights) / sum(weights)))]


def seed_demo(engine: Engine, *, n_participants: int = 300,
              random_state: int = 0) -> DemoConversation:
    """Create the demo conversation with statements, participants and their votes."""
    rng = np.random.default_rng(random_state)
    facilitator_token, facilitator_hash = new_token()
    start = utcnow() - timedelta(hours=3)
    with write_guard(engine) as eng, Session(eng) as session:
        conv = Conversation(topic=TOPIC, description=DESCRIPTION, language=Language.nl,
                            facilitator_token_hash=facilitator_hash, max_groups=5,
                            created_at=start)
        session.add(conv)
        session.flush()
        statements = [Statement(conversation_id=conv.id, text=text, is_seed=True,  # type: ignore[arg-type]
                                moderation=Moderation.accepted, created_at=start)
                      for text, *_ in DEMO_STATEMENTS]
        session.add_all(statements)
        session.flush()
        stances = np.array([s[1:] for s in DEMO_STATEMENTS])  # (n_statements, 3)
        tokens: list[str] = []
        votes: list[dict] = []
        for p in range(n_participants):
            group = int(rng.choice(3, p=GROUP_SHARES))
            roles, weights = zip(*GROUP_ROLES[group], strict=True)
            token, token_hash = new_token()
            tokens.append(token)
            joined = start + timedelta(seconds=float(rng.uniform(0, 3 * 3600 - 600)))
            participant = Participant(
                conversation_id=conv.id,  # type: ignore[arg-type]
                role=_pick(rng, roles, weights),  # type: ignore[arg-type]
                demographics={"leeftijd": str(_pick(rng, AGE_BANDS, AGE_WEIGHTS[group])),
                              "wijk": str(rng.choice(DISTRICTS))},
                token_hash=token_hash, created_at=joined)
            session.add(participant)
            session.flush()
            n_votes = int(rng.integers(*VOTES_PER_PARTICIPANT, endpoint=True))
            for j in rng.choice(len(statements), size=min(n_votes, len(statements)), replace=False):
                stance = int(stances[j, group])
                if stance == 0:
                    value = int(rng.choice([-1, 0, 1], p=P_DIVIDED))
                else:
                    value = stance * int(rng.choice([1, 0, -1], p=P_WITH_GROUP))
                joined += timedelta(seconds=float(rng.uniform(3, 20)))
                votes.append({"conversation_id": conv.id, "participant_id": participant.id,
                              "statement_id": statements[j].id, "value": value,
                              "created_at": joined})
            if p < len(PENDING):
                session.add(Statement(conversation_id=conv.id, text=PENDING[p],  # type: ignore[arg-type]
                                      author_id=participant.id, moderation=Moderation.pending,
                                      created_at=joined))
        votes.sort(key=lambda v: v["created_at"])
        session.exec(insert(VoteHistory), params=votes)  # type: ignore[call-overload]
        session.exec(insert(Vote), params=votes)  # type: ignore[call-overload]
        session.commit()
        return DemoConversation(conv.id, facilitator_token, tokens[0],  # type: ignore[arg-type]
                                n_participants, len(votes))
