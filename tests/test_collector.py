"""The garbage collector during a build: the book left out of its collections, then given back."""

from __future__ import annotations

import gc

from amnesty_book.support.collector import long_lived


def test_what_lives_through_a_build_is_frozen_and_given_back_afterwards() -> None:
    before = gc.get_threshold()
    book = [[index] for index in range(1000)]  # objects the collector tracks
    with long_lived():
        assert gc.get_freeze_count() >= len(book)
        assert gc.get_threshold()[:2] == before[:2]
        assert gc.get_threshold()[2] > before[2]  # full collections rarer
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_a_failed_build_gives_the_collector_back_too() -> None:
    before = gc.get_threshold()
    try:
        with long_lived():
            raise ValueError("the build failed")
    except ValueError:
        pass
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
