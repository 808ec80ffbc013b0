"""Every run is bounded; a run past a bound fails naming it, and values stay JSON values."""

from __future__ import annotations

import pytest

from sequrity_contract.mockserver.programs import Finished, LimitExceeded, Limits, ProgramFailed, run

LOOP = "items = [1, 2, 3]\nfor x in items:\n    for y in items:\n        z = x"


def test_a_run_past_max_steps_names_the_bound_and_the_line() -> None:
    with pytest.raises(LimitExceeded, match=r"line \d: the program ran more than max_steps=5"):
        run(LOOP, {}, [], [], Limits(max_steps=5))


def test_a_run_past_max_seconds_names_the_bound() -> None:
    with pytest.raises(LimitExceeded, match="longer than max_seconds=0"):
        run(LOOP, {}, [], [], Limits(max_seconds=0))


def test_the_program_changes_copies_of_its_variables() -> None:
    initial = {"items": [1]}
    program = "state = initial_state\nstate['items'].extend([2])\nfinal_return_value = state"
    outcome = run(program, {"initial_state": initial}, [], [])
    assert outcome == Finished({"items": [1, 2]}, calls=0, steps=3)
    assert initial == {"items": [1]}


def test_names_share_one_value_as_in_python() -> None:
    outcome = run("a = {}\nb = a\nb['k'] = 1\nfinal_return_value = a", {}, [], [])
    assert isinstance(outcome, Finished) and outcome.value == {"k": 1}


def test_a_value_that_contains_itself_cannot_be_the_final_value() -> None:
    with pytest.raises(ProgramFailed, match="a cycle"):
        run("a = {}\na['self'] = a\nfinal_return_value = a", {}, [], [])


def test_a_program_that_sets_no_final_value_ends_with_none() -> None:
    assert run("x = 1", {}, [], []) == Finished(None, calls=0, steps=1)


def test_a_value_nested_too_deeply_to_send_fails_naming_it() -> None:
    program = "l = [1]\n" + "l.extend(l)\n" * 13 + "x = []\nfor i in l:\n    x = [x]\nfinal_return_value = x"
    with pytest.raises((ProgramFailed, LimitExceeded), match=r"nests too deeply|max_steps"):
        run(program, {}, [], [])
