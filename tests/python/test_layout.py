# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.aos_to_soa, zcx.soa_to_aos and zcx.field_view on NumPy structured arrays:
# equal to NumPy's own field extraction on random data (fixed seed, odd sizes), round trips,
# zero-copy views, column blocks as one tensor, and dtypes that are refused.
import gc
import sys
import weakref

import numpy as np
import pytest

import zcx

SIZES = [0, 1, 63, 65, 1001, 100003]

DTYPES = {
    # the benchmark's record: {float x, y, z; int32 id; double t}, 24 bytes, aligned
    "xyz": np.dtype([("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("id", "<i4"), ("t", "<f8")]),
    # packed (unaligned offsets), every integer width, a bool and a subarray
    "packed": np.dtype([("flag", "?"), ("a", "<i2"), ("b", "<u8"), ("c", "<i1"),
                        ("v", "<f4", (3,)), ("h", "<f2"), ("u", "<u4")]),
    # aligned with padding, a 2-D subarray (flattened) and times
    "aligned": np.dtype([("b", "u1"), ("m", "<f8", (2, 2)), ("ts", "<M8[ns]"),
                         ("dt", "<m8[ms]"), ("raw", "S5")], align=True),
}


def random_records(dtype, n, seed):
    """n records of random bytes, with booleans kept 0/1 and floats finite."""
    rng = np.random.default_rng(seed)
    a = np.frombuffer(rng.bytes(n * dtype.itemsize), dtype=np.uint8).view(dtype).copy()
    for name in dtype.names:
        base = dtype.fields[name][0].base
        if base.kind == "b":
            a[name] = rng.integers(0, 2, size=a[name].shape).astype(bool)
        elif base.kind == "f":
            a[name] = rng.standard_normal(size=a[name].shape).astype(base)
    return a


def column_values(batch, name, dtype):
    """A column of the batch as a NumPy array shaped like a[name] (tensor where it can be
    shared, to_pylist where it cannot)."""
    fd = dtype.fields[name][0]
    col = batch.column(name)
    base = fd.base
    if base.kind in "iuf":
        got = np.asarray(col.to_tensor())
    elif base.kind == "b":
        got = np.array(col.to_pylist(), dtype=bool)
    elif base.kind in "Mm":
        got = np.array(col.to_pylist(), dtype=np.int64).view(base)
    else:
        got = np.array(col.to_pylist(), dtype=base)
    return got.reshape((len(col),) + fd.shape)


def check_columns(batch, a):
    """Every column of the batch equals NumPy's extraction of that field."""
    for name in a.dtype.names:
        expected = np.ascontiguousarray(a[name])
        got = column_values(batch, name, a.dtype)
        assert got.shape == expected.shape
        assert np.array_equal(got, expected), name


@pytest.mark.parametrize("kind", sorted(DTYPES))
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("threads", [1, 2])
def test_aos_to_soa_equals_numpy_field_extraction(kind, n, threads, pool):
    dtype = DTYPES[kind]
    a = random_records(dtype, n, seed=n * 7 + len(kind))
    batch = zcx.aos_to_soa(a, threads, pool=pool)
    assert batch.num_rows == n and batch.column_names == list(dtype.names)
    check_columns(batch, a)
    back = zcx.soa_to_aos(batch, dtype, threads)
    assert back.dtype == dtype and back.shape == (n,)
    for name in dtype.names:
        assert np.array_equal(back[name], a[name]), name
    if kind == "packed":  # no padding: every byte comes back
        assert back.tobytes() == a.tobytes()
    del batch
    assert pool.stats()["current"] == 0


def test_types_and_schema_of_the_batch():
    batch = zcx.aos_to_soa(random_records(DTYPES["aligned"], 3, 1))
    assert batch.schema.types == ["uint8", "fixed_size_list<item: double not null>[4]",
                                  "timestamp[ns]", "duration[ms]", "fixed_size_binary[5]"]
    assert not batch.schema["b"].nullable
    batch = zcx.aos_to_soa(random_records(DTYPES["packed"], 3, 1))
    assert batch.schema.types[:4] == ["bool", "int16", "uint64", "int8"]
    # A 2-D input is taken as its flat sequence of records.
    grid = random_records(DTYPES["xyz"], 6, 2).reshape(2, 3)
    assert zcx.aos_to_soa(grid).num_rows == 6


def test_contiguous_columns_form_one_tensor(pool):
    dtype = np.dtype([("x", "<f4"), ("y", "<f4"), ("z", "<f4")])
    a = random_records(dtype, 1001, 3)
    batch = zcx.aos_to_soa(a, contiguous=True, pool=pool)
    t = batch.to_tensor()
    assert t.shape == (1001, 3) and not t.readonly and t.dtype == "float32"
    m = np.asarray(t)
    assert np.array_equal(m, np.stack([a["x"], a["y"], a["z"]], axis=1))
    # Zero copy: the tensor starts at the first column; the others follow at one stride.
    assert t.address == batch.column("x").to_tensor().address
    assert batch.column("y").to_tensor().address == t.address + t.byte_strides[1]
    imported = zcx.from_dlpack(batch)
    assert imported.address == t.address and imported.shape == (1001, 3)
    # Writable columns: legacy DLPack (NumPy 1.x) shares the block as well.
    legacy = np.from_dlpack(batch)
    assert legacy.ctypes.data == t.address and np.array_equal(legacy, m)
    del legacy
    # Without contiguous=True the columns are separate blocks (or say why not).
    mixed = zcx.aos_to_soa(random_records(DTYPES["xyz"], 10, 4), contiguous=True)
    with pytest.raises(BufferError, match="not one tensor"):
        mixed.to_tensor()
    del batch, t, m, imported
    assert pool.stats()["current"] == 0


def test_field_view_is_zero_copy_and_writable():
    dtype = DTYPES["xyz"]
    a = random_records(dtype, 65, 5)
    base = a.__array_interface__["data"][0]
    for name in dtype.names:
        v = zcx.field_view(a, name)
        assert v.address == base + dtype.fields[name][1]
        assert v.byte_strides == (dtype.itemsize,) and v.shape == (65,)
        assert np.array_equal(np.asarray(v), a[name])
    v = zcx.field_view(a, "id")
    view = np.asarray(v)
    view[3] = 12345
    assert a["id"][3] == 12345
    a["id"][4] = -7
    assert view[4] == -7
    # The view keeps the records alive, with one reference that goes with it.
    refs = sys.getrefcount(a)
    extra = zcx.field_view(a, "x")
    assert sys.getrefcount(a) == refs + 1
    del extra
    assert sys.getrefcount(a) == refs
    w = weakref.ref(a)
    expected = a["t"].copy()
    t = zcx.field_view(a, "t")
    del a, view, v
    gc.collect()
    assert w() is not None
    assert np.array_equal(np.asarray(t), expected)
    del t
    gc.collect()
    assert w() is None


def test_field_view_of_subarrays_and_read_only_records():
    dtype = np.dtype([("v", "<f4", (3,)), ("k", "<i4")])
    a = random_records(dtype, 7, 6)
    v = zcx.field_view(a, "v")
    assert v.shape == (7, 3) and np.array_equal(np.asarray(v), a["v"])
    a.flags.writeable = False
    r = zcx.field_view(a, "k")
    assert r.readonly
    ro = np.asarray(r)
    assert not ro.flags.writeable and np.array_equal(ro, a["k"])
    with pytest.raises(ValueError):
        ro[0] = 1


def test_field_view_refusals():
    packed = random_records(DTYPES["packed"], 5, 7)
    with pytest.raises(BufferError, match="multiple"):
        zcx.field_view(packed, "a")
    with pytest.raises(KeyError, match="nope"):
        zcx.field_view(packed, "nope")
    with pytest.raises(ValueError, match="contiguous"):
        zcx.field_view(random_records(DTYPES["xyz"], 10, 1)[::2], "x")
    with pytest.raises(TypeError, match="structured"):
        zcx.field_view(np.zeros(3), "x")


@pytest.mark.parametrize("dtype,match", [
    (np.dtype([("o", "O")]), "object"),
    (np.dtype([("s", "U3")]), "str"),
    (np.dtype([("big", ">i4")]), "big-endian"),
    (np.dtype([("d", "<M8[D]")]), "units"),
    (np.dtype([("c", "<c8")]), "kind 'c'"),
    (np.dtype([("inner", [("a", "<i4")])]), "nested"),
    (np.dtype("<f8"), "structured"),
])
def test_bad_dtypes_are_refused(dtype, match):
    a = np.zeros(4, dtype=dtype)
    with pytest.raises(TypeError, match=match):
        zcx.aos_to_soa(a)
    if dtype.names is not None:
        with pytest.raises(TypeError, match=match):
            zcx.soa_to_aos(zcx.record_batch({"x": [1, 2, 3, 4]}), dtype)


def test_bad_arguments_are_refused():
    a = random_records(DTYPES["xyz"], 8, 8)
    with pytest.raises(ValueError, match="contiguous"):
        zcx.aos_to_soa(a[::2])
    with pytest.raises(ValueError, match="threads"):
        zcx.aos_to_soa(a, -1)
    with pytest.raises(TypeError, match="NumPy"):
        zcx.aos_to_soa([1, 2, 3])
    with pytest.raises(TypeError, match="pool"):
        zcx.aos_to_soa(a, pool=5)
    # Overlapping fields (a dtype with explicit offsets).
    overlap = np.dtype({"names": ["p", "q"], "formats": ["<i4", "<i4"], "offsets": [0, 2],
                        "itemsize": 8})
    with pytest.raises((TypeError, ValueError), match="overlap"):
        zcx.aos_to_soa(np.zeros(2, overlap))


def test_soa_to_aos_checks_the_batch():
    dtype = np.dtype([("a", "<i4"), ("b", "<f8")])
    with pytest.raises(ValueError, match="b"):
        zcx.soa_to_aos(zcx.record_batch({"a": zcx.array([1], "int32")}), dtype)  # missing
    with pytest.raises(ValueError, match="a"):
        zcx.soa_to_aos(zcx.record_batch({"a": [1], "b": [1.0]}), dtype)  # int64 is not int32
    nulls = zcx.record_batch({"a": zcx.array([1, None], "int32"), "b": [1.0, 2.0]})
    with pytest.raises(ValueError, match="null"):
        zcx.soa_to_aos(nulls, dtype)
    got = zcx.soa_to_aos(nulls, dtype, nulls_as_zeros=True)
    assert got["a"].tolist() == [1, 0] and got["b"].tolist() == [1.0, 2.0]
    with pytest.raises(TypeError):
        zcx.soa_to_aos("not a batch", dtype)
    # Extra columns are ignored; the order follows the dtype.
    extra = zcx.record_batch({"b": [2.5], "x": ["ignored"], "a": zcx.array([9], "int32")})
    assert zcx.soa_to_aos(extra, dtype).tolist() == [(9, 2.5)]
