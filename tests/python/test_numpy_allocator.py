# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.numpy_allocator and zcx.set_numpy_allocator: NumPy's data from a zcx pool.
import gc
import sys
import threading

import numpy as np
import pytest

import zcx
from conftest import live_bytes, numpy_handler_name


def test_arrays_take_their_data_from_the_pool(pool):
    with zcx.numpy_allocator(pool) as entered:
        assert entered is pool
        assert numpy_handler_name().startswith("zcx:")
        a = np.ones(1000)
        assert numpy_handler_name(a).startswith("zcx:")
        assert a.ctypes.data % 64 == 0
        s = pool.stats()
        assert s["current"] >= a.nbytes
        assert s["current_count"] == 1
        b = np.arange(500, dtype=np.int32)
        assert live_bytes(pool) >= a.nbytes + b.nbytes
        del a, b
        assert live_bytes(pool) == 0
    assert numpy_handler_name() == "default_allocator"
    c = np.ones(1000)
    assert numpy_handler_name(c) == "default_allocator"
    assert live_bytes(pool) == 0


def test_arrays_outliving_the_context_free_to_their_pool(pool):
    with zcx.numpy_allocator(pool):
        a = np.full(10000, 3.0)
    held = live_bytes(pool)
    assert held >= a.nbytes
    assert numpy_handler_name(a).startswith("zcx:")
    assert a.sum() == 30000.0
    # Freed while another pool is current: it still goes back to the pool that made it.
    other = zcx.Pool()
    with zcx.numpy_allocator(other):
        del a
        assert live_bytes(pool) == 0
        assert live_bytes(other) == 0
    assert other.stats()["allocations"] == 0


def test_arrays_outlive_the_pool_object():
    p = zcx.Pool()
    refs = sys.getrefcount(p)
    with zcx.numpy_allocator(p):
        a = np.arange(1 << 16, dtype=np.float64)
    # The array holds NumPy's handler, which holds the pool's memory, not the Pool object.
    assert sys.getrefcount(p) == refs
    del p
    gc.collect()
    assert numpy_handler_name(a).startswith("zcx:")
    assert a[-1] == (1 << 16) - 1
    a += 1
    assert a.sum() == sum(range(1, (1 << 16) + 1))
    del a


def test_zeros_are_zero_on_recycled_memory(pool):
    with zcx.numpy_allocator(pool):
        dirty = np.full(1 << 18, 0x55, dtype=np.uint8)
        address = dirty.ctypes.data
        del dirty
        # np.zeros uses calloc: the recycled block must be cleared.
        clean = np.zeros(1 << 18, dtype=np.uint8)
        assert clean.ctypes.data == address, "the pool should have reused the block"
        assert not clean.any()
        del clean


def test_resize_uses_realloc(pool):
    with zcx.numpy_allocator(pool):
        a = np.arange(10, dtype=np.int64)
        a.resize(100000, refcheck=False)
        assert a[:10].tolist() == list(range(10))
        assert not a[10:].any()
        assert live_bytes(pool) >= 800000
        a.resize(5, refcheck=False)
        assert a.tolist() == [0, 1, 2, 3, 4]
        assert pool.stats()["current"] < 1000
        del a
    assert live_bytes(pool) == 0


def test_numpy_results_are_correct(pool):
    rng = np.random.default_rng(7)
    m = rng.standard_normal((64, 48))
    v = rng.standard_normal(48)
    words = np.array(["delta", "alpha", "charlie", "bravo"])
    expect = (m @ v, np.sort(m, axis=0), np.fft.rfft(v), np.cumsum(m, axis=1), np.sort(words),
              np.linalg.svd(m, compute_uv=False))
    with zcx.numpy_allocator(pool):
        got = (m @ v, np.sort(m, axis=0), np.fft.rfft(v), np.cumsum(m, axis=1), np.sort(words),
               np.linalg.svd(m, compute_uv=False))
        assert all(numpy_handler_name(g).startswith("zcx:") for g in got[:2])
        objects = np.array([{"a": 1}, [2], "three"], dtype=object)
        assert objects[0]["a"] == 1
        rec = np.zeros(3, dtype=[("x", "i4"), ("y", "f8")])
        rec["y"] = 1.5
        empty = np.empty((0, 5))
        assert empty.size == 0
        del objects, rec, empty
    np.testing.assert_array_equal(got[4], expect[4])
    for k in (0, 1, 2, 3, 5):
        np.testing.assert_allclose(got[k], expect[k])
    del got
    assert live_bytes(pool) == 0


def test_nested_contexts_restore_in_order(pool):
    other = zcx.Pool()
    with zcx.numpy_allocator(pool):
        with zcx.numpy_allocator(other):
            b = np.ones(100)
        a = np.ones(100)
    assert live_bytes(other) >= b.nbytes
    assert live_bytes(pool) >= a.nbytes
    del a, b
    assert live_bytes(other) == 0


def test_one_context_object_can_be_reentered(pool):
    ctx = zcx.numpy_allocator(pool)
    with ctx:
        with ctx:
            a = np.ones(10)
        assert numpy_handler_name().startswith("zcx:")
    assert numpy_handler_name() == "default_allocator"
    del a
    with pytest.raises(RuntimeError, match="without __enter__"):
        ctx.__exit__(None, None, None)


def test_default_pool_context():
    default = zcx.default_pool()
    before = live_bytes(default)
    with zcx.numpy_allocator() as p:
        assert p is default
        a = np.ones(4096)
        assert live_bytes(default) >= before + a.nbytes
        del a


def test_set_numpy_allocator_and_restore(pool):
    old = zcx.set_numpy_allocator(pool)
    try:
        assert numpy_handler_name().startswith("zcx:")
        a = np.ones(100)
    finally:
        ours = zcx.set_numpy_allocator(old)
    assert numpy_handler_name() == "default_allocator"
    assert numpy_handler_name(a).startswith("zcx:")
    # A handler returned by set_numpy_allocator can be set again; None is NumPy's default.
    zcx.set_numpy_allocator(ours)
    try:
        b = np.ones(10)
    finally:
        zcx.set_numpy_allocator(None)
    assert numpy_handler_name(b).startswith("zcx:")
    assert numpy_handler_name() == "default_allocator"
    del a, b, ours


def test_bad_arguments():
    with pytest.raises(TypeError, match="zcx.Pool"):
        zcx.numpy_allocator("pool")
    with pytest.raises(TypeError, match="zcx.Pool"):
        zcx.set_numpy_allocator(42)
    with pytest.raises(TypeError):
        zcx.numpy_allocator(zcx.Pool(), zcx.Pool())


def test_failed_allocation_raises_memory_error():
    small = zcx.Pool(maximum_size=1 << 20)
    with zcx.numpy_allocator(small):
        with pytest.raises(MemoryError):
            np.ones(1 << 20)
        ok = np.ones(1000)
    assert ok.sum() == 1000
    assert small.stats()["failures"] == 1
    del ok
    assert live_bytes(small) == 0


def test_the_allocator_is_per_thread(pool):
    seen = {}

    def other_thread():
        seen["name"] = numpy_handler_name()
        seen["array"] = numpy_handler_name(np.ones(10))

    with zcx.numpy_allocator(pool):
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert seen == {"name": "default_allocator", "array": "default_allocator"}


def test_two_threads_with_arrays_freed_by_the_other_thread(pool):
    rounds = 300
    queues = [[], []]
    lock = threading.Lock()
    errors = []
    peak_seen = []

    def worker(me):
        try:
            rng = np.random.default_rng(99 + me)
            with zcx.numpy_allocator(pool):
                for _ in range(rounds):
                    n = int(rng.integers(1, 5000))
                    a = np.full(n, me, dtype=np.int64)
                    with lock:
                        queues[me].append(a)
                        if len(queues[1 - me]) > 4:
                            theirs = queues[1 - me].pop(0)
                            assert (theirs == 1 - me).all()
                            del theirs
                    del a
                peak_seen.append(pool.stats()["current"])
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert max(peak_seen) > 0
    s = pool.stats()
    assert s["allocations"] >= 2 * rounds
    queues.clear()
    assert live_bytes(pool) == 0
    assert pool.stats()["frees"] == pool.stats()["allocations"]
