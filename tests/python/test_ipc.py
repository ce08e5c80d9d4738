# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.read_ipc, zcx.IpcFileReader, zcx.write_ipc and zcx.ipc_bytes: round trips
# through files, streams and compression; mapped reads whose buffers lie in the file's mapping
# (as /proc/self/maps says) and keep it alive; a golden file of the Arrow project; NumPy and
# PyTorch over mapped columns without a copy; bad input.
import gc
import gzip
import json
import math
import os
import random
import warnings

import numpy as np
import pytest

import zcx
from proc_maps import all_inside, mapping_of, mappings_of_file

COLUMNS = [
    ("i64", "int64", [1, None, -3, 2**40, 0]),
    ("f64", "float64", [0.5, -1.25, None, 1e300, 2.0]),
    ("s", "string", ["a", "", None, "zcx", "\u00e9t\u00e9"]),
    ("b", "bool", [True, False, None, True, True]),
    ("l", "list<int32>", [[1, 2], [], None, [None, 4], [5]]),
    ("st", "struct<a: int16, b: string>", [{"a": 1, "b": "x"}, None, {"a": None, "b": "y"},
                                           {"a": 4, "b": None}, {"a": 5, "b": ""}]),
]


def make_batch(seed=0, rows=None, pool=None):
    cols = {}
    for name, type_text, values in COLUMNS:
        vals = values[seed % len(values):] + values[:seed % len(values)]
        if rows is not None:
            vals = (vals * (rows // len(vals) + 1))[:rows]
        cols[name] = zcx.array(vals, type_text, pool=pool)
    return zcx.record_batch(cols)


def numeric_batch(rows, seed=0):
    """A batch of two plain numeric columns (DLPack-shareable)."""
    return zcx.record_batch({
        "x": zcx.array([(i * 7 + seed) % 1000 for i in range(rows)], "int64"),
        "y": zcx.array([i * 0.5 + seed for i in range(rows)], "float64"),
    })


FORMATS = ["file", "stream"]
CODECS = [None, "lz4", "zstd"]

# ---------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("codec", CODECS)
def test_round_trip_through_a_path(tmp_path, fmt, codec):
    batches = [make_batch(k) for k in range(3)]
    path = tmp_path / ("t." + ("arrow" if fmt == "file" else "arrows"))
    assert zcx.write_ipc(path, batches, fmt, codec) is None
    data = path.read_bytes()
    assert data.startswith(b"ARROW1") == (fmt == "file")
    back = zcx.read_ipc(path)
    assert len(back) == 3
    for a, b in zip(back, batches):
        assert a == b and a.to_pydict() == b.to_pydict()
        assert a.schema == b.schema
        a.validate()
    # The same bytes from memory.
    mem = zcx.read_ipc(data)
    assert mem == back
    # str paths as well as os.PathLike.
    assert zcx.read_ipc(str(path)) == back


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("codec", CODECS)
def test_round_trip_through_bytes(fmt, codec):
    batches = [make_batch(k, rows=50) for k in range(2)]
    data = zcx.ipc_bytes(batches, fmt, codec)
    assert isinstance(data, bytes)
    for src in (data, bytearray(data), memoryview(data)):
        back = zcx.read_ipc(src)
        assert back == batches
    assert zcx.read_ipc(data, trusted=True) == batches


def test_compression_makes_repetitive_data_smaller():
    b = zcx.record_batch({"x": zcx.array([7] * 20000, "int64")})
    plain = zcx.ipc_bytes(b)
    for codec in ("lz4", "zstd"):
        packed = zcx.ipc_bytes(b, compression=codec)
        assert len(packed) < len(plain) // 4, codec
        assert zcx.read_ipc(packed) == [b]
    assert zcx.ipc_bytes(b, compression="zstd", compression_level=19) != plain


def test_ipc_bytes_equals_the_file_written(tmp_path):
    b = make_batch(1)
    for fmt in FORMATS:
        zcx.write_ipc(tmp_path / fmt, [b, b], format=fmt)
        assert (tmp_path / fmt).read_bytes() == zcx.ipc_bytes([b, b], format=fmt)


def test_a_single_batch_and_generators_are_accepted(tmp_path):
    b = make_batch(2)
    zcx.write_ipc(tmp_path / "one", b)
    assert zcx.read_ipc(tmp_path / "one") == [b]
    zcx.write_ipc(tmp_path / "gen", (make_batch(k) for k in range(4)), format="stream")
    assert zcx.read_ipc(tmp_path / "gen") == [make_batch(k) for k in range(4)]


def test_empty_tables_need_a_schema(tmp_path):
    schema = make_batch().schema
    for fmt in FORMATS:
        path = tmp_path / fmt
        zcx.write_ipc(path, [], fmt, schema=schema)
        assert zcx.read_ipc(path) == []
        assert zcx.read_ipc(zcx.ipc_bytes([], fmt, schema=schema)) == []
    with zcx.IpcFileReader(tmp_path / "file") as r:
        assert r.num_batches == 0 and len(r) == 0 and r.schema == schema
    with pytest.raises(ValueError, match="schema"):
        zcx.write_ipc(tmp_path / "x", [])
    with pytest.raises(ValueError, match="schema"):
        zcx.ipc_bytes([])


def test_slices_are_written_as_their_rows():
    b = make_batch(0, rows=40)
    s = b.slice(7, 11)
    back = zcx.read_ipc(zcx.ipc_bytes(s))
    assert len(back) == 1 and back[0].num_rows == 11
    assert back[0].to_pydict() == s.to_pydict()


def test_footer_metadata_round_trips(tmp_path):
    path = tmp_path / "m.arrow"
    zcx.write_ipc(path, make_batch(), metadata={"origin": "test", "n": "1"})
    with zcx.IpcFileReader(path) as r:
        assert r.metadata == {"origin": "test", "n": "1"}
    with zcx.IpcFileReader(zcx.ipc_bytes(make_batch(), "file")) as r:
        assert r.metadata == {}
    with pytest.raises(ValueError, match="footer"):
        zcx.ipc_bytes(make_batch(), "stream", metadata={"a": "b"})
    with pytest.raises(TypeError, match="metadata"):
        zcx.write_ipc(path, make_batch(), metadata={"a": 1})
    with pytest.raises(TypeError, match="metadata"):
        zcx.write_ipc(path, make_batch(), metadata=[("a", "b")])

# ---------------------------------------------------------------------------------------------
# IpcFileReader


def test_file_reader_random_access(tmp_path):
    batches = [make_batch(k) for k in range(4)]
    path = tmp_path / "r.arrow"
    zcx.write_ipc(path, batches)
    r = zcx.IpcFileReader(path)
    assert not r.closed
    assert r.num_batches == len(r) == 4
    assert r.schema == batches[0].schema
    assert r[2] == batches[2] and r.read(1) == batches[1] and r[-1] == batches[3]
    assert r.read(-4) == batches[0]
    assert list(r) == batches and r.read_all() == batches
    for bad in (4, -5, 100):
        with pytest.raises(IndexError, match="out of range"):
            r[bad]
    with pytest.raises(TypeError):
        r["x"]
    assert "num_batches=4" in repr(r)
    kept = r[0]
    r.close()
    assert r.closed and "closed" in repr(r)
    for op in (lambda: r[0], lambda: len(r), lambda: r.schema, lambda: r.num_batches):
        with pytest.raises(ValueError, match="closed"):
            op()
    r.close()  # twice is fine
    assert kept == batches[0], "a batch outlives its reader"


def test_file_reader_as_context_manager_and_from_bytes(tmp_path):
    data = zcx.ipc_bytes([make_batch(0), make_batch(1)], "file", "zstd")
    with zcx.IpcFileReader(data) as r:
        assert r.num_batches == 2 and r[1] == make_batch(1)
    assert r.closed
    with pytest.raises(ValueError, match="closed"):
        with r:
            pass


def test_file_reader_refuses_streams_and_junk(tmp_path):
    stream = zcx.ipc_bytes(make_batch())
    with pytest.raises(ValueError):
        zcx.IpcFileReader(stream)
    (tmp_path / "s").write_bytes(stream)
    with pytest.raises(ValueError):
        zcx.IpcFileReader(tmp_path / "s")
    with pytest.raises(FileNotFoundError):
        zcx.IpcFileReader(tmp_path / "missing")
    with pytest.raises(TypeError):
        zcx.IpcFileReader(42)

# ---------------------------------------------------------------------------------------------
# Zero-copy: mapped files and Python buffers


def test_mapped_reads_point_into_the_file_mapping(tmp_path):
    path = tmp_path / "z.arrow"
    zcx.write_ipc(path, [make_batch(0, rows=1000), make_batch(1, rows=1000)])
    assert mappings_of_file(path) == []
    batches = zcx.read_ipc(path)
    maps = mappings_of_file(path)
    assert len(maps) == 1, "the file is mapped once"
    lo, hi, perms, offset, _, _ = maps[0]
    assert perms.startswith("r") and "w" not in perms and offset == 0
    assert hi - lo >= path.stat().st_size
    for b in batches:
        spans = b.buffer_addresses()
        assert len(spans) > 10
        assert all_inside(spans, lo, hi), "a buffer was copied out of the mapping"
        for col in b.columns:
            assert all_inside(col.buffer_addresses(), lo, hi)
            assert col.buffer_addresses() == zcx.buffer_addresses(col)
    # The batches keep the mapping alive; the last one to go unmaps it.
    first, second = batches
    del batches, b, col
    del first
    gc.collect()
    assert len(mappings_of_file(path)) == 1
    assert second.to_pydict()["i64"][:3] == [None, -3, 2**40]
    del second
    gc.collect()
    assert mappings_of_file(path) == []


def test_file_reader_batches_point_into_the_mapping(tmp_path):
    path = tmp_path / "z.arrow"
    zcx.write_ipc(path, [numeric_batch(500, k) for k in range(3)])
    with zcx.IpcFileReader(path) as r:
        (lo, hi, *_), = mappings_of_file(path)
        got = [r[i] for i in range(3)]
    for b in got:
        assert all_inside(b.buffer_addresses(), lo, hi)
    assert len(mappings_of_file(path)) == 1, "closed, but the batches still use the mapping"
    del got, b
    assert mappings_of_file(path) == []


def test_stream_files_are_mapped_too(tmp_path):
    path = tmp_path / "z.arrows"
    zcx.write_ipc(path, [numeric_batch(300)], "stream")
    b, = zcx.read_ipc(path)
    (lo, hi, *_), = mappings_of_file(path)
    assert all_inside(b.buffer_addresses(), lo, hi)


def test_compressed_bodies_are_decompressed_out_of_the_mapping(tmp_path):
    path = tmp_path / "c.arrow"
    zcx.write_ipc(path, [numeric_batch(2000)], compression="lz4")
    b, = zcx.read_ipc(path)
    assert b == numeric_batch(2000)
    maps = mappings_of_file(path)
    for lo, hi, *_ in maps:
        assert not any(lo <= a < hi for a, _ in b.buffer_addresses())
    before = zcx.default_pool().stats()["current"]
    del b
    assert zcx.default_pool().stats()["current"] <= before


def test_reads_from_bytes_share_the_bytes():
    data = zcx.ipc_bytes([numeric_batch(256)], "file")
    b, = zcx.read_ipc(data)
    view = memoryview(data)
    start = np.frombuffer(view, dtype=np.uint8).ctypes.data
    assert all_inside(b.buffer_addresses(), start, start + len(data))
    # The batch keeps the bytes alive: nothing dangles once our names are gone.
    expect = numeric_batch(256).to_pydict()
    del data, view
    gc.collect()
    assert b.to_pydict() == expect


def test_mapped_columns_go_to_numpy_and_torch_without_a_copy(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "n.arrow"
    zcx.write_ipc(path, [numeric_batch(1000, 3)])
    b, = zcx.read_ipc(path)
    (lo, hi, *_), = mappings_of_file(path)
    for name, dtype in (("x", np.int64), ("y", np.float64)):
        col = b[name]
        (addr, size), = col.buffer_addresses()  # no validity bitmap: no nulls
        assert lo <= addr < hi
        # DLPack 1.x says read-only; zcx takes it back as the same memory.
        t = zcx.from_dlpack(col.__dlpack__(max_version=(1, 0)))
        assert t.readonly
        # NumPy through the buffer protocol of the tensor view: same pointer, read-only.
        a = np.asarray(col.to_tensor())
        assert a.ctypes.data == addr and a.dtype == dtype and not a.flags.writeable
        assert np.asarray(t).ctypes.data == addr
        assert a.tolist() == col.to_pylist()
        # PyTorch shares the NumPy view (it warns that it cannot mark tensors read-only).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            tt = torch.from_numpy(a)
        assert tt.data_ptr() == addr and tt.numel() == 1000
        # The legacy DLPack capsule (NumPy 1.x, PyTorch 1.x) cannot carry the read-only flag,
        # so zcx refuses rather than hand out writable views of a read-only mapping, and names
        # the zero-copy fix.
        with pytest.raises(BufferError, match="read-only.*copy_on_write=True"):
            col.__dlpack__()
        with pytest.raises(BufferError, match="copy_on_write=True"):
            np.from_dlpack(col)
    assert b["x"].to_pylist()[:3] == [3, 10, 17]

# ---------------------------------------------------------------------------------------------
# A golden file of the Arrow project


def golden_dir():
    root = os.environ.get("ARROW_TEST_DATA")
    d = os.path.join(root or "", "arrow-ipc-stream", "integration", "cpp-21.0.0")
    if not root or not os.path.isdir(d):
        if os.environ.get("ZCX_REQUIRE_TEST_DATA") == "1":
            pytest.fail("ARROW_TEST_DATA has no arrow-ipc-stream/integration/cpp-21.0.0")
        pytest.skip("no arrow-testing data (set ARROW_TEST_DATA)")
    return d


def json_values(col):
    """The values of an integration JSON column (primitive types), None where not valid."""
    out = []
    for valid, v in zip(col["VALIDITY"], col["DATA"]):
        out.append(None if not valid else int(v) if isinstance(v, str) else v)
    return out


@pytest.mark.parametrize("ext", ["arrow_file", "stream"])
def test_golden_primitive_file_decodes_to_its_json(ext):
    d = golden_dir()
    with gzip.open(os.path.join(d, "generated_primitive.json.gz"), "rt") as f:
        want = json.load(f)
    path = os.path.join(d, "generated_primitive." + ext)
    batches = zcx.read_ipc(path)
    assert len(batches) == len(want["batches"])
    names = [f["name"] for f in want["schema"]["fields"]]
    assert batches[0].column_names == names
    for b, wb in zip(batches, want["batches"]):
        assert b.num_rows == wb["count"]
        b.validate(full=True)
        (lo, hi, *_), = mappings_of_file(path)
        assert all_inside(b.buffer_addresses(), lo, hi)
        for col in wb["columns"]:
            got = b[col["name"]].to_pylist()
            exp = json_values(col)
            if col["name"].startswith("float"):
                assert len(got) == len(exp)
                for g, e in zip(got, exp):
                    assert (g is None) == (e is None)
                    assert g is None or math.isclose(g, e, rel_tol=1e-6), col["name"]
            else:
                assert got == exp, col["name"]
    if ext == "arrow_file":
        with zcx.IpcFileReader(path) as r:
            assert r.num_batches == len(want["batches"]) and r.schema.names == names

# ---------------------------------------------------------------------------------------------
# Bad input


def test_truncated_files_and_streams_are_refused(tmp_path):
    for fmt in FORMATS:
        data = zcx.ipc_bytes([numeric_batch(100), numeric_batch(100, 1)], fmt)
        cuts = sorted({1, 5, 6, 8, 16, 64, len(data) // 3, len(data) // 2, len(data) - 16,
                       len(data) - 1})
        for n in cuts:
            path = tmp_path / ("cut%d" % n)
            path.write_bytes(data[:n])
            for src in (path, data[:n]):
                try:
                    got = zcx.read_ipc(src)
                except ValueError as e:
                    assert str(e), "the error says what is wrong"
                else:
                    # A stream cut right after a whole message is a shorter stream.
                    assert fmt == "stream" and len(got) < 2, (fmt, n)


def test_not_arrow_is_refused(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("this is not an Arrow file, only some text\n" * 10)
    with pytest.raises(ValueError):
        zcx.read_ipc(junk)
    with pytest.raises(ValueError):
        zcx.read_ipc(b"ARROW1\x00\x00not really")
    with pytest.raises(ValueError):
        zcx.read_ipc(b"\xff\xff\xff\xff\x10\x00\x00\x00" + b"\x00" * 16)
    with pytest.raises(ValueError):
        zcx.IpcFileReader(junk)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(ValueError):
        zcx.read_ipc(empty)
    with pytest.raises(ValueError):
        zcx.read_ipc(b"")


def test_missing_paths_and_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        zcx.read_ipc(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        zcx.read_ipc(tmp_path)
    with pytest.raises(TypeError, match="path"):
        zcx.read_ipc(42)
    with pytest.raises(ValueError, match="contiguous"):
        zcx.read_ipc(np.zeros((4, 4), dtype=np.int32)[:, ::2])
    b = make_batch()
    with pytest.raises(ValueError, match="format"):
        zcx.write_ipc(tmp_path / "x", b, format="parquet")
    with pytest.raises(ValueError, match="compression"):
        zcx.ipc_bytes(b, compression="gzip")
    with pytest.raises(TypeError, match="RecordBatch"):
        zcx.ipc_bytes([b, "not a batch"])
    with pytest.raises(TypeError, match="RecordBatch"):
        zcx.ipc_bytes(17)
    with pytest.raises(TypeError, match="Schema"):
        zcx.ipc_bytes([], schema="int32")
    with pytest.raises(FileNotFoundError):
        zcx.write_ipc(tmp_path / "no" / "such" / "dir.arrow", b)


def test_batches_of_another_schema_are_refused(tmp_path):
    a = make_batch()
    other = numeric_batch(5)
    for fmt in FORMATS:
        with pytest.raises(ValueError, match="batch 1"):
            zcx.ipc_bytes([a, other], fmt)
        with pytest.raises(ValueError):
            zcx.ipc_bytes([a], fmt, schema=other.schema)


def test_corrupted_bytes_never_crash():
    rng = random.Random(1234)
    for fmt in FORMATS:
        data = bytearray(zcx.ipc_bytes([make_batch(0, rows=30)], fmt))
        for _ in range(150):
            bad = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                bad[rng.randrange(len(bad))] = rng.randrange(256)
            try:
                for b in zcx.read_ipc(bytes(bad)):
                    b.to_pydict()  # what was accepted was validated: reading it is safe
            except (ValueError, TypeError, OverflowError):
                pass


def test_mapping_of_helper_sees_python_memory():
    # The helper the zero-copy checks rely on: a NumPy array lies in some mapping.
    a = np.arange(1000)
    m = mapping_of(a.ctypes.data)
    assert m is not None and m[0] <= a.ctypes.data < m[1]
