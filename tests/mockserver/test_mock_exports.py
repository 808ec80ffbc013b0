"""The public surface of ``mockserver`` is exactly what ``__all__`` lists."""

from sequrity_contract import mockserver


def test_all_is_pinned_and_sorted() -> None:
    assert mockserver.__all__ == [
        "ApiError",
        "Cassette",
        "CassetteError",
        "Difference",
        "Latency",
        "MockConfig",
        "MockServer",
        "MockServerError",
        "Reply",
        "RequestContext",
        "Responder",
        "Synthesizer",
        "create_app",
        "register_synthesizer",
        "synthesize",
    ]
    assert sorted(mockserver.__all__) == mockserver.__all__
    assert all(hasattr(mockserver, name) for name in mockserver.__all__)
