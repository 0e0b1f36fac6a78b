"""PUT /reference and GET /diversity: validation, k-anonymity, the report's numbers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .helpers import Dialogue, make_dialogue

REFERENCE = {"attributes": {"age": {"18-34": 0.3, "35-64": 0.5, "65+": 0.2},
                            "gender": {"man": 0.5, "vrouw": 0.5}}}


def _wait(client: TestClient) -> None:
    """Let the background analysis started by the votes finish."""
    assert client.app.state.service.scheduler.wait_idle()  # type: ignore[attr-defined]


def test_put_and_get_reference(dialogue: Dialogue):
    r = dialogue.client.put(dialogue.url("/reference"), headers=dialogue.f, json=REFERENCE)
    assert r.status_code == 200, r.text
    assert r.json()["attributes"]["age"] == pytest.approx(REFERENCE["attributes"]["age"])
    got = dialogue.client.get(dialogue.url("/reference"), headers=dialogue.f)
    assert got.status_code == 200 and got.json()["attributes"]["gender"]["man"] == 0.5
    # replacing works; deleting too
    other = {"attributes": {"age": {"young": 0.4, "old": 0.6}}}
    assert dialogue.client.put(dialogue.url("/reference"), headers=dialogue.f,
                               json=other).json()["attributes"] == other["attributes"]
    assert dialogue.client.delete(dialogue.url("/reference"),
                                  headers=dialogue.f).status_code == 204
    assert dialogue.client.get(dialogue.url("/reference"), headers=dialogue.f).status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"attributes": {"age": {"a": 0.5, "b": 0.3}}}, "'age': shares sum to 0.8"),
    ({"attributes": {"age": {"a": -0.2, "b": 1.2}}}, "'age', category 'a': negative share"),
    ({"attributes": {"age": {}}}, "'age': has no categories"),
    ({"attributes": {"age": [0.5, 0.5]}}, "'age': must be an object"),
    ({"attributes": [1, 2]}, "must be an object"),
    ({"attributes": {}}, "no attributes"),
    ({"age": {"a": 1.0}}, '"attributes"'),
    ([1, 2, 3], '"attributes"'),
    ({"attributes": {"age": {"a": "veel", "b": 0.5}}}, "'a': share must be a finite number"),
])
def test_bad_reference_is_422_and_nothing_is_stored(dialogue: Dialogue, body, message):
    good = {"attributes": {"gender": {"man": 0.5, "vrouw": 0.5}}}
    assert dialogue.client.put(dialogue.url("/reference"), headers=dialogue.f,
                               json=good).status_code == 200
    r = dialogue.client.put(dialogue.url("/reference"), headers=dialogue.f, json=body)
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"]
    # the earlier reference is untouched
    stored = dialogue.client.get(dialogue.url("/reference"), headers=dialogue.f).json()
    assert stored["attributes"] == good["attributes"]


def test_facilitator_only(dialogue: Dialogue):
    for method, path in (("put", "/reference"), ("get", "/reference"), ("get", "/diversity")):
        kwargs = {"json": REFERENCE} if method == "put" else {}
        call = getattr(dialogue.client, method)
        assert call(dialogue.url(path), **kwargs).status_code == 401
        assert call(dialogue.url(path), headers=dialogue.p(0), **kwargs).status_code == 403
    assert dialogue.client.get("/conversations/999999/diversity",
                               headers=dialogue.f).status_code == 404


def test_diversity_report_by_hand(client: TestClient):
    d = make_dialogue(client, participants=0)
    # ages: 8 x 35-64, 6 x 18-34, 1 x 65+, 2 without an answer; genders 9 man, 8 vrouw
    ages = ["35-64"] * 8 + ["18-34"] * 6 + ["65+"] + [None, None]
    genders = ["man"] * 9 + ["vrouw"] * 8
    for age, gender in zip(ages, genders, strict=True):
        d.join(demographics={key: value for key, value in (("age", age), ("gender", gender))
                             if value})
    assert client.put(d.url("/reference"), headers=d.f, json=REFERENCE).status_code == 200
    for i in range(len(ages)):  # everyone votes on the first two statements
        assert d.vote(d.statements[0], 1 if i < 9 else -1, i).status_code < 300
        assert d.vote(d.statements[1], 0, i).status_code < 300
    _wait(client)

    r = client.get(d.url("/diversity"), headers=d.f)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"participation", "attributes", "weights", "opinion", "weighted"}
    p = body["participation"]
    # 17 joined and voted, nobody wrote; 34 votes on 5 statements -> density 34 / (17 x 5)
    assert (p["joined"], p["voted"], p["wrote"], p["votes"]) == (17, 17, 0, 34)
    assert p["density"] == pytest.approx(0.4)
    assert p["statements_by_state"] == {"accepted": 5}
    assert sum(p["hourly"]["joined"]) == 17 and sum(p["daily"]["votes"]) == 34

    age = body["attributes"]["age"]
    # 65+ has 1 (< 5): hidden; pooled 1 < 5 so 18-34 (6, the smallest shown) is hidden too
    assert age["counts"] == {"35-64": 8}
    assert sorted(age["hidden_categories"]) == ["18-34", "65+"]
    assert (age["respondents"], age["missing"]) == (15, 2)
    # published table [8, 7] vs reference [0.5, 0.3 + 0.2]: ratio (8/15)/0.5 = 1.0667,
    # hidden (7/15)/0.5 = 0.9333; D = 1/2 (0.0333 + 0.0333) = 0.0333
    assert age["representation_ratio"]["35-64"] == pytest.approx(16 / 15)
    assert age["dissimilarity"] == pytest.approx(1 / 30)
    for key in ("shannon", "evenness", "gini_simpson", "effective_categories", "cv", "chi2_p"):
        assert key in age
    # no published count is one of the hidden ones (1 and 6)
    assert not {1, 6} & set(age["counts"].values())
    # gender 9 / 8 of 17 vs 0.5 / 0.5: ratios 18/17 and 16/17
    gender = body["attributes"]["gender"]
    assert gender["representation_ratio"] == pytest.approx({"man": 18 / 17, "vrouw": 16 / 17})
    # gini-simpson 1 - (81 + 64) / 289 = 0.49827
    assert gender["gini_simpson"] == pytest.approx(1 - 145 / 289)
    # nobody gave a role: the attribute has no respondents and is left out
    assert "role" not in body["attributes"]

    w = body["weights"]
    assert w["method"] == "raking" and w["converged"] and w["n"] == 17
    assert 0 < w["effective_sample_size"] < 17
    rates = {s["statement_id"]: s for s in body["weighted"]}
    # 9 of 17 agree with the first statement; weighted it moves but stays a rate
    assert rates[d.statements[0]]["agree"] == pytest.approx(9 / 17)
    assert 0 < rates[d.statements[0]]["agree_weighted"] < 1
    # statements nobody voted on: no rate, and no weighted rate (fewer than k votes)
    assert rates[d.statements[4]]["agree"] is None
    assert rates[d.statements[4]]["agree_weighted"] is None
    o = body["opinion"]
    assert {"effective_groups", "total_variance", "statements", "coverage"} <= set(o)


def test_k_anonymity_parameter(client: TestClient):
    d = make_dialogue(client, participants=0)
    # 4 "x" and 3 "y" in a question nobody put in the reference
    for answer in ["x"] * 4 + ["y"] * 3:
        d.join(demographics={"wijk": answer})
    body = client.get(d.url("/diversity"), headers=d.f).json()
    # k = 5: 7 answered, but both cells are small -> every cell hidden, the attribute suppressed
    assert body["attributes"]["wijk"]["suppressed"] is True
    assert body["attributes"]["wijk"]["counts"] == {}
    assert body["attributes"]["wijk"]["shannon"] is None
    body3 = client.get(d.url("/diversity?k=3"), headers=d.f).json()
    assert body3["attributes"]["wijk"]["counts"] == {"x": 4, "y": 3}
    assert client.get(d.url("/diversity?k=2"), headers=d.f).status_code == 422
    # a question only 1 participant answered is not even named
    d.join(demographics={"geheime vraag": "ja"})
    body = client.get(d.url("/diversity"), headers=d.f).json()
    assert "geheime vraag" not in str(body)


def test_empty_conversation(client: TestClient):
    d = make_dialogue(client, participants=0)
    r = client.get(d.url("/diversity"), headers=d.f)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["participation"]["joined"] == 0
    assert body["weights"]["effective_sample_size"] == 0
    assert body["opinion"]["groups"] == 0


def test_reference_goes_with_the_conversation(dialogue: Dialogue):
    assert dialogue.client.put(dialogue.url("/reference"), headers=dialogue.f,
                               json=REFERENCE).status_code == 200
    assert dialogue.client.delete(dialogue.url(), headers=dialogue.f).status_code == 204
    assert dialogue.client.get(dialogue.url("/reference"),
                               headers=dialogue.f).status_code == 404


def test_opinion_diversity_of_two_camps(client: TestClient):
    d = make_dialogue(client, participants=0)
    # 20 participants in two camps of 10 that disagree on every statement
    for i in range(20):
        d.join()
        for j, sid in enumerate(d.statements):
            assert d.vote(sid, 1 if (i % 2 == 0) == (j % 2 == 0) else -1, i).status_code < 300
    _wait(client)
    o = client.get(d.url("/diversity"), headers=d.f).json()["opinion"]
    # two groups of 10: exp(ln 2) = 2 = 1 / (0.25 + 0.25)
    assert o["groups"] == 2 and sorted(o["group_sizes"].values()) == [10, 10]
    assert o["effective_groups"] == pytest.approx(2.0)
    assert o["effective_groups_simpson"] == pytest.approx(2.0)
    # each statement: one camp agrees 100 %, the other 0 % -> range 1, Cramer's V 1
    assert all(s["agree_range"] == pytest.approx(1.0) for s in o["statements"])
    assert all(s["cramers_v"] == pytest.approx(1.0) for s in o["statements"])
    # every voter agrees with some statement among the top 5
    assert o["coverage"]["share"] == pytest.approx(1.0)
