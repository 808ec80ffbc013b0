"""The set algebra of SQRT agrees with Python's sets on finite sets, and with complements on
cofinite ones (``{"*"} - {"x"}``: every string but ``x``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.schemas.sqrt import SqrtSet
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
