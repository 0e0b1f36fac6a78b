"""The honest empty state of common ground (issue 16 item 4): with no common ground yet, every
surface shows the statements nearest to meeting the rule first and says for each, naming the
group or role, why it is not common ground yet ("not enough votes yet in group C" is not
"group C disagrees"). Hand-checkable rooms, votes written out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from meedenken.api.present.analysis import (
    CLOSEST_SHOWN,
    FEW_VOTES,
    REJECTS,
    UNCLEAR,
    bridging_entries,
    common_ground_shown,
    role_common_ground_entries,
    why_not_sentence,
)
from meedenken.api.report.i18n import strings
from meedenken.engine.bridging import bridging

#: Three opinion groups of 20 (A = rows 0-19, B = 20-39, C = 40-59).
GROUPS = np.repeat([0, 1, 2], 20)


def _matrix(columns: list[np.ndarray]) -> sp.csr_matrix:
    """Columns of +1 / -1 / 0 (pass) / nan (not seen) as the sparse vote matrix."""
    dense = np.column_stack(columns)
    rows, cols = np.nonzero(~np.isnan(dense))
    return sp.csr_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape, dtype=np.int8)


def _column(a: list[float], b: list[float], c: list[float]) -> np.ndarray:
    """A statement's votes per group: each list is padded with "not seen" to 20."""
    def pad(v: list[float]) -> list[float]:
        return v + [np.nan] * (20 - len(v))
    return np.array(pad(a) + pad(b) + pad(c), dtype=float)


AGREE_ALL = [1.0] * 20
#: s0: A and B agree, C (all 20) disagrees: vetoed by group C.
#: s1: A and B agree, only 3 of C voted (all agree): not enough votes yet in C.
#: s2: A and B agree, C split 10 / 10: no clear majority in C yet.
#: s3: A agrees; B and C have not voted: not enough votes yet in B and C.
ROOM = _matrix([
    _column(AGREE_ALL, AGREE_ALL, [-1.0] * 20),
    _column(AGREE_ALL, AGREE_ALL, [1.0] * 3),
    _column(AGREE_ALL, AGREE_ALL, [1.0] * 10 + [-1.0] * 10),
    _column(AGREE_ALL, [], []),
])


def test_each_statement_says_which_group_holds_it_back_and_why() -> None:
    entries = bridging_entries(bridging(ROOM, group_labels=GROUPS), digits=None)
    by_id = {e.statement_id: e for e in entries}
    assert not any(e.is_bridging for e in entries)
    assert by_id[0].status == "rejected_by_a_group" and by_id[0].why_not == {"2": REJECTS}
    assert by_id[1].status == "not_enough_votes" and by_id[1].why_not == {"2": FEW_VOTES}
    assert by_id[2].status == "not_enough_votes" and by_id[2].why_not == {"2": UNCLEAR}
    assert by_id[3].why_not == {"1": FEW_VOTES, "2": FEW_VOTES}
    en, nl = strings("en"), strings("nl")
    said = {e.statement_id: why_not_sentence(e.status, e.why_not, e.why_not_roles, en)
            for e in entries}
    assert said == {0: "group C disagrees", 1: "not enough votes yet in group C",
                    2: "no clear majority in group C yet",
                    3: "not enough votes yet in groups B and C"}
    assert why_not_sentence(by_id[0].status, by_id[0].why_not, {}, nl) == \
        "groep C is het oneens"


def test_closest_come_before_the_vetoed() -> None:
    """The three shown are the undecided ones; the statement group C rejects is not "closer"
    than any of them (it would take opinions to change, not more votes)."""
    entries = bridging_entries(bridging(ROOM, group_labels=GROUPS), digits=None)
    shown, empty = common_ground_shown(entries)
    assert empty and len(shown) == CLOSEST_SHOWN
    assert sorted(e.statement_id for e in shown) == [1, 2, 3]
    assert entries[-1].statement_id == 0


def test_common_ground_has_no_reason_and_is_shown_alone() -> None:
    room = _matrix([_column(AGREE_ALL, AGREE_ALL, AGREE_ALL),
                    _column(AGREE_ALL, AGREE_ALL, [-1.0] * 20)])
    entries = bridging_entries(bridging(room, group_labels=GROUPS), digits=None)
    shown, empty = common_ground_shown(entries)
    assert not empty and [e.statement_id for e in shown] == [0]
    assert shown[0].why_not == {} and entries[1].why_not == {"2": REJECTS}


def test_role_list_puts_the_undecided_before_the_vetoed() -> None:
    """Common ground across roles: a statement no professional has voted on yet comes before one
    every professional rejects (the engine's role order ranked the veto first: its weakest
    role's bound, near 0, is above the -1 of a role without votes)."""
    roles = np.array(["resident"] * 30 + ["professional"] * 30, dtype=object)
    groups = np.tile([0, 1], 30)  # the opinion groups cut across the roles
    residents, professionals = [1.0] * 30, [-1.0] * 30
    room = _matrix([
        np.array(residents + professionals),  # s0: professionals reject it
        np.array(residents + [np.nan] * 30),  # s1: no professional has voted yet
    ])
    entries = role_common_ground_entries(
        bridging(room, group_labels=groups, attributes={"role": roles}), digits=None)
    assert [e.statement_id for e in entries] == [1, 0]
    assert [e.status for e in entries] == ["not_enough_votes", "rejected_by_a_role"]
    assert entries[0].why_not_roles == {"role": {"professional": FEW_VOTES}}
    assert entries[1].why_not_roles == {"role": {"professional": REJECTS}}
    words = strings("en")
    assert why_not_sentence(entries[1].status, {}, entries[1].why_not_roles, words) == \
        "care professional: a majority disagrees"


def _two_camps(folder: Path) -> Path:
    """A Pol.is export of two camps of 30 that each reject what the other wants (6 statements):
    no common ground."""
    from meedenken.models.polis_export import Comment, PolisExport, write_export

    camp = np.repeat([0, 1], 30)
    p, s = np.meshgrid(np.arange(60), np.arange(6), indexing="ij")
    p, s = p.ravel(), s.ravel()
    votes = np.where((camp[p] == 0) == (s % 2 == 0), 1, -1)  # camp 0 wants the even ones
    export = PolisExport(p, s, votes, 1_700_000_000 + np.arange(len(p), dtype=float),
                         tuple(Comment(i, f"Stelling {i}", moderated=1) for i in range(6)),
                         {"topic": "Twee kampen"})
    return Path(write_export(export, folder))


def test_report_says_why_in_its_empty_state(tmp_path: Path) -> None:
    """End to end: a room of two camps has no common ground; the report says so and, for each
    statement shown as coming closest, which group holds it back and why, in the page's
    language, with the groups named by letter."""
    import re

    from meedenken.api.report.build import build_report
    from meedenken.api.report.source import from_polis_export

    source = from_polis_export(_two_camps(tmp_path / "export"))
    html = build_report(source, lang="nl", topics=False).html
    section = html[html.index('<section id="bridging">'):]
    section = section[:section.index("</section>")]
    assert "Nog geen gemeenschappelijke grond; deze komen het dichtst in de buurt:" in section
    listed = section[section.index('<ol class="common-ground">'):]
    listed = listed[:listed.index("</ol>")]
    reasons = re.findall(r"is het eens \(([^)]*)\)", listed)
    assert len(reasons) == CLOSEST_SHOWN, listed
    assert all(re.fullmatch(r"groep [AB] is het oneens", r) for r in reasons), reasons
    assert "groep 0" not in listed and "groep 1" not in listed


def test_cli_says_why_in_its_empty_state(tmp_path: Path,
                                         capsys) -> None:  # type: ignore[no-untyped-def]
    """The same room through ``meedenken analyze``: the same three statements, the same reasons
    in English, the groups named as in the report ("Group A: 30 participants")."""
    import re

    from meedenken.api.cli.main import main

    folder = str(_two_camps(tmp_path / "export"))
    assert main(["analyze", folder]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Group A: 30 participants" in out and "Group B: 30 participants" in out
    section = out[out.index("Common ground:"):out.index("Read in")]
    assert "No common ground yet; these come closest:" in section
    reasons = re.findall(r"agree \(([^)]*)\)", section)
    assert len(reasons) == CLOSEST_SHOWN, section
    assert all(re.fullmatch(r"group [AB] disagrees", r) for r in reasons), reasons
