"""Strongest and weakest areas are ranked within each part (issue 15, item 3).

Part A is answered on the practice scale, Part B on the agreement scale: a 4 on one is not a 4
on the other, so an area is never called strongest or weakest against an area of the other
part.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import scale_question, tiny_record

from mognad_tui import results as R
from mognad_tui.export.plan import PlanSource
from mognad_tui.model import Dimension


def two_parts(answers: dict[str, list[int]], threshold: int = 3):
    dims = tuple(Dimension(f"a{i}", f"Kan {i}", "A") for i in range(1, 5)) + tuple(
        Dimension(f"b{i}", f"Har {i}", "B") for i in range(1, 5)
    )
    questions = [scale_question(f"{d.id}.1", d.id) for d in dims]
    return tiny_record(questions, answers, dimensions=dims, threshold=threshold)


# Part A all high, Part B all low: ranked together, A would hold every strength and B every
# weakness.
SCORES = {
    "a1.1": [5, 5, 5],
    "a2.1": [4, 5, 5],
    "a3.1": [4, 4, 4],
    "a4.1": [3, 4, 4],
    "b1.1": [3, 3, 3],
    "b2.1": [2, 3, 3],
    "b3.1": [2, 2, 2],
    "b4.1": [1, 2, 2],
}


def ids(dims) -> list[str]:
    return [d.id for d in dims]


def test_each_part_has_its_own_strongest_and_weakest() -> None:
    ov = R.overview(two_parts(SCORES))
    ranking = {r.part: (ids(r.strongest), ids(r.weakest)) for r in ov.ranking}
    assert ranking == {"A": (["a1", "a2"], ["a4", "a3"]), "B": (["b1", "b2"], ["b4", "b3"])}
    # The flat lists every view already reads are the parts' rankings, part after part.
    assert ids(ov.strongest) == ["a1", "a2", "b1", "b2"]
    assert ids(ov.weakest) == ["a4", "a3", "b4", "b3"]


def test_an_area_below_the_threshold_is_not_ranked() -> None:
    answers = {**SCORES, "b1.1": [5, 5], "b4.1": [1, 1]}  # two answers: hidden
    ov = R.overview(two_parts(answers))
    part_b = next(r for r in ov.ranking if r.part == "B")
    assert (ids(part_b.strongest), ids(part_b.weakest)) == (["b2"], ["b3"])
    assert not {"b1", "b4"} & set(ids(ov.strongest) + ids(ov.weakest))


def test_a_part_with_one_shown_area_names_none() -> None:
    answers = {k: v for k, v in SCORES.items() if not k.startswith("b") or k == "b1.1"}
    ov = R.overview(two_parts(answers))
    part_b = next(r for r in ov.ranking if r.part == "B")
    assert part_b.strongest == () and part_b.weakest == ()


def test_a_set_without_parts_is_ranked_as_one() -> None:
    dims = tuple(Dimension(f"d{i}", f"D{i}") for i in range(1, 5))
    record = tiny_record(
        [scale_question(f"{d.id}.1", d.id) for d in dims],
        {"d1.1": [5, 5, 5], "d2.1": [4, 4, 4], "d3.1": [2, 2, 2], "d4.1": [1, 1, 1]},
        dimensions=dims,
    )
    ranking = R.rank_within_parts(R.dimension_results(record))
    assert [(r.part, ids(r.strongest), ids(r.weakest)) for r in ranking] == [
        ("", ["d1", "d2"], ["d4", "d3"])
    ]


def test_the_exports_rank_within_parts() -> None:
    from mognad_tui.export.json_export import export_json
    from mognad_tui.export.markdown import render_markdown

    record = two_parts(SCORES)
    md = render_markdown(PlanSource(record))
    assert (
        "**Styrkor:** Kan 1 i del A (5,0); Kan 2 i del A (4,7); Har 1 i del B (3,0); "
        "Har 2 i del B (2,7)" in md
    )
    assert "Svagast just nu: Kan 4 i del A; Kan 3 i del A; Har 4 i del B; Har 3 i del B." in md
    summary = export_json(record)["summary"]
    assert summary["ranking"] == [
        {"part": "A", "strongest": ["a1", "a2"], "weakest": ["a4", "a3"]},
        {"part": "B", "strongest": ["b1", "b2"], "weakest": ["b4", "b3"]},
    ]
    assert summary["strongest"] == ["a1", "a2", "b1", "b2"]
    # The unit's summary for the förvaltning ranks the same way.
    from mognad_tui.export.summary import export_summary

    assert export_summary(record)["ranking"] == summary["ranking"]
