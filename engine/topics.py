"""Topic groups of statements, their keywords, and how each opinion group votes per topic.

Statements are clustered on their (unit-length) embeddings by Ward agglomerative clustering, which
is deterministic: no random start, the same input gives the same topics. The embeddings are
centred first (their common direction says nothing about topics) and clustered beside the TF-IDF
of the statements' content-word stems (:data:`LEXICAL_WEIGHT`; generic words such as time words
and generic verbs, :mod:`engine.topic_words`, left out). The number of topics is the smallest k in
``2..max_topics`` whose cosine silhouette, minus that of the same features with each column
shuffled on its own (a reference without topics, as in the gap statistic), is within
:data:`SILHOUETTE_TOLERANCE` of the best (one topic if no k beats the reference by
:data:`MIN_EXCESS`), unless given; a larger conversation gets at least ``n / STATEMENTS_PER_TOPIC``
topics (at most half of ``max_topics``) unless fewer topics clearly win
(:data:`CLEAR_MARGIN`). Each topic is labelled with keywords scored by a class-based TF-IDF on
statement counts (after Grootendorst 2022): Snowball stems that many of the topic's statements
use and few other statements do; stop words (:mod:`engine.stopwords`), polarity words and generic
words are never keywords.

References
----------
M. Grootendorst, "BERTopic: Neural topic modeling with a class-based TF-IDF procedure",
arXiv:2203.05794, 2022.
R. Tibshirani, G. Walther, T. Hastie, "Estimating the number of clusters in a data set via the
gap statistic", J. R. Stat. Soc. B 63, 2001.
P. J. Rousseeuw, "Silhouettes: a graphical aid to the interpretation and validation of cluster
analysis", J. Comput. Appl. Math. 20, 1987.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import silhouette_score

from .errors import InvalidSettingError, InvalidVotesError
from .lexical import content_stems, detect_language
from .polarity import POLARITY_WORDS
from .stopwords import STOP_WORDS
from .topic_words import TOPIC_FILLER_WORDS, TOPIC_FILLER_WORDS_BY_LANGUAGE

__all__ = [
    "DEFAULT_MAX_TOPICS",
    "DEFAULT_N_KEYWORDS",
    "GroupTopicVotes",
    "Topic",
    "TopicResult",
    "find_topics",
    "group_votes_by_topic",
    "topic_keywords",
]

#: Largest number of topics tried: a report with more than 8 topic rows is not read.
DEFAULT_MAX_TOPICS = 8
#: Keywords per topic shown in a report.
DEFAULT_N_KEYWORDS = 5
#: A word or two-word phrase must occur this often in all statements to become a keyword
#: (a phrase used once says more about its author than about a topic).
MIN_TERM_COUNT = 2
#: A best silhouette excess over the shuffled reference at or below this means no topic
#: structure; then all statements form one topic. On random vectors the excess stays under 0.011
#: (120 x 48, three seeds); on statements with topics it starts at 0.03 (the Dutch pair set), 0.04
#: (Seattle minimum wage), 0.08 (the German pair set) (benchmarks/topics.py, issue 17, session 6).
MIN_EXCESS = 0.02
#: Shuffled reference draws per choice of k, and their seed (fixed: the same statements always
#: give the same topics).
REFERENCE_DRAWS = 3
REFERENCE_SEED = 0
#: The fewest topics whose silhouette excess is within this of the best are chosen: a difference
#: this small is noise, not structure (the silhouettes of k = 2..8 on the Dutch pair set span
#: about 0.03).
SILHOUETTE_TOLERANCE = 0.005
#: Statements one topic row stands for, at most, on average before a smaller count must be earned:
#: with n statements at least ceil(n / 50) topics (never more than half of ``max_topics``) are
#: chosen unless fewer topics have a silhouette excess :data:`CLEAR_MARGIN` above every k from
#: there on. Issue 17: a 277-statement climate assembly got 2 topics ("produkte, ...") because the
#: silhouette of the first Ward split exceeds the reference most even where the statements form
#: no clusters at all (against a reference shuffled along the principal axes the excess of every
#: k stays under 0.005 there): a readability floor, not a finding about the data.
STATEMENTS_PER_TOPIC = 50
#: Silhouette-excess margin by which fewer topics than the floor must win to be chosen (two or
#: three well separated topics score 0.1 and more above the reference; weak first splits 0.005).
CLEAR_MARGIN = 0.02
#: Weight of the content-word stems (TF-IDF, unit length) beside the unit-length embedding when
#: clustering: topics are named by their words, and on the hand-labelled Dutch statements the
#: adjusted Rand index at the true number of topics rose from 0.17 (embeddings alone) to 0.29
#: (weight 1; 0.27 at 0.5, 0.17 at 1.5), German 0.51 -> 0.68 (benchmarks/topics.py
#: --labelled, multilingual-e5-small).
LEXICAL_WEIGHT = 1.0
#: Keyword weight factor of a term written capitalised inside sentences in most statements that
#: use it: German nouns ("Produkte", "Werbung"), names and abbreviations in any language. German
#: verbs and adjectives are written in lower case, so they rank below the nouns of their topic.
NOUN_WEIGHT = 2.0
#: A word: letters and inner hyphens ("ggz-wachtlijst").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
#: Punctuation that ends a sentence (the next word is capitalised whatever its class).
_SENTENCE_END = re.compile(r"[.!?:;\n\"'“”«»()]")
#: Words left out of the clustering features besides the stop words.
_IGNORED = POLARITY_WORDS | TOPIC_FILLER_WORDS
#: Words that are never keywords: stop words, polarity words ("meer", "weniger", "less": the
#: stance, not the subject) and generic words.
_NOT_KEYWORDS = STOP_WORDS | _IGNORED
_STEMMER_NAMES = {"nl": "dutch", "en": "english", "de": "german"}


@functools.lru_cache(maxsize=len(_STEMMER_NAMES))
def _stemmer(language: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(_STEMMER_NAMES[language])


@functools.lru_cache(maxsize=len(_STEMMER_NAMES))
def _filler_stems(language: str) -> frozenset[str]:
    """Stems of the language's generic words (:mod:`engine.topic_words`), so inflected forms
    ("gutem", "dagen") are left out too."""
    stem = _stemmer(language).stemWord
    return frozenset(stem(w) for w in TOPIC_FILLER_WORDS_BY_LANGUAGE[language])


@dataclass(frozen=True)
class Topic:
    """One group of statements about the same subject."""

    #: 0 for the largest topic, then by decreasing size (ties: earliest statement first).
    topic_id: int
    #: Most distinctive words and two-word phrases, best first.
    keywords: tuple[str, ...]
    #: Positions of the topic's statements in the input, ascending.
    statement_indices: tuple[int, ...]
    #: Position of the statement closest to the topic's centroid.
    representative: int

    @property
    def size(self) -> int:
        return len(self.statement_indices)


@dataclass(frozen=True)
class TopicResult:
    """Result of :func:`find_topics`."""

    #: (n_statements,) topic id of each statement.
    labels: np.ndarray
    topics: tuple[Topic, ...]
    #: Number of topics.
    k: int
    #: Cosine silhouette of each k tried minus that of the shuffled reference (empty when k was
    #: given or fewer than 3 statements).
    silhouette: dict[int, float]


def _with_stems(unit: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Unit embeddings beside the texts' unit TF-IDF of content stems, rows of unit length."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [" ".join(sorted(content_stems(t, None, _IGNORED))) for t in texts]
    try:
        tfidf = TfidfVectorizer(min_df=MIN_TERM_COUNT, sublinear_tf=True, token_pattern=r"\S+",
                                lowercase=False).fit_transform(docs).toarray()
    except ValueError:  # no stem occurs twice: the words say nothing about topics
        return unit
    norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
    tfidf = np.divide(tfidf, norms, out=np.zeros_like(tfidf), where=norms > 0)
    both = np.hstack([unit, LEXICAL_WEIGHT * tfidf])
    norms = np.linalg.norm(both, axis=1, keepdims=True)
    return np.divide(both, norms, out=np.zeros_like(both), where=norms > 0)


def _reference(features: np.ndarray, n_draws: int, seed: int) -> list[np.ndarray]:
    """Data without topics but with the same words and dimensions: each feature column shuffled
    on its own (the joint structure is gone, every column's values stay), rows of unit length."""
    rng = np.random.default_rng(seed)
    # Rows in a canonical order first, so the reference (and the k chosen) does not depend on
    # the order the statements come in.
    features = features[np.lexsort(features.T[::-1])]
    draws = []
    for _ in range(n_draws):
        shuffled = np.column_stack([rng.permutation(column) for column in features.T])
        norms = np.linalg.norm(shuffled, axis=1, keepdims=True)
        draws.append(np.divide(shuffled, norms, out=np.zeros_like(shuffled), where=norms > 0))
    return draws


def _silhouettes(features: np.ndarray, ks: range) -> tuple[dict[int, np.ndarray], dict[int, float]]:
    """Ward labels and cosine silhouette of each k (one tree, cut at each k)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(features, method="ward")
    labels = {k: fcluster(tree, t=k, criterion="maxclust") - 1 for k in ks}
    scores = {k: float(silhouette_score(features, labels[k], metric="cosine"))
              if len(np.unique(labels[k])) > 1 else -1.0 for k in ks}
    return labels, scores


def _cluster(
    embeddings: np.ndarray, n_topics: int | None, max_topics: int
) -> tuple[np.ndarray, dict[int, float]]:
    """Topic labels and, when k is chosen here, the excess silhouette of each k tried.

    The silhouette of Ward clusters rises with k even on data without topics (issue 17: k sat
    at the maximum, 8; on random vectors the old rule chose 2 or 5 topics), so each k is scored
    by its silhouette minus the mean silhouette of :data:`REFERENCE_DRAWS` shuffled references
    cut the same way (:func:`_reference`): k is the fewest topics within
    :data:`SILHOUETTE_TOLERANCE` of the best excess, one topic if no excess reaches
    :data:`MIN_EXCESS`."""
    n = embeddings.shape[0]
    if n_topics is not None:
        k = min(n_topics, n)
        if k == 1:
            return np.zeros(n, dtype=np.intp), {}
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(embeddings), {}
    if n < 3:
        return np.zeros(n, dtype=np.intp), {}
    ks = range(2, min(max_topics, n - 1) + 1)
    if not ks:
        return np.zeros(n, dtype=np.intp), {}
    labelled, observed = _silhouettes(embeddings, ks)
    null = [_silhouettes(draw, ks)[1]
            for draw in _reference(embeddings, REFERENCE_DRAWS, REFERENCE_SEED)]
    scores = {k: observed[k] - float(np.mean([d[k] for d in null])) for k in ks}
    best = max(scores.values())
    if best <= MIN_EXCESS:
        return np.zeros(n, dtype=np.intp), scores
    floor = min(math.ceil(n / STATEMENTS_PER_TOPIC), max_topics // 2)
    above = {kk: v for kk, v in scores.items() if kk >= floor}
    # The readability floor holds unless fewer topics stand out.
    clear = not above or best > max(above.values()) + CLEAR_MARGIN
    scores_considered = scores if clear else above
    top = max(scores_considered.values())
    k = min(kk for kk, v in scores_considered.items() if v >= top - SILHOUETTE_TOLERANCE)
    return labelled[k], scores


def _statement_terms(text: str, language: str) -> tuple[set[str], dict[str, str], set[str]]:
    """Keyword candidates of one statement: stems of its content words (stop words and
    :data:`engine.topic_words.TOPIC_FILLER_WORDS` left out) and pairs of stems of adjacent content
    words; the surface form (lower case) of each, and the stems written capitalised inside a
    sentence (nouns in German, names in any language)."""
    text = unicodedata.normalize("NFC", text)
    stem = _stemmer(language)
    generic = _filler_stems(language)
    terms: set[str] = set()
    surface: dict[str, str] = {}
    capitalised: set[str] = set()
    previous: tuple[int, str, str] | None = None  # position, stem and surface of a content word
    end = 0
    for position, match in enumerate(_WORD.finditer(text)):
        word, lower = match.group(), match.group().lower()
        starts_sentence = position == 0 or bool(_SENTENCE_END.search(text[end:match.start()]))
        end = match.end()
        if len(lower) < 3 or lower in _NOT_KEYWORDS:
            continue
        root = stem.stemWord(lower)
        if root in generic:
            continue
        terms.add(root)
        surface.setdefault(root, lower)
        if word[0].isupper() and not starts_sentence:
            capitalised.add(root)
        if previous is not None and previous[0] == position - 1 and previous[1] != root:
            pair = f"{previous[1]} {root}"
            terms.add(pair)
            surface.setdefault(pair, f"{previous[2]} {lower}")
        previous = (position, root, lower)
    return terms, surface, capitalised


def topic_keywords(
    texts: Sequence[str], labels: np.ndarray, n_keywords: int = DEFAULT_N_KEYWORDS
) -> dict[int, tuple[str, ...]]:
    """Keywords of each topic: content words and two-word phrases that many of its statements use
    and few others do.

    Parameters
    ----------
    texts : sequence of str, length n
    labels : numpy.ndarray of int, shape (n,)
        Topic of each text.
    n_keywords : int

    Returns
    -------
    dict
        Topic id -> keywords, best first; a phrase's own words are not repeated as keywords.

    Notes
    -----
    Terms are Snowball stems (in the language most statements are written in), so "huisarts" and
    "huisartsen" count as one, shown in their most frequent form. Stop words
    (:mod:`engine.stopwords`) and generic words (:mod:`engine.topic_words`: time words, generic
    verbs and adjectives) are never terms. With ``p_c[t]`` the share of topic c's statements that
    use term t and ``p[t]`` the share of all statements (a class-based TF-IDF on statement
    counts, Grootendorst 2022)::

        w[t, c] = p_c[t] * log(p_c[t] / p[t]) * (NOUN_WEIGHT if t is mostly capitalised)

    so a keyword is frequent in its topic *and* distinctive for it. A term must be used by at
    least :data:`MIN_TERM_COUNT` statements of the topic (all of a smaller topic), and with 3 or
    more topics a term used by that many statements in more than half of the topics is
    nobody's keyword.

    >>> topic_keywords(["meer huisartsen", "huisartsen weg", "ouderen eenzaam", "eenzame ouderen"],
    ...                np.array([0, 0, 1, 1]), n_keywords=1)
    {0: ('huisartsen',), 1: ('ouderen',)}
    """
    labels = np.asarray(labels)
    topic_ids = sorted(int(t) for t in np.unique(labels))
    # One stemmer for the conversation (the language most statements are in): a short statement
    # detected as another language would otherwise get other stems for the same words.
    detected = Counter(detect_language(t) for t in texts)
    language = max(("nl", "en", "de"), key=lambda lang: detected[lang])
    parsed = [_statement_terms(t, language) for t in texts]
    vocabulary = sorted({term for terms, _, _ in parsed for term in terms})
    if not vocabulary:
        return {t: () for t in topic_ids}
    index = {term: j for j, term in enumerate(vocabulary)}
    rows = [i for i, (terms, _, _) in enumerate(parsed) for _ in terms]
    cols = [index[term] for terms, _, _ in parsed for term in terms]
    uses = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocabulary)))
    capital = np.zeros(len(vocabulary))
    forms: dict[str, Counter[str]] = {}
    for terms, surface, capitalised in parsed:
        for term in terms:
            forms.setdefault(term, Counter())[surface[term]] += 1
        for term in capitalised:
            capital[index[term]] += 1
    membership = sp.csr_matrix(
        (np.ones(len(labels)), (np.searchsorted(topic_ids, labels), np.arange(len(labels)))),
        shape=(len(topic_ids), len(labels)),
    )
    in_topic = np.asarray((membership @ uses).todense(), dtype=np.float64)  # (k, terms)
    total = in_topic.sum(axis=0)
    sizes = np.bincount(np.searchsorted(topic_ids, labels), minlength=len(topic_ids))[:, None]
    share = in_topic / np.maximum(sizes, 1)
    overall = total / max(len(texts), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(in_topic > 0, share / overall, 1.0)
    weights = share * np.log(lift)
    weights[:, capital > total / 2] *= NOUN_WEIGHT
    if len(topic_ids) >= 3:
        # A word that several statements of most topics use, alone or in a phrase, is nobody's
        # keyword (one stray use in another topic does not count).
        common = {vocabulary[j] for j in np.flatnonzero(
            (in_topic >= MIN_TERM_COUNT).sum(axis=0) > len(topic_ids) / 2)}
        weights[:, [j for j, term in enumerate(vocabulary)
                    if any(part in common for part in term.split())]] = 0.0
    # A word one statement of the topic uses says more about its author than about the topic: a
    # topic whose statements share no word gets no keywords (the report shows its representative
    # statement; issue 17 showed such topics labelled by alphabetical single-use words).
    enough = (in_topic >= np.minimum(MIN_TERM_COUNT, sizes)) & (total >= MIN_TERM_COUNT)
    weights[~enough] = 0.0

    def shown(term: str) -> str:
        return min(forms[term].items(), key=lambda f: (-f[1], len(f[0]), f[0]))[0]

    result: dict[int, tuple[str, ...]] = {}
    for row, topic in enumerate(topic_ids):
        order = sorted(np.flatnonzero(weights[row] > 1e-12),
                       key=lambda j: (-weights[row, j], -in_topic[row, j], vocabulary[j]))
        chosen: list[str] = []
        for j in order:
            stems = set(vocabulary[j].split())
            if any(stems <= set(c.split()) or set(c.split()) <= stems for c in chosen):
                continue  # "minimum" after "minimum wage", or the other way round
            if shown(vocabulary[j]) in {shown(c) for c in chosen}:
                continue
            chosen.append(vocabulary[j])
            if len(chosen) == n_keywords:
                break
        result[topic] = tuple(shown(term) for term in chosen)
    return result


def find_topics(
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    n_topics: int | None = None,
    max_topics: int = DEFAULT_MAX_TOPICS,
    n_keywords: int = DEFAULT_N_KEYWORDS,
) -> TopicResult:
    """Group statements into topics and label each with keywords.

    Parameters
    ----------
    texts : sequence of str, length n_statements
    embeddings : numpy.ndarray, shape (n_statements, dim)
        Embeddings of ``texts`` (e.g. :meth:`engine.semantics.StatementEmbedder.embed`).
    n_topics : int, optional
        Number of topics; by default the fewest in 2..max_topics whose cosine silhouette over a
        shuffled reference is near the best, or 1 when none beats it by :data:`MIN_EXCESS`.
    max_topics : int
    n_keywords : int

    Returns
    -------
    TopicResult

    Examples
    --------
    >>> emb = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> texts = ["huisarts bellen", "huisarts bereikbaar", "ouderen eenzaam", "ouderen wonen"]
    >>> result = find_topics(texts, emb)
    >>> result.labels.tolist(), [t.keywords[0] for t in result.topics]
    ([0, 0, 1, 1], ['huisarts', 'ouderen'])
    """
    if isinstance(texts, str):
        raise InvalidSettingError("texts must be a sequence of strings, not one string")
    matrix = np.asarray(embeddings, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != len(texts):
        raise InvalidSettingError(
            f"embeddings must have shape (len(texts), dim) = ({len(texts)}, dim), "
            f"got {matrix.shape}"
        )
    if n_topics is not None and n_topics < 1:
        raise InvalidSettingError(f"n_topics must be >= 1 or None, got {n_topics!r}")
    if max_topics < 2:
        raise InvalidSettingError(f"max_topics must be >= 2, got {max_topics!r}")
    if n_keywords < 1:
        raise InvalidSettingError(f"n_keywords must be >= 1, got {n_keywords!r}")
    n = matrix.shape[0]
    if n == 0:
        return TopicResult(labels=np.zeros(0, dtype=np.intp), topics=(), k=0, silhouette={})
    # Centred first: embeddings share a large common direction (E5: cosines of unrelated
    # statements near 0.85), which hides the topic structure from a cosine clustering.
    centred = matrix - matrix.mean(axis=0) if n >= 3 else matrix
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    unit = np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 0)
    features = _with_stems(unit, texts) if n >= 3 else unit
    raw, silhouette = _cluster(features, n_topics, max_topics)
    # Renumber: largest topic first, ties by earliest statement, so ids do not depend on sklearn.
    clusters = sorted(
        np.unique(raw), key=lambda c: (-np.sum(raw == c), np.flatnonzero(raw == c)[0])
    )
    labels = np.empty(n, dtype=np.intp)
    for new_id, c in enumerate(clusters):
        labels[raw == c] = new_id
    keywords = topic_keywords(texts, labels, n_keywords)
    topics = []
    for topic_id in range(len(clusters)):
        members = np.flatnonzero(labels == topic_id)
        centroid = unit[members].mean(axis=0)
        representative = int(members[int(np.argmax(unit[members] @ centroid))])
        topics.append(
            Topic(
                topic_id=topic_id,
                keywords=keywords[topic_id],
                statement_indices=tuple(int(i) for i in members),
                representative=representative,
            )
        )
    return TopicResult(labels=labels, topics=tuple(topics), k=len(topics), silhouette=silhouette)


@dataclass(frozen=True)
class GroupTopicVotes:
    """How each opinion group votes on each topic's statements (pooled over votes)."""

    #: (n_groups,) opinion group ids, rows of the tables.
    group_ids: np.ndarray
    #: (n_topics,) topic ids, columns of the tables.
    topic_ids: np.ndarray
    #: (n_groups, n_topics) share of the group's votes on the topic that agree / disagree / pass;
    #: NaN where the group cast no vote on the topic.
    agree_rate: np.ndarray
    disagree_rate: np.ndarray
    pass_rate: np.ndarray
    #: (n_groups, n_topics) number of votes behind each rate.
    n_votes: np.ndarray


def _one_hot(labels: np.ndarray, ids: np.ndarray) -> sp.csr_matrix:
    """(len(labels), len(ids)) one-hot of each label among ``ids``; a negative label: empty row."""
    rows = np.flatnonzero(labels >= 0)
    cols = np.searchsorted(ids, labels[rows])
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(labels.size, ids.size))


def group_votes_by_topic(
    X: sp.spmatrix | sp.sparray, group_labels: np.ndarray, topic_labels: np.ndarray
) -> GroupTopicVotes:
    """Agree, disagree and pass rates of each opinion group on each topic.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_participants, n_statements)
        Votes: +1 agree, -1 disagree, explicit 0 pass, no entry unseen.
    group_labels : numpy.ndarray of int, shape (n_participants,)
        Opinion group of each participant; -1 (not clustered) is left out.
    topic_labels : numpy.ndarray of int, shape (n_statements,)
        Topic of each statement; -1 (no topic, e.g. moderated out) is left out.

    Returns
    -------
    GroupTopicVotes

    Notes
    -----
    Rates pool votes: ``agree_rate[g, t] = #agree(g, t) / #votes(g, t)``, so a participant who votes
    on more of a topic's statements weighs more.

    Examples
    --------
    >>> votes = np.array([1, -1, 1, 0, -1, 1], dtype=np.int8)  # the 0 is an explicit pass
    >>> X = sp.csr_matrix((votes, ([0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1])), shape=(3, 2))
    >>> v = group_votes_by_topic(X, np.array([0, 0, 1]), np.array([0, 1]))
    >>> v.agree_rate.tolist(), v.pass_rate.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.5], [0.0, 0.0]])
    """
    X = sp.csr_matrix(X)
    groups = np.asarray(group_labels)
    topics = np.asarray(topic_labels)
    n_participants, n_statements = X.shape
    if groups.shape != (n_participants,):
        raise InvalidSettingError(
            f"group_labels must have shape ({n_participants},), got {groups.shape}"
        )
    if topics.shape != (n_statements,):
        raise InvalidSettingError(
            f"topic_labels must have shape ({n_statements},), got {topics.shape}"
        )
    if X.nnz and not np.isin(X.data, (-1, 0, 1)).all():
        raise InvalidVotesError("votes must be -1, 0 or +1")
    group_ids = np.unique(groups[groups >= 0])
    topic_ids = np.unique(topics[topics >= 0])
    g_of = _one_hot(groups, group_ids).T.tocsr()  # (n_groups, n_participants)
    t_of = _one_hot(topics, topic_ids)  # (n_statements, n_topics)

    def count(value: int) -> np.ndarray:
        indicator = sp.csr_matrix(
            ((X.data == value).astype(np.float64), X.indices, X.indptr), shape=X.shape
        )
        return np.rint((g_of @ indicator @ t_of).toarray()).astype(np.int64)

    agree, disagree, passed = count(1), count(-1), count(0)
    n_votes = agree + disagree + passed
    with np.errstate(invalid="ignore", divide="ignore"):

        def rate(c: np.ndarray) -> np.ndarray:
            return np.where(n_votes > 0, c / np.maximum(n_votes, 1), np.nan)

        return GroupTopicVotes(
            group_ids=group_ids,
            topic_ids=topic_ids,
            agree_rate=rate(agree),
            disagree_rate=rate(disagree),
            pass_rate=rate(passed),
            n_votes=n_votes,
        )
