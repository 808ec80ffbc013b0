"""The reference client: ``create`` and ``stream`` for
``POST {base}/control/{endpoint_type}/{provider?}`` + an endpoint's path (messages by default)."""

from __future__ import annotations

import asyncio
import enum
import json
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Final

from sequrity_contract.schemas import ENDPOINT_TYPES, MESSAGES, Endpoint, get_endpoint

from .body import encode_body
from .errors import APIConnectionError, APIStatusError, InvalidResponseError, error_from_response
from .headers import HeaderValue, build_headers
from .retry import RetryPolicy
from .stream import MessageStream
from .transport import AiohttpTransport, HttpRequest, HttpResponse, Transport

__all__ = ["DEFAULT", "ENDPOINT_TYPES", "ReferenceClient"]

class _Default(enum.Enum):
    DEFAULT = "DEFAULT"


DEFAULT: Final = _Default.DEFAULT
"""Per-call argument left out: use the client's setting (for ``session_id``: the tracked session)."""


class ReferenceClient:
    """An async client for an endpoint of the Control API (``endpoint``: its name or
    :class:`~sequrity_contract.schemas.Endpoint`, messages by default); dicts in, dicts out.

    ``api_key`` is the Sequrity key (``Authorization: Bearer``), ``llm_api_key`` the
    provider key (``X-Api-Key``); ``features``/``policy``/``config`` are sent as one-line
    JSON in ``X-Features``/``X-Policy``/``X-Config`` (a dict, or a JSON string sent as is);
    ``headers`` are added to every request and win over the client's own. Every
    per-call argument overrides the client's setting for that call; ``None`` leaves the
    header out.

    Sessions: the ``X-Session-ID`` of every 2xx answer is kept and sent with the next
    request; ``session_id=`` per call overrides it, :meth:`reset_session` forgets it.

    Retries: 429, 529, other 5xx and connection failures are retried ``max_retries``
    times (default 2, as the Anthropic SDK), waiting as ``retry-after`` asks or backing
    off exponentially (see :class:`RetryPolicy`); pass a ``RetryPolicy`` to tune it.
    ``timeout`` is the seconds without progress (connect or read) before
    :class:`APITimeoutError`. ``dialect`` is the stream dialect accepted (default: the endpoint's
    first; for messages ``sequrity`` rejects ``ping`` and ``error`` events, ``anthropic`` accepts them).
    ``transport`` replaces the network (see :class:`FunctionTransport`); ``sleep`` the
    wait between retries.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        llm_api_key: str | None = None,
        endpoint_type: str = "chat",
        provider: str | None = None,
        features: HeaderValue | None = None,
        policy: HeaderValue | None = None,
        config: HeaderValue | None = None,
        headers: Mapping[str, str] | None = None,
        session_id: str | None = None,
        max_retries: int | RetryPolicy = 2,
        timeout: float | None = 60.0,
        dialect: str | None = None,
        endpoint: str | Endpoint = MESSAGES,
        transport: Transport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url={base_url!r}: expected an http:// or https:// URL")
        self.endpoint = endpoint if isinstance(endpoint, Endpoint) else get_endpoint(endpoint)
        dialect = self.endpoint.dialects[0] if dialect is None else dialect
        if dialect not in self.endpoint.dialects:
            raise ValueError(f"dialect={dialect!r}: expected one of {', '.join(self.endpoint.dialects)}")
        if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
            raise ValueError(f"timeout={timeout!r}: expected seconds > 0, or None for no timeout")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.llm_api_key = llm_api_key
        self.endpoint_type = _check_segment("endpoint_type", endpoint_type)
        self.provider = None if provider is None else _check_segment("provider", provider)
        self.features = features
        self.policy = policy
        self.config = config
        self.headers = dict(headers or {})
        self.retry = max_retries if isinstance(max_retries, RetryPolicy) else RetryPolicy(max_retries)
        self.timeout = timeout
        self.dialect = dialect
        self.transport: Transport = transport or AiohttpTransport()
        self._sleep = sleep
        self._session_id = session_id
        build_headers(api_key=api_key, llm_api_key=llm_api_key, features=features, policy=policy,
                      config=config, session_id=session_id, custom=self.headers)  # fail early on bad input

    # -- sessions ---------------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        """The session sent with the next request: the last 2xx answer's ``X-Session-ID``,
        or what was set."""
        return self._session_id

    @session_id.setter
    def session_id(self, value: str | None) -> None:
        self._session_id = value

    def reset_session(self) -> None:
        """Forget the session: the next request starts a new one."""
        self._session_id = None

    # -- requests ---------------------------------------------------------------------------

    def url(self, endpoint_type: str | None = None, provider: str | _Default | None = DEFAULT) -> str:
        """``{base}/control/{endpoint_type}/{provider}`` + the endpoint's path, without the
        provider segment when there is none."""
        return self._url(self.endpoint, endpoint_type, provider)

    def messages_url(self, endpoint_type: str | None = None,
                     provider: str | _Default | None = DEFAULT) -> str:
        """The URL of the messages route (whatever the client's endpoint), as :meth:`url` builds it."""
        return self._url(MESSAGES, endpoint_type, provider)

    def _url(self, endpoint: Endpoint, endpoint_type: str | None, provider: str | _Default | None) -> str:
        kind = self.endpoint_type if endpoint_type is None else _check_segment("endpoint_type", endpoint_type)
        chosen = self.provider if provider is DEFAULT else provider
        return self.base_url + endpoint.route_path(kind, None if chosen is None else _check_segment("provider", chosen))

    async def create(
        self,
        request: Mapping[str, Any] | None = None,
        /,
        *,
        endpoint_type: str | None = None,
        provider: str | _Default | None = DEFAULT,
        llm_api_key: str | _Default | None = DEFAULT,
        features: HeaderValue | _Default | None = DEFAULT,
        policy: HeaderValue | _Default | None = DEFAULT,
        config: HeaderValue | _Default | None = DEFAULT,
        session_id: str | _Default | None = DEFAULT,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | _Default | None = DEFAULT,
        **fields: Any,
    ) -> dict[str, Any]:
        """Send one request and return the response message as a dict.

        The body is ``request`` updated with ``fields`` (``model=``, ``max_tokens=``,
        ``messages=``, ...), nulls dropped. ``request_timeout`` overrides the client's
        ``timeout`` (``timeout=`` is the body's own field). Raises an
        :class:`APIStatusError` subclass for an error status.
        """
        body = _merge_body(request, fields)
        if body.get("stream"):
            raise ValueError("stream=True: call client.stream(...) for a streamed answer")
        http_request = self._http_request(body, stream=False, endpoint_type=endpoint_type, provider=provider,
                                          llm_api_key=llm_api_key, features=features, policy=policy,
                                          config=config, session_id=session_id, headers=headers,
                                          request_timeout=request_timeout)
        response = await self._send(http_request)
        try:
            raw = await response.read()
        finally:
            await response.aclose()
        try:
            message = json.loads(raw)
        except ValueError:
            raise InvalidResponseError(response.status, f"the body is not JSON: {raw[:200]!r}") from None
        if not isinstance(message, dict):
            raise InvalidResponseError(response.status, f"the body is not a JSON object: {raw[:200]!r}")
        return message

    def stream(
        self,
        request: Mapping[str, Any] | None = None,
        /,
        *,
        endpoint_type: str | None = None,
        provider: str | _Default | None = DEFAULT,
        llm_api_key: str | _Default | None = DEFAULT,
        features: HeaderValue | _Default | None = DEFAULT,
        policy: HeaderValue | _Default | None = DEFAULT,
        config: HeaderValue | _Default | None = DEFAULT,
        session_id: str | _Default | None = DEFAULT,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | _Default | None = DEFAULT,
        **fields: Any,
    ) -> MessageStream:
        """Send one request with ``"stream": true`` and return its :class:`MessageStream`::

            async with client.stream(request) as stream:
                async for event in stream:
                    ...
            stream.message

        The arguments are those of :meth:`create`. Retries happen only before the first event.
        """
        body = {**_merge_body(request, fields), "stream": True}
        http_request = self._http_request(body, stream=True, endpoint_type=endpoint_type, provider=provider,
                                          llm_api_key=llm_api_key, features=features, policy=policy,
                                          config=config, session_id=session_id, headers=headers,
                                          request_timeout=request_timeout)
        return MessageStream(lambda: self._send(http_request), self.dialect, self.endpoint)

    def _http_request(self, body: dict[str, Any], *, stream: bool, endpoint_type: str | None,
                      provider: str | _Default | None, llm_api_key: str | _Default | None,
                      features: HeaderValue | _Default | None, policy: HeaderValue | _Default | None,
                      config: HeaderValue | _Default | None, session_id: str | _Default | None,
                      headers: Mapping[str, str] | None,
                      request_timeout: float | _Default | None) -> HttpRequest:
        def pick(value: Any, default: Any) -> Any:
            return default if value is DEFAULT else value

        all_headers = build_headers(
            api_key=self.api_key,
            llm_api_key=pick(llm_api_key, self.llm_api_key),
            features=pick(features, self.features),
            policy=pick(policy, self.policy),
            config=pick(config, self.config),
            session_id=pick(session_id, self._session_id),
            custom={**self.headers, **(headers or {})},
        )
        return HttpRequest("POST", self.url(endpoint_type, provider), all_headers, encode_body(body),
                           timeout=pick(request_timeout, self.timeout), stream=stream)

    async def _send(self, request: HttpRequest) -> HttpResponse:
        """Send with retries; return the 2xx response (body unread) after noting its session."""
        attempt = 0
        while True:
            try:
                response = await self.transport.send(request)
            except APIConnectionError:
                if attempt >= self.retry.max_retries:
                    raise
                await self._sleep(self.retry.delay(attempt))
                attempt += 1
                continue
            if 200 <= response.status < 300:
                session = response.headers.get("X-Session-ID")
                if session:
                    self._session_id = session
                return response
            try:
                raw = await response.read()
                error: APIStatusError = error_from_response(response.status, raw, response.headers)
            finally:
                await response.aclose()
            if not self.retry.retryable_status(response.status) or attempt >= self.retry.max_retries:
                raise error
            await self._sleep(self.retry.delay(attempt, response.headers))
            attempt += 1

    # -- lifecycle --------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the transport; safe to call more than once."""
        await self.transport.aclose()

    async def __aenter__(self) -> ReferenceClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()


def _check_segment(argument: str, value: str) -> str:
    if not isinstance(value, str) or not value or any(c in value for c in "/?#% "):
        raise ValueError(f"{argument}={value!r}: expected one URL path segment such as "
                         f"{'chat' if argument == 'endpoint_type' else 'anthropic'}")
    return value


def _merge_body(request: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    if request is not None and not isinstance(request, Mapping):
        raise TypeError(f"request={request!r}: expected a dict with model, max_tokens and messages")
    return {**(request or {}), **fields}
