# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.Tensor and DLPack with the real NumPy and PyTorch: zero copy both ways,
# lifetimes, dtypes, layouts, read-only flags, capsule rules and version negotiation.
import array
import ctypes
import hashlib
import gc
import sys
import threading
import weakref

import numpy as np
import pytest
import torch

import zcx

NUMPY_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                "float16", "float32", "float64", "complex64", "complex128"]
TORCH_DTYPES = [torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.float16,
                torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128]

_capsule_name = ctypes.pythonapi.PyCapsule_GetName
_capsule_name.restype = ctypes.c_char_p
_capsule_name.argtypes = [ctypes.py_object]


def capsule_name(capsule):
    return _capsule_name(capsule).decode()


def address(x):
    if isinstance(x, np.ndarray):
        return x.__array_interface__["data"][0]
    if isinstance(x, torch.Tensor):
        return x.data_ptr()
    return x.address


def sample(dtype, n=12):
    """n distinct values of a NumPy dtype."""
    values = np.arange(n) % 100
    if np.dtype(dtype).kind == "c":
        return (values + 1j * values[::-1]).astype(dtype)
    return values.astype(dtype)


# ---------------------------------------------------------------------------------------------
# Zero copy both ways


def test_numpy_to_zcx_to_numpy_is_zero_copy():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = zcx.from_dlpack(a)
    assert isinstance(t, zcx.Tensor)
    assert t.shape == (3, 4) and t.dtype == "float32" and t.device == (1, 0)
    assert t.strides == (4, 1) and t.byte_strides == a.strides
    assert t.ndim == 2 and t.size == 12 and t.itemsize == 4 and t.nbytes == 48
    assert t.contiguous and not t.readonly and not t.is_copied
    assert t.__dlpack_device__() == (1, 0)
    assert address(t) == address(a)
    b = np.from_dlpack(t)
    assert address(b) == address(a)
    assert not b.flags.writeable  # NumPy 1.x marks every DLPack import read-only
    c = np.asarray(t)  # through the buffer protocol: writable
    assert address(c) == address(a) and c.flags.writeable
    a[1, 2] = 100.0
    assert b[1, 2] == 100.0 and c[1, 2] == 100.0
    c[0, 0] = -1.0
    assert a[0, 0] == -1.0 and b[0, 0] == -1.0
    assert "zcx.Tensor" in repr(t) and "(3, 4)" in repr(t)


def test_torch_to_zcx_to_torch_and_numpy_is_zero_copy():
    x = torch.arange(20, dtype=torch.float64).reshape(4, 5)
    t = zcx.from_dlpack(x)
    assert address(t) == x.data_ptr()
    assert t.shape == (4, 5) and t.strides == x.stride()
    y = torch.from_dlpack(t)
    assert y.data_ptr() == x.data_ptr()
    n = np.asarray(t)
    assert address(n) == x.data_ptr()
    x[3, 4] = 7.5
    assert y[3, 4].item() == 7.5 and n[3, 4] == 7.5
    n[0, 1] = -2.0
    assert x[0, 1].item() == -2.0


def test_numpy_to_zcx_to_torch_is_zero_copy():
    a = np.linspace(0, 1, 10)
    y = torch.from_dlpack(zcx.from_dlpack(a))
    assert y.data_ptr() == address(a)
    y[4] = 42.0
    assert a[4] == 42.0


def test_zcx_tensor_from_a_pool_goes_to_numpy_and_torch(pool):
    t = zcx.empty((4, 8), "float32", pool=pool)
    assert pool.stats()["current"] >= 128
    assert t.address % 64 == 0
    n = np.asarray(t)
    n[...] = np.arange(32, dtype=np.float32).reshape(4, 8)
    x = torch.from_dlpack(t)
    assert x.data_ptr() == t.address
    assert x.sum().item() == sum(range(32))
    del t, n
    # torch still holds the exported tensor, and so the pool's memory.
    assert pool.stats()["current"] >= 128
    assert x[3, 7].item() == 31.0
    del x
    assert pool.stats()["current"] == 0


# ---------------------------------------------------------------------------------------------
# Lifetimes


def test_numpy_producer_deleted_first():
    a = np.arange(1000, dtype=np.int64)
    alive = weakref.ref(a)
    refs = sys.getrefcount(a)
    t = zcx.from_dlpack(a)
    assert sys.getrefcount(a) == refs + 1  # NumPy's managed tensor holds the array
    del a
    gc.collect()
    assert alive() is not None
    assert np.asarray(t).sum() == sum(range(1000))
    del t
    gc.collect()
    assert alive() is None, "the producer's deleter was not called"


def test_torch_producer_deleted_first():
    x = torch.ones(256)
    alive = weakref.ref(x)
    t = zcx.from_dlpack(x)
    del x
    gc.collect()
    assert np.asarray(t).sum() == 256
    y = torch.from_dlpack(t)
    del t
    gc.collect()
    assert y.sum().item() == 256
    del y
    gc.collect()
    assert alive() is None


def test_chain_numpy_zcx_torch_outlives_everything():
    a = np.arange(64, dtype=np.float32)
    alive = weakref.ref(a)
    t = zcx.from_dlpack(a)
    y = torch.from_dlpack(t)
    del a, t
    gc.collect()
    assert alive() is not None
    assert y[63].item() == 63.0
    del y
    gc.collect()
    assert alive() is None


def test_last_reference_dropped_on_another_thread():
    a = np.arange(100.0)
    alive = weakref.ref(a)
    box = [zcx.from_dlpack(a)]
    del a

    def drop():
        box.clear()

    thread = threading.Thread(target=drop)
    thread.start()
    thread.join()
    gc.collect()
    assert alive() is None


# ---------------------------------------------------------------------------------------------
# dtypes


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_every_numpy_dtype_round_trips(dtype):
    a = sample(dtype)
    t = zcx.from_dlpack(a)
    assert t.dtype == dtype
    assert t.itemsize == a.itemsize
    b = np.from_dlpack(t)
    assert b.dtype == a.dtype and address(b) == address(a)
    np.testing.assert_array_equal(b, a)
    c = np.asarray(t)
    assert c.dtype == a.dtype and address(c) == address(a)
    m = memoryview(t)
    assert m.itemsize == a.itemsize and m.shape == a.shape
    y = torch.from_dlpack(t) if dtype not in ("uint16", "uint32", "uint64") else None
    if y is not None:
        assert y.data_ptr() == address(a)


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
def test_every_torch_dtype_round_trips(dtype):
    x = torch.arange(12).to(dtype)
    t = zcx.from_dlpack(x)
    assert t.dtype == str(dtype).replace("torch.", "")
    assert t.itemsize == x.element_size()
    y = torch.from_dlpack(t)
    assert y.dtype == x.dtype and y.data_ptr() == x.data_ptr()
    assert torch.equal(y, x)
    if dtype != torch.bfloat16:
        n = np.asarray(t)
        assert address(n) == x.data_ptr()
        np.testing.assert_array_equal(n, x.numpy())


def test_bfloat16_has_no_numpy_view():
    t = zcx.from_dlpack(torch.zeros(4, dtype=torch.bfloat16))
    with pytest.raises(BufferError, match="bfloat16"):
        t.__array_interface__
    with pytest.raises(BufferError, match="bfloat16"):
        memoryview(t)


def test_bool_tensors_through_the_buffer_protocol():
    a = np.array([True, False, True])
    t = zcx.from_buffer(a)
    assert t.dtype == "bool" and address(t) == address(a)
    b = np.asarray(t)
    assert b.dtype == np.bool_ and b.tolist() == [True, False, True]
    # NumPy 1.x and PyTorch 1.x refuse bool over DLPack; the refusal must not leak the export.
    with pytest.raises((BufferError, RuntimeError, TypeError)):
        np.from_dlpack(t)


def test_empty_with_every_dtype_spelling(pool):
    for spelling, name in [("int8", "int8"), (np.float32, "float32"), (np.dtype("uint16"), "uint16"),
                           (torch.float16, "float16"), (torch.bfloat16, "bfloat16"),
                           (None, "float64"), ("complex128", "complex128"), ("bool", "bool")]:
        t = zcx.empty((2, 3), spelling, pool=pool)
        assert t.dtype == name and t.shape == (2, 3) and t.contiguous
    t = zcx.empty(5, pool=pool)
    assert t.shape == (5,)
    t = zcx.empty((), "int32", pool=pool)
    assert t.shape == () and t.size == 1
    del t


# ---------------------------------------------------------------------------------------------
# Layouts


@pytest.mark.parametrize("make", [
    lambda: np.arange(24.0).reshape(4, 6)[:, ::2],
    lambda: np.arange(24.0).reshape(4, 6).T,
    lambda: np.arange(24.0)[::-3],
    lambda: np.arange(60.0).reshape(3, 4, 5).transpose(2, 0, 1)[1:, ::2],
    lambda: np.array(3.5),
    lambda: np.empty((0, 3)),
    lambda: np.empty((2, 0, 4), dtype=np.int16),
], ids=["columns", "transposed", "negative", "3d", "0d", "empty", "empty3d"])
def test_strided_layouts_from_numpy(make):
    a = make()
    t = zcx.from_dlpack(a)
    assert t.shape == a.shape
    assert t.byte_strides == a.strides or a.size == 0
    assert t.contiguous == a.flags.c_contiguous or a.size <= 1
    b = np.asarray(t)
    np.testing.assert_array_equal(b, a)
    if a.size:
        assert address(b) == address(a)
    m = memoryview(t)
    assert m.shape == a.shape
    np.testing.assert_array_equal(np.from_dlpack(t), a)
    if any(s < 0 for s in a.strides):
        return  # PyTorch has no negative strides
    y = torch.from_dlpack(t)
    assert tuple(y.shape) == a.shape
    np.testing.assert_array_equal(y.numpy(), a)


def test_strided_layouts_from_torch():
    x = torch.arange(30.0).reshape(5, 6)
    for view in (x.t(), x[::2, 1::3], x[1], x[0, 0], x[:, :0]):
        t = zcx.from_dlpack(view)
        assert t.shape == tuple(view.shape)
        assert t.strides == view.stride()
        assert torch.equal(torch.from_dlpack(t), view)
        if view.numel():
            assert t.address == view.data_ptr()


def test_buffer_protocol_strides_and_contiguity():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = zcx.from_dlpack(a.T)
    m = memoryview(t)
    assert m.format == "i" and m.strides == (4, 16) and m.shape == (4, 3)
    assert not m.c_contiguous and m.f_contiguous
    assert m.tolist() == a.T.tolist()
    assert bytes(t) == a.T.tobytes()
    # Consumers that cannot take strides are refused for a strided tensor.
    with pytest.raises(BufferError, match="strided"):
        hashlib.sha1(t)
    assert hashlib.sha1(zcx.from_dlpack(a)).digest() == hashlib.sha1(a).digest()
    assert bytes(zcx.from_dlpack(a)) == a.tobytes()
    ai = t.__array_interface__
    assert ai["version"] == 3 and ai["strides"] == (4, 16) and ai["typestr"] == "<i4"
    assert ai["data"] == (address(a), False)
    assert zcx.from_dlpack(a).__array_interface__["strides"] is None


# ---------------------------------------------------------------------------------------------
# Read-only


def test_read_only_tensors():
    data = bytes(range(16))
    t = zcx.from_buffer(data)
    assert t.readonly and t.dtype == "uint8" and t.shape == (16,)
    assert t.__array_interface__["data"][1] is True
    n = np.asarray(t)
    assert not n.flags.writeable
    assert n.tolist() == list(range(16))
    m = memoryview(t)
    assert m.readonly
    with pytest.raises(TypeError):
        m[0] = 1
    # A legacy capsule cannot say read-only: refused, with advice.
    with pytest.raises(BufferError, match="read-only.*max_version"):
        t.__dlpack__()
    with pytest.raises(BufferError, match="read-only"):
        np.from_dlpack(t)
    # A versioned capsule carries the flag.
    cap = t.__dlpack__(max_version=(1, 0))
    assert capsule_name(cap) == "dltensor_versioned"
    r = zcx.from_dlpack(cap)
    assert r.readonly and r.address == t.address
    # copy=True gives a writable copy, flagged as copied.
    c = zcx.from_dlpack(t.__dlpack__(max_version=(1, 0), copy=True))
    assert c.is_copied and not c.readonly and c.address != t.address
    assert np.asarray(c).tolist() == list(range(16))
    legacy_copy = np.from_dlpack(_Producer(lambda **kw: t.__dlpack__(copy=True)))
    assert legacy_copy.tolist() == list(range(16))


def test_read_only_numpy_array_via_buffer_protocol():
    a = np.arange(6.0)
    a.flags.writeable = False
    t = zcx.from_buffer(a)
    assert t.readonly and t.address == address(a)
    assert np.asarray(t).tolist() == a.tolist()
    with pytest.raises(BufferError, match="read-only"):
        t.__dlpack__()
    with pytest.raises(TypeError, match="not writable"):
        (ctypes.c_char * 48).from_buffer(t)  # wants a writable buffer
    (ctypes.c_char * 48).from_buffer(zcx.from_buffer(np.arange(6.0)))


def test_from_buffer_layouts_and_lifetime():
    a = np.arange(20, dtype=np.float64).reshape(4, 5)[::-1, ::2]
    alive = weakref.ref(a.base)
    t = zcx.from_buffer(a)
    assert t.shape == a.shape and t.byte_strides == a.strides and t.address == address(a)
    del a
    gc.collect()
    assert alive() is not None
    np.testing.assert_array_equal(np.asarray(t), np.arange(20.0).reshape(4, 5)[::-1, ::2])
    del t
    gc.collect()
    assert alive() is None
    arr = array.array("d", [1.0, 2.0])
    assert zcx.from_buffer(arr).dtype == "float64"
    assert zcx.from_buffer(np.zeros(0)).shape == (0,)
    assert zcx.from_buffer(np.float32(2.5)).shape == ()


def test_from_buffer_bad_input():
    with pytest.raises(BufferError, match="big-endian"):
        zcx.from_buffer(np.arange(3, dtype=">i4"))
    with pytest.raises(BufferError, match="format"):
        zcx.from_buffer(np.zeros(3, dtype=[("a", "i4"), ("b", "f8")]))
    with pytest.raises(TypeError):
        zcx.from_buffer(3)


# ---------------------------------------------------------------------------------------------
# Capsules


def test_capsule_renaming_and_double_consumption():
    t = zcx.from_dlpack(np.arange(5))
    cap = t.__dlpack__()
    assert capsule_name(cap) == "dltensor"
    u = zcx.from_dlpack(cap)
    assert capsule_name(cap) == "used_dltensor"
    assert u.address == t.address
    with pytest.raises(BufferError, match="already consumed.*used_dltensor"):
        zcx.from_dlpack(cap)
    vcap = t.__dlpack__(max_version=(1, 0))
    zcx.from_dlpack(vcap)
    assert capsule_name(vcap) == "used_dltensor_versioned"
    with pytest.raises(BufferError, match="already consumed"):
        zcx.from_dlpack(vcap)
    # A capsule that torch consumed is refused too.
    tcap = t.__dlpack__()
    torch.utils.dlpack.from_dlpack(tcap)
    assert capsule_name(tcap) == "used_dltensor"
    with pytest.raises(BufferError, match="already consumed"):
        zcx.from_dlpack(tcap)
    # Capsules made by torch are consumed by zcx.
    xcap = torch.utils.dlpack.to_dlpack(torch.ones(3))
    assert np.asarray(zcx.from_dlpack(xcap)).tolist() == [1.0, 1.0, 1.0]
    assert capsule_name(xcap) == "used_dltensor"


def test_unconsumed_capsule_calls_the_deleter(pool):
    t = zcx.empty(1000, "float64", pool=pool)
    legacy = t.__dlpack__()
    versioned = t.__dlpack__(max_version=(1, 1))
    del t
    gc.collect()
    assert pool.stats()["current"] >= 8000
    del legacy
    assert pool.stats()["current"] >= 8000
    del versioned
    assert pool.stats()["current"] == 0


def test_max_version_negotiation():
    t = zcx.from_dlpack(np.arange(3.0))
    assert capsule_name(t.__dlpack__()) == "dltensor"
    assert capsule_name(t.__dlpack__(max_version=None)) == "dltensor"
    assert capsule_name(t.__dlpack__(max_version=(0, 8))) == "dltensor"
    assert capsule_name(t.__dlpack__(max_version=(1, 0))) == "dltensor_versioned"
    assert capsule_name(t.__dlpack__(max_version=(2, 3))) == "dltensor_versioned"
    for bad in ("1.0", (1,), (1, 0, 0), ("a", "b"), 1):
        with pytest.raises(TypeError, match="max_version"):
            t.__dlpack__(max_version=bad)


class _Producer:
    """An object with __dlpack__ that records how it was called."""

    def __init__(self, export, device=(1, 0)):
        self.export = export
        self.calls = []
        self.device = device

    def __dlpack__(self, **kwargs):
        self.calls.append(kwargs)
        return self.export(**kwargs)

    def __dlpack_device__(self):
        return self.device


def test_from_dlpack_asks_for_a_versioned_capsule_first():
    t = zcx.from_dlpack(np.arange(4.0))
    p = _Producer(lambda **kw: t.__dlpack__(**kw))
    u = zcx.from_dlpack(p)
    assert p.calls == [{"max_version": (1, 1)}]
    assert u.address == t.address


def test_from_dlpack_falls_back_for_old_producers():
    t = zcx.from_dlpack(np.arange(4.0))

    class Old:
        calls = 0

        def __dlpack__(self, stream=None):  # no max_version: a pre-1.0 producer
            Old.calls += 1
            return t.__dlpack__()

    u = zcx.from_dlpack(Old())
    assert Old.calls == 1 and u.address == t.address
    # NumPy 1.24 and PyTorch 1.13 are such producers.
    assert zcx.from_dlpack(np.ones(2)).shape == (2,)


def test_export_arguments():
    t = zcx.from_dlpack(np.arange(3.0))
    assert capsule_name(t.__dlpack__(stream=None, dl_device=(1, 0), copy=False)) == "dltensor"
    with pytest.raises(ValueError, match="stream must be None"):
        t.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="cannot be exported to device \\(2, 0\\)"):
        t.__dlpack__(dl_device=(2, 0))
    with pytest.raises(TypeError, match="dl_device"):
        t.__dlpack__(dl_device="cpu")
    with pytest.raises(TypeError, match="copy"):
        t.__dlpack__(copy="yes")
    with pytest.raises(TypeError):
        t.__dlpack__(1)  # keywords only
    c = np.from_dlpack(_Producer(lambda **kw: t.__dlpack__(copy=True)))
    assert address(c) != t.address and c.tolist() == [0.0, 1.0, 2.0]


def test_copy_of_a_strided_tensor_is_contiguous():
    a = np.arange(24, dtype=np.int16).reshape(4, 6)[::-2, 1::2]
    t = zcx.from_dlpack(a)
    c = zcx.from_dlpack(t.__dlpack__(max_version=(1, 0), copy=True))
    assert c.contiguous and c.is_copied and c.shape == a.shape
    np.testing.assert_array_equal(np.asarray(c), a)


def test_from_dlpack_bad_input():
    with pytest.raises(TypeError, match="int has no __dlpack__"):
        zcx.from_dlpack(42)
    with pytest.raises(TypeError, match="not a DLPack capsule"):
        zcx.from_dlpack(_named_capsule(b"something_else"))
    with pytest.raises(TypeError, match="returned str"):
        zcx.from_dlpack(_Producer(lambda **kw: "not a capsule"))
    with pytest.raises(ZeroDivisionError):
        zcx.from_dlpack(_Producer(lambda **kw: 1 / 0))


# ---------------------------------------------------------------------------------------------
# Hand-made capsules (ctypes): every rejection of the import, and the deleter rules


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", DLDataType), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class DLManagedTensorVersioned(ctypes.Structure):
    pass


DELETER = ctypes.CFUNCTYPE(None, ctypes.POINTER(DLManagedTensorVersioned))
DLManagedTensorVersioned._fields_ = [
    ("version", DLPackVersion), ("manager_ctx", ctypes.c_void_p), ("deleter", DELETER),
    ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor)]

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]


_KEEP_ALIVE = []


def _named_capsule(name):
    """A capsule with an arbitrary name over a ctypes int kept alive for the session."""
    holder = ctypes.c_int(0)
    _KEEP_ALIVE.append((holder, name))
    return _capsule_new(ctypes.addressof(holder), name, None)


class HandMade:
    """A DLPack 1.x managed tensor over a NumPy array, built with ctypes; counts deleter calls."""

    def __init__(self, arr, shape=None, strides=None, code=None, bits=None, lanes=1,
                 device=(1, 0), major=1, flags=0, byte_offset=0, data=None, ndim=None):
        self.arr = arr
        self.deleted = 0
        shape = arr.shape if shape is None else shape
        self.shape = (ctypes.c_int64 * max(len(shape), 1))(*shape)
        self.strides = None
        if strides is not None:
            self.strides = (ctypes.c_int64 * max(len(strides), 1))(*strides)
        kinds = {"i": 0, "u": 1, "f": 2, "c": 5, "b": 6}
        self.m = DLManagedTensorVersioned()
        self.m.version = DLPackVersion(major, 0)
        self.m.deleter = DELETER(self._delete)
        self.m.flags = flags
        t = self.m.dl_tensor
        t.data = arr.ctypes.data if data is None else data
        t.device = DLDevice(*device)
        t.ndim = len(shape) if ndim is None else ndim
        t.dtype = DLDataType(kinds[arr.dtype.kind] if code is None else code,
                             arr.dtype.itemsize * 8 if bits is None else bits, lanes)
        t.shape = self.shape
        t.strides = self.strides
        t.byte_offset = byte_offset

    def _delete(self, ptr):
        self.deleted += 1

    def capsule(self):
        return _capsule_new(ctypes.addressof(self.m), b"dltensor_versioned", None)


def test_hand_made_capsule_deleter_called_exactly_once():
    arr = np.arange(10, dtype=np.int32)
    h = HandMade(arr, flags=2)  # is-copied
    cap = h.capsule()
    t = zcx.from_dlpack(cap)
    assert capsule_name(cap) == "used_dltensor_versioned"
    assert t.is_copied and np.asarray(t).tolist() == list(range(10))
    y = torch.from_dlpack(t)
    del t
    gc.collect()
    assert h.deleted == 0
    del y
    gc.collect()
    assert h.deleted == 1


def test_hand_made_byte_offset_and_strides():
    arr = np.arange(16, dtype=np.float32)
    h = HandMade(arr, shape=(3,), strides=(4,), byte_offset=8)
    t = zcx.from_dlpack(h.capsule())
    assert t.address == arr.ctypes.data + 8
    assert np.asarray(t).tolist() == [2.0, 6.0, 10.0]
    del t
    gc.collect()
    assert h.deleted == 1


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"major": 2}, BufferError, "version 2"),
    ({"major": 0}, BufferError, "version 0"),
    ({"code": 3}, BufferError, "dtype|code"),
    ({"lanes": 4}, BufferError, "lanes"),
    ({"bits": 24}, BufferError, "dtype|bits"),
    ({"device": (99, 0)}, BufferError, "device"),
    ({"shape": (2, -3)}, ValueError, "negative|-3"),
    ({"ndim": 40}, ValueError, "ndim|40"),
    ({"data": 0}, ValueError, "NULL|null|data"),
    ({"shape": (1 << 62, 1 << 62)}, (ValueError, OverflowError), "overflow"),
], ids=["major2", "major0", "opaque", "lanes", "bits24", "device", "negative", "ndim", "null",
        "overflow"])
def test_hand_made_bad_tensors_are_refused_and_not_consumed(kwargs, error, pattern):
    arr = np.arange(6, dtype=np.float64)
    h = HandMade(arr, **kwargs)
    cap = h.capsule()
    with pytest.raises(error, match=pattern):
        zcx.from_dlpack(cap)
    # Refused: the capsule is still unconsumed and the deleter was not called.
    assert capsule_name(cap) == "dltensor_versioned"
    assert h.deleted == 0


def test_empty_bad_arguments(pool):
    with pytest.raises(ValueError, match="dimension 1 is negative: -2"):
        zcx.empty((3, -2), pool=pool)
    with pytest.raises(ValueError, match="dimension 0 is negative"):
        zcx.empty(-1, pool=pool)
    with pytest.raises(ValueError, match="33 dimensions, at most 32"):
        zcx.empty((1,) * 33, pool=pool)
    with pytest.raises(TypeError, match="'float8' is not supported"):
        zcx.empty(3, "float8", pool=pool)
    with pytest.raises(TypeError, match="cannot read a dtype"):
        zcx.empty(3, object(), pool=pool)
    with pytest.raises(TypeError, match="not supported"):
        zcx.empty(3, np.dtype("U3"), pool=pool)
    with pytest.raises(TypeError, match="pool must be a zcx.Pool"):
        zcx.empty(3, pool="default")
    with pytest.raises(TypeError, match="shape"):
        zcx.empty("3", pool=pool)
    with pytest.raises((ValueError, MemoryError, OverflowError)):
        zcx.empty((1 << 40, 1 << 40), pool=pool)
    small = zcx.Pool(maximum_size=1 << 20)
    with pytest.raises(MemoryError, match="maximum"):
        zcx.empty(1 << 20, "float64", pool=small)
    assert pool.stats()["current"] == 0
