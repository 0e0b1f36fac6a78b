"""Stop words for topic keywords: Dutch (typed in for this package) and English (scikit-learn's).

The Dutch list holds function words (articles, pronouns, prepositions, conjunctions, auxiliary and
modal verbs, common adverbs) and verbs that every statement in a dialogue uses ("vind", "moeten",
"krijgen"), which would otherwise top every topic. Lower case, diacritics kept; tokens are
lower-cased before matching.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["DUTCH_STOP_WORDS", "ENGLISH_DIALOGUE_WORDS", "ENGLISH_STOP_WORDS", "STOP_WORDS"]

_DUTCH_WORDS = """
aan achter af al alle alleen allemaal als alsof altijd ander andere anders ben bent bij bijna
binnen boven buiten daar daarbij daardoor daarin daarna daarom daarvan dan dat de deze die dit doe
doen doet door dus echt een eens eigen eigenlijk en enige enkele er erg ergens even ga gaan gaat
gedaan geen geweest graag had hadden hare heb hebben hebt heeft hem hen het hier hij hoe hoeveel
hun ieder iedereen iemand iets ik in is ja je jij jou jouw jullie kan kon konden kun kunnen kunt
laat laten liever maar maken me meer men met mij mijn misschien moest moet moeten mogelijk mogen na
naar naast natuurlijk niet niets nog nou nu of ofwel om omdat onder ons onze ook op over pas per
om te tegen terwijl toch toe tot tussen u uit uw van veel via vind vinden voor vooral vaak want
wanneer waar waarbij waardoor waarin waarom wat we weer wel welk welke werd werden wie wij wil
willen worden wordt zal zich zij zijn zo zoals zodat zonder zou zouden zullen zeer zelf zelfs
krijgen krijgt komen komt houden staan staat geven geeft zien ziet zeggen weinig heel
"""
DUTCH_STOP_WORDS: frozenset[str] = frozenset(_DUTCH_WORDS.split())

#: English counterparts of "vind" / "moeten": opinion verbs that start many statements and that
#: scikit-learn's list (a general-purpose one) keeps.
ENGLISH_DIALOGUE_WORDS: frozenset[str] = frozenset(
    {"think", "like", "just", "really", "want", "need", "believe", "feel", "lot"}
)

#: Union used by :mod:`engine.topics`: statements in one dialogue may mix both languages.
STOP_WORDS: frozenset[str] = (
    DUTCH_STOP_WORDS | frozenset(ENGLISH_STOP_WORDS) | ENGLISH_DIALOGUE_WORDS
)
