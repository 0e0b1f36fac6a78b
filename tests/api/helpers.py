"""Helpers of the API tests: a dialogue made through the API."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx import Response


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Dialogue:
    """A conversation with seeds and participants, made through the API."""

    client: TestClient
    id: int
    facilitator: str
    statements: list[int]
    tokens: list[str]

    @property
    def f(self) -> dict[str, str]:
        return bearer(self.facilitator)

    def p(self, i: int = 0) -> dict[str, str]:
        return bearer(self.tokens[i])

    def url(self, tail: str = "") -> str:
        return f"/conversations/{self.id}{tail}"

    def join(self, **body: object) -> str:
        r = self.client.post(self.url("/participants"), json=body)
        assert r.status_code == 201, r.text
        self.tokens.append(r.json()["token"])
        return r.json()["token"]

    def vote(self, statement_id: int, value: int, i: int = 0) -> Response:
        return self.client.post(self.url("/votes"), headers=self.p(i),
                                json={"statement_id": statement_id, "vote": value})


SEEDS = [
    "De huisarts is binnen twee dagen bereikbaar.",
    "Er moet meer geld naar de thuiszorg.",
    "Mantelzorgers verdienen meer ondersteuning.",
    "Beeldbellen met de dokter werkt goed.",
    "De wachttijd voor de GGZ is te lang.",
]


def make_dialogue(client: TestClient, *, participants: int = 2, **settings: object) -> Dialogue:
    r = client.post("/conversations", json={"topic": "Zorg in de wijk", **settings})
    assert r.status_code == 201, r.text
    body = r.json()
    d = Dialogue(client, body["id"], body["facilitator_token"], [], [])
    r = client.post(d.url("/statements/bulk"), headers=d.f,
                    json={"statements": [{"text": t} for t in SEEDS]})
    assert r.status_code == 201, r.text
    d.statements = [s["id"] for s in r.json()["data"]]
    for _ in range(participants):
        d.join()
    return d
