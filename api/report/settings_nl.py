"""The meaning and source of every analysis setting in Dutch, for the Dutch report.

The English text is the ``#:`` comment above each field in :mod:`engine.settings` (read by
:mod:`api.report.methods`); this is its translation, keyed ``ClassName.field``. A setting
added to the engine without a line here is shown with :data:`MISSING_NL` (still Dutch) and fails
``tests/api/test_report_methods.py``, so the translation is not forgotten.
"""

from __future__ import annotations

__all__ = ["DEFAULT_CHANGES_NL", "MISSING_NL", "REFERENCES_NL", "SETTINGS_NL"]

#: Shown for a setting that has no Dutch description yet.
MISSING_NL = "Nog geen Nederlandse beschrijving; zie engine/settings.py."

SETTINGS_NL: dict[str, str] = {
    # AnalysisSettings
    "AnalysisSettings.polis_compatible": (
        "Reken precies zoals Pol.is (machtsiteratie, eerste-k-start, silhouet-k, kolommen met "
        "nullen gevuld)."),
    "AnalysisSettings.max_groups": (
        "Grootste aantal meningsgroepen dat wordt overwogen; wij staan tot 10 toe. Pol.is "
        "gebruikt 5 (de Pol.is-compatibele instellingen ook); standaard 6, zodat zes groepen "
        "gevonden kunnen worden."),
    "AnalysisSettings.force_k": "Leg het aantal groepen vast (None: kies het uit de stemmen).",
    "AnalysisSettings.n_components": "Aantal hoofdcomponenten (PCA); Pol.is gebruikt 2.",
    "AnalysisSettings.pca_converged_start": (
        "Pol.is-modus: de machtsiteratie begint bij de geconvergeerde assen, die Pol.is na "
        "herhaalde warme starts bereikt, in plaats van bij een willekeurige vector."),
    "AnalysisSettings.pca_iterations": (
        "Pol.is pca-iters: machtsiteraties per component (alleen Pol.is-compatibel)."),
    "AnalysisSettings.min_votes": (
        "Minimum aantal stemmen om ingedeeld te worden: min(7, aantal stellingen) (Pol.is "
        "min-votes 7)."),
    "AnalysisSettings.greedy_n": (
        "Pol.is greedy-n: de actiefste stemmers worden toegevoegd tot zoveel deelnemers in het "
        "gesprek zijn."),
    "AnalysisSettings.base_k": "Pol.is base-k: aantal basisclusters.",
    "AnalysisSettings.base_iterations": "Pol.is base-iters: Lloyd-iteraties voor basisclusters.",
    "AnalysisSettings.kmeans_tolerance": (
        "Convergentie van k-means in Pol.is (same-clustering?): elk centrum verschoof minder dan "
        "dit (alleen Pol.is-compatibel; de standaardwerkwijze gebruikt de toets van "
        "scikit-learn)."),
    "AnalysisSettings.group_iterations": (
        "Iteraties van k-means voor groepen in Pol.is (de bedoelde 100 is verkeerd gespeld; 20 "
        "is wat draait)."),
    "AnalysisSettings.group_max_iterations": (
        "Standaardwerkwijze: hoogstens zoveel Lloyd-iteraties per kandidaat-k (standaard van "
        "KMeans in scikit-learn; op ~100 gewogen basiscentra convergeert het veel eerder)."),
    "AnalysisSettings.k_buffer": (
        "Pol.is group-k-buffer: een nieuwe k moet zoveel updates achter elkaar winnen."),
    "AnalysisSettings.base_per_extra_k": (
        "Pol.is max-k = min(5, 2 + n_base // 12): één kandidaat-k extra per zoveel "
        "basisclusters."),
    "AnalysisSettings.z_threshold": (
        "z-drempel van een eenzijdige toets op 90% voor kenmerkende stellingen en "
        "overeenstemming (Pol.is z-90)."),
    "AnalysisSettings.repness_per_group": (
        "Kenmerkende stellingen per groep (Pol.is neemt er 5)."),
    "AnalysisSettings.consensus_count": (
        "Stellingen met overeenstemming per richting (Pol.is neemt er 5)."),
    "AnalysisSettings.meta_priority": "Volgorde van stellingen: prioriteit van metastellingen "
                                      "(Pol.is: 7**2).",
    "AnalysisSettings.novelty_boost": (
        "Voorrang voor nieuwe stellingen: 1 + novelty_boost * 2**(-S / novelty_half_life) "
        "(Pol.is: 8 en 5)."),
    "AnalysisSettings.novelty_half_life": (
        "Voorrang voor nieuwe stellingen: 1 + novelty_boost * 2**(-S / novelty_half_life) "
        "(Pol.is: 8 en 5)."),
    "AnalysisSettings.k_cv_folds": (
        "Standaardwerkwijze: aantal delen (folds) voor het kiezen van k met de voorspellende "
        "log-loss."),
    "AnalysisSettings.bridging": (
        "Bereken verbindende stellingen met matrixfactorisatie (engine.bridging) als deel van "
        "de analyse."),
    "AnalysisSettings.bridging_fit": (
        "Instellingen van die verbindingsanalyse (het model van Community Notes; zie "
        "BridgingSettings)."),
    "AnalysisSettings.grouping": (
        "Welke meningsgroepen worden gepubliceerd in de standaardwerkwijze (zie "
        "GroupingSettings)."),
    # GroupingSettings
    "GroupingSettings.random_state": (
        "Vaste seed van de indeling (basisclusters, k-means-starts, toetsen, bootstrap, "
        "achtergehouden delen), zodat de groepen niet van de seed van de analyse afhangen."),
    "GroupingSettings.restarts": (
        "Zo vaak wordt de hele indeling ten hoogste herhaald, elke keer met een eigen "
        "startgetal. Groepen worden alleen gepubliceerd als minstens twee derde van de "
        "herhalingen groepen vindt, met het aantal groepen dat de meeste daarvan vinden (bij "
        "gelijkspel "
        "het kleinste); anders zijn er geen duidelijke groepen. De herhalingen stoppen zodra "
        "dat vaststaat: of er groepen zijn en, zo ja, welk aantal de meeste vinden."),
    "GroupingSettings.consensus_max_participants": (
        "De herhalingen worden op hoogstens zoveel deelnemers met elkaar vergeleken (een vaste "
        "steekproef); zijn er meer, dan deelt een herhaling met latente klassen alleen hen in, "
        "en wordt iedereen alleen door de klassen van de gepubliceerde herhaling ingedeeld."),
    "GroupingSettings.split_alpha": (
        "Een groep wordt alleen in tweeën gesplitst als haar 2-means-index op dit niveau lager "
        "is dan die van gesimuleerde continua die op haar stemmen zijn aangepast (de gebruikelijke "
        "5%)."),
    "GroupingSettings.split_null": "Aantal gesimuleerde continua per toets.",
    "GroupingSettings.split_null_max": (
        "Sequentiële toets: zolang de z van de index binnen zoveel standaardfouten als "
        "hieronder van de grens ligt, wordt het aantal gesimuleerde continua verdubbeld, tot "
        "hoogstens dit aantal."),
    "GroupingSettings.sequential_margin": (
        "... en zoveel standaardfouten (de grens van de sequentiële splitsingstoets en van de "
        "sequentiële bootstrap)."),
    "GroupingSettings.max_test_points": (
        "Een splitsingstoets leest hoogstens zoveel deelnemers (daarboven een vaste "
        "deelsteekproef)."),
    "GroupingSettings.min_group_size": (
        "Geen gepubliceerde groep is kleiner dan dit; een kleinere wordt samengevoegd met de "
        "dichtstbijzijnde groep (minimum 5 voor k-anonimiteit, nooit onder 3)."),
    "GroupingSettings.stability_boot": (
        "Bootstrap per cluster (Hennig 2007): aantal hersteekproeven van de deelnemers, opnieuw "
        "ingedeeld bij het gepubliceerde k."),
    "GroupingSettings.stability_boot_max": (
        "Sequentiële bootstrap: zolang de gemiddelde Jaccard van een groep niet zoveel "
        "standaardfouten als hierboven van de grens ligt, wordt het aantal hersteekproeven "
        "verdubbeld, tot hoogstens dit aantal."),
    "GroupingSettings.min_jaccard": (
        "Gemiddelde Jaccard-overeenkomst die elke gepubliceerde groep over die hersteekproeven "
        "moet halen (Hennig 2007: 0,75 en hoger is stabiel)."),
    "GroupingSettings.held_out_z": (
        "Elke splitsing moet achtergehouden stemmen beter voorspellen: eenzijdige gepaarde toets "
        "over deelnemers op 5% (z 1,6449)."),
    "GroupingSettings.held_out_folds": "Aantal delen (folds) van die toets.",
    "GroupingSettings.held_out_max_votes": (
        "Die toets leest hoogstens zoveel stemmen (daarboven een steekproef van hele "
        "deelnemers)."),
    "GroupingSettings.latent_classes": (
        "Waar de kaart duidelijke groepen vindt, bepaalt een latenteklassenmodel van de stemmen "
        "(eens/oneens, met een eigen 'instemmingsneiging' per deelnemer) hoeveel groepen er zijn "
        "en wie erin zit; zo wordt ook een minderheid van 10% gevonden die op de kaart binnen de "
        "spreiding van de meerderheid valt. Uit: de groepen van de kaart."),
    "GroupingSettings.class_max_participants": (
        "De klassen worden op hoogstens zoveel deelnemers geschat (een vaste steekproef); "
        "daarna wordt iedereen op grond van zijn stemmen ingedeeld."),
    "GroupingSettings.class_votes_per_statement": (
        "De klassen worden op meer deelnemers geschat waar die steekproef de stellingen "
        "gemiddeld minder dan zoveel stemmen per stelling zou geven (veel stellingen, weinig "
        "stemmen per deelnemer); anders heeft een groep van 10% te weinig stemmen per stelling."),
    "GroupingSettings.class_refit": (
        "Waar de klassen op een steekproef zijn geschat, worden de klassen die blijven staan "
        "opnieuw geschat (EM vanuit die schatting) op de deelnemers waarop de herhalingen worden "
        "vergeleken (onder dat aantal: iedereen); zo wordt ook een kleine groep in een grote "
        "dialoog goed ingedeeld."),
    "GroupingSettings.class_full_objective": (
        "De EM-schattingen van de klassen stoppen op de hele doelfunctie die hun stappen "
        "beklimmen, met de ridge op de log-odds van de klassen en de prior van hun aandelen. "
        "Zonder die termen daalt het gevolgde getal in de eerste stappen terwijl de doelfunctie "
        "stijgt, en stopt een schatting bij de eerste daling: runs op dezelfde stemmen "
        "publiceren dan andere leden."),
    "GroupingSettings.class_folds": (
        "Aantal delen (folds) van de toets op achtergehouden stemmen voor elke extra klasse."),
    "GroupingSettings.class_boot": (
        "Aantal bootstrap-hersteekproeven voor de herhaalbaarheid (Jaccard) van de klassen "
        "bij de eerste blik van de sequentiële bootstrap (hieronder)."),
    "GroupingSettings.class_boot_max": (
        "Sequentiële bootstrap van de klassen, zoals die van de kaart: zolang de gemiddelde "
        "Jaccard van een klasse niet zoveel standaardfouten als hierboven van de grens ligt, "
        "wordt het aantal hersteekproeven verdubbeld, tot hoogstens dit aantal. Een klasse "
        "waarvan de Jaccard bij een blik vaststaat, kost niets extra; over een klasse vlak bij "
        "de grens beslist zo niet langer het toeval van 20 hersteekproeven."),
    "GroupingSettings.class_test": (
        "Waar de kaart geen duidelijke groepen vindt, worden de stemmen zelf gevraagd: passen "
        "twee latente klassen beter dan bij elk continuum dat wordt gesimuleerd uit een "
        "continu model dat op dezelfde stemmen is aangepast, dan worden de klassen gezocht "
        "(aantal en leden zoals hierboven). Zo wordt ook een minderheid van 10% gevonden die "
        "buiten de assen van de kaart ligt."),
    "GroupingSettings.class_test_null": (
        "Hoogstens zoveel gesimuleerde continua voor die toets (er wordt gestopt zodra er een "
        "de winst van de echte stemmen haalt)."),
    "GroupingSettings.class_test_z": (
        "De z die de winst van de echte stemmen tegen die continua moet halen (eenzijdig "
        "0,13%: echte gesprekken hebben meer dan de twee dimensies van de kaart)."),
    "GroupingSettings.class_test_votes": (
        "Die toets leest hoogstens zoveel stemmen (een steekproef van hele deelnemers); de "
        "rekentijd groeit met het aantal stemmen."),
    "GroupingSettings.class_test_full_objective": (
        "De twee EM-schattingen van die toets (een klasse en twee, op de stemmen en op elk "
        "gesimuleerd continuum) stoppen op de hele doelfunctie die hun stappen beklimmen, zoals "
        "bij de klassen zelf. Uit: op het oude getal, dat daalt terwijl de doelfunctie stijgt."),
    "GroupingSettings.trait_test": (
        "Waar latente klassen twee of meer groepen geven, worden ze vergeleken met een "
        "doorlopende latente schaal van dezelfde stemmen (een positie per deelnemer op een of "
        "twee assen, dezelfde instemmingsneiging; op één as ook trapsgewijs, met een deel "
        "willekeurige stemmen), op dezelfde achtergehouden stemmen: "
        "voorspelt de schaal die duidelijk beter, dan zijn de stemmen één doorlopende wolk en "
        "zijn er geen duidelijke groepen."),
    "GroupingSettings.trait_test_z": (
        "De gepaarde eenzijdige z over deelnemers die de schaal daarvoor moet halen (5% "
        "eenzijdig, verdeeld over de drie schalen: 2,13)."),
    "GroupingSettings.trait_min_participants": (
        "Die vergelijking alleen waar minstens zoveel deelnemers meedoen: met minder rust elk "
        "klasseprofiel op een handvol mensen en verliezen twee kampen die zonder uitzondering "
        "stemmen het van de schaal."),
    "GroupingSettings.trait_curtail": (
        "De delen (folds) van die vergelijking worden een voor een gescoord; er wordt gestopt "
        "zodra de nog niet gescoorde delen de uitkomst alleen met een kans kleiner dan deze "
        "nog kunnen omdraaien (0: altijd alle delen). Waar de klassen ruim winnen, zoals bij "
        "een miljoen deelnemers, beslist één deel van de vijf."),
    "GroupingSettings.trait_margin_k": (
        "Vanaf zoveel latente klassen moeten de klassen, waar de kaart of de klassentoets "
        "groepen vond, achtergehouden stemmen duidelijk béter voorspellen dan elke "
        "doorlopende schaal, niet alleen niet slechter; anders gaat het aantal groepen één "
        "omlaag en wordt opnieuw vergeleken. Twee kampen voorspellen even goed als een schaal "
        "op één as en hoeven die niet te verslaan; een trapvormige doorlopende schaal wordt "
        "wel in drie of vier klassen geknipt die het even goed doen."),
    "GroupingSettings.trait_margin_z": (
        "De gepaarde z over deelnemers waarmee de klassen dan elk schaalmodel moeten "
        "verslaan: 5% eenzijdig."),
    "GroupingSettings.classes_beat_trait": (
        "Waar de kaart en de klassentoets allebei één doorlopende wolk zien maar de stemmen een "
        "derde as hebben die duidelijk boven de ruis uitkomt, worden toch latente klassen "
        "gezocht; ze worden alleen gepubliceerd als ze achtergehouden stemmen duidelijk beter "
        "voorspellen dan elke doorlopende latente schaal (hier ook op drie assen). Vier tot "
        "zes groepen beslaan meer assen dan de twee van de kaart."),
    "GroupingSettings.classes_third_axis": (
        "Hoe ver de derde as boven de ruis moet uitkomen voordat de doorlopende schaal ook op "
        "drie assen wordt gepast: de derde singuliere waarde van de stemmen minstens zoveel "
        "keer die van dezelfde stemmen, geschud onder de stemmers van elke stelling "
        "(parallelle analyse volgens Horn). Dezelfde verhouding beslist, met een eigen "
        "drempel (classes_screen_axis), of de latente klassen worden gezocht."),
    "GroupingSettings.classes_screen_axis": (
        "De drempel van de voorselectie voor de latente klassen, waar de kaart en de "
        "klassentoets één doorlopende wolk zien: dezelfde verhouding als bij "
        "classes_third_axis, met een eigen drempel (een doorlopende wolk op één of twee assen "
        "haalt hoogstens ongeveer 1,03). De "
        "voorselectie beslist alleen of de klassen worden gezocht: ze blijven alleen staan "
        "als ze elke doorlopende schaal duidelijk verslaan."),
    "GroupingSettings.classes_beat_trait_z": (
        "De gepaarde z over deelnemers waarmee de klassen de beste doorlopende schaal moeten "
        "verslaan (z hoogstens min deze waarde)."),
    "GroupingSettings.classes_axis_skew": (
        "Waar de derde as niet door die voorselectie komt, worden de latente klassen toch "
        "gezocht (op dezelfde voorwaarden) als een van de eerste drie assen van de stemmen "
        "scheef is: de scheefheid van de posities van de deelnemers erop, vergeleken met die van "
        "geschudde stemmen als z. Een minderheid van 10% ligt op de eerste as of op een zwakke "
        "derde, waar de voorselectie haar niet ziet."),
    "GroupingSettings.classes_axis_skew_z": (
        "De drempel daarvan: de z van de scheefheid van een as tegenover die van geschudde "
        "stemmen (30 keer geschud, alleen waar een as een scheefheid van minstens 0,5 heeft)."),
    "GroupingSettings.trait_three_axes": (
        "Waar de kaart of de klassentoets groepen vond en de stemmen een derde as hebben die "
        "door dezelfde voorselectie komt, wordt de doorlopende schaal ook op drie assen gepast "
        "(dezelfde 5% dan verdeeld over vier modellen): een doorlopende wolk op drie assen "
        "wordt anders door de kaart in groepen gesneden."),
    "AnalysisSettings.diversity": (
        "Instellingen van de maten voor deelname en diversiteit (zie DiversitySettings)."),
    "AnalysisSettings.live": (
        "Live-updates: wanneer kaart, k en verbindingsanalyse opnieuw worden berekend (zie "
        "LiveSettings)."),
    # BridgingSettings
    "BridgingSettings.n_factors": (
        "Aantal factordimensies. Community Notes gebruikt 1 (\"om overfitting te voorkomen\")."),
    "BridgingSettings.intercept_reg": (
        "Straf op de intercepts in het gemiddelde verlies (Community Notes: 0,15, vijf keer die "
        "op de factoren)."),
    "BridgingSettings.factor_reg": (
        "Straf op de factoren in het gemiddelde verlies (Community Notes: 0,03)."),
    "BridgingSettings.pass_weight": (
        "Gewicht van een 'pas' (doelwaarde 1/2) ten opzichte van eens/oneens. Gemeten "
        "(benchmarks/RESULTS.md): 1 rangschikt de stellingen met de breedste steun op "
        "achtergehouden stemmen het hoogst (gemiddeld laagste groepsaandeel eens van de top 10 "
        "op de Pol.is-exports 0,70, tegen 0,68 bij 1/2 en 0,65 zonder passen), met een 3% "
        "slechtere Brier-score op eens-tegen-oneens."),
    "BridgingSettings.max_iterations": (
        "Hoogstens zoveel ALS-rondes, en de grootste verandering van een parameter die als "
        "geconvergeerd telt (scores worden op twee decimalen getoond; 1e-4 houdt ze binnen "
        "~1e-4 van het optimum)."),
    "BridgingSettings.tolerance": (
        "Hoogstens zoveel ALS-rondes, en de grootste verandering van een parameter die als "
        "geconvergeerd telt (scores worden op twee decimalen getoond; 1e-4 houdt ze binnen "
        "~1e-4 van het optimum)."),
    "BridgingSettings.interval_level": "Tweezijdige dekking van het interval van de score.",
    "BridgingSettings.noise_prior_votes": (
        "Pseudo-stemmen met de gepoolde restvariantie, opgeteld bij die van elke stelling "
        "(krimp, zodat een stelling met 3 gelijke stemmen geen interval van breedte nul "
        "krijgt)."),
    "BridgingSettings.min_side_agrees": (
        "Bewijsregel: aantal 'eens' nodig van elke kant van de factoras (Community Notes, 2025: "
        "5 beoordelaars met positieve en 5 met negatieve factor moeten een notitie nuttig "
        "vinden)."),
    "BridgingSettings.min_score": (
        "Het interval van een verbindende stelling moet boven deze score liggen (steun boven de "
        "gemiddelde stem die de factor niet verklaart)."),
    "BridgingSettings.max_polarization": (
        "... en de polarisatie eronder (de factorgrens |f_n| < 0,5 van Community Notes)."),
    "BridgingSettings.balance_sides": (
        "Opnieuw schatten met beide kanten van de factoras even zwaar (de weging per kant van "
        "Community Notes, uit de proef met 'expanded consensus'). Zonder dit ligt het nulpunt "
        "van de factor, waar het intercept wordt afgelezen, bij de meerderheid, en scoren de "
        "favorieten van een grote groep als verbindend (gemeten in benchmarks/RESULTS.md, "
        "'Bridging')."),
    "BridgingSettings.max_side_weight": (
        "... waarbij geen deelnemer zwaarder weegt dan dit (eigen keuze: een handvol deelnemers "
        "aan een heel kleine kant mag niet zwaarder wegen dan iedereen)."),
    "BridgingSettings.min_cell_size": (
        "k-anonimiteit voor opgegeven kenmerken (rollen...): cellen met minder deelnemers worden "
        "verborgen."),
    "BridgingSettings.common_ground": (
        "De regel voor gemeenschappelijke grond die is_bridging in de gerangschikte lijst "
        "bepaalt (issue 16)."),
    # CommonGroundSettings
    "CommonGroundSettings.threshold": (
        "Een groep steunt een stelling als de ondergrens van haar aandeel eens onder wie een "
        "kant koos boven deze waarde ligt, en wijst haar af als de bovengrens eronder ligt: 0,5 "
        "is 'een meerderheid van de groep is het eens' (de overeenstemming van Pol.is vraagt "
        "hetzelfde van elke groep, repness.clj)."),
    "CommonGroundSettings.z": (
        "z van die grenzen: eenzijdig 95% (1,6449), zodat de steun van elke groep, en elk veto, "
        "een eenzijdige toets op het 5%-niveau is (Pol.is gebruikt eenzijdig 90% voor zijn "
        "overeenstemmingslijst; wij vragen meer omdat een veto een stelling voor iedereen "
        "weghaalt)."),
    "CommonGroundSettings.min_group_votes": (
        "Een groep heeft minstens zoveel eens-of-oneens-stemmen nodig voordat ze kan steunen of "
        "afwijzen (het k-anonimiteitsminimum van 5, zoals DiversitySettings.min_group_votes); "
        "minder is 'nog niet genoeg stemmen'."),
    "CommonGroundSettings.fine_levels": (
        "Aantallen cellen van de fijnere indelingen waarvan het veto een minderheid vangt die de "
        "groepen hebben samengevoegd: k-means-cellen van de meerdimensionale meningsruimte "
        "(engine.opinion_space), één indeling per aantal. Grove niveaus: in geplante groepen van "
        "70/20/10 en 50/25/15/10 (1.500 deelnemers, dichtheid 15%, 12 seeds elk) lieten de "
        "niveaus (2, 3, 4, 5, 6, 8) 3 en 1 door een groep afgewezen stellingen in de top 10 "
        "staan, met 10 en 12 cellen erbij 8 en 6 (een fijnere cel heeft minder stemmen, dus een "
        "breder interval; eigen keuze; benchmarks/RESULTS.md, 'issue 16, session 6'). Leeg zet "
        "het fijne veto uit."),
    "CommonGroundSettings.class_levels": (
        "Aantallen latente klassen waarvan de instemming, met de menging van hun leden "
        "verrekend, meetelt voor gemeenschappelijke grond (engine.class_veto): een minderheid van "
        "10% die bij een dichtheid van 15% in geen enkele cel apart komt, is nog wel één klasse, "
        "en haar eigen instemming wordt geschat uit ieders kans om bij die klasse te horen "
        "(zonder de stem op de stelling zelf). Een klasse die een stelling aantoonbaar afwijst, "
        "heeft een veto. Een klasse die er (nog zonder bewijs) tegen neigt, of te weinig stemmen "
        "op de stelling heeft, houdt haar tegen als 'nog niet genoeg stemmen' (een neigende klasse "
        "zet haar ook achteraan binnen haar status); een klasse met op de meeste stellingen te "
        "weinig stemmen doet geen van beide. Het klassenmodel begint onder meer bij de "
        "meningsgroepen. Leeg zet dit alles uit."),
    "CommonGroundSettings.veto_min_share": (
        "... en een fijne cel heeft alleen een veto (en telt alleen mee in de volgorde binnen "
        "een status) als ze minstens dit aandeel van de ingedeelde deelnemers bevat. Issue 16 "
        "vraagt dat minderheden tot 5% hun stem houden; een cel vangt zelden een hele minderheid "
        "(ongeveer 80% ervan, met enkele anderen), dus ligt de grens onder 5%: in geplante "
        "groepen van 75/20/5 gaf 0,03 een precisie@10 van 0,75 met 20 door een groep afgewezen "
        "plaatsen in de top 10 (8 seeds), 0,05 0,40 met 119 (20 seeds), zonder verschil bij "
        "70/20/10 en met een laagste achtergehouden groepsinstemming van 0,676 tegen 0,683 op de "
        "Pol.is-exports (benchmarks/RESULTS.md, 'issue 16, session 6'). Daaronder zou een "
        "afgelegen handvol alles kunnen tegenhouden; en een cel heeft minstens "
        "min_group_votes stemmen op een stelling nodig om haar tegen te houden, dus nooit minder "
        "dan 5 mensen."),
    "CommonGroundSettings.space_max_dims": (
        "Hoogstens zoveel componenten heeft die meningsruimte; er blijven er minder over als "
        "minder het ruisniveau overtreffen (parallelle analyse tegen geschudde stemmen, "
        "engine.opinion_space). Geplante gesprekken van 3-6 groepen houden er 3-7."),
    "CommonGroundSettings.space_rows": (
        "Boven zoveel deelnemers in het gesprek worden er willekeurig zoveel in de ruimte "
        "geplaatst; zij vormen de fijne cellen (de anderen tellen niet mee in het fijne veto): "
        "begrenst de kosten in zeer grote gesprekken tot hun stemmen; 20.000 geven een cel van "
        "5% nog ongeveer 1.000 leden. De assen en de middelpunten van de cellen komen uit "
        "hoogstens 1.500 van hen; iedereen die geplaatst is krijgt een cel en telt mee."),
    # DiversitySettings
    "DiversitySettings.min_cell_size": (
        "k-anonimiteit: verberg elke cel van een uitsplitsing met minder deelnemers dan dit. 5 "
        "is het minimum van Nederlandse onderzoeksbureaus en de microdatapraktijk van het CBS "
        "(onderzoeksnotitie, paragraaf 5.6)."),
    "DiversitySettings.share_tolerance": (
        "Referentieaandelen van één kenmerk moeten binnen deze marge optellen tot 1 (issue 5)."),
    "DiversitySettings.raking_tolerance": (
        "Raking stopt als elk gewogen randaandeel binnen deze marge van zijn doel ligt (de "
        "gebruikelijke IPF-stopregel; PyPI ipfn gebruikt standaard 1e-3, wij vragen meer)."),
    "DiversitySettings.raking_max_iterations": (
        "Raking geeft het op (converged=False) na zoveel rondes over de randen."),
    "DiversitySettings.histogram_bins": (
        "Histogram van stemmen per stemmer: aantal klassen van gelijke breedte, van 1 tot het "
        "hoogste aantal stemmen (engine.participation; ook de figuur 'Stemmen per deelnemer')."),
    "DiversitySettings.max_time_bins": (
        "Langste tijdreeks: twee jaar aan uren. Een langere dialoog krijgt geen reeks per uur "
        "(alleen per dag); meer dagklassen dan dit (ruim 48 jaar) wijst op foute tijdstippen, "
        "bijvoorbeeld milliseconden opgegeven als seconden, en is een fout."),
    "DiversitySettings.min_group_votes": (
        "Verschillen tussen groepen per stelling gebruiken alleen groepen met minstens zoveel "
        "stemmen op de stelling (de regel van Jigsaw vraagt 20; wij het k-anonimiteitsminimum "
        "van 5, zodat geen groepsaandeel op één of twee stemmen rust)."),
    "DiversitySettings.coverage_top_n": (
        "Dekking: hoeveel stellingen met de hoogste overeenstemming over de groepen heen "
        "standaard meetellen (Pol.is toont 5 stellingen met overeenstemming)."),
    "DiversitySettings.min_effective_sample_size": (
        "Gewogen cijfers worden achtergehouden als de effectieve steekproefomvang van Kish van "
        "de gewichten erachter (n_eff = (som w)^2 / som w^2; Kish 1965, Survey Sampling 11.7) "
        "kleiner is dan dit of dan min_cell_size, welke groter is: een gewogen cijfer moet "
        "minstens de informatie van de kleinste ongewogen cel die we publiceren dragen "
        "(k-anonimiteit, onderzoeksnotitie 5.6). Issue 18: een referentie die 99,9% van het "
        "gewicht op één persoon legde, gaf n_eff 1,002 en diens stemmen."),
    # LiveSettings
    "LiveSettings.rescore_growth": (
        "De assen van de kaart en het aantal groepen blijven staan tot de stemmen zoveel zijn "
        "gegroeid (of de stellingen veranderden); dan worden beide opnieuw berekend (eigen "
        "keuze: 10% meer stemmen draait de assen nauwelijks, en k opnieuw bepalen kost meer dan "
        "de rest van een update)."),
    "LiveSettings.pca_refine_steps": (
        "Na die groei: zoveel blokmachtsstappen vanaf de vorige assen in plaats van een "
        "volledige berekening (één stap vanaf een bijna geconvergeerde oplossing is even goed; "
        "0: volledig)."),
    "LiveSettings.bridging_refit_growth": (
        "De verbindingsanalyse wordt opnieuw geschat zodra de stemmen zoveel zijn gegroeid (of "
        "er een stelling bij kwam); daartussen gebruiken updates de laatste schatting, die veel "
        "meer kost dan de rest van een update."),
    # Settings (the service, api/settings.py)
    "Settings.limit_checks_participant": (
        "Hoe vaak een deelnemer mag laten nagaan of een stelling al bestaat ('Is uw stelling "
        "hetzelfde als ...?'), één tekst per keer; drie keer de limiet voor stellingen. De "
        "controles van de gespreksleider (tot bulk_max startstellingen per keer) tellen ook."),
    "Settings.limit_checks_address": (
        "Dezelfde controle per internetadres (een zaal vol telefoons deelt één adres)."),
    "Settings.embedding_model": (
        "Het taalmodel voor de controle op dubbele stellingen en voor de onderwerpen "
        "(MEEDENKEN_EMBEDDING_MODEL): een meegeleverd model (multilingual-e5-small, "
        "use-multilingual-v3, all-MiniLM-L6-v2), een map met een sentence-transformers-model of "
        "een model dat al in de lokale Hugging Face-cache staat; leeg: multilingual-e5-small. Er "
        "wordt nooit iets gedownload: een naam die op deze machine niet te vinden is, houdt het "
        "starten van de dienst tegen met één regel uitleg."),
}

#: The bullets of engine.settings' docstring (how the default departs from Pol.is), in Dutch.
DEFAULT_CHANGES_NL = (
    "PCA wordt tot convergentie opgelost met ARPACK (scipy.sparse.linalg.svds) in plaats van "
    "met vast 100 machtsiteraties, en de tekens worden gelijkgericht met de vorige componenten, "
    "zodat kaarten niet omklappen.",
    "Basisclusters gebruiken k-means++ (met seed) in plaats van \"de eerste k verschillende "
    "punten in matrixvolgorde\".",
    "Alleen de groepen die de stemmen dragen worden gepubliceerd (engine.grouping, issue 15): "
    "splitsingen die beter scheiden dan gesimuleerde continua die op de stemmen zijn aangepast, "
    "achtergehouden stemmen beter voorspellen, geen groep onder "
    "GroupingSettings.min_group_size laten en bij hersteekproeven terugkomen; een vaste seed "
    "voor de indeling maakt ze onafhankelijk van random_state. Waar de kaart zo groepen vindt, "
    "bepalen latente klassen van de stemmen zelf (met een instemmingsneiging per deelnemer) "
    "hoeveel groepen en wie erin zit, zodat een kleine minderheid die op de kaart verborgen "
    "ligt toch een groep wordt; waar de kaart geen groepen vindt, mogen twee latente klassen "
    "dat alsnog laten zien als ze beter passen dan gesimuleerde continua die op dezelfde "
    "stemmen zijn aangepast. Het silhouet van de basisclustercentra dat Pol.is gebruikt, "
    "bevoordeelt los van de gegevens twee groepen.",
    "Uitgesloten stellingen (door moderatie verwijderd, meta) worden weggelaten, niet met nullen "
    "gevuld, zodat ze in de schaling van de projectie niet als 'gestemd' tellen en haar niet "
    "verkleinen.",
    "De k-afvlakking vraagt 2 opeenvolgende updates in plaats van 4.",
    "Gemeenschappelijke grond (issue 16; Pol.is kent geen veto): elke groep en elke rol moet "
    "een stelling aantoonbaar steunen, en een cel van minstens 3% van de deelnemers in een "
    "meningsruimte met zoveel dimensies als de ruis toelaat kan haar tegenhouden, ook als de "
    "groepen een minderheid hebben samengevoegd; dat kan ook een latente klasse van minstens "
    "3% waarvan de eigen instemming, met de menging van haar leden verrekend, volgens een "
    "likelihood-ratiotoets onder de helft ligt (engine.class_veto).",
)

#: The references of the methods section: citations keep their titles; our own notes in Dutch.
REFERENCES_NL = (
    "Broncode van Pol.is, compdemocracy/polis (momentopname 08e03eb1, 23-10-2024): "
    "math/src/polismath/math/{conversation,pca,clusters,repness,stats}.clj.",
    "C. Small, M. Bjorkegren, T. Erkkilä, L. Shaw, C. Megill, \"Polis: Scaling deliberation by "
    "mapping high dimensional opinion spaces\", Recerca 26(2), 2021.",
    "Onderzoeksnotities van Meedenken: shared/research/polis-math.md (elke stap, constante en "
    "eigenaardigheid van de rekenwijze van Pol.is) en shared/research/bridging-and-diversity.md.",
    "E. B. Wilson, \"Probable inference, the law of succession, and statistical inference\", "
    "JASA 22, 1927 (intervallen).",
)
