"""The policy of an ``X-Policy`` header: which code is SQRT, when a policy can deny a call, and the
rule that SQRT code parses (with the toolkit's parser, and the published one when installed)."""

from __future__ import annotations

import pytest

from sequrity_contract import schemas
from sequrity_contract.schemas.sqrt.header import decides_calls, policy_code, published_parser_stop

DENY = 'tool "a" { must deny always; }'


@pytest.mark.parametrize(("header", "code"), [
    ({"codes": {"code": DENY}}, DENY),
    ({"codes": {"language": "sqrt", "code": DENY}}, DENY),
    ({"codes": {"language": "cedar", "code": DENY}}, None),
    ({"codes": {"code": " \n "}}, None),
    ({"codes": None}, None),
    ({}, None),
    (None, None),
])
def test_the_code_of_a_header_is_sqrt_when_its_language_is(header: dict | None, code: str | None) -> None:
    assert policy_code(header) == code


def test_a_policy_decides_calls_when_it_has_code_or_denies_by_default() -> None:
    assert decides_calls({"codes": {"code": DENY}})
    assert decides_calls({"presets": {"default_allow": False}})
    assert not decides_calls({"presets": {"default_allow": True}, "mode": "standard"})
    assert not decides_calls(None)


def test_the_published_parser_names_where_it_stops() -> None:
    pytest.importorskip("sequrity.sqrt.parser")
    assert published_parser_stop(DENY) is None
    line, column, message = published_parser_stop('tool "a" {\n must deny when ; }') or (0, 0, "")
    assert (line, column) == (2, 17) and "';'" in message


def test_the_header_document_refuses_code_that_does_not_parse_and_names_the_place() -> None:
    [violation] = schemas.check("x-policy", {"codes": {"code": 'tool "a" {\n must deny when ; }'}})
    assert violation.message == ("$.codes.code: expected SQRT; at line 2, column 17 the parser expected a predicate "
                                 "and found ';'")
