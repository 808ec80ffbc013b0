"""The SQRT parser: it accepts what the published grammar accepts (cross-checked against
``sequrity.sqrt.parser`` when installed), names line, column and the expected token when it
refuses, and prints back to the same tree."""

from __future__ import annotations

import pytest
from sqrt_examples import ADVANCED_EXAMPLES, LEARNING_GUIDE

from sequrity_contract.schemas import ContractError
from sequrity_contract.schemas.sqrt import (
    PolicySession,
    SqrtPolicyError,
    SqrtSyntaxError,
    parse_policy,
    print_policy,
)
from sequrity_contract.schemas.sqrt.lexer import Token, tokenize

EXAMPLES = {**LEARNING_GUIDE, **ADVANCED_EXAMPLES}
MUTATION_STRIDE = 7
"""Every seventh token-level mutation of each example is cross-checked (the published parser is an
Earley parser, slow enough that all of them take minutes)."""


def _join(tokens: list[Token]) -> str:
    return "".join(t.text + ("\n" if t.kind == "DOC" else " ") for t in tokens if t.kind != "EOF")


def mutations(text: str) -> list[str]:
    """``text`` with one token dropped, doubled or swapped with the next, tokens spaced apart."""
    tokens = tokenize(text)[:-1]
    found: list[str] = []
    for i in range(len(tokens)):
        found.append(_join(tokens[:i] + tokens[i + 1:]))
        found.append(_join(tokens[:i + 1] + tokens[i:]))
        if i + 1 < len(tokens):
            found.append(_join([*tokens[:i], tokens[i + 1], tokens[i], *tokens[i + 2:]]))
    return found[::MUTATION_STRIDE]


def accepts(text: str) -> bool:
    try:
        parse_policy(text)
    except SqrtSyntaxError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_printing_an_example_parses_back_to_the_same_tree(name: str) -> None:
    policy = parse_policy(EXAMPLES[name])
    assert parse_policy(print_policy(policy)) == policy


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_published_parser_agrees_on_examples_and_their_mutations(name: str) -> None:
    published = pytest.importorskip("sequrity.sqrt.parser")
    assert published.validate(EXAMPLES[name])
    disagreements = [text for text in mutations(EXAMPLES[name]) if accepts(text) != published.validate(text)]
    assert disagreements == []


def test_mutations_include_both_verdicts() -> None:
    verdicts = {accepts(text) for name in ("tool_policies.complete_example",) for text in mutations(EXAMPLES[name])}
    assert verdicts == {True, False}


@pytest.mark.parametrize(("text", "line", "column", "expected"), [
    ('tool "foo" { invalid syntax }', 1, 14, "'must'"),
    ('tool "x" {\n  must deny when;\n}', 2, 17, "a predicate"),
    ('tool "x" -> @tags |= {"a"}', 1, 27, "';'"),
    ("let X = int ..;", 1, 15, "a number"),
    ('tool "x" { must maybe always; }', 1, 17, "'allow'"),
    ('tool "x" -> @labels = {};', 1, 14, "'tags'"),
    ("let = 1;", 1, 5, "an identifier"),
    ('tool "x" { session during { } }', 1, 20, "'before'"),
    ("/// dangling doc comment", 1, 25, "'let'"),
    ('let X = {"a"', 1, 13, "'}'"),
    ("tool x {}", 1, 6, 'a tool name ("name") or pattern (r"pattern")'),
    ("let X = $;", 1, 9, "a token"),
])
def test_syntax_errors_name_line_column_and_expected_token(text: str, line: int, column: int, expected: str) -> None:
    with pytest.raises(SqrtSyntaxError) as caught:
        parse_policy(text)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert expected in error.expected
    assert f"line {line}, column {column}" in str(error) and "expected" in str(error)
    assert isinstance(error, ContractError)


def test_parse_policy_names_a_bad_argument() -> None:
    with pytest.raises(TypeError, match=r"parse_policy\(text=...\) expects a str"):
        parse_policy(b"tool")  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "message"), [
    ("let A = B; let B = A;", "cycle"),
    ("let A = {}; let A = {};", "bound by let twice"),
    ('tool "t" { must deny when Nope; }', "'Nope' is not defined"),
    ('tool r"(" -> @tags |= {};', "is not a regex"),
    ('tool "t" { session before { @result.tags |= {"x"}; } }', "cannot update @result"),
])
def test_policies_that_parse_but_cannot_run(text: str, message: str) -> None:
    assert accepts(text)
    with pytest.raises(SqrtPolicyError, match=message):
        PolicySession(text)


def test_synonyms_compare_equal_and_print_as_written() -> None:
    hard = parse_policy('tool "t" { hard deny when b.tags overlaps a.tags union {"x"}; }')
    must = parse_policy('tool "t" { must deny when b.tags overlaps a.tags | {"x"}; }')
    assert hard == must
    assert "hard deny" in print_policy(hard) and "union" in print_policy(hard)


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(SqrtSyntaxError, match="less deeply nested"):
        parse_policy('tool "t" { must deny when ' + "(" * 5000 + "x.tags is empty" + ")" * 5000 + "; }")


def test_lets_that_use_each_other_many_times_are_checked_and_evaluated_once_each() -> None:
    # each let uses the previous one twice: 2**40 evaluations if lets were expanded naively
    lets = ["let L0 = x.value == 1;"] + [f"let L{i} = L{i - 1} and (L{i - 1} or L{i - 1});" for i in range(1, 41)]
    session = PolicySession("\n".join(lets) + '\ntool "t" { must deny when L40; }')
    assert session.check_call("t", {"x": 1}).verdict == "hard_denied"
    assert session.check_call("t", {"x": 2}).allowed
    with pytest.raises(SqrtPolicyError, match="L0 -> L2 -> L1 -> L0"):
        PolicySession("let L0 = L2; let L1 = L0 or L0; let L2 = L1 and L1;")
