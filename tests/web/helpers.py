"""Helpers of the browser tests: conversations made through the HTTP API."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

SEEDS = [
    "De huisarts is binnen twee dagen bereikbaar.",
    "Er moet meer geld naar de thuiszorg.",
    "Mantelzorgers verdienen meer ondersteuning.",
    "Beeldbellen met de dokter werkt goed.",
    "De wachttijd voor de GGZ is te lang.",
]


@dataclass
class Conversation:
    http: httpx.Client
    id: int
    token: str
    statements: list[int] = field(default_factory=list)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def analysis(self) -> dict:
        r = self.http.get(f"/conversations/{self.id}/analysis", headers=self.auth)
        r.raise_for_status()
        return r.json()


def make_conversation(http: httpx.Client, seeds: list[str] = SEEDS,
                      **settings: object) -> Conversation:
    r = http.post("/conversations", json={"topic": "Zorg in de wijk",
                                          "description": "Wat vindt u van de zorg in uw wijk?",
                                          **settings})
    r.raise_for_status()
    conv = Conversation(http, r.json()["id"], r.json()["facilitator_token"])
    r = http.post(f"/conversations/{conv.id}/statements/bulk", headers=conv.auth,
                  json={"statements": [{"text": t} for t in seeds]})
    r.raise_for_status()
    conv.statements = [s["id"] for s in r.json()["data"]]
    return conv


def add_voters(conv: Conversation, n: int) -> None:
    """``n`` participants who vote on every statement, in two camps."""
    for i in range(n):
        r = conv.http.post(f"/conversations/{conv.id}/participants", json={})
        r.raise_for_status()
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        for j, sid in enumerate(conv.statements):
            vote = 1 if (i + j) % 2 == 0 else -1
            r = conv.http.post(f"/conversations/{conv.id}/votes", headers=auth,
                               json={"statement_id": sid, "vote": vote})
            r.raise_for_status()
