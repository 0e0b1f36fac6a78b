"""Near-duplicate check for submitted statements.

For now TF-IDF over character n-grams (robust to Dutch compounds, inflection and typos) with
cosine similarity; :func:`similar_statements` is the one place to swap in sentence embeddings
(``engine.semantics``) later.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

__all__ = ["NGRAM_RANGE", "similar_statements"]

#: Character n-grams within word boundaries, 3 to 5 long: long enough to carry meaning, short
#: enough to match "huisarts" with "huisartsen" and "huisartsenpost".
NGRAM_RANGE = (3, 5)


def similar_statements(texts: Sequence[str], new_text: str, top: int = 3,
                       min_score: float = 0.0) -> list[tuple[int, float]]:
    """The existing statements most similar to ``new_text``.

    Parameters
    ----------
    texts : existing statement texts.
    new_text : the submitted text.
    top : how many to return at most.
    min_score : leave out matches below this cosine similarity (0..1).

    Returns
    -------
    list of (index into ``texts``, cosine similarity), most similar first.

    Examples
    --------
    >>> similar_statements(["De huisarts is slecht bereikbaar", "Meer groen in de wijk"],
    ...                    "Mijn huisarts is slecht bereikbaar", top=1)[0][0]
    0
    """
    if not texts or top <= 0 or not new_text.strip():
        return []
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, lowercase=True,
                                 sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([*texts, new_text])
    except ValueError:  # no n-grams at all (e.g. only punctuation)
        return []
    scores = cosine_similarity(matrix[-1], matrix[:-1]).ravel()
    order = np.argsort(-scores, kind="stable")[:top]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= min_score and scores[i] > 0]
