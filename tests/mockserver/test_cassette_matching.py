"""Request matching: :func:`difference` finds exactly where two requests differ, ignored paths
do not count, custom matchers add clauses, and paths are read strictly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.mockserver.modes.matching import (
    MISSING,
    Difference,
    closest,
    difference,
    parse_path,
    replace_paths,
    without_paths,
)

scalars = st.none() | st.booleans() | st.integers(-100, 100) | st.text(max_size=5)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from("abcd"), inner, max_size=3), max_leaves=10)


def request(body: Any, method: str = "POST", path: str = "/control/chat/v1/messages") -> dict[str, Any]:
    return {"method": method, "path": path, "headers": {}, "body": body}


def value_at(document: Any, where: str) -> Any:
    """The value at a JSON path written by :func:`difference` (MISSING when absent)."""
    for part in parse_path(where) if where != "$" else ():
        if (isinstance(document, dict) and isinstance(part, str) and part in document) or (
                isinstance(document, list) and isinstance(part, int) and part < len(document)):
            document = document[part]
        else:
            return MISSING
    return document


@given(json_values)
def test_a_request_matches_itself(body: Any) -> None:
    assert difference(request(body), request(body)) == []


@given(json_values, json_values)
def test_differences_are_found_exactly_where_the_values_differ(recorded: Any, actual: Any) -> None:
    found = difference(request(recorded), request(actual))
    same = json.dumps(recorded, sort_keys=True) == json.dumps(actual, sort_keys=True)
    assert (found == []) == same
    for item in found:
        assert value_at(recorded, item.where) is item.recorded or value_at(recorded, item.where) == item.recorded
        assert value_at(actual, item.where) is item.actual or value_at(actual, item.where) == item.actual
        assert json.dumps(repr(item.recorded)) != json.dumps(repr(item.actual))


@given(st.dictionaries(st.sampled_from("abcd"), json_values, max_size=3), json_values, json_values)
def test_ignored_paths_never_decide_a_match(body: dict[str, Any], user_a: Any, user_b: Any) -> None:
    a = {**body, "metadata": {"user_id": user_a}}
    b = {**body, "metadata": {"user_id": user_b}}
    assert difference(request(a), request(b), ignore=[parse_path("metadata.user_id")]) == []


def test_method_and_route_come_first_then_the_body_in_order() -> None:
    found = difference(request({"a": 1, "b": [1, 2]}),
                       request({"a": 2, "b": [1], "c": True}, method="GET", path="/other"))
    assert [d.where for d in found] == ["method", "route", "$.a", "$.b[1]", "$.c"]
    assert found[3].describe() == "$.b[1]: recorded 2, got nothing"
    assert found[4].describe() == "$.c: recorded nothing, got true"


def test_true_is_not_1_but_1_is_1_0() -> None:
    assert difference(request({"n": 1}), request({"n": True})) != []
    assert difference(request({"n": 1}), request({"n": 1.0})) == []


def test_custom_matchers_add_their_own_difference() -> None:
    def same_session(recorded: dict[str, Any], actual: dict[str, Any]) -> str | None:
        return None if recorded["headers"] == actual["headers"] else "the headers differ"

    a, b = request({}), {**request({}), "headers": {"X-Session-ID": "s"}}
    (found,) = difference(a, b, matchers=[same_session])
    assert found.describe() == "matcher same_session: the headers differ"
    assert difference(a, a, matchers=[same_session]) == []


def test_closest_prefers_the_same_route_over_a_similar_body() -> None:
    recorded = [request({"x": 1}, path="/control/code/v1/messages"), request({"x": 2, "y": 3})]
    index, found = closest(request({"x": 1}), recorded) or (None, [])
    assert index == 1
    assert [d.where for d in found] == ["$.x", "$.y"]
    assert closest(request({}), []) is None


def test_paths_with_wildcards_reach_every_item() -> None:
    body = {"messages": [{"content": "a"}, {"content": "b", "x": 1}], "metadata": {"user_id": "u"}}
    wildcard = parse_path("$.messages[*].content")
    assert replace_paths(body, [wildcard], "R")["messages"] == [{"content": "R"}, {"content": "R", "x": 1}]
    assert without_paths(body, [wildcard, parse_path("metadata.user_id")]) == {
        "messages": [{}, {"x": 1}], "metadata": {}}
    assert body["messages"][0]["content"] == "a"  # the original is untouched


@pytest.mark.parametrize("text", ["", "a..b", "a[x]", "$.", "a b", "[1", 5])
def test_malformed_paths_are_named(text: Any) -> None:
    with pytest.raises(ValueError, match="path="):
        parse_path(text)


@pytest.mark.parametrize(("text", "parts"), [("metadata.user_id", ("metadata", "user_id")),
                                             ("$.messages[0].content", ("messages", 0, "content")),
                                             ("messages[*]", ("messages", None)),
                                             ('$["x-y"].z', ("x-y", "z"))])
def test_paths_read_as_keys_indexes_and_wildcards(text: str, parts: tuple[Any, ...]) -> None:
    assert parse_path(text) == parts


def test_a_difference_describes_itself() -> None:
    assert Difference("route", "/a", "/b").describe() == 'route: recorded "/a", got "/b"'
