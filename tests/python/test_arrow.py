# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.Array, zcx.RecordBatch, zcx.Schema and the Arrow PyCapsule interface: round
# trips through capsules for many types, release exactly once, requested_schema, import from
# foreign producers written with ctypes, Python values, DLPack of arrays and bad input.
import ctypes
import decimal
import gc
import sys
import weakref

import numpy as np
import pytest

import zcx

# ---------------------------------------------------------------------------------------------
# The C Data ABI in ctypes, for foreign producers and consumers


class ArrowSchema(ctypes.Structure):
    pass


SCHEMA_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowSchema))
ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_void_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", SCHEMA_RELEASE),
    ("private_data", ctypes.c_void_p),
]


class ArrowArray(ctypes.Structure):
    pass


ARRAY_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowArray))
ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", ARRAY_RELEASE),
    ("private_data", ctypes.c_void_p),
]

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_capsule_name = ctypes.pythonapi.PyCapsule_GetName
_capsule_name.restype = ctypes.c_char_p
_capsule_name.argtypes = [ctypes.py_object]


def capsule_name(capsule):
    return _capsule_name(capsule).decode()


class ForeignInt32:
    """A producer written in ctypes: an int32 array (with optional validity) exposed through
    __arrow_c_schema__ / __arrow_c_array__, counting how often each release runs."""

    def __init__(self, values, valid=None, fmt=b"i", buffers=None, length=None):
        self.schema_releases = 0
        self.array_releases = 0
        self.values = (ctypes.c_int32 * max(len(values), 1))(*values)
        self.bitmap = None
        null_count = 0
        if valid is not None:
            bits = 0
            for i, v in enumerate(valid):
                bits |= int(bool(v)) << i
            self.bitmap = (ctypes.c_uint8 * 8).from_buffer_copy(bits.to_bytes(8, "little"))
            null_count = sum(1 for v in valid if not v)
        bufs = buffers if buffers is not None else [
            ctypes.cast(self.bitmap, ctypes.c_void_p).value if self.bitmap else None,
            ctypes.cast(self.values, ctypes.c_void_p).value]
        self.buffers = (ctypes.c_void_p * len(bufs))(*bufs)

        def release_schema(p):
            self.schema_releases += 1
            p.contents.release = SCHEMA_RELEASE()

        def release_array(p):
            self.array_releases += 1
            p.contents.release = ARRAY_RELEASE()

        self._release_schema = SCHEMA_RELEASE(release_schema)
        self._release_array = ARRAY_RELEASE(release_array)
        self.fmt = fmt
        self.null_count = null_count
        self.length = len(values) if length is None else length
        self.structs = []  # keeps every exported struct alive as long as the producer

    def __arrow_c_schema__(self):
        s = ArrowSchema(format=self.fmt, name=b"foreign", flags=2,
                        release=self._release_schema)
        self.structs.append(s)
        return _capsule_new(ctypes.addressof(s), b"arrow_schema", None)

    def __arrow_c_array__(self, requested_schema=None):
        a = ArrowArray(length=self.length, null_count=self.null_count, offset=0,
                       n_buffers=len(self.buffers), n_children=0, buffers=self.buffers,
                       release=self._release_array)
        self.structs.append(a)
        self.last_array = a
        return self.__arrow_c_schema__(), _capsule_new(ctypes.addressof(a), b"arrow_array", None)


def consume_and_release(capsule, struct_type):
    """A minimal consumer: takes the struct out of the capsule, checks it, calls its release
    (as a consumer that moved it would) and returns the struct."""
    name = b"arrow_schema" if struct_type is ArrowSchema else b"arrow_array"
    p = ctypes.cast(_capsule_pointer(capsule, name), ctypes.POINTER(struct_type))
    assert p.contents.release
    p.contents.release(p)
    assert not p.contents.release, "release must mark the struct released"
    return p.contents


# ---------------------------------------------------------------------------------------------
# Round trips of many types

D = decimal.Decimal
CASES = [
    ("int8", [-128, 0, None, 127]),
    ("uint8", [0, 255, None]),
    ("int16", [-32768, 32767, None]),
    ("uint16", [0, 65535, None]),
    ("int32", [-2**31, 2**31 - 1, None, 0]),
    ("uint32", [0, 2**32 - 1, None]),
    ("int64", [-2**63, 2**63 - 1, None]),
    ("uint64", [0, 2**64 - 1, None]),
    ("float16", [0.5, -2.0, None, 65504.0]),
    ("float32", [1.5, None, -0.25]),
    ("float64", [1e300, None, -1e-300, 0.0]),
    ("bool", [True, False, None, True, True, False, False, True, True]),
    ("null", [None, None]),
    ("string", ["a", "", None, "héllo ✓"]),
    ("large_string", ["x" * 100, None, ""]),
    ("string_view", ["short", "a much longer string than twelve bytes", None]),
    ("binary", [b"\x00\x01", b"", None]),
    ("large_binary", [b"abc", None]),
    ("binary_view", [b"tiny", b"0123456789abcdefghij", None]),
    ("fixed_size_binary[3]", [b"abc", None, b"\x00\x00\x01"]),
    ("date32", [0, 19000, None, -1]),
    ("date64", [0, 86400000, None]),
    ("time32[ms]", [0, 86399999, None]),
    ("time64[ns]", [1, None, 86399999999999]),
    ("timestamp[us, tz=UTC]", [0, 1700000000000000, None, -5]),
    ("timestamp[s]", [1, None]),
    ("duration[ms]", [-1000, None, 5]),
    ("interval_months", [1, -12, None]),
    ("interval_day_time", [(1, 500), None, (-2, 0)]),
    ("interval_month_day_nano", [(1, 2, 3), None, (0, 0, -9)]),
    ("decimal128(10, 2)", [D("1.25"), D("-0.01"), None, D("12345678.90")]),
    ("decimal256(60, 5)", [D("1" * 50 + ".12345"), None, D("-3.00000")]),
    ("decimal32(9, 3)", [D("123456.789"), None]),
    ("list<int32>", [[1, 2], [], None, [None, 3]]),
    ("large_list<item: string not null>", [["a"], [], None]),
    ("list_view<int16>", [[1], None, [2, 3, 4]]),
    ("fixed_size_list<float64>[2]", [[1.0, 2.0], None, [3.0, None]]),
    ("struct<a: int32, b: string not null>", [{"a": 1, "b": "x"}, None, {"a": None, "b": ""}]),
    ("map<string, int64>", [[("a", 1), ("b", None)], None, []]),
    ("list<item: struct<x: list<int8>, y: bool>>",
     [[{"x": [1, 2], "y": True}], [], None, [{"x": None, "y": None}]]),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("type_text,values", CASES, ids=IDS)
def test_values_round_trip_through_capsules(type_text, values, pool):
    a = zcx.array(values, type_text, pool=pool)
    assert len(a) == len(values)
    assert a.to_pylist() == values
    assert a.null_count == sum(v is None for v in values)
    assert list(a) == values and a[-1] == values[-1]
    assert pool.stats()["current"] > 0 or type_text == "null"
    # Through __arrow_c_array__ (the pair of capsules) and through a stream.
    b = zcx.from_arrow(a)
    c = zcx.from_arrow(a.__arrow_c_stream__())
    for other in (b, c):
        assert isinstance(other, zcx.Array)
        assert other == a and other.to_pylist() == values and other.type == a.type
    # The schema alone.
    f = zcx.from_arrow(zcx.Field("col", type_text))
    if type_text.startswith("struct"):
        assert isinstance(f, zcx.Schema) and f.names == ["a", "b"]  # a struct is a schema
    else:
        assert isinstance(f, zcx.Field) and f.name == "col" and f.type == a.type
    del a, b, c, other
    assert pool.stats()["current"] == 0, "the imports kept memory alive"


def test_type_strings_print_as_parsed():
    for text in ["int32", "timestamp[ms, tz=Europe/Paris]", "list<item: int64>",
                 "struct<a: int32, b: double not null>", "fixed_size_list<item: float>[3]",
                 "map<string, int64>", "decimal128(10, 2)", "dictionary<values=string, "
                 "indices=int8>", "large_list_view<item: bool>", "duration[ns]"]:
        assert zcx.Field("f", text).type == text
    assert zcx.Field("f", "float32").type == "float"  # aliases
    assert zcx.Field("f", "utf8").type == "string"
    assert zcx.Field("f", "fixed_size_list<int8, 4>").type == "fixed_size_list<item: int8>[4]"


@pytest.mark.parametrize("bad", ["", "int33", "list<int32", "struct<int32>", "timestamp[xs]",
                                 "decimal128(10)", "int32 extra", "fixed_size_binary[-1]"])
def test_bad_type_strings_are_refused(bad):
    with pytest.raises(ValueError, match="type"):
        zcx.array([], bad)


def test_bad_values_are_refused_with_the_element():
    with pytest.raises(TypeError, match="element 1: .*int"):
        zcx.array([1, "x"], "int32")
    with pytest.raises(OverflowError):
        zcx.array([1, 300], "int8")
    with pytest.raises(OverflowError):
        zcx.array([-1], "uint64")
    with pytest.raises(TypeError, match="str"):
        zcx.array([b"bytes"], "string")
    with pytest.raises(ValueError, match="decimal places"):
        zcx.array([D("1.234")], "decimal128(10, 2)")
    with pytest.raises((ValueError, TypeError)):
        zcx.array([[1, 2, 3]], "fixed_size_list<int32>[2]")
    with pytest.raises(TypeError, match="infer"):
        zcx.array([object()])
    with pytest.raises(TypeError, match="sequence"):
        zcx.array(5, "int32")
    with pytest.raises(TypeError, match="cannot build"):
        zcx.array([0], "dictionary<values=string, indices=int8>")


def test_inferred_types():
    assert zcx.array([1, None]).type == "int64"
    assert zcx.array([None, 1.5]).type == "double"
    assert zcx.array([True]).type == "bool"
    assert zcx.array(["a"]).type == "string"
    assert zcx.array([b"a"]).type == "binary"
    assert zcx.array([None, None]).type == "null"
    assert zcx.array([]).type == "null"


def test_array_basics_slices_and_repr():
    a = zcx.array(list(range(20)) + [None], "int32")
    assert "zcx.Array int32 length=21 null_count=1" in repr(a) and "..." in repr(a)
    s = a[5:8]
    assert s.to_pylist() == [5, 6, 7] and s.offset == 5 and len(s) == 3
    assert a[-1] is None and a[3] == 3
    with pytest.raises(IndexError):
        a[21]
    with pytest.raises(ValueError, match="step"):
        a[::2]
    # A slice exports its offset: the consumer sees the same values.
    assert zcx.from_arrow(s).to_pylist() == [5, 6, 7]
    assert zcx.from_arrow(a[18:]).to_pylist() == [18, 19, None]
    assert a == zcx.array(list(range(20)) + [None], "int32")
    assert a != zcx.array([1], "int32")
    assert a.field.name == "" and a.field.nullable
    a.validate()


# ---------------------------------------------------------------------------------------------
# Capsules: names, destructors, release exactly once


def test_capsule_names_and_unconsumed_capsules_release(pool):
    a = zcx.array(list(range(1000)), "int64", pool=pool)
    schema_capsule, array_capsule = a.__arrow_c_array__()
    assert capsule_name(schema_capsule) == "arrow_schema"
    assert capsule_name(array_capsule) == "arrow_array"
    assert capsule_name(a.__arrow_c_schema__()) == "arrow_schema"
    assert capsule_name(a.__arrow_c_stream__()) == "arrow_array_stream"
    used = pool.stats()["current"]
    del a
    # The exported array holds the memory until its capsule goes.
    assert pool.stats()["current"] == used
    del schema_capsule
    assert pool.stats()["current"] == used
    del array_capsule
    assert pool.stats()["current"] == 0


def test_a_consumer_that_releases_leaves_nothing_for_the_destructor(pool):
    a = zcx.array([1, 2, 3], "int32", pool=pool)
    schema_capsule, array_capsule = a.__arrow_c_array__()
    s = consume_and_release(schema_capsule, ArrowSchema)
    arr = consume_and_release(array_capsule, ArrowArray)
    assert s.release is not None and arr.length == 3
    del a
    assert pool.stats()["current"] == 0  # released exactly once, by the consumer
    del schema_capsule, array_capsule  # the destructors must not release again


def test_a_consumed_capsule_is_refused():
    a = zcx.array([1, 2], "int32")
    pair = a.__arrow_c_array__()
    b = zcx.from_arrow(pair)
    assert b.to_pylist() == [1, 2]
    with pytest.raises(ValueError, match="consumed"):
        zcx.from_arrow(pair)
    stream = a.__arrow_c_stream__()
    zcx.from_arrow(stream)
    with pytest.raises(ValueError, match="consumed"):
        zcx.read_stream(stream)


def test_imported_arrays_keep_the_exporter_alive(pool):
    a = zcx.array(["x", "y", None], "string", pool=pool)
    b = zcx.from_arrow(a)
    del a
    gc.collect()
    assert pool.stats()["current"] > 0
    assert b.to_pylist() == ["x", "y", None]
    del b
    assert pool.stats()["current"] == 0


# ---------------------------------------------------------------------------------------------
# Foreign producers (ctypes)


def test_from_arrow_of_a_foreign_producer_releases_once():
    p = ForeignInt32([1, 2, 3, 4], valid=[1, 1, 0, 1])
    a = zcx.from_arrow(p)
    assert isinstance(a, zcx.Array)
    assert a.to_pylist() == [1, 2, None, 4] and a.type == "int32"
    assert a.field.name == "foreign"
    assert p.schema_releases == 1  # schemas are copied and released at once
    assert p.array_releases == 0   # arrays are shared: released when zcx is done
    s = a[1:3]
    del a
    assert p.array_releases == 0
    assert s.to_pylist() == [2, None]
    del s
    assert p.array_releases == 1
    # The producer's memory was shared, not copied.
    q = ForeignInt32([7, 8, 9])
    t = zcx.from_arrow(q).to_tensor()
    assert t.address == ctypes.addressof(q.values)
    del t
    assert q.array_releases == 1


def test_from_arrow_keeps_no_reference_to_the_producer_object():
    p = ForeignInt32([5, 6])
    refs = sys.getrefcount(p)
    a = zcx.from_arrow(p)
    b = zcx.from_arrow(p)
    assert sys.getrefcount(p) == refs
    assert a.to_pylist() == b.to_pylist() == [5, 6]
    del a, b
    assert p.array_releases == 2 and p.schema_releases == 2


def test_invalid_foreign_data_is_refused_and_left_to_its_owner():
    # Offsets of a string array that go backwards.
    offsets = (ctypes.c_int32 * 3)(0, 3, 2)
    data = ctypes.create_string_buffer(b"abcd")
    p = ForeignInt32([0, 0], fmt=b"u", buffers=[None, ctypes.addressof(offsets),
                                                 ctypes.addressof(data)])
    with pytest.raises(ValueError, match="offset"):
        zcx.from_arrow(p)
    # A failed import leaves the struct untouched (the capsules of this producer have no
    # destructor, so it is still ours to release) and never calls its release.
    exported = p.last_array
    assert p.array_releases == 0 and exported.release
    exported.release(ctypes.pointer(exported))
    assert p.array_releases == 1
    # The cheap level trusts the offsets but still checks the buffer count.
    q = ForeignInt32([1], buffers=[None])
    with pytest.raises(ValueError, match="buffer"):
        zcx.from_arrow(q, validate="cheap")
    assert q.array_releases == 0 and q.last_array.release
    q.last_array.release(ctypes.pointer(q.last_array))


def test_from_arrow_prefers_stream_then_array_then_schema():
    a = zcx.array([1, 2], "int8")
    calls = []

    class All:
        def __arrow_c_schema__(self):
            calls.append("schema")
            return a.__arrow_c_schema__()

        def __arrow_c_array__(self, requested_schema=None):
            calls.append("array")
            return a.__arrow_c_array__()

        def __arrow_c_stream__(self, requested_schema=None):
            calls.append("stream")
            return a.__arrow_c_stream__()

    class ArrayAndSchema:
        __arrow_c_schema__ = All.__arrow_c_schema__
        __arrow_c_array__ = All.__arrow_c_array__

    class SchemaOnly:
        __arrow_c_schema__ = All.__arrow_c_schema__

    assert zcx.from_arrow(All()).to_pylist() == [1, 2] and calls == ["stream"]
    calls.clear()
    assert zcx.from_arrow(ArrayAndSchema()).to_pylist() == [1, 2] and calls == ["array"]
    calls.clear()
    f = zcx.from_arrow(SchemaOnly())
    assert isinstance(f, zcx.Field) and f.type == "int8" and calls == ["schema"]
    with pytest.raises(TypeError, match="none of"):
        zcx.from_arrow(object())

    class Broken:
        def __arrow_c_array__(self, requested_schema=None):
            return 42

    with pytest.raises(TypeError, match="PyCapsule"):
        zcx.from_arrow(Broken())


def test_capsules_of_the_wrong_kind_are_refused():
    a = zcx.array([1], "int32")
    s, arr = a.__arrow_c_array__()
    with pytest.raises(TypeError, match="arrow_schema"):
        zcx.from_arrow((arr, s))
    with pytest.raises(TypeError, match="pair"):
        zcx.from_arrow(arr)
    with pytest.raises(TypeError, match="tuple of 3"):
        zcx.from_arrow((s, arr, s))
    with pytest.raises(TypeError, match="arrow_array_stream"):
        zcx.read_stream(s)
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        zcx.read_stream(object())
    with pytest.raises(ValueError, match="validate"):
        zcx.from_arrow(a, validate="some")


# ---------------------------------------------------------------------------------------------
# requested_schema


def test_requested_schema_with_other_names_is_honoured():
    a = zcx.array([[1, None, 3], None, [3]], "list<int32>")
    request = zcx.Field("renamed", "list<item: int32>").__arrow_c_schema__()
    b = zcx.from_arrow(a.__arrow_c_array__(request))
    assert b.field.name == "renamed" and b.to_pylist() == a.to_pylist()
    c = zcx.from_arrow(a.__arrow_c_stream__(requested_schema=request))
    assert c.field.name == "renamed" and c.to_pylist() == a.to_pylist()
    # The request stays usable by its owner.
    assert zcx.from_arrow(request).name == "renamed"


def test_requested_schema_that_needs_a_cast_is_ignored():
    a = zcx.array([1, 2], "int32")
    request = zcx.Field("x", "int64").__arrow_c_schema__()
    b = zcx.from_arrow(a.__arrow_c_array__(request))
    assert b.type == "int32" and b.to_pylist() == [1, 2]


def test_requested_schema_of_a_batch():
    batch = zcx.record_batch({"a": [1, 2], "b": ["x", None]})
    renamed = zcx.record_batch({"first": [0], "second": ["y"]}).schema
    got = zcx.from_arrow(batch.__arrow_c_array__(renamed.__arrow_c_schema__()))
    assert got.schema.names == ["first", "second"]
    assert got.to_pydict() == {"first": [1, 2], "second": ["x", None]}
    got = zcx.read_stream(batch.__arrow_c_stream__(renamed.__arrow_c_schema__()))
    assert got[0].schema.names == ["first", "second"]
    mismatched = zcx.record_batch({"a": ["no"], "b": ["x"]}).schema
    got = zcx.from_arrow(batch.__arrow_c_array__(mismatched.__arrow_c_schema__()))
    assert got.schema.names == ["a", "b"]


def test_bad_requested_schema_arguments():
    a = zcx.array([1], "int32")
    with pytest.raises(TypeError, match="requested_schema"):
        a.__arrow_c_array__("int32")
    with pytest.raises(TypeError, match="arrow_schema"):
        a.__arrow_c_array__(a.__arrow_c_array__()[1])
    consumed = a.__arrow_c_schema__()
    zcx.from_arrow(consumed)
    with pytest.raises(ValueError, match="consumed"):
        a.__arrow_c_stream__(consumed)


# ---------------------------------------------------------------------------------------------
# Record batches and streams


def test_record_batch_accessors_and_round_trips(pool):
    cols = {"i": zcx.array([1, 2, 3], "int16", pool=pool),
            "s": zcx.array(["a", None, "c"], "string", pool=pool),
            "l": zcx.array([[1.5], [], None], "list<float64>", pool=pool)}
    batch = zcx.record_batch(cols)
    del cols
    assert batch.num_rows == 3 and len(batch) == 3 and batch.num_columns == 3
    assert batch.column_names == ["i", "s", "l"]
    assert batch.schema.names == ["i", "s", "l"]
    assert batch.schema.types == ["int16", "string", "list<item: double>"]
    assert batch.column("s").to_pylist() == ["a", None, "c"]
    assert batch.column(-1).to_pylist() == [[1.5], [], None]
    assert batch["i"].field.name == "i"
    with pytest.raises(KeyError):
        batch.column("nope")
    with pytest.raises(IndexError):
        batch.column(3)
    with pytest.raises(TypeError):
        batch.column(1.5)
    assert "zcx.RecordBatch num_rows=3" in repr(batch) and "s: string" in repr(batch)
    for other in (zcx.from_arrow(batch), zcx.from_arrow(batch.__arrow_c_array__()),
                  zcx.read_stream(batch)[0]):
        assert isinstance(other, zcx.RecordBatch)
        assert other == batch and other.to_pydict() == batch.to_pydict()
    del other
    assert zcx.from_arrow(batch.schema) == batch.schema
    sliced = batch.slice(1, 2)
    assert zcx.from_arrow(sliced).to_pydict() == {"i": [2, 3], "s": [None, "c"], "l": [[], None]}
    batch.validate()
    del batch, sliced
    assert pool.stats()["current"] == 0


def test_streams_of_several_batches():
    b1 = zcx.record_batch({"x": [1, 2]})
    b2 = zcx.record_batch({"x": [3]})
    got = zcx.read_stream(zcx.export_stream([b1, b2, b1]))
    assert [b.to_pydict()["x"] for b in got] == [[1, 2], [3], [1, 2]]
    with pytest.raises(ValueError, match="3 batches"):
        zcx.from_arrow(zcx.export_stream([b1, b2, b1]))
    arrays = zcx.read_stream(zcx.export_stream([zcx.array([1], "int8"), zcx.array([2], "int8")]))
    assert [a.to_pylist() for a in arrays] == [[1], [2]]
    with pytest.raises(ValueError, match="another schema"):
        zcx.export_stream([b1, zcx.record_batch({"y": [1]})])
    with pytest.raises(TypeError, match="item 1"):
        zcx.export_stream([b1, zcx.array([1])])
    with pytest.raises(ValueError, match="at least one"):
        zcx.export_stream([])


def test_struct_arrays_with_nulls_stay_arrays():
    s = zcx.array([{"a": 1}, None], "struct<a: int32>")
    got = zcx.from_arrow(s)
    assert isinstance(got, zcx.Array) and got.to_pylist() == [{"a": 1}, None]
    s2 = zcx.array([{"a": 1}], "struct<a: int32>")
    assert isinstance(zcx.from_arrow(s2), zcx.RecordBatch)


def test_record_batch_bad_input():
    with pytest.raises(ValueError, match="rows"):
        zcx.record_batch({"a": [1, 2], "b": [1]})
    with pytest.raises(TypeError, match="str"):
        zcx.record_batch({1: [1]})
    with pytest.raises(TypeError, match="infer"):
        zcx.record_batch({"a": [object()]})
    with pytest.raises(TypeError):
        zcx.record_batch([zcx.array([1])])


# ---------------------------------------------------------------------------------------------
# DLPack of arrays and batches


def test_array_dlpack_shares_primitive_data():
    a = zcx.array([1.0, 2.0, 3.0], "float32")
    assert a.__dlpack_device__() == (1, 0)
    t1 = zcx.from_dlpack(a)
    t2 = a.to_tensor()
    # Writable memory gives writable tensors: the array is immutable by contract only.
    assert t1.address == t2.address and not t1.readonly and t1.shape == (3,)
    assert np.asarray(t2).tolist() == [1.0, 2.0, 3.0]
    # Slices share too, from their offset.
    assert a[1:].to_tensor().address == t2.address + 4
    fsl = zcx.array([[1, 2], [3, 4], [5, 6]], "fixed_size_list<int64>[2]")
    t = fsl.to_tensor()
    assert t.shape == (3, 2) and np.asarray(t).tolist() == [[1, 2], [3, 4], [5, 6]]
    # So legacy consumers (NumPy 1.x, PyTorch 1.x) share it too.
    n = np.from_dlpack(a)
    assert n.ctypes.data == t2.address and n.tolist() == [1.0, 2.0, 3.0]
    del n
    w = weakref.ref(a)
    keep = zcx.from_dlpack(a)
    del a
    assert w() is None  # the tensor keeps the memory, not the Python object
    assert np.asarray(keep).tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("values,type_text,reason", [
    ([1, None], "int32", "null"),
    (["a"], "string", "string"),
    ([True], "bool", "bool"),
    ([[1], [2, 3]], "list<int32>", "list"),
])
def test_array_dlpack_refusals_say_why(values, type_text, reason):
    a = zcx.array(values, type_text)
    with pytest.raises(BufferError, match=reason):
        a.__dlpack__(max_version=(1, 0))
    with pytest.raises(BufferError, match=reason):
        a.to_tensor()


def test_batch_dlpack_needs_one_block():
    batch = zcx.record_batch({"a": [1.0], "b": zcx.array([2], "int32")})
    with pytest.raises(BufferError, match="not one tensor"):
        batch.__dlpack__(max_version=(1, 0))
    with pytest.raises(BufferError, match="string"):
        zcx.record_batch({"a": [1.0], "s": ["x"]}).to_tensor()
    with pytest.raises(BufferError, match="without columns"):
        zcx.record_batch({}).to_tensor()
    assert batch.__dlpack_device__() == (1, 0)


def _metadata(pairs):
    """The C Data binary metadata encoding: int32 count, then int32-length keys and values."""
    out = len(pairs).to_bytes(4, "little")
    for k, v in pairs:
        out += len(k).to_bytes(4, "little") + k + len(v).to_bytes(4, "little") + v
    return out


def test_fixed_shape_tensor_from_a_foreign_producer_is_one_tensor():
    n, shape = 3, (2, 2)
    values = (ctypes.c_float * (n * 4))(*range(n * 4))
    md = ctypes.create_string_buffer(_metadata([
        (b"ARROW:extension:name", b"arrow.fixed_shape_tensor"),
        (b"ARROW:extension:metadata", b'{"shape":[2,2]}')]), 200)
    releases = []
    noop_schema = SCHEMA_RELEASE(lambda p: setattr(p.contents, "release", SCHEMA_RELEASE()))

    def release_schema(p):
        releases.append("schema")
        p.contents.release = SCHEMA_RELEASE()

    def release_array(p):
        releases.append("array")
        p.contents.release = ARRAY_RELEASE()

    rs, ra = SCHEMA_RELEASE(release_schema), ARRAY_RELEASE(release_array)
    noop_array = ARRAY_RELEASE(lambda p: setattr(p.contents, "release", ARRAY_RELEASE()))
    child_schema = ArrowSchema(format=b"f", name=b"item", flags=0, release=noop_schema)
    child_schemas = (ctypes.POINTER(ArrowSchema) * 1)(ctypes.pointer(child_schema))
    schema = ArrowSchema(format=b"+w:4", name=b"t", metadata=ctypes.addressof(md), flags=2,
                         n_children=1, children=ctypes.addressof(child_schemas), release=rs)
    child_buffers = (ctypes.c_void_p * 2)(None, ctypes.addressof(values))
    child = ArrowArray(length=n * 4, null_count=0, offset=0, n_buffers=2, n_children=0,
                       buffers=child_buffers, release=noop_array)
    children = (ctypes.POINTER(ArrowArray) * 1)(ctypes.pointer(child))
    buffers = (ctypes.c_void_p * 1)(None)
    array = ArrowArray(length=n, null_count=0, offset=0, n_buffers=1, n_children=1,
                       buffers=buffers, children=ctypes.addressof(children), release=ra)
    pair = (_capsule_new(ctypes.addressof(schema), b"arrow_schema", None),
            _capsule_new(ctypes.addressof(array), b"arrow_array", None))
    a = zcx.from_arrow(pair)
    assert "arrow.fixed_shape_tensor" in a.type
    assert a.to_pylist() == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]
    t = zcx.from_dlpack(a)
    assert t.shape == (3, 2, 2) and t.address == ctypes.addressof(values)
    assert np.asarray(t)[2, 1, 0] == 10.0
    del a
    assert releases == ["schema"]  # the tensor still shares the producer's memory
    del t
    assert releases == ["schema", "array"]
