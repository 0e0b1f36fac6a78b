"""The report's words in Dutch and English (one dictionary per language, same keys)."""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "SEPARATORS", "format_number", "strings"]

_EN = {
    "lang": "en",
    "polis_attribution": (
        "Data was gathered using the Polis software (compdemocracy.org/polis) and is "
        "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project."),
    "not_passing": (
        "Did not pass the test: Pol.is shows this statement as the group's best agree (or, "
        "failing that, its most different) statement even so."),
    "wording_clear_majority": "most of those who voted on it {verb}",
    "wording_majority_not_certain": (
        "a majority of those who voted on it {verb}, but the 95% interval reaches 50%"),
    "wording_no_majority": "half or fewer of those who voted on it {verb}",
    "verb_agree": "agree",
    "verb_disagree": "disagree",
    "wording": "In words",
    "share_all": "Share of all participants",
    "share_in_conversation": "Share of participants in conversation",
    "share_grouped": "Share of grouped participants",
    "moderated_out_kept": "rejected by moderators, kept (--include-moderated)",
    "unmoderated_kept": "unmoderated, kept in the analysis",
    "unmoderated_dropped": "unmoderated, left out (--drop-unmoderated)",
    "moderation_note": (
        "Statements moderators rejected are left out of the analysis; {kept} statements nobody "
        "moderated are kept and {dropped} left out."),
    "provenance": "Software and input",
    "software": "Meedenken version",
    "commit": "Git commit",
    "commit_unknown": "unknown (not run from a git checkout)",
    "commit_modified": "with local changes",
    "python": "Python",
    "packages": "Package versions",
    "not_installed": "not installed",
    "command": "Command line",
    "inputs": "Input (sha256)",
    "input_votes": "votes (participant, statement, vote; sorted)",
    "score": "score",
    "factor": "|factor|",
    "model": "Model",
    "cramers_v": "Cramér's V",
    "topics_method": (
        "meedenken.engine.topics.find_topics: {k} topics, Ward clustering of the embeddings "
        "and the statements' words (generic words such as time words left out), k chosen in "
        "2..{max_k} by the cosine silhouette's excess over shuffled references (with a floor "
        "for long lists, for readability); up to {n_keywords} keywords per topic: word stems "
        "that many of the topic's statements and few others use (at least 2 statements, not "
        "in most topics)"),
    "votes_per_voter_axis": "Votes per voter",
    "voters_axis": "Voters",
    "histogram_caption": (
        "Votes per participant: voters (participants with at least one vote) in at most {bins} "
        "bins of equal width, rounded to whole votes, from 1 to the largest number of votes "
        "(diversity.histogram_bins)"),
    "per_week": "Participation per week",
    "per_month": "Participation per month",
    "per_day": "Participation per day",
    "bridging_score": "bridging score (95% interval); green: meets the bridging rule",
    "new_voters": "new voters",
    "funnel": "Took part: joined, voted, wrote a statement; in the conversation",
    "joined": "joined (first vote)",
    "wrote": "wrote a statement",
    "median_votes": "Median votes per voter",
    "effective_groups": "Effective number of opinion groups (exp Shannon; inverse Simpson)",
    "mean_distance": "Mean distance to the centre of the opinion map",
    "divisive": "Most divisive statements",
    "divisive_text": "Statements on which the groups differ most (Cramér's V of the groups × "
                     "agree/disagree/pass table, 0 = no difference, 1 = complete).",
    "coverage": "Share of voters who agree with at least one of the top {n} bridging statements",
    "title": "Dialogue report",
    "generated": "Generated",
    "source": "Source",
    "contents": "Contents",
    "summary": "Summary",
    "participants": "participants",
    "voters": "voted",
    "in_conversation": "in the conversation (enough votes to be placed on the map)",
    "grouped": "in an opinion group",
    "statements": "statements",
    "moderated_out": "moderated out",
    "meta": "meta",
    "votes": "votes",
    "groups": "opinion groups",
    "density": "share of participant × statement cells voted",
    "opinion_map": "Opinion map",
    "opinion_map_text": (
        "Each dot is a participant, placed by how they voted (two principal components of the "
        "votes, as Pol.is draws it). Colours are opinion groups; grey dots were not grouped "
        "(too few votes). Crosses mark group centres. Distances show differences in voting, "
        "the axes themselves have no fixed meaning."),
    "group_sizes": "Group sizes",
    "group": "Group",
    "size": "Participants",
    "share": "Share of all votes on it",
    "polis_groups": "Pol.is assigned {k} groups to this conversation; agreement with our groups "
                    "(adjusted Rand index, participants both grouped): {ari}.",
    "stability_clear": "Stability of the groups (clusterwise bootstrap Jaccard, Hennig 2007; "
                       "{line} or more is stable): overall {overall}; {per_group}.",
    "stability_z": "The last split predicts held-out votes better with z = {z}.",
    "stability_forced": "The number of groups was set by hand (k = {k}, --k); the votes did not "
                        "choose it.",
    "stability_weak": "Caution: {groups} below the stability line of {line}: not reproducible "
                      "when participants are resampled; do not present it as a firm group.",
    "stability_runs": "{agree} of {n} runs of the whole grouping, each with its own seed, found "
                      "this number of groups.",
    "stability_runs_uncertain": "Caution: the number of groups is uncertain: runs of the whole "
                                "grouping, each with its own seed, found k = {ks}.",
    "stability_none": "No clear opinion groups: the votes do not split into distinct, "
                      "reproducible groups (a continuous spread of opinions), so everyone in "
                      "conversation is shown as one group.",
    "stability_min_size": "No group smaller than {n} participants is published.",
    "small_groups": "Caution: fewer than {n} participants (the k-anonymity minimum) in {groups}: "
                    "the figures of such a group rest on a handful of people and may be traced "
                    "to them.",
    "stability_nobody": "No opinion groups: fewer participants in conversation than the {n} a "
                        "group needs, so nobody is grouped.",
    "k_selection": "Choice of the number of groups",
    "k_scores": "held-out log-loss",
    "k_method": "starting from one group, a group is split in two (weighted k-means of its base "
                "clusters) only when it splits more cleanly than simulated continuous clouds "
                "fitted to its own votes (SigClust-style test, {split_alpha}), the split predicts "
                "held-out votes better (paired test over participants, z of at least "
                "{held_out_z}) and both parts have at least the minimum size ({min_size}); every "
                "group must then be reproducible (clusterwise bootstrap Jaccard of at least "
                "{jaccard}, Hennig 2007)",
    "k_method_classes": "Where the map finds groups, how many and who are then decided by a "
                        "latent class model of the agree/disagree votes with a leniency per "
                        "participant (EM): a class is added while it predicts held-out votes "
                        "better (paired test, z of at least {held_out_z}) and is at least the "
                        "minimum size, and every class must be reproducible in the same "
                        "bootstrap sense; each group's centre is its members' mean position on "
                        "the map",
    "k_method_class_test": "Where the map sees one continuum, the votes are asked directly: two "
                           "latent classes must fit them better than they fit each of up to "
                           "{null} continua simulated from a two-dimensional continuous model "
                           "fitted to the same votes (same voted cells, z of at least {z}), "
                           "before classes are sought as above",
    "k_method_trait": "In a room of at least {n} participants in conversation, latent classes "
                      "that give two or more groups must also predict held-out votes no worse "
                      "than a continuous latent trait of the same votes (logistic on one and two "
                      "axes, step-like on one; paired test, z of at least {z}); otherwise there "
                      "are no clear opinion groups",
    "k_method_trait_margin": "From {k} latent classes on they must predict held-out votes "
                             "clearly better than every one of those trait models (paired z of "
                             "at most -{z} against each), not merely no worse; otherwise one "
                             "class fewer is tried the same way. A step-like continuum is cut "
                             "into three or four classes that predict as well as the trait",
    "k_method_trait_curtail": "The folds of these comparisons with the trait are scored one "
                              "after the other; the test stops once the folds still to come "
                              "could change its verdict with a probability below {p} "
                              "(stochastic curtailment, Lan, Simon & Wittes 1982), and the "
                              "step then gives the z's of the folds scored",
    "k_method_trait_three": "Where the votes' third axis stands well above noise (the "
                            "ratio of the screen described here at least {ratio}), that "
                            "trait is also fitted on three axes and the same 5% "
                            "is divided among four models (z of at least {z}): a continuum "
                            "on three axes is not cut into groups",
    "k_method_beat_trait": "Where both the map and that test see one continuum but the votes have "
                           "a third axis well above noise (its singular value at least {ratio} "
                           "times that of the same votes shuffled among each statement's "
                           "voters: Horn's parallel analysis), latent classes are sought all "
                           "the same and published only when they predict held-out votes better "
                           "than every continuous latent trait model, logistic on one to three "
                           "axes or step-like on one, by a clear margin (paired test, z of at "
                           "most -{z}); four or more groups span more axes than the map's two",
    "k_method_axis_skew": "Where that third axis does not stand out but one of the votes' first "
                          "three axes is lopsided (the skewness of the participants' positions "
                          "on it at least {z} standard deviations above that of shuffled votes), "
                          "the latent classes are sought in the same way: a minority of about "
                          "10% lies on such an axis",
    "k_method_seed": "The grouping uses its own fixed seed, so it does not depend on the analysis "
                     "seed",
    "k_method_restarts": "because its tests are Monte Carlo comparisons, the whole grouping is "
                         "run up to {n} times with seeds of its own; groups are published only "
                         "where at least two thirds of the runs find groups, at the number most "
                         "of those runs find (ties: the smaller), and the runs go on until that "
                         "number can no longer be overtaken",
    "k_step_class": "another latent class predicts held-out votes better",
    "k_step_too_small": "group below the minimum size merged",
    "k_step_split": "two groups, not a continuum",
    "k_step_continuum": "no further split: one continuum",
    "k_step_held_out": "no better on held-out votes",
    "k_step_unstable": "not reproducible (bootstrap Jaccard)",
    "k_step_too_few": "too few participants for two groups",
    "k_step_class_too_small": "a further latent class would be below the minimum size",
    "k_step_split_too_small": "no split: a part would be below the minimum size",
    "k_step_alike": "the votes do not tell participants apart",
    "k_step_classes": "two latent classes fit the votes better than simulated continua",
    "k_step_classes_continuum": "two latent classes fit no better than simulated continua",
    "k_step_trait": "a continuous latent trait predicts held-out votes better than the latent "
                    "classes: one continuum",
    "k_step_classes_not_trait": "the latent classes predict held-out votes no worse than a "
                                "continuous latent trait",
    "k_step_trait_too_few": "too few participants to hold the latent classes against a "
                            "continuous latent trait",
    "k_step_classes_beat_trait": "the latent classes predict held-out votes clearly better than "
                                 "every continuous latent trait",
    "k_step_trait_not_beaten": "the latent classes do not beat a continuous latent trait "
                               "clearly: one continuum",
    "k_step_trait_not_beaten_fewer": "this many latent classes must predict held-out votes "
                                     "clearly better than every continuous latent trait, and "
                                     "do not: one class fewer tried",
    "k_step_third_axis": "the votes have a third axis well above noise: latent classes sought",
    "k_step_no_third_axis": "no third axis above noise: no latent classes sought",
    "k_step_skewed_axis": "no third axis above noise, but a lopsided axis (as a small minority "
                          "makes it): latent classes sought",
    "k_third_axis": "third axis {ratio} times that of shuffled votes",
    "k_step_runs_disagree": "too few runs of the whole grouping found groups (at least two "
                            "thirds must): not reproducible, no clear opinion groups",
    "k_step_runs_split": "fewer than half of the runs of the whole grouping that found groups "
                         "found this number of groups (the number most of them found): the "
                         "groups are reproducible, their number is uncertain",
    "k_step_forced": "k = {k} set by hand (--k)",
    "setting_changed": "set for this analysis; default",
    "setting_effective": "this mode uses",
    "representative": "Representative statements per group",
    "representative_text": (
        "Statements on which a group votes most differently from everyone else (Pol.is "
        "representativeness: both its z statistics above the one-sided 90% threshold; a "
        "statement that did not pass is marked). Percentages are of the group's votes on the "
        "statement, passes included. Bars show how each group voted: agree, disagree, pass."),
    "no_repness": "No statement represents this group significantly.",
    "agree": "agree",
    "disagree": "disagree",
    "pass": "pass",
    "group_votes_that_way": "of the group votes {direction}",
    "statement": "Statement",
    "direction": "Direction",
    "interval": "95% interval",
    "consensus": "Consensus",
    "consensus_text": (
        "Statements on which the votes of all participants lean one way (Pol.is: smoothed share "
        "> 0.5 and one-sided z > 1.2816). The share is of all votes on the statement, passes "
        "included; intervals are 95% Wilson intervals. It is called \"most\" only when the "
        "whole interval lies above 50%."),
    "none": "None.",
    "gic": "Group-informed consensus",
    "gic_text": (
        "Statements every group tends to agree with: the product over groups of "
        "(agrees + 1) / (votes + 2). High only when all groups agree; it shrinks as the number "
        "of groups grows, so compare it within one report only."),
    "agree_rate_in": "Agree rate per group",
    "bridging": "Bridging statements",
    "bridging_text": (
        "Statements supported across the opinion divide: the statement intercept of a "
        "one-factor matrix factorisation of the votes (the Community Notes model), with its "
        "interval."),
    "bridging_missing": (
        "Not available: the analysis ran without bridging "
        "(meedenken.engine.settings.AnalysisSettings.bridging)."),
    "topics": "Topics",
    "topics_text": "Statements grouped by meaning, and how each opinion group votes per topic.",
    "topics_missing": (
        "Not available: this installation has no statement semantics (engine.semantics)."),
    "participation": "Participation",
    "participation_text": "How many took part and how much.",
    "votes_per_participant": "Votes per participant",
    "over_time": "Participation over time",
    "no_times": "The source has no vote times, so no timeline is drawn.",
    "diversity": "Diversity",
    "diversity_missing": (
        "Not available: this installation has no diversity measures (engine.diversity)."),
    "gini": "Gini coefficient of votes per voter",
    "top10": "Share of votes cast by the most active 10% of voters",
    "methods": "Methods",
    "methods_text": (
        "Every number in this report comes from the Meedenken engine with the settings below. "
        "Run again with the same source, settings and seed to get the same report."),
    "mode_polis": "Pol.is-compatible settings (engine.settings.POLIS): reproduces what Pol.is "
                  "computes, its quirks included.",
    "mode_default": "Default settings (engine.settings.AnalysisSettings()): the Pol.is pipeline "
                    "with the improvements listed below.",
    "setting": "Setting",
    "value": "Value",
    "default": "Pol.is value",
    "about": "Meaning and source",
    "seed": "Random seed",
    "intervals_note": "Intervals: 95% Wilson score intervals (Wilson 1927).",
    "timings": "Computation time",
    "references": "References",
    "attribution": "Data and licence",
    "figure_files": "Figures are also saved as PNG and SVG files next to this report.",
    "not_grouped": "not grouped",
    "common_ground": "Common ground across all opinion groups",
    "common_ground_text": (
        "Statements a majority of every opinion group supports (of those who agreed or "
        "disagreed, beyond chance) and that no group, and no part of a group, rejects."),
    "common_empty": "No common ground yet; these come closest:",
    # With no clear opinion groups the one group is everyone in conversation (every surface
    # says so beside the list: api.present.analysis.no_clear_groups; the dashboard's and the
    # results page's commonOneGroup).
    "common_one_group": (
        "No clear opinion groups were found, so here every group means everyone in "
        "conversation: a majority supports these statements and no part of the opinion map "
        "rejects them. A small group whose votes do not stand out may still disagree."),
    "support_part": "{pct}% of group {group}",
    "support_sentence": "{list} agree",
    "and": "and",
    "status_not_enough_votes": "not enough votes yet",
    "status_rejected_within_a_group": "part of a group disagrees",
    "status_rejected_by_a_role": "a role disagrees",
    "status_rejected_by_a_group": "a group disagrees",
    # Why a statement coming closest is not common ground yet, per group or role that holds it
    # back (api.present.analysis.why_not_sentence; the dashboard's whyNot says the same).
    "why_group_rejects": "group {group} disagrees",
    "why_group_unclear": "no clear majority in group {group} yet",
    "why_group_few_votes": "not enough votes yet in group {group}",
    "why_groups_rejects": "groups {groups} disagree",
    "why_groups_unclear": "no clear majority in groups {groups} yet",
    "why_groups_few_votes": "not enough votes yet in groups {groups}",
    "why_role_rejects": "{role}: a majority disagrees",
    "why_role_unclear": "{role}: no clear majority yet",
    "why_role_few_votes": "{role}: not enough votes yet",
    "bridging_details": "Details: the bridging score of every statement",
    "common_ground_roles": "Common ground across roles",
    "common_ground_roles_text": (
        "Statements a majority of every declared role (residents, professionals, board ...) "
        "supports (of those who agreed or disagreed, beyond chance) and no role rejects; roles "
        "of fewer than 5 participants stay hidden."),
    "role_part": "{role} {pct}%",
    "role_sentence": "Agree (of those who agreed or disagreed): {list}",
    "role_resident": "resident",
    "role_patient": "patient or client",
    "role_carer": "carer",
    "role_professional": "care professional",
    "role_manager": "manager",
    "role_board_member": "board member",
    "role_other": "other",
}

_NL = {
    "lang": "nl",
    "polis_attribution": (
        "De gegevens zijn verzameld met de Polis-software (compdemocracy.org/polis) en vallen "
        "onder de licentie CC BY 4.0, met naamsvermelding van The Computational Democracy "
        "Project."),
    "not_passing": (
        "Haalde de toets niet: Pol.is toont deze stelling toch, als de stelling waarmee de "
        "groep het best eens is (of anders waarin ze het meest afwijkt)."),
    "wording_clear_majority": "de meesten van wie erover stemden zijn het {verb}",
    "wording_majority_not_certain": (
        "een meerderheid van wie erover stemden is het {verb}, maar het 95%-interval reikt tot "
        "50%"),
    "wording_no_majority": "de helft of minder van wie erover stemden is het {verb}",
    "verb_agree": "eens",
    "verb_disagree": "oneens",
    "wording": "In woorden",
    "share_all": "Aandeel van alle deelnemers",
    "share_in_conversation": "Aandeel van de deelnemers in het gesprek",
    "share_grouped": "Aandeel van de ingedeelde deelnemers",
    "moderated_out_kept": "door moderatie afgewezen, toch meegenomen (--include-moderated)",
    "unmoderated_kept": "niet gemodereerd, meegenomen in de analyse",
    "unmoderated_dropped": "niet gemodereerd, weggelaten (--drop-unmoderated)",
    "moderation_note": (
        "Stellingen die moderatoren afwezen, zijn weggelaten uit de analyse; {kept} stellingen "
        "die niemand modereerde, zijn meegenomen en {dropped} weggelaten."),
    "provenance": "Software en invoer",
    "software": "Versie van Meedenken",
    "commit": "Git-commit",
    "commit_unknown": "onbekend (niet gedraaid vanuit een git-checkout)",
    "commit_modified": "met lokale wijzigingen",
    "python": "Python",
    "packages": "Versies van pakketten",
    "not_installed": "niet geïnstalleerd",
    "command": "Opdrachtregel",
    "inputs": "Invoer (sha256)",
    "input_votes": "stemmen (deelnemer, stelling, stem; gesorteerd)",
    "score": "score",
    "factor": "|factor|",
    "model": "Model",
    "cramers_v": "Cramérs V",
    "topics_method": (
        "meedenken.engine.topics.find_topics: {k} onderwerpen, Ward-clustering van de "
        "inbeddingen en de woorden van de stellingen (algemene woorden zoals tijdwoorden "
        "weggelaten), k gekozen in 2..{max_k} met wat het cosinus-silhouet boven geschudde "
        "referenties uitkomt (met een ondergrens bij lange lijsten, voor de leesbaarheid); "
        "hoogstens {n_keywords} trefwoorden per onderwerp: woordstammen die veel stellingen "
        "van het onderwerp en weinig andere gebruiken (minstens 2 stellingen, niet in de "
        "meeste onderwerpen)"),
    "votes_per_voter_axis": "Stemmen per stemmer",
    "voters_axis": "Stemmers",
    "histogram_caption": (
        "Stemmen per deelnemer: stemmers (deelnemers met minstens één stem) in hoogstens {bins} "
        "klassen van gelijke breedte, afgerond op hele stemmen, van 1 tot het hoogste aantal "
        "stemmen (diversity.histogram_bins)"),
    "per_week": "Deelname per week",
    "per_month": "Deelname per maand",
    "per_day": "Deelname per dag",
    "bridging_score": "verbindingsscore (95%-interval); groen: voldoet aan de regel",
    "new_voters": "nieuwe stemmers",
    "funnel": "Deelname: aangemeld, gestemd, stelling geschreven; in het gesprek",
    "joined": "aangemeld (eerste stem)",
    "wrote": "schreef een stelling",
    "median_votes": "Mediaan aantal stemmen per stemmer",
    "effective_groups": "Effectief aantal meningsgroepen (exp Shannon; inverse Simpson)",
    "mean_distance": "Gemiddelde afstand tot het midden van de meningenkaart",
    "divisive": "Meest verdeelde stellingen",
    "divisive_text": "Stellingen waarop de groepen het meest verschillen (Cramérs V van de tabel "
                     "groep × eens/oneens/pas; 0 = geen verschil, 1 = volledig).",
    "coverage": "Deel van de stemmers dat het eens is met minstens één van de {n} meest "
                "verbindende stellingen",
    "title": "Verslag van de dialoog",
    "generated": "Gemaakt op",
    "source": "Bron",
    "contents": "Inhoud",
    "summary": "Samenvatting",
    "participants": "deelnemers",
    "voters": "stemden",
    "in_conversation": "in het gesprek (genoeg stemmen voor een plek op de kaart)",
    "grouped": "in een meningsgroep",
    "statements": "stellingen",
    "moderated_out": "door moderatie verwijderd",
    "meta": "meta",
    "votes": "stemmen",
    "groups": "meningsgroepen",
    "density": "deel van de cellen deelnemer × stelling met een stem",
    "opinion_map": "Meningenkaart",
    "opinion_map_text": (
        "Elke stip is een deelnemer, geplaatst naar hoe die stemde (twee hoofdcomponenten van "
        "de stemmen, zoals Pol.is ze tekent). Kleuren zijn meningsgroepen; grijze stippen zijn "
        "niet ingedeeld (te weinig stemmen). Kruisjes zijn groepscentra. Afstanden tonen "
        "verschil in stemgedrag; de assen zelf hebben geen vaste betekenis."),
    "group_sizes": "Grootte van de groepen",
    "group": "Groep",
    "size": "Deelnemers",
    "share": "Aandeel van alle stemmen erop",
    "polis_groups": "Pol.is deelde dit gesprek in {k} groepen in; overeenstemming met onze "
                    "groepen (adjusted Rand index, deelnemers die beide indelen): {ari}.",
    "stability_clear": "Stabiliteit van de groepen (Jaccard per groep over bootstrap-"
                       "steekproeven, Hennig 2007; {line} of meer is stabiel): gemiddeld "
                       "{overall}; {per_group}.",
    "stability_z": "De laatste splitsing voorspelt achtergehouden stemmen beter met z = {z}.",
    "stability_forced": "Het aantal groepen is met de hand vastgelegd (k = {k}, --k); de stemmen "
                        "hebben het niet gekozen.",
    "stability_weak": "Let op: {groups} onder de stabiliteitsgrens van {line}: niet herhaalbaar "
                      "bij hersteekproeven; presenteer haar niet als een vaste groep.",
    "stability_runs": "{agree} van de {n} herhalingen van de hele indeling, elk met een eigen "
                      "startgetal, vonden dit aantal groepen.",
    "stability_runs_uncertain": "Let op: het aantal groepen is onzeker: herhalingen van de hele "
                                "indeling, elk met een eigen startgetal, vonden k = {ks}.",
    "stability_none": "Geen duidelijke opiniegroepen: de stemmen vallen niet uiteen in "
                      "afzonderlijke, herhaalbare groepen (de meningen lopen geleidelijk in "
                      "elkaar over); iedereen in het gesprek staat daarom in één groep.",
    "stability_min_size": "Er wordt geen groep met minder dan {n} deelnemers getoond.",
    "small_groups": "Let op: minder dan {n} deelnemers (de k-anonimiteitsgrens) in {groups}: de "
                    "cijfers van zo'n groep rusten op een handvol mensen en zijn mogelijk tot hen "
                    "te herleiden.",
    "stability_nobody": "Geen opiniegroepen: minder deelnemers in het gesprek dan de {n} die een "
                        "groep nodig heeft, dus niemand is ingedeeld.",
    "k_selection": "Keuze van het aantal groepen",
    "k_scores": "log-loss op achtergehouden stemmen",
    "k_method": "vanaf één groep wordt een groep alleen in tweeën gesplitst (gewogen k-means van "
                "haar basisclusters) als ze scherper uiteenvalt dan gesimuleerde doorlopende "
                "wolken die op haar eigen stemmen zijn aangepast (toets in de trant van SigClust, "
                "{split_alpha}), de splitsing achtergehouden stemmen beter voorspelt (gepaarde "
                "toets over deelnemers, z minstens {held_out_z}) en beide delen minstens de "
                "minimumgrootte ({min_size}) hebben; elke groep moet daarna herhaalbaar zijn "
                "(Jaccard over bootstrap-steekproeven minstens {jaccard}, Hennig 2007)",
    "k_method_classes": "Waar de kaart groepen vindt, bepaalt daarna een latenteklassenmodel "
                        "van de stemmen eens/oneens, met een eigen instemmingsneiging per "
                        "deelnemer (EM), hoeveel groepen er zijn en wie erin zit: een klasse komt "
                        "erbij zolang ze achtergehouden stemmen beter voorspelt (gepaarde toets, "
                        "z minstens {held_out_z}) en minstens de minimumgrootte heeft, en elke "
                        "klasse moet op dezelfde manier herhaalbaar zijn; het middelpunt van een "
                        "groep is de gemiddelde plaats van haar leden op de kaart",
    "k_method_class_test": "Waar de kaart één doorlopende wolk ziet, worden de stemmen zelf "
                           "gevraagd: twee latente klassen moeten ze beter beschrijven dan elk "
                           "van ten hoogste {null} doorlopende wolken die gesimuleerd zijn uit "
                           "een tweedimensionaal doorlopend model van dezelfde stemmen (dezelfde "
                           "gestemde cellen, z minstens {z}), voordat er zoals hierboven klassen "
                           "worden gezocht",
    "k_method_trait": "In een gesprek met minstens {n} deelnemers moeten latente klassen die "
                      "twee of meer groepen geven achtergehouden stemmen ook niet slechter "
                      "voorspellen dan een doorlopende latente schaal van dezelfde stemmen "
                      "(logistisch op één en twee assen, trapvormig op één; gepaarde toets, z "
                      "minstens {z}); anders zijn er geen duidelijke opiniegroepen",
    "k_method_trait_margin": "Vanaf {k} latente klassen moeten ze achtergehouden stemmen "
                             "duidelijk beter voorspellen dan elk van die schaalmodellen "
                             "(gepaarde z van hoogstens -{z} tegen elk), niet alleen niet "
                             "slechter; anders wordt op dezelfde manier één klasse minder "
                             "geprobeerd. Een trapvormige doorlopende schaal wordt in drie of "
                             "vier klassen geknipt die het even goed doen als de schaal",
    "k_method_trait_curtail": "De delen (folds) van deze vergelijkingen met de schaal worden "
                              "een voor een gescoord; de toets stopt zodra de nog niet "
                              "gescoorde delen de uitkomst alleen met een kans kleiner dan {p} "
                              "nog kunnen omdraaien (stochastische afkapping, Lan, Simon & "
                              "Wittes 1982); de stap geeft dan de z's van de gescoorde delen",
    "k_method_trait_three": "Waar de stemmen een derde as hebben die duidelijk boven de ruis "
                            "uitkomt (de verhouding van de voorselectie die hier beschreven is "
                            "minstens {ratio}), wordt die schaal ook op drie "
                            "assen gepast en wordt dezelfde 5% over vier modellen verdeeld (z "
                            "minstens {z}): een doorlopende wolk op drie assen wordt niet in "
                            "groepen gesneden",
    "k_method_beat_trait": "Waar de kaart en die toets allebei één doorlopende wolk zien maar de "
                           "stemmen een derde as hebben die duidelijk boven de ruis uitkomt (haar "
                           "singuliere waarde minstens {ratio} keer die van dezelfde stemmen, "
                           "geschud onder de stemmers van elke stelling: parallelle analyse "
                           "volgens Horn), worden toch latente klassen gezocht; ze worden alleen "
                           "gepubliceerd als ze achtergehouden stemmen duidelijk beter voorspellen "
                           "dan elk model van een doorlopende latente schaal, logistisch op één "
                           "tot drie assen of trapvormig op één (gepaarde toets, z hoogstens "
                           "-{z}); vier of meer groepen beslaan meer assen dan de twee van de "
                           "kaart",
    "k_method_axis_skew": "Waar die derde as niet opvalt maar een van de eerste drie assen van de "
                          "stemmen scheef is (de scheefheid van de posities van de deelnemers "
                          "erop minstens {z} standaardafwijkingen boven die van geschudde "
                          "stemmen), worden de latente klassen op dezelfde manier gezocht: een "
                          "minderheid van ongeveer 10% ligt op zo'n as",
    "k_method_seed": "De indeling gebruikt een eigen vast startgetal en hangt dus niet af van het "
                     "startgetal van de analyse",
    "k_method_restarts": "omdat haar toetsen op simulaties berusten, wordt de hele indeling tot "
                         "{n} keer uitgevoerd met eigen startgetallen; groepen worden alleen "
                         "gepubliceerd als minstens twee derde van de herhalingen groepen vindt, "
                         "met het aantal groepen dat de meeste daarvan vinden (bij gelijkspel "
                         "het kleinste), en de herhalingen gaan door tot dat aantal niet meer "
                         "kan worden ingehaald",
    "k_step_class": "een extra latente klasse voorspelt achtergehouden stemmen beter",
    "k_step_too_small": "groep onder de minimumgrootte samengevoegd",
    "k_step_split": "twee groepen, geen doorlopende wolk",
    "k_step_continuum": "geen verdere splitsing: één doorlopende wolk",
    "k_step_held_out": "voorspelt achtergehouden stemmen niet beter",
    "k_step_unstable": "niet herhaalbaar (bootstrap-Jaccard)",
    "k_step_too_few": "te weinig deelnemers voor twee groepen",
    "k_step_class_too_small": "een extra latente klasse zou onder de minimumgrootte blijven",
    "k_step_split_too_small": "geen splitsing: een deel zou onder de minimumgrootte blijven",
    "k_step_alike": "de stemmen maken geen onderscheid tussen deelnemers",
    "k_step_classes": "twee latente klassen beschrijven de stemmen beter dan gesimuleerde "
                      "doorlopende wolken",
    "k_step_classes_continuum": "twee latente klassen beschrijven de stemmen niet beter dan "
                                "gesimuleerde doorlopende wolken",
    "k_step_trait": "een doorlopende latente schaal voorspelt achtergehouden stemmen beter dan "
                    "de latente klassen: één doorlopende wolk",
    "k_step_classes_not_trait": "de latente klassen voorspellen achtergehouden stemmen niet "
                                "slechter dan een doorlopende latente schaal",
    "k_step_trait_too_few": "te weinig deelnemers om de latente klassen te vergelijken met een "
                            "doorlopende latente schaal",
    "k_step_classes_beat_trait": "de latente klassen voorspellen achtergehouden stemmen duidelijk "
                                 "beter dan elke doorlopende latente schaal",
    "k_step_trait_not_beaten": "de latente klassen doen het niet duidelijk beter dan een "
                               "doorlopende latente schaal: één doorlopende wolk",
    "k_step_trait_not_beaten_fewer": "zoveel latente klassen moeten achtergehouden stemmen "
                                     "duidelijk beter voorspellen dan elke doorlopende latente "
                                     "schaal, en doen dat niet: één klasse minder geprobeerd",
    "k_step_third_axis": "de stemmen hebben een derde as die duidelijk boven de ruis uitkomt: "
                         "latente klassen gezocht",
    "k_step_no_third_axis": "geen derde as boven de ruis: geen latente klassen gezocht",
    "k_step_skewed_axis": "geen derde as boven de ruis, maar een scheve as (zoals een kleine "
                          "minderheid die maakt): latente klassen gezocht",
    "k_third_axis": "derde as {ratio} keer die van geschudde stemmen",
    "k_step_runs_disagree": "te weinig herhalingen van de hele indeling vonden groepen (minstens "
                            "twee derde moet groepen vinden): niet herhaalbaar, geen duidelijke "
                            "opiniegroepen",
    "k_step_runs_split": "minder dan de helft van de herhalingen van de hele indeling die "
                         "groepen vonden, vond dit aantal groepen (het aantal dat de meeste "
                         "daarvan vonden): de groepen zijn herhaalbaar, hun aantal is onzeker",
    "k_step_forced": "k = {k} met de hand vastgelegd (--k)",
    "setting_changed": "voor deze analyse ingesteld; standaard",
    "setting_effective": "deze werkwijze gebruikt",
    "representative": "Kenmerkende stellingen per groep",
    "representative_text": (
        "Stellingen waarop een groep het meest afwijkend stemt van alle anderen (Pol.is "
        "'representativeness': beide z-waarden boven de drempel van eenzijdig 90%; een "
        "stelling die de toets niet haalde, is gemarkeerd). Percentages zijn van de stemmen van "
        "de groep op de stelling, 'pas' meegeteld. De balken tonen hoe elke groep stemde: eens, "
        "oneens, pas."),
    "no_repness": "Geen stelling is significant kenmerkend voor deze groep.",
    "agree": "eens",
    "disagree": "oneens",
    "pass": "pas",
    "group_votes_that_way": "van de groep stemt {direction}",
    "statement": "Stelling",
    "direction": "Richting",
    "interval": "95%-interval",
    "consensus": "Overeenstemming",
    "consensus_text": (
        "Stellingen waarop de stemmen van alle deelnemers één kant op wijzen (Pol.is: "
        "afgevlakt aandeel > 0,5 en eenzijdige z > 1,2816). Het aandeel is van alle stemmen op "
        "de stelling, 'pas' meegeteld; intervallen zijn 95%-Wilson-intervallen. Er staat "
        "alleen \"de meesten\" als het hele interval boven 50% ligt."),
    "none": "Geen.",
    "gic": "Overeenstemming over de groepen heen",
    "gic_text": (
        "Stellingen waarmee elke groep het eens neigt te zijn: het product over de groepen van "
        "(eens + 1) / (stemmen + 2). Alleen hoog als alle groepen het eens zijn; de waarde "
        "daalt naarmate er meer groepen zijn, vergelijk dus alleen binnen één verslag."),
    "agree_rate_in": "Aandeel eens per groep",
    "bridging": "Verbindende stellingen",
    "bridging_text": (
        "Stellingen met steun aan beide kanten van de meningsverschillen: het intercept van de "
        "stelling in een matrixfactorisatie met één factor (het Community Notes-model), met "
        "interval."),
    "bridging_missing": (
        "Niet beschikbaar: de analyse liep zonder verbindingsanalyse "
        "(meedenken.engine.settings.AnalysisSettings.bridging)."),
    "topics": "Onderwerpen",
    "topics_text": "Stellingen gegroepeerd naar betekenis, en hoe elke groep per onderwerp stemt.",
    "topics_missing": (
        "Niet beschikbaar: deze installatie heeft geen betekenisanalyse van stellingen "
        "(engine.semantics)."),
    "participation": "Deelname",
    "participation_text": "Hoeveel mensen meededen en hoeveel.",
    "votes_per_participant": "Stemmen per deelnemer",
    "over_time": "Deelname in de tijd",
    "no_times": "De bron heeft geen tijdstippen van stemmen; er is geen tijdlijn getekend.",
    "diversity": "Diversiteit",
    "diversity_missing": (
        "Niet beschikbaar: deze installatie heeft geen diversiteitsmaten (engine.diversity)."),
    "gini": "Gini-coëfficiënt van het aantal stemmen per stemmer",
    "top10": "Deel van de stemmen uitgebracht door de actiefste 10% van de stemmers",
    "methods": "Werkwijze",
    "methods_text": (
        "Elk getal in dit verslag komt uit de Meedenken-rekenkern met de instellingen hieronder. "
        "Met dezelfde bron, instellingen en seed ontstaat hetzelfde verslag."),
    "mode_polis": "Pol.is-compatibele instellingen (engine.settings.POLIS): rekent zoals Pol.is, "
                  "inclusief zijn eigenaardigheden.",
    "mode_default": "Standaardinstellingen (engine.settings.AnalysisSettings()): de werkwijze van "
                    "Pol.is met de verbeteringen hieronder.",
    "setting": "Instelling",
    "value": "Waarde",
    "default": "Waarde in Pol.is",
    "about": "Betekenis en bron",
    "seed": "Seed van de toevalsgenerator",
    "intervals_note": "Intervallen: 95%-Wilson-score-intervallen (Wilson 1927).",
    "timings": "Rekentijd",
    "references": "Bronnen",
    "attribution": "Gegevens en licentie",
    "figure_files": "De figuren staan ook als PNG- en SVG-bestanden naast dit verslag.",
    "not_grouped": "niet ingedeeld",
    "common_ground": "Gemeenschappelijke grond in alle opiniegroepen",
    "common_ground_text": (
        "Stellingen die in elke opiniegroep een meerderheid steunt (van wie eens of oneens "
        "stemde, niet door toeval) en die geen groep, en geen deel van een groep, afwijst."),
    "common_empty": "Nog geen gemeenschappelijke grond; deze komen het dichtst in de buurt:",
    "common_one_group": (
        "Er zijn geen duidelijke opiniegroepen gevonden. Daarom gaat het hier om alle "
        "deelnemers: een meerderheid is het eens met deze stellingen en geen deel van de "
        "opiniekaart wijst ze af. Een kleine groep die niet opvalt in de stemmen, kan het toch "
        "oneens zijn."),
    "support_part": "{pct}% van groep {group}",
    "support_sentence": "{list} is het eens",
    "and": "en",
    "status_not_enough_votes": "nog niet genoeg stemmen",
    "status_rejected_within_a_group": "een deel van een groep is het oneens",
    "status_rejected_by_a_role": "een rol is het oneens",
    "status_rejected_by_a_group": "een groep is het oneens",
    "why_group_rejects": "groep {group} is het oneens",
    "why_group_unclear": "nog geen duidelijke meerderheid in groep {group}",
    "why_group_few_votes": "nog niet genoeg stemmen in groep {group}",
    "why_groups_rejects": "groepen {groups} zijn het oneens",
    "why_groups_unclear": "nog geen duidelijke meerderheid in groepen {groups}",
    "why_groups_few_votes": "nog niet genoeg stemmen in groepen {groups}",
    "why_role_rejects": "{role}: een meerderheid is het oneens",
    "why_role_unclear": "{role}: nog geen duidelijke meerderheid",
    "why_role_few_votes": "{role}: nog niet genoeg stemmen",
    "bridging_details": "Details: de verbindingsscore van elke stelling",
    "common_ground_roles": "Gemeenschappelijke grond tussen rollen",
    "common_ground_roles_text": (
        "Stellingen die elke opgegeven rol (inwoners, professionals, bestuur ...) met een "
        "meerderheid steunt (van wie eens of oneens stemde, niet door toeval) en die geen rol "
        "afwijst; rollen van minder dan 5 deelnemers blijven verborgen."),
    "role_part": "{role} {pct}%",
    "role_sentence": "Eens (van wie eens of oneens stemde): {list}",
    "role_resident": "inwoner",
    "role_patient": "patiënt of cliënt",
    "role_carer": "mantelzorger",
    "role_professional": "zorgprofessional",
    "role_manager": "manager",
    "role_board_member": "bestuurder",
    "role_other": "anders",
}

#: Thousands and decimal separators per report language (Dutch: 5.303 stemmen, 0,88), on the
#: page and in the figures' ticks.
SEPARATORS = {"nl": (".", ","), "en": (",", ".")}

_PLAIN_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")


def format_number(text: str, lang: str) -> str:
    """``text`` with every plain number (digits, an optional ``.`` and decimals, as Python and
    matplotlib write them) in the separators of ``lang``: thousands grouped, the decimal sign
    of the language.

    >>> format_number("-1234.5 and 0.25%", "nl")
    '-1.234,5 and 0,25%'
    """
    thousands, decimal = SEPARATORS[lang]

    def local(match: re.Match[str]) -> str:
        whole = f"{int(match.group(1)):,}".replace(",", thousands)
        return whole if match.group(2) is None else f"{whole}{decimal}{match.group(2)}"

    return _PLAIN_NUMBER.sub(local, text)


#: Report languages: Dutch (default audience) and English.
LANGUAGES = {"nl": _NL, "en": _EN}

assert _NL.keys() == _EN.keys(), "every report string needs both languages"


def strings(lang: str) -> dict[str, str]:
    """The report strings of ``lang`` ("nl" or "en")."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise ValueError(f"lang must be one of {sorted(LANGUAGES)}, got {lang!r}") from None
