# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.Pool, zcx.Buffer and zcx.default_pool.
import gc
import sys
import threading

import numpy as np
import pytest

import zcx

STAT_KEYS = {
    "current", "peak", "total", "current_count", "peak_count", "allocations", "frees",
    "failures", "reserved", "peak_reserved", "free", "largest_free_block", "fragmentation",
}


def test_fresh_pool_has_zero_statistics(pool):
    s = pool.stats()
    assert set(s) == STAT_KEYS
    for key in STAT_KEYS - {"fragmentation"}:
        assert isinstance(s[key], int), key
    assert isinstance(s["fragmentation"], float)
    assert s["current"] == 0 and s["peak"] == 0
    assert s["allocations"] == 0 and s["frees"] == 0 and s["failures"] == 0
    assert pool.kind == "pool"
    assert pool.device == (1, 0)
    assert "pool" in pool.name
    assert "zcx.Pool" in repr(pool)


def test_stats_rise_while_buffers_live_and_fall_after(pool):
    a = pool.allocate(1000)
    b = pool.allocate(5000)
    s = pool.stats()
    assert s["current"] == 6000
    assert s["current_count"] == 2
    assert s["allocations"] == 2
    assert s["reserved"] >= 6000
    del a
    assert pool.stats()["current"] == 5000
    del b
    s = pool.stats()
    assert s["current"] == 0
    assert s["peak"] == 6000
    assert s["frees"] == 2
    assert s["total"] == 6000


def test_buffer_protocol_is_zero_copy_and_writable(pool):
    buf = pool.allocate(64)
    assert len(buf) == 64 and buf.size == 64
    assert not buf.readonly
    assert buf.device == (1, 0)
    assert buf.address % 64 == 0
    view = memoryview(buf)
    assert view.nbytes == 64 and view.format == "B" and not view.readonly
    arr = np.frombuffer(buf, dtype=np.uint8)
    assert arr.__array_interface__["data"][0] == buf.address
    arr[:] = 7
    assert bytes(view[:3]) == b"\x07\x07\x07"
    view[5] = 42
    assert arr[5] == 42
    # The views keep the memory alive after the Buffer object is gone.
    del buf
    assert pool.stats()["current"] == 64
    assert arr.sum() == 7 * 63 + 42
    del view, arr
    assert pool.stats()["current"] == 0
    assert "zcx.Buffer" in repr(pool.allocate(1))


def test_zero_size_buffer(pool):
    buf = pool.allocate(0)
    assert len(buf) == 0
    assert memoryview(buf).nbytes == 0


def test_alignment(pool):
    for alignment in (1, 8, 64, 256, 4096):
        buf = pool.allocate(100, alignment=alignment)
        assert buf.address % alignment == 0
    with pytest.raises(ValueError, match="alignment"):
        pool.allocate(100, alignment=3)


@pytest.mark.parametrize("kwargs, name", [
    ({"initial_size": -1}, "initial_size"),
    ({"maximum_size": -5}, "maximum_size"),
    ({"min_chunk_size": -2}, "min_chunk_size"),
    ({"release_threshold": -3}, "release_threshold"),
])
def test_negative_pool_sizes_raise_value_error(kwargs, name):
    with pytest.raises(ValueError, match=f"{name} must be >= 0"):
        zcx.Pool(**kwargs)


def test_bad_arguments(pool):
    with pytest.raises(ValueError, match="size must be >= 0, got -1"):
        pool.allocate(-1)
    with pytest.raises(ValueError, match="alignment must be >= 0"):
        pool.allocate(8, alignment=-64)
    with pytest.raises(ValueError, match="keep_bytes must be >= 0"):
        pool.trim(-1)
    with pytest.raises(ValueError, match="initial_size 2048 is larger than maximum_size 1024"):
        zcx.Pool(initial_size=2048, maximum_size=1024)
    with pytest.raises(TypeError):
        zcx.Pool("big")
    with pytest.raises(TypeError):
        pool.allocate("10")
    with pytest.raises(TypeError):
        zcx.Pool(1, 2, 3)  # min_chunk_size is keyword-only
    with pytest.raises(OverflowError):
        zcx.Pool(initial_size=1 << 70)
    with pytest.raises(TypeError):
        zcx.Buffer()


def test_maximum_size_exceeded_raises_memory_error_with_message(pool):
    small = zcx.Pool(maximum_size=1 << 20)
    keep = small.allocate(512 << 10)
    with pytest.raises(MemoryError) as info:
        small.allocate(2 << 20)
    message = str(info.value)
    assert "2097152" in message, message
    s = small.stats()
    assert s["failures"] == 1
    assert s["reserved"] <= 1 << 20
    assert s["current"] == 512 << 10
    # The pool is still usable after the failure.
    other = small.allocate(1000)
    assert other.address != keep.address
    del keep, other
    assert small.stats()["current"] == 0


def test_huge_request_raises_memory_error(pool):
    with pytest.raises(MemoryError):
        pool.allocate(1 << 62)
    assert pool.stats()["failures"] == 1


def test_initial_size_and_trim(pool):
    p = zcx.Pool(initial_size=4 << 20)
    assert p.stats()["reserved"] >= 4 << 20
    big = pool.allocate(8 << 20)
    del big
    s = pool.stats()
    assert s["current"] == 0 and s["reserved"] >= 8 << 20
    pool.trim()
    assert pool.stats()["reserved"] == 0
    # After trimming the pool still works.
    again = pool.allocate(1 << 20)
    assert pool.stats()["current"] == 1 << 20
    del again


def test_pool_object_may_die_before_its_buffers():
    p = zcx.Pool()
    buf = p.allocate(4096)
    view = memoryview(buf)
    view[0] = 1
    del p
    gc.collect()
    view[4095] = 2
    assert view[0] == 1 and view[4095] == 2
    del view, buf


def test_default_pool_is_one_object():
    a = zcx.default_pool()
    b = zcx.default_pool()
    assert a is b
    assert a.kind == "pool"
    before = a.stats()["current"]
    buf = a.allocate(100)
    assert a.stats()["current"] == before + 100
    del buf
    assert a.stats()["current"] == before


def test_reference_counts_unchanged(pool):
    refs = sys.getrefcount(pool)
    bufs = [pool.allocate(n) for n in (1, 10, 100, 1000)]
    stats = pool.stats()
    assert sys.getrefcount(pool) == refs
    assert sys.getrefcount(stats) == 2
    buf = bufs[0]
    base = sys.getrefcount(buf)
    view = memoryview(buf)
    assert sys.getrefcount(buf) == base + 1
    view.release()
    assert sys.getrefcount(buf) == base
    del bufs, buf


def test_two_threads_allocate_and_free_each_others_buffers(pool):
    n = 2000
    handoff = [[], []]
    lock = threading.Lock()
    errors = []

    def worker(me):
        try:
            rng = np.random.default_rng(1234 + me)
            for i in range(n):
                size = int(rng.integers(1, 20000))
                buf = pool.allocate(size)
                memoryview(buf)[0] = me
                with lock:
                    handoff[me].append(buf)
                    theirs = handoff[1 - me]
                    if theirs:
                        other = theirs.pop()
                        assert memoryview(other)[0] == 1 - me
                        del other
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert pool.stats()["allocations"] == 2 * n
    handoff.clear()
    s = pool.stats()
    assert s["current"] == 0 and s["frees"] == 2 * n
