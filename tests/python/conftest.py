# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Shared fixtures of the Python tests: every test must leave the default pool, NumPy's
# allocator and the reference counts it touched as it found them.
import gc
import sys

import numpy as np
import pytest

import zcx


def numpy_handler_name(arr=None):
    """The name of NumPy's current allocator, or of the one that owns arr's data."""
    if arr is None:
        return np.core.multiarray.get_handler_name()
    return np.core.multiarray.get_handler_name(arr)


def live_bytes(pool):
    """Bytes in use in the pool. zcx objects make no reference cycles, so no gc is needed
    for them to go; a full collection runs only when something is still live."""
    current = pool.stats()["current"]
    if current:
        gc.collect()
        current = pool.stats()["current"]
    return current


@pytest.fixture(autouse=True)
def no_leaks():
    """Fails a test that leaves memory in the default pool, a changed NumPy allocator, a
    refused free, or an extra reference to the default pool."""
    default = zcx.default_pool()
    before = live_bytes(default)
    refs = sys.getrefcount(default)
    errors = zcx._numpy_allocator_errors()
    handler = numpy_handler_name()
    yield
    if live_bytes(default) != before or sys.getrefcount(default) != refs:
        gc.collect()
    assert numpy_handler_name() == handler, "the test left NumPy's allocator changed"
    assert zcx._numpy_allocator_errors() == errors, "the NumPy allocator refused a free"
    assert default.stats()["current"] == before, "the test left memory in the default pool"
    assert sys.getrefcount(default) == refs, "the test leaked references to the default pool"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Notes the reference counts of the test's pools just before its body runs."""
    # (minus one: the loop variable below holds a reference of its own)
    item.zcx_pool_refs = {id(v): sys.getrefcount(v) - 1 for v in item.funcargs.values()
                          if isinstance(v, zcx.Pool)}
    yield


@pytest.fixture
def pool(request):
    """A fresh pool that must be empty, and referenced only as before the test, at the end."""
    p = zcx.Pool()
    yield p
    assert live_bytes(p) == 0, "the test left memory in its pool"
    assert p.stats()["allocations"] == p.stats()["frees"]
    before = getattr(request.node, "zcx_pool_refs", {}).get(id(p))
    if before is not None:
        if sys.getrefcount(p) != before:
            gc.collect()  # e.g. a traceback kept the test's frame alive in a cycle
        assert sys.getrefcount(p) == before, "the test leaked references to its pool"
