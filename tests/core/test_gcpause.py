"""Pausing the cyclic garbage collector around bulk work (superteam.core.gcpause)."""

import gc
import threading

from superteam.core import gcpause


def test_the_collector_is_off_inside_and_back_on_after_the_outermost_pause():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause ending does not switch it back on
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_switches_it_back_on():
    try:
        with gcpause.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_pauses_in_two_threads_end_with_the_collector_on():
    inside, release = threading.Barrier(2), threading.Event()

    def work():
        with gcpause.paused():
            inside.wait()
            release.wait(5)

    thread = threading.Thread(target=work)
    thread.start()
    with gcpause.paused():
        inside.wait()
    assert not gc.isenabled()  # the other thread's pause is still open
    release.set()
    thread.join()
    assert gc.isenabled()
