"""The collector pause the bulk passes share: on inside, back as it was after, even when passes nest or overlap
in threads (the web server runs several)."""

from __future__ import annotations

import gc
import threading

import pytest

from archiver import gcpause

pytestmark = pytest.mark.unit


def test_pause_nests_and_restores() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pass is still running
    assert gc.isenabled()


def test_collector_left_off_stays_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_threads_switch_it_back_on() -> None:
    inside, release = threading.Barrier(3), threading.Event()

    def work() -> None:
        with gcpause.paused():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_decorated_function_raising_restores() -> None:
    @gcpause.paused()
    def fails() -> None:
        raise ValueError("x")

    try:
        fails()
    except ValueError:
        pass
    assert gc.isenabled()
