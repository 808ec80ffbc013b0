"""The reference client for Sequrity's Messages endpoint: async, dicts in and out.

>>> async with ReferenceClient("http://127.0.0.1:8080", api_key="sq-key") as client:  # doctest: +SKIP
...     message = await client.create(model="m", max_tokens=64,
...                                   messages=[{"role": "user", "content": "Hi"}])
...     async with client.stream(model="m", max_tokens=64, messages=[...]) as stream:
...         async for event in stream:
...             ...
...     stream.message
"""

from __future__ import annotations

from .body import FREE_FORM_KEYS, drop_nulls, encode_body
from .client import DEFAULT, ENDPOINT_TYPES, ReferenceClient
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    SequrityError,
    StreamError,
    error_from_response,
)
from .headers import HeaderValue, build_headers, one_line_json
from .retry import RetryPolicy, parse_retry_after
from .stream import MessageStream
from .transport import AiohttpTransport, FunctionTransport, HttpRequest, HttpResponse, Transport

__all__ = [
    "DEFAULT",
    "ENDPOINT_TYPES",
    "FREE_FORM_KEYS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AiohttpTransport",
    "AuthenticationError",
    "BadRequestError",
    "FunctionTransport",
    "HeaderValue",
    "HttpRequest",
    "HttpResponse",
    "InternalServerError",
    "InvalidResponseError",
    "MessageStream",
    "NotFoundError",
    "OverloadedError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReferenceClient",
    "RequestTooLargeError",
    "RetryPolicy",
    "SequrityError",
    "StreamError",
    "Transport",
    "build_headers",
    "drop_nulls",
    "encode_body",
    "error_from_response",
    "one_line_json",
    "parse_retry_after",
]
