"""Topic keywords name the subject, not the time or the verb (issue 17, item 5; engine.topics and
engine.topic_words)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from meedenken.engine.stopwords import STOP_WORDS
from meedenken.engine.topic_words import TOPIC_FILLER_WORDS, TOPIC_FILLER_WORDS_BY_LANGUAGE
from meedenken.engine.topics import find_topics, topic_keywords

# Three Dutch themes; the same time words and generic verbs are sprinkled over all three.
THEMES = {
    "huisarts": [
        "Ik zit elke week een uur in de wachtkamer van de huisarts.",
        "In het weekend is de huisarts niet bereikbaar.",
        "De huisarts heeft maar tien minuten per dag voor een consult.",
        "Een nieuwe huisarts vinden in ons dorp duurt een jaar.",
        "De huisarts moet vaker op huisbezoek komen.",
        "Bij de huisarts krijg je pas na dagen een afspraak.",
    ],
    "mantelzorg": [
        "Mantelzorgers zorgen elke dag uren voor hun partner.",
        "Mantelzorgers hebben in het weekend nooit vrij.",
        "Een mantelzorger verdient een week respijtzorg per jaar.",
        "Mantelzorgers raken na een jaar vaak uitgeput.",
        "De gemeente moet mantelzorgers beter helpen.",
        "Als mantelzorger ben ik elke week twintig uur bezig.",
    ],
    "jeugdzorg": [
        "De wachtlijst in de jeugdzorg duurt een jaar.",
        "Kinderen in de jeugdzorg krijgen pas na weken een behandeling.",
        "De jeugdzorg is in het weekend onbereikbaar voor ouders.",
        "Jongeren vallen op hun achttiende uit de jeugdzorg, op één dag.",
        "Jeugdzorg moet elke dag dichtbij huis te krijgen zijn.",
        "Jeugdzorg wordt per uur betaald en dat kost veel tijd.",
    ],
}
TEXTS = [text for texts in THEMES.values() for text in texts]
TRUTH = [theme for theme, texts in THEMES.items() for _ in texts]
TIME_WORDS = {"uur", "uren", "week", "weken", "weekend", "dag", "dagen", "jaar", "minuten", "tijd"}


def _keyword_words(keywords) -> set[str]:
    return {w for kws in keywords for kw in kws for w in kw.split()}


def test_time_words_never_name_a_topic_and_the_three_themes_are_found():
    # No semantic signal in the embeddings (all equal): the topics come from the words alone.
    result = find_topics(TEXTS, np.ones((len(TEXTS), 4)))
    assert result.k == 3
    assert adjusted_rand_score(TRUTH, result.labels) == 1.0
    words = _keyword_words(t.keywords for t in result.topics)
    assert not words & TIME_WORDS
    assert not words & (STOP_WORDS | TOPIC_FILLER_WORDS)
    first = {TRUTH[t.statement_indices[0]]: t.keywords[0] for t in result.topics}
    assert first == {"huisarts": "huisarts", "mantelzorg": "mantelzorgers",
                     "jeugdzorg": "jeugdzorg"}


def test_time_words_do_not_mix_the_themes_with_the_shipped_model():
    from .semantic_support import packaged_embedder

    result = find_topics(TEXTS, packaged_embedder().embed(TEXTS))
    assert result.k == 3 and adjusted_rand_score(TRUTH, result.labels) == 1.0
    assert not _keyword_words(t.keywords for t in result.topics) & TIME_WORDS


def test_keywords_of_the_true_themes_skip_time_words():
    labels = np.array([list(THEMES).index(theme) for theme in TRUTH])
    keywords = topic_keywords(TEXTS, labels, n_keywords=5)
    assert keywords[0][0] == "huisarts" and keywords[2][0] == "jeugdzorg"
    assert "mantelzorgers" in keywords[1]  # "mantelzorger" counted with it (one stem)
    assert not _keyword_words(keywords.values()) & TIME_WORDS


def test_a_word_in_most_topics_is_nobodys_keyword():
    texts = ["gemeente huisarts", "gemeente huisarts", "gemeente jeugdzorg", "gemeente jeugdzorg",
             "gemeente ouderen", "gemeente ouderen", "dorp", "dorp"]
    keywords = topic_keywords(texts, np.array([0, 0, 1, 1, 2, 2, 3, 3]))
    assert keywords == {0: ("huisarts",), 1: ("jeugdzorg",), 2: ("ouderen",), 3: ("dorp",)}


def test_a_keyword_is_shared_by_statements_of_its_topic():
    # Words one statement uses say nothing about the topic: no keywords rather than noise.
    texts = ["huisarts bellen", "huisarts mailen", "aardappel", "fiets"]
    assert topic_keywords(texts, np.array([0, 0, 1, 1])) == {0: ("huisarts",), 1: ()}


def test_inflected_generic_words_and_german_verbs_rank_below_nouns():
    texts = ["Wir sollten Produkte mit gutem Design fördern.",
             "Die Produkte müssen länger halten, wir fördern Reparatur.",
             "Mehr Busse auf dem Land.", "Busse fahren zu selten aufs Land."]
    keywords = topic_keywords(texts, np.array([0, 0, 1, 1]), n_keywords=2)
    assert keywords[0][0] == "produkte"  # the noun before the verb "fördern"
    assert "gutem" not in _keyword_words(keywords.values())  # "gute" inflected
    assert set(keywords[1]) == {"busse", "land"}


def test_generic_word_lists_cover_three_languages_and_keep_subject_words():
    assert set(TOPIC_FILLER_WORDS_BY_LANGUAGE) == {"nl", "en", "de"}
    assert {"uur", "weekend", "able", "sure", "going", "thing", "stunde"} <= TOPIC_FILLER_WORDS
    assert not {"zorg", "zorgen", "huisarts", "geld", "hulp", "rights", "kind"} & TOPIC_FILLER_WORDS


def _cluster_with_excess(monkeypatch, n: int, excess: dict[int, float]) -> int:
    """k chosen by engine.topics._cluster when each k's silhouette excess is ``excess[k]``."""
    import meedenken.engine.topics as topics

    calls = []

    def silhouettes(features, ks):
        calls.append(1)
        observed = len(calls) == 1  # the data first, then the shuffled references (excess 0)
        labels = {k: np.arange(features.shape[0]) % k for k in ks}
        return labels, {k: excess[k] if observed else 0.0 for k in ks}

    monkeypatch.setattr(topics, "_silhouettes", silhouettes)
    labels, _ = topics._cluster(np.random.default_rng(0).standard_normal((n, 3)), None, 8)
    return len(np.unique(labels))


def test_a_large_conversation_gets_more_than_a_weak_first_split(monkeypatch):
    # austria-climate's curve: k = 2 wins by 0.005 only; 277 statements -> at least 4 topics.
    weak = {2: 0.025, 3: 0.020, 4: 0.019, 5: 0.012, 6: 0.014, 7: 0.014, 8: 0.019}
    assert _cluster_with_excess(monkeypatch, 277, weak) == 4
    assert _cluster_with_excess(monkeypatch, 40, weak) == 2  # small: the floor is 1
    # Two clearly separated topics keep k = 2 whatever the size.
    clear = {2: 0.20, 3: 0.05, 4: 0.04, 5: 0.03, 6: 0.03, 7: 0.03, 8: 0.03}
    assert _cluster_with_excess(monkeypatch, 2000, clear) == 2
    # The floor never exceeds half the maximum: 2,000 statements do not sit at the cap.
    rising = {k: 0.02 + 0.001 * k for k in range(2, 9)}
    assert _cluster_with_excess(monkeypatch, 2000, rising) == 4
