"""The young-generation pacing of the server (``support.young_collector``): a store at capacity,
which frees an old object for every new one, keeps the youngest generation small only when
the collector ticks with it."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator

import pytest

from sequrity_contract.mockserver.support.young_collector import EVERY, MIDDLE_EVERY, YoungCollector

CAPACITY = 3000
ROUNDS = 4 * CAPACITY


class Kept:
    """A kept object with a container inside: two tracked objects, as a journal entry has."""

    def __init__(self, number: int) -> None:
        self.parts = [number]


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _largest_young_generation(tick: YoungCollector | None) -> int:
    """The most objects the youngest generation held while a store of ``CAPACITY`` objects,
    once full, took ``ROUNDS - CAPACITY`` more (sampled every ``EVERY`` additions)."""
    store: deque[Kept] = deque(maxlen=CAPACITY)
    largest = 0
    for number in range(ROUNDS):
        if number % EVERY == EVERY - 1 and number >= CAPACITY:  # just before a tick that collects
            largest = max(largest, len(gc.get_objects(0)))
        if tick is not None:
            tick.tick()
        store.append(Kept(number))
    return largest


def test_ticking_keeps_the_young_generation_small(collector_enabled: None) -> None:
    bound = 10 * EVERY + 1000  # two objects per addition since the last tick, and what the test holds
    assert _largest_young_generation(YoungCollector()) < bound


def test_a_store_at_capacity_piles_up_in_the_young_generation_without_ticks(collector_enabled: None) -> None:
    """The premise: CPython counts deallocations of old objects against allocations of new ones."""
    assert _largest_young_generation(None) > CAPACITY


def test_nothing_is_collected_while_the_collector_is_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        collections_seen: list[int] = []

        def seen(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                collections_seen.append(info["generation"])

        gc.callbacks.append(seen)
        try:
            collector = YoungCollector(every=1)
            for _ in range(3 * MIDDLE_EVERY):
                collector.tick()
        finally:
            gc.callbacks.remove(seen)
        assert collections_seen == []
    finally:
        if was:
            gc.enable()


def test_the_middle_generation_is_collected_every_few_young_collections(collector_enabled: None) -> None:
    generations: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    collector = YoungCollector(every=2)
    gc.callbacks.append(seen)
    try:
        for _ in range(2 * 2 * MIDDLE_EVERY):
            collector.tick()
    finally:
        gc.callbacks.remove(seen)
    explicit = [g for g in generations if g <= 1]
    assert explicit.count(1) >= 2 and explicit.count(0) >= 2 * (MIDDLE_EVERY - 1)


@pytest.mark.parametrize("every", [0, -3])
def test_every_must_be_at_least_one(every: int) -> None:
    with pytest.raises(ValueError, match=f"every={every}"):
        YoungCollector(every=every)
