"""Issue 17, items 4 and 6: the "is uw stelling hetzelfde als ...?" check embeds what it is sent,
so a participant checks one text at a time, and every token's checks are rate limited; the
facilitator checks seeds in bulk (audit, session 8). Before, a participant's token made the
server embed up to 500 texts per request, as often as it liked."""

from __future__ import annotations

from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings

from .helpers import make_dialogue

TEXTS = {"texts": [{"text": "De huisarts moet 's avonds bereikbaar zijn."},
                   {"text": "Er moet een zwembad in de wijk komen."}]}


def test_a_participant_checks_one_text_and_the_facilitator_many(dialogue):
    c = dialogue.client
    r = c.post(dialogue.url("/statements/check"), headers=dialogue.p(), json=TEXTS)
    assert r.status_code == 422 and "participant" in r.json()["detail"]
    one = {"texts": TEXTS["texts"][:1]}
    assert c.post(dialogue.url("/statements/check"), headers=dialogue.p(),
                  json=one).status_code == 200
    r = c.post(dialogue.url("/statements/check"), headers=dialogue.f, json=TEXTS)
    assert r.status_code == 200 and len(r.json()["duplicates"]) == 2


def test_checks_are_rate_limited_per_token(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'limits.db'}",
                        analysis_in_process=True, limit_checks_participant="2/h burst 2",
                        limit_joins_address="100/min", limit_conversations_address="100/h")
    one = {"texts": TEXTS["texts"][:1]}
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=2)
        codes = [client.post(d.url("/statements/check"), headers=d.p(0), json=one).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = client.post(d.url("/statements/check"), headers=d.p(0), json=one)
        assert "too many checks" in refused.json()["detail"] and refused.headers["retry-after"]
        # another participant, and the facilitator, have buckets of their own
        assert client.post(d.url("/statements/check"), headers=d.p(1),
                           json=one).status_code == 200
        codes = [client.post(d.url("/statements/check"), headers=d.f, json=TEXTS).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
