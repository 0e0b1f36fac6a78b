"""The opinion groups' stability and the choice of k in words (issue 15, item 4): one text for
the report's groups section and methods, and for ``meedenken analyze``'s readable summary.

Light on purpose (no pandas or matplotlib), so the command line can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from meedenken.api.present.analysis import group_stability_answer
from meedenken.api.present.wording import group_name
from meedenken.engine import AnalysisResult, AnalysisSettings
from meedenken.engine.grouping import SCREENED_TRAIT_AXES, STEP_AXES, trait_line

from .i18n import format_number

__all__ = ["stability_words"]


def _step_text(step: Any, words: Mapping[str, str], settings: AnalysisSettings,
               third_axis: float | None = None) -> str:
    """One decision on the way to k, in the report's language (its numbers too); the
    third-axis screen's steps with the ratio it read (``third_axis``)."""
    if step.kind == "forced":
        return str(words["k_step_forced"].format(k=settings.force_k))
    kind = step.kind
    if kind == "trait_not_beaten" and step.k_after >= 2:  # the margin's step down
        kind = "trait_not_beaten_fewer"
    lang = words["lang"]
    ratio = ""
    if third_axis is not None and kind in ("third_axis", "no_third_axis", "skewed_axis"):
        figure = format_number(f"{third_axis:.2f}", lang)
        ratio = f" ({words['k_third_axis'].format(ratio=figure)})"
    return (f"{step.k_before} → {step.k_after}: {words.get('k_step_' + kind, step.reason)}"
            + ratio
            + ("" if step.p_value is None
               else f" (p = {format_number(f'{step.p_value:.3f}', lang)})")
            + ("" if step.z is None else f" (z = {format_number(f'{step.z:.2f}', lang)})"))


def _method_text(words: Mapping[str, str], settings: AnalysisSettings,
                 number: Callable[[float, int], str]) -> str:
    """How k is chosen, written from the settings this analysis used (every figure from its
    setting, a test that is switched off left out), as sentences without the last full stop."""
    g = settings.grouping
    parts = [words["k_method"].format(
        split_alpha=f"{number(100 * g.split_alpha, 0 if 100 * g.split_alpha % 1 == 0 else 1)}%",
        held_out_z=number(g.held_out_z, 2), min_size=g.min_group_size,
        jaccard=number(g.min_jaccard, 2))]
    if g.latent_classes:
        parts.append(words["k_method_classes"].format(held_out_z=number(g.held_out_z, 2)))
    if g.latent_classes and g.class_test:
        parts.append(words["k_method_class_test"].format(null=g.class_test_null,
                                                         z=number(g.class_test_z, 2)))
    if g.latent_classes and g.class_test and g.classes_beat_trait:
        parts.append(words["k_method_beat_trait"].format(ratio=number(g.classes_screen_axis, 2),
                                                         z=number(g.classes_beat_trait_z, 2)))
        if g.classes_axis_skew:
            parts.append(words["k_method_axis_skew"].format(z=number(g.classes_axis_skew_z, 2)))
    if g.latent_classes and g.trait_test:
        parts.append(words["k_method_trait"].format(n=g.trait_min_participants,
                                                    z=number(g.trait_test_z, 2)))
        if g.trait_margin_k <= settings.max_groups:
            parts.append(words["k_method_trait_margin"].format(
                k=g.trait_margin_k, z=number(g.trait_margin_z, 3)))
    if g.latent_classes and (g.trait_test or g.classes_beat_trait) and g.trait_curtail > 0:
        decimals = len(f"{g.trait_curtail:.12f}".rstrip("0").partition(".")[2])
        parts.append(words["k_method_trait_curtail"].format(p=number(g.trait_curtail, decimals)))
    if g.latent_classes and g.trait_test and g.trait_three_axes:
        parts.append(words["k_method_trait_three"].format(
            ratio=number(g.classes_third_axis, 2),
            z=number(trait_line(g, len(SCREENED_TRAIT_AXES) + len(STEP_AXES)), 2)))
    seed = words["k_method_seed"]
    if g.restarts > 1:
        seed += "; " + words["k_method_restarts"].format(n=g.restarts)
    return ". ".join([*parts, seed])


def stability_words(result: AnalysisResult, words: Mapping[str, str],
               settings: AnalysisSettings | None = None) -> dict[str, Any] | None:
    """The groups' stability and the k choice, in words (default mode; None in Pol.is mode).

    Numbers are written in the report's language; the held-out z is named only when there is
    one (not for a forced k); a group below the stability line (``GroupingSettings.min_jaccard``,
    possible when k is forced) is named in a warning."""
    answer = group_stability_answer(result)
    if answer is None:
        return None
    settings = settings or AnalysisSettings()
    lang = words["lang"]

    def number(value: float, digits: int = 2) -> str:
        return format_number(f"{value:.{digits}f}", lang)

    per_group = "; ".join(f"{group_name(g, lang)} {number(j)}"
                          for g, j in answer.per_group.items() if j is not None)
    steps = "; ".join(_step_text(x, words, settings, answer.third_axis) for x in answer.steps)
    scores = ", ".join(f"k = {k}: {number(-v, 4)}" for k, v in answer.k_scores.items()
                       if v is not None)
    line = settings.grouping.min_jaccard
    weak = [g for g, j in answer.per_group.items() if j is not None and j < line]
    text = words["stability_none"]
    if result.k == 0:  # fewer people in conversation than the minimum: nobody is grouped
        text = words["stability_nobody"].format(n=answer.min_group_size)
    elif answer.clear_groups:
        text = words["stability_clear"].format(
            overall=number(answer.overall) if answer.overall is not None else "–",
            per_group=per_group, line=number(line))
        if answer.held_out_z is not None:
            text += " " + words["stability_z"].format(z=number(answer.held_out_z, 1))
    runs, uncertain = answer.restarts, answer.k_uncertain
    if uncertain:
        text += " " + words["stability_runs_uncertain"].format(ks=", ".join(map(str, runs)))
    elif len(runs) > 1 and result.k > 0:
        text += " " + words["stability_runs"].format(agree=len(runs), n=len(runs))
    if settings.force_k is not None:
        text += " " + words["stability_forced"].format(k=settings.force_k)
    if weak:
        text += " " + words["stability_weak"].format(
            groups=", ".join(group_name(g, lang) for g in weak), line=number(line))
    return {
        "clear": answer.clear_groups,
        "weak": weak,
        "uncertain": uncertain,
        "text": text,
        "min_size": words["stability_min_size"].format(n=answer.min_group_size),
        "method": _method_text(words, settings, number), "steps": steps,
        "scores": f"{words['k_scores']}: {scores}" if scores else "",
    }
