"""The set algebra of SQRT agrees with Python's sets on finite sets, and with complements on
cofinite ones (``{"*"} - {"x"}``: every string but ``x``)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.schemas.sqrt import SqrtSet
from sequrity_contract.schemas.sqrt.matching import wildcard_matches
from sequrity_contract.schemas.sqrt.sets import UNIVERSAL

WORDS = st.frozensets(st.sampled_from("abcdef"), max_size=6)
UNIVERSE = frozenset("abcdefz")
"""Every word the sets draw from, plus one no set names."""
SETS = st.builds(lambda items, co: SqrtSet(items, (), co), WORDS, st.booleans())


def as_python(value: SqrtSet) -> frozenset[str]:
    """The set restricted to ``UNIVERSE``."""
    return frozenset(w for w in UNIVERSE if value.contains(w))


@given(SETS, SETS)
def test_operations_agree_with_python_sets(left: SqrtSet, right: SqrtSet) -> None:
    a, b = as_python(left), as_python(right)
    assert as_python(left.union(right)) == a | b
    assert as_python(left.intersect(right)) == a & b
    assert as_python(left.minus(right)) == a - b
    assert as_python(left.xor(right)) == a ^ b


@given(SETS, SETS)
def test_comparisons_agree_with_python_sets(left: SqrtSet, right: SqrtSet) -> None:
    a, b = as_python(left), as_python(right)
    if not (left.cofinite or right.cofinite):
        assert left.subset_of(right) is (a <= b)
        assert left.overlaps(right) is bool(a & b)
        assert left.equals(right) is (a == b)
    assert left.union(right).equals(right.union(left))
    assert left.intersect(right).subset_of(left)


@given(SETS)
def test_universal_and_empty(value: SqrtSet) -> None:
    assert value.union(UNIVERSAL).is_universal()
    assert value.minus(value).is_empty()
    assert value.xor(value).is_empty()
    assert SqrtSet.of(["x", "*"]).is_universal()


# -- wildcards ----------------------------------------------------------------------------------------

def _as_regex(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@given(st.text("ab*?.", max_size=8), st.text("ab.\n", max_size=10))
def test_a_wildcard_matches_what_its_regex_reading_matches(pattern: str, value: str) -> None:
    """``*`` any run (newlines too), ``?`` one character, the rest literal, in full."""
    assert wildcard_matches(pattern, value) == (re.fullmatch(_as_regex(pattern), value, re.S) is not None)


def test_a_wildcard_of_many_stars_decides_a_long_value() -> None:
    """Matched without a regex (at most pattern × value steps), so many stars cost no backtracking blow-up."""
    assert not wildcard_matches("*a*b*c*d*e*f", "a" * 20_000 + "!")
    assert wildcard_matches("*@trustedcorp.com", "boss@trustedcorp.com")
