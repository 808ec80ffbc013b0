"""The adapter protocol and registry, without a server: names, user adapters, sync
adapters behind coroutines, and the errors for what cannot work."""

from __future__ import annotations

import sys
import threading
import types

import pytest
from client_helpers import run

from sequrity_contract.contract_tests.adapters import (
    BUILTIN_ADAPTERS,
    AdapterError,
    AsyncAdapter,
    SequrityOptions,
    StreamResult,
    UnknownAdapterError,
    adapter_names,
    as_async,
    get_adapter,
)

OPTIONS = SequrityOptions("http://127.0.0.1:9", "sq")


class EchoAdapter:
    """A user's sync adapter: answers with the request and the thread it ran on."""

    name = "echo"
    dialects = frozenset({"sequrity"})
    supports_sessions = False

    def __init__(self) -> None:
        self.resets = 0

    def send(self, request, options):
        return {"request": request, "thread": threading.current_thread().name}

    def stream(self, request, options):
        return StreamResult([{"type": "message_stop"}], {"request": request})

    def reset_session(self):
        self.resets += 1

    def close(self):
        pass


@pytest.fixture
def user_module():
    module = types.ModuleType("user_adapters_for_test")
    module.make = EchoAdapter
    module.not_callable = 42
    module.broken = lambda: object()
    module.nested = types.SimpleNamespace(factory=EchoAdapter)
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


@pytest.mark.parametrize("name", sorted(BUILTIN_ADAPTERS))
def test_every_builtin_name_gives_an_adapter_of_that_name(name):
    adapter = get_adapter(name)
    try:
        assert adapter.name == name
        assert adapter.dialects <= {"sequrity", "anthropic", "openai"}
        endpoints = getattr(adapter, "endpoints", {"messages"})
        assert "sequrity" in adapter.dialects or "messages" not in endpoints
    finally:
        run(as_async(adapter).close())


def test_the_builtin_names_are_listed():
    assert adapter_names() == ["reference", "sequrity", "sequrity-async", "anthropic", "openai", "raw"]


def test_a_user_adapter_is_named_by_module_and_factory(user_module):
    assert isinstance(get_adapter(f"{user_module}:make"), EchoAdapter)
    assert isinstance(get_adapter(f"{user_module}:nested.factory"), EchoAdapter)


@pytest.mark.parametrize(("spec", "text"), [
    ("nope", "unknown adapter; the built-in ones are reference, sequrity, sequrity-async, anthropic, openai, raw"),
    ("", "expected an adapter name"),
    (":make", "expected 'package.module:factory'"),
    ("no_such_module_xyz:make", "cannot import module 'no_such_module_xyz'"),
    ("{mod}:missing", "has no attribute 'missing'"),
    ("{mod}:not_callable", "'not_callable' is a int, expected a factory"),
    ("{mod}:broken", "the factory returned object, which lacks name, dialects, send"),
])
def test_a_bad_adapter_name_says_what_is_known_and_expected(user_module, spec, text):
    with pytest.raises(UnknownAdapterError, match=__import__("re").escape(text)):
        get_adapter(spec.format(mod=user_module))


def test_a_sync_adapter_runs_in_a_worker_thread():
    adapter = as_async(EchoAdapter())

    async def go():
        message = await adapter.send({"model": "m"}, OPTIONS)
        result = await adapter.stream({"model": "m"}, OPTIONS)
        await adapter.reset_session()
        return message, result

    message, result = run(go())
    assert message["request"] == {"model": "m"}
    assert message["thread"] != threading.main_thread().name
    assert result == StreamResult([{"type": "message_stop"}], {"request": {"model": "m"}})
    assert adapter.adapter.resets == 1
    assert as_async(adapter) is adapter


def test_an_adapter_returning_the_wrong_type_is_reported_by_name():
    class Wrong(EchoAdapter):
        def send(self, request, options):
            return "not a dict"

        async def stream(self, request, options):
            return {"events": []}

    adapter = AsyncAdapter(Wrong())
    with pytest.raises(TypeError, match="adapter 'echo': send returned str, expected a dict"):
        run(adapter.send({}, OPTIONS))
    with pytest.raises(TypeError, match="stream returned dict, expected a StreamResult"):
        run(adapter.stream({}, OPTIONS))


def test_an_object_without_the_protocol_is_refused():
    with pytest.raises(TypeError, match="missing send, stream, reset_session, close"):
        AsyncAdapter(types.SimpleNamespace(name="x", dialects=frozenset()))


def test_options_build_the_route_and_check_their_arguments():
    assert OPTIONS.messages_url() == "http://127.0.0.1:9/control/chat/v1/messages"
    routed = SequrityOptions("http://h/", "sq", endpoint_type="code", provider="openai")
    assert routed.messages_url() == "http://h/control/code/openai/v1/messages"
    with pytest.raises(ValueError, match="base_url='h'"):
        SequrityOptions("h", "sq")
    with pytest.raises(TypeError, match="api_key=None"):
        SequrityOptions("http://h", None)


def test_adapter_errors_say_status_or_kind():
    assert str(AdapterError(401, "bad key")) == "HTTP 401: bad key"
    assert str(AdapterError(None, "refused", kind="connection")) == "connection: refused"


def test_a_connection_failure_is_an_adapter_error_of_kind_connection():
    closed_port = SequrityOptions("http://127.0.0.1:9", "sq", timeout=2)
    for name in ("reference", "raw", "anthropic", "sequrity"):
        adapter = as_async(get_adapter(name))

        async def go(adapter=adapter):
            try:
                await adapter.send({"model": "m", "max_tokens": 1, "messages": []}, closed_port)
            finally:
                await adapter.close()

        with pytest.raises(AdapterError) as caught:
            run(go())
        assert (caught.value.status, caught.value.kind) == (None, "connection"), name
