"""Stop words for topic keywords and lexical overlap: Dutch and German (typed in for this package)
and English (scikit-learn's), with the dialogue words of each.

The Dutch list holds function words (articles, pronouns, prepositions, conjunctions, auxiliary and
modal verbs, common adverbs) and verbs that every statement in a dialogue uses ("vind", "moeten",
"krijgen"), which would otherwise top every topic. Lower case, diacritics kept; tokens are
lower-cased before matching.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "DUTCH_STOP_WORDS",
    "ENGLISH_DIALOGUE_WORDS",
    "ENGLISH_STOP_WORDS",
    "GERMAN_STOP_WORDS",
    "STOP_WORDS",
    "STOP_WORDS_BY_LANGUAGE",
]

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
lang langer blijven blijft horen hoort mensen iemand vaak soms steeds nodig goed beter gewoon
zeker wordt worden moet hoeft hoeven kunnen mag kunt best wij onze jullie hen dingen ding manier
"""
_GERMAN_WORDS = """
aber alle allem allen aller alles als also am an andere anderen anders auch auf aus bei beim bin
bis bist da dadurch daher damit dann darum das dass davon dazu dein deine dem den denen der deren
des deshalb dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
einen einer eines einige er es etwas euch euer für gegen gewesen hab habe haben hat hatte hätte
hier hin hinter ich ihm ihn ihnen ihr ihre im immer in ins ist ja jede jedem jeden jeder jedes
jetzt kann kein keine keinem keinen keiner können könnte machen macht man mehr mein meine mich
mir mit muss müssen musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie
sind so soll sollen sollte sollten sondern sonst über um und uns unser unsere unter viel vom von
vor wann war waren warum was weil weiter welche welchen wenn wer werden wie wieder will wir wird
wirklich wo wollen worden würde würden zu zum zur zwar zwischen gut besser menschen leute bleiben
finde finden glaube geht gibt geben bekommen kommen lange oft mal ganz einfach eben wohl
"""
#: German function words and dialogue verbs ("finde", "glaube", "müssen").
GERMAN_STOP_WORDS: frozenset[str] = frozenset(_GERMAN_WORDS.split())
DUTCH_STOP_WORDS: frozenset[str] = frozenset(_DUTCH_WORDS.split())

#: English counterparts of "vind" / "moeten": opinion verbs that start many statements and that
#: scikit-learn's list (a general-purpose one) keeps.
ENGLISH_DIALOGUE_WORDS: frozenset[str] = frozenset(
    {"think", "like", "just", "really", "want", "need", "believe", "feel", "lot"}
)

#: Each language's list, by ISO 639-1 code.
STOP_WORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {
    "nl": DUTCH_STOP_WORDS,
    "en": frozenset(ENGLISH_STOP_WORDS) | ENGLISH_DIALOGUE_WORDS,
    "de": GERMAN_STOP_WORDS,
}
#: Union used by :mod:`engine.topics`: statements in one dialogue may mix languages.
STOP_WORDS: frozenset[str] = DUTCH_STOP_WORDS | STOP_WORDS_BY_LANGUAGE["en"] | GERMAN_STOP_WORDS
