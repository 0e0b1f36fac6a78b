"""Generic words that never name a topic: a topics-only list beside :mod:`engine.stopwords`.

:mod:`engine.stopwords` holds function words and is shared with the duplicate check's word
overlap (:mod:`engine.lexical`), whose flags were fitted on it. The words here are content words
in the grammatical sense that still say nothing about *what* a statement is about: time words
("uur", "weekend", "jaar"), frequency and degree adverbs ("vaker", "ineens"), generic verbs
("zitten", "helpen", "willen"), generic adjectives ("moeilijk", "groot"), generic nouns
("mensen", "probleem", "thing"), numerals, and German possessives missing from the stop words
("meinem", "unserer"), in Dutch, English and German. They are left out of topic keywords
and of the word features the topics are clustered on (issue 17: a Dutch topic labelled "uur,
weekend, mantelzorgers, dag, dementie" mixed four themes by their time words; English keywords
"able", "sure", "going", "thing").

The lists were typed in by word class, not taken from any evaluation set's keywords; words that
name a care or policy subject are kept even when common ("zorg", "geld", "werk", "thuis", "hulp",
"kosten", "wachtlijst"; "zorgen" and "right" are not listed: their stems are those of "zorg" and
"rights"). Lower case, diacritics kept; matched against lower-cased whole words and, in the
statement's language, against Snowball stems (so "gutem" meets "gute").
"""

from __future__ import annotations

__all__ = ["TOPIC_FILLER_WORDS", "TOPIC_FILLER_WORDS_BY_LANGUAGE"]

_DUTCH = """
uur uren minuut minuten dag dagen dagelijks week weken weekend weekenden wekelijks maand maanden
maandelijks jaar jaren jaarlijks keer keren moment momenten tijd tijden tijdje periode
ochtend ochtends morgen morgens middag middags avond avonds nacht nachts vandaag gisteren
vroeger later straks binnenkort tegenwoordig nadat voordat sinds zodra totdat ineens opeens
duren duurt duurde
meteen direct snel sneller vlug langzaam vaker zelden nooit altijd regelmatig weleens alweer
eerst eerste tweede laatste volgend volgende vorig vorige half halve hele heel geheel helemaal
elk elke iedere allebei beide meeste meer minder genoeg teveel bijna ongeveer zowat
groot grote groter kleine klein kleiner nieuw nieuwe oud oude goede slecht slechte slechter
moeilijk moeilijker makkelijk makkelijker gemakkelijk lastig belangrijk belangrijke normaal
duidelijk echte gewone enorm enorme prima fijn mooi leuk erg ergste juist juiste zeer
nergens overal ergens ergens daar hier waar eigenlijk gewoon zeker natuurlijk blijkbaar
willen wil wilt wilde kunnen kan kon moeten moet moest mogen mag zitten zit zat zitten liggen
ligt lag staan staat stond lopen loopt gaan gaat ging komen komt kwam krijgen krijgt kreeg
geven geeft gaf maken maakt maakte doen doet deed zien ziet zag zeggen zegt zei vinden vindt
vond weten weet wist denken denkt dacht helpen helpt hielp proberen probeert lukken lukt lukte
houden houdt hield brengen brengt bracht nemen neemt nam laten laat liet blijven
blijft bleef worden wordt werd hebben heeft had zijn is was waren zetten zet kijken kijkt
vragen vraagt vroeg gebruiken gebruikt horen hoort noemen heten betekenen betekent
mensen mens iemand iedereen niemand persoon personen ding dingen iets niets alles zaak zaken
manier manieren plaats plek deel stuk soort probleem problemen punt punten vraag kwestie
situatie geval gevallen reden redenen kant feit
één twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd
duizend miljoen tientallen honderden duizenden
"""

_ENGLISH = """
hour hours minute minutes day days daily week weeks weekly weekend month months year years yearly
time times moment period morning evening night today tomorrow yesterday soon later lately
nowadays recently suddenly quickly slowly often rarely usually always never sometimes first last
second next previous half whole entire every each lot lots much many more less enough
able unable sure certain likely unlikely good better best bad worse worst big bigger small
smaller new old great important real really actually basically simply probably clearly obviously
wrong easy easier hard harder difficult different same certain
going gone goes get gets getting got make makes making made take takes taking took come comes
coming came give gives giving gave say says said saying know knows knew think thinks thought
seem seems seemed use uses used using try tries tried trying keep keeps kept let lets put puts
help helps helped want wants wanted need needs needed look looks looked way ways thing things
stuff people person someone everyone anyone nobody something everything nothing anything
sort part point problem problems issue issues question fact reason reasons case cases place
yes yeah okay lot does did done doing allow allows allowed consider considered agree exist
one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
thousand million dozens hundreds thousands
"""

_GERMAN = """
stunde stunden minute minuten tag tage tagen täglich woche wochen wöchentlich wochenende monat
monate monaten jahr jahre jahren jährlich mal male zeit zeiten moment periode morgen morgens
mittag abend abends nacht nachts heute gestern früher später bald demnächst heutzutage
dauern dauert dauerte
nachdem bevor seit sobald plötzlich sofort schnell schneller langsam öfter häufig selten
niemals meistens manchmal erst erste ersten zweite letzte letzten nächste nächsten vorige halb
halbe ganze ganzen jede jeder jedes beide meisten genug fast ungefähr
groß große großen größer klein kleine kleinen kleiner neu neue neuen alt alte gute guten
schlecht schlechte schwer schwierig einfach wichtig wichtige normal klar echt richtig falsch
statt anstatt sowie bzw gerne sicher wahrscheinlich eigentlich natürlich überall irgendwo nirgends
wollen kann können konnte müssen muss sollen dürfen darf sitzen liegen stehen steht gehen geht
ging kommen kommt kam bekommen bekommt geben gibt gab machen macht machte tun tut sehen sieht
sagen sagt weiß wissen denken denkt helfen hilft versuchen versucht lassen lässt bleiben bleibt
nehmen nimmt bringen bringt brauchen braucht halten hält stellen stellt werden wird wurde
heißt bedeutet
menschen mensch leute jemand jeder niemand person personen ding dinge sache sachen etwas nichts
alles weise bereich bereiche teil stück problem probleme punkt frage fall fälle grund gründe
seite tatsache
meinem meinen meiner meines deinem deinen deiner unserem unseren unserer unseres eurem euren
eurer ihrem ihren ihrer ihres seinem seinen seiner seines eigene eigenen eigener eigenes
eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig hundert tausend
million millionen hunderte tausende
"""

#: Each language's generic words, by ISO 639-1 code.
TOPIC_FILLER_WORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {
    "nl": frozenset(_DUTCH.split()),
    "en": frozenset(_ENGLISH.split()),
    "de": frozenset(_GERMAN.split()),
}
#: Union used by :mod:`engine.topics`: statements in one dialogue may mix languages.
TOPIC_FILLER_WORDS: frozenset[str] = frozenset().union(*TOPIC_FILLER_WORDS_BY_LANGUAGE.values())
