"""Error responses become the right exception with status, error type and message."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.contract_tests.client import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    error_from_response,
)
from sequrity_contract.schemas import ERROR_TYPES

CLASSES = {400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
           413: RequestTooLargeError, 429: RateLimitError, 500: InternalServerError, 529: OverloadedError}


@pytest.mark.parametrize("status", sorted(ERROR_TYPES))
def test_each_contract_status_has_its_class_and_type(status):
    body = {"type": "error", "error": {"type": ERROR_TYPES[status], "message": "m"}, "detail": "m"}
    error = error_from_response(status, json.dumps(body).encode())
    assert type(error) is CLASSES[status]
    assert (error.status, error.error_type, error.message) == (status, ERROR_TYPES[status], "m")
    assert error.body == body


@given(st.integers(400, 599).filter(lambda s: s not in CLASSES))
def test_other_statuses_are_status_errors_and_5xx_are_server_errors(status):
    error = error_from_response(status, b"")
    assert isinstance(error, APIStatusError)
    assert isinstance(error, InternalServerError) == (status >= 500)
    assert error.message == f"HTTP {status}"


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
words = words.filter(lambda s: s.strip() == s)


@given(message=words, detail=words)
def test_the_message_is_error_message_then_detail_then_text(message, detail):
    both = {"type": "error", "error": {"type": "invalid_request_error", "message": message}, "detail": detail}
    assert error_from_response(400, json.dumps(both).encode()).message == message
    assert error_from_response(400, json.dumps({"detail": detail}).encode()).message == detail
    assert error_from_response(400, detail.encode()).message == detail


def test_a_structured_detail_is_kept_as_json_text():
    detail = [{"loc": ["body", "model"], "msg": "field required"}]
    error = error_from_response(422, json.dumps({"detail": detail}).encode())
    assert json.loads(error.message) == detail
    assert error.error_type is None


def test_the_contract_type_fills_in_when_the_body_has_none():
    assert error_from_response(429, b"slow down").error_type == "rate_limit_error"
    assert error_from_response(503, b"").error_type == "api_error"


def test_the_exception_text_shows_status_type_and_message():
    error = error_from_response(401, b'{"error": {"type": "authentication_error", "message": "bad key"}}')
    assert str(error) == "HTTP 401 authentication_error: bad key"
