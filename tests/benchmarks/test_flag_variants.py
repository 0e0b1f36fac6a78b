"""The cheap conditions of benchmarks.flag_variants (session 22, flag17v), on sentences written
for these tests (in no held-out set); no encoder."""

from __future__ import annotations

from benchmarks import flag_variants as fv

SEED = ("Elke wijk moet een buurtcentrum hebben waar ouderen en jongeren elkaar op woensdagmiddag "
        "kunnen ontmoeten.")
FRAMED = ("Ik vind dat elke wijk een buurtcentrum moet hebben waar ouderen en jongeren elkaar op "
          "woensdagmiddag kunnen ontmoeten.")
CHANGED = ("Elke wijk moet een buurtcentrum hebben waar ouderen en statushouders elkaar op "
           "woensdagmiddag kunnen ontmoeten.")


def test_an_added_opinion_frame_passes_the_frame_a_changed_part_does_not():
    assert fv.frames_pass(FRAMED, SEED, 0.4) and fv.frames_unshared_pass(FRAMED, SEED, 0.4)
    assert not fv.frames_pass(CHANGED, SEED, 0.4)
    assert not fv.frames_unshared_pass(CHANGED, SEED, 0.4)


def test_only_the_frames_pass_lets_a_copy_in_another_order_through():
    reordered = ("Ouderen en jongeren moeten elkaar op woensdagmiddag kunnen ontmoeten in een "
                 "buurtcentrum, dat elke wijk moet hebben.")
    assert fv.frames_pass(reordered, SEED, 0.4)
    assert not fv.frames_unshared_pass(reordered, SEED, 0.4)


def test_the_main_clauses_leave_out_reasons_and_conditions():
    text = "De bus moet vaker rijden, omdat ouderen nu niet weg kunnen."
    assert fv.main_clauses(text) == "de bus moet vaker rijden"
    assert fv.main_clauses("Omdat het nodig is.") == "omdat het nodig is"


def test_a_contrast_against_the_current_state_no_longer_blocks():
    plain = "De bus moet weer door het dorp rijden."
    assert not fv.current_contrast(plain, "De bus moet door het dorp rijden in plaats van nu om "
                                          "het dorp heen.")
    assert fv.current_contrast(plain, "De bus moet door het dorp rijden in plaats van om het "
                                      "dorp heen.")
