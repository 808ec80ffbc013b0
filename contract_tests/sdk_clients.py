"""The anthropic SDK, the OpenAI SDK and the official ``sequrity`` client pointed at a mock server, and
a drawn request turned into the anthropic SDK's arguments.

- :func:`make_anthropic_client`: ``anthropic.Anthropic`` with ``base_url`` the route prefix (the SDK
  appends ``/v1/messages``), ``auth_token`` the Sequrity key (the bearer token) and the LLM key in
  a default ``X-Api-Key`` header, as docs/contract.md §1 says.
- :func:`make_openai_client`: ``openai.OpenAI`` with ``base_url`` the chat completions route less the
  path the SDK appends (:data:`OPENAI_SDK_PATH`), ``api_key`` the Sequrity key (the bearer token) and
  the LLM key in a default ``X-Api-Key`` header.
- :func:`make_official_client`: ``sequrity.SequrityClient(key, base_url=server.url)``.
- :func:`anthropic_arguments`: a request body (e.g. drawn from
  :func:`sequrity_contract.strategies.requests`) as keyword arguments of ``messages.create``: the
  fields the SDK's signature names as keywords, everything else (``temperature``, ``top_k``,
  Sequrity-only fields, the body's ``timeout``) in ``extra_body``.

The packages are imported when used; a missing one raises :class:`ImportError` naming the extra.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sequrity_contract.mockserver import MockServer

__all__ = ["CLIENTS_EXTRA", "DEFAULT_LLM_KEY", "DEFAULT_TEST_KEY", "NOT_BODY_PARAMETERS", "OPENAI_RESPONSES_PATH",
           "OPENAI_SDK_PATH",
           "anthropic_arguments", "import_client_package", "make_anthropic_client", "make_official_client",
           "make_openai_client", "openai_base_url", "server_key"]

CLIENTS_EXTRA = "sequrity-contract[clients]"
"""The extra that installs the anthropic SDK, the OpenAI SDK and the official client."""
DEFAULT_TEST_KEY = "sq-test"
"""The Sequrity key the clients send when the server accepts any key."""
DEFAULT_LLM_KEY = "llm-test"
"""The LLM provider key the SDK clients send in ``X-Api-Key`` (never checked by the mock)."""
OPENAI_SDK_PATH = "/chat/completions"
"""What the OpenAI SDK appends to its ``base_url`` for ``chat.completions.create``."""
OPENAI_RESPONSES_PATH = "/responses"
"""What the OpenAI SDK appends to its ``base_url`` for ``responses.create``."""
NOT_BODY_PARAMETERS = frozenset({"self", "extra_headers", "extra_query", "extra_body", "timeout"})
"""Parameters of the SDK's methods that are not body fields (the SDK's ``timeout`` is the HTTP timeout)."""


def import_client_package(name: str, needed_by: str) -> Any:
    """The package ``name`` (``anthropic``, ``openai`` or ``sequrity``); an :class:`ImportError` naming ``needed_by``
    and the extra to install when it is missing."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(f"{needed_by} needs the {name!r} package: pip install '{CLIENTS_EXTRA}'") from exc


def server_key(server: MockServer) -> str:
    """The Sequrity key a client of ``server`` sends: its first configured key, else :data:`DEFAULT_TEST_KEY`."""
    keys = server.config.api_keys
    return keys[0] if keys else DEFAULT_TEST_KEY


def make_anthropic_client(server: MockServer, *, endpoint_type: str = "chat", provider: str | None = "anthropic",
                          api_key: str | None = None, llm_api_key: str = DEFAULT_LLM_KEY, max_retries: int = 0,
                          **options: Any) -> Any:
    """An ``anthropic.Anthropic`` for ``server``'s route ``endpoint_type``/``provider`` (no retries unless
    ``max_retries`` says; ``options`` go to the constructor)."""
    anthropic = import_client_package("anthropic", "make_anthropic_client")
    headers = {"X-Api-Key": llm_api_key, **options.pop("default_headers", {})}
    return anthropic.Anthropic(base_url=server.base_url(endpoint_type, provider),
                               auth_token=api_key or server_key(server), default_headers=headers,
                               max_retries=max_retries, **options)


def openai_base_url(server: MockServer, endpoint_type: str = "chat", provider: str | None = "openai") -> str:
    """The ``base_url`` of the OpenAI SDK for ``server``'s chat completions route ``endpoint_type``/``provider``:
    ``{url}/control/chat/openai/v1`` by default."""
    from sequrity_contract.schemas import CHAT_COMPLETIONS

    return server.endpoint_url(CHAT_COMPLETIONS.name, endpoint_type, provider).removesuffix(OPENAI_SDK_PATH)


def make_openai_client(server: MockServer, *, endpoint_type: str = "chat", provider: str | None = "openai",
                       api_key: str | None = None, llm_api_key: str = DEFAULT_LLM_KEY, max_retries: int = 0,
                       **options: Any) -> Any:
    """An ``openai.OpenAI`` for ``server``'s chat completions route ``endpoint_type``/``provider`` (no retries
    unless ``max_retries`` says; ``options`` go to the constructor)."""
    openai = import_client_package("openai", "make_openai_client")
    headers = {"X-Api-Key": llm_api_key, **options.pop("default_headers", {})}
    return openai.OpenAI(base_url=openai_base_url(server, endpoint_type, provider),
                         api_key=api_key or server_key(server), default_headers=headers,
                         max_retries=max_retries, **options)


def make_official_client(server: MockServer, *, api_key: str | None = None, **options: Any) -> Any:
    """A ``sequrity.SequrityClient`` for ``server`` (``options`` go to the constructor, e.g. ``timeout``)."""
    sequrity = import_client_package("sequrity", "make_official_client")
    return sequrity.SequrityClient(api_key or server_key(server), base_url=server.url, **options)


def anthropic_arguments(request: Mapping[str, Any], method: Callable[..., Any] | None = None) -> dict[str, Any]:
    """``request`` (a messages body) as keyword arguments of ``method`` (default the SDK's
    ``Messages.create``; pass ``client.messages.stream`` for streams): the body fields ``method``
    takes as parameters (read from its signature, so it follows the installed SDK), and the others
    in ``extra_body``. ``stream`` is passed only to a method that takes it.

    ``client.messages.create(**anthropic_arguments(request))`` sends ``request`` as drawn."""
    if method is None:
        method = import_client_package("anthropic", "anthropic_arguments").resources.Messages.create
    parameters = set(inspect.signature(method).parameters) - NOT_BODY_PARAMETERS
    body = {name: value for name, value in request.items() if name != "stream" or name in parameters}
    arguments = {name: value for name, value in body.items() if name in parameters}
    extra_body = {name: value for name, value in body.items() if name not in parameters}
    if extra_body:
        arguments["extra_body"] = extra_body
    return arguments
