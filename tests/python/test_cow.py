# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of the read-only rule and of copy-on-write reads: columns zcx holds in writable memory
# (aos_to_soa results, copy-on-write mappings of IPC files and shared-memory segments) go to
# NumPy 1.x and PyTorch 1.x through legacy DLPack (np.from_dlpack,
# torch.utils.dlpack.from_dlpack) without a copy; a write through them stays private to this
# mapping; physically read-only columns (default reads) are still refused, with the fix named.
import os

import numpy as np
import pytest

import zcx
from proc_maps import all_inside, mapping_of, mappings_of_file

torch = pytest.importorskip("torch")
import torch.utils.dlpack  # noqa: E402  (after the skip: PyTorch is optional)

RECORD = np.dtype([("i", "<i8"), ("f", "<f4"), ("d", "<f8"), ("v", "<i4", (3,))])


def records(n, seed=0):
    rng = np.random.default_rng(seed)
    a = np.zeros(n, dtype=RECORD)
    a["i"] = rng.integers(-10**12, 10**12, n)
    a["f"] = rng.standard_normal(n).astype(np.float32)
    a["d"] = rng.standard_normal(n)
    a["v"] = rng.integers(-1000, 1000, (n, 3))
    return a


def address(col):
    """The address of a column's values buffer (no validity bitmap: no nulls)."""
    (addr, _size), = col.buffer_addresses()
    return addr


def numeric_batch(rows, seed=0):
    return zcx.record_batch({
        "x": zcx.array([(i * 7 + seed) % 1000 for i in range(rows)], "int64"),
        "y": zcx.array([i * 0.5 + seed for i in range(rows)], "float64"),
    })

# ---------------------------------------------------------------------------------------------
# Arrays zcx holds in writable memory


def test_aos_to_soa_columns_go_to_numpy_and_torch_without_a_copy():
    rec = records(5000, 1)
    batch = zcx.aos_to_soa(rec)
    for name in ("i", "f", "d", "v"):
        col = batch.column(name)
        addr = address(col)
        assert not col.to_tensor().readonly  # writable memory: immutable by contract only
        n = np.from_dlpack(col)
        t = torch.utils.dlpack.from_dlpack(col)
        assert n.ctypes.data == addr and t.data_ptr() == addr, name
        assert np.array_equal(n, rec[name]), name
        assert np.array_equal(t.numpy(), rec[name]), name
        assert n.shape == rec[name].shape and tuple(t.shape) == rec[name].shape
    # Shared, not copied: a write through PyTorch shows in the column (the contract says
    # nobody writes; this only proves the aliasing).
    col = batch.column("d")
    t = torch.utils.dlpack.from_dlpack(col)
    t[7] = 1234.5
    assert col.to_pylist()[7] == 1234.5
    assert np.from_dlpack(col)[7] == 1234.5


def test_contiguous_block_goes_to_numpy_and_torch_as_one_matrix():
    rec = np.zeros(300, dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4")])
    for k, name in enumerate("xyz"):
        rec[name] = np.arange(300, dtype=np.float32) * (k + 1)
    batch = zcx.aos_to_soa(rec, contiguous=True)
    m = np.from_dlpack(batch)
    t = torch.utils.dlpack.from_dlpack(batch)
    assert m.shape == (300, 3) and tuple(t.shape) == (300, 3)
    assert m.ctypes.data == address(batch.column("x")) == t.data_ptr()
    assert np.array_equal(m, np.stack([rec["x"], rec["y"], rec["z"]], axis=1))


def test_read_only_on_request_and_for_read_only_sources():
    # A read-only NumPy array stays read-only through zcx, and legacy export is refused.
    a = np.arange(8, dtype=np.int32)
    a.flags.writeable = False
    t = zcx.from_buffer(a)
    assert t.readonly
    with pytest.raises(BufferError, match="read-only"):
        np.from_dlpack(t)
    # IPC bytes: a bytes object is read-only, a bytearray writable; zcx says the same.
    data = zcx.ipc_bytes([numeric_batch(64)], "file")
    ro, = zcx.read_ipc(data)
    with pytest.raises(BufferError, match="read-only"):
        np.from_dlpack(ro["x"])
    buf = bytearray(data)
    rw, = zcx.read_ipc(buf)
    n = np.from_dlpack(rw["x"])
    start = np.frombuffer(buf, dtype=np.uint8).ctypes.data
    assert start <= n.ctypes.data < start + len(buf)  # inside the bytearray: no copy
    assert n.tolist() == numeric_batch(64)["x"].to_pylist()
    del n, rw  # let the bytearray go

# ---------------------------------------------------------------------------------------------
# Copy-on-write reads of IPC files


@pytest.mark.parametrize("fmt", ["file", "stream"])
def test_copy_on_write_read_shares_the_mapping_and_keeps_writes_private(tmp_path, fmt):
    path = tmp_path / ("cow." + fmt)
    zcx.write_ipc(path, [numeric_batch(1000, 3)], format=fmt)
    original = path.read_bytes()
    b, = zcx.read_ipc(path, copy_on_write=True)
    other, = zcx.read_ipc(path, copy_on_write=True)
    plain, = zcx.read_ipc(path)
    mine = [m for m in mappings_of_file(path) if all_inside(b.buffer_addresses(), m[0], m[1])]
    assert len(mine) == 1, mappings_of_file(path)
    lo, hi, perms, file_off, *_ = mine[0]
    assert perms == "rw-p" and file_off == 0  # private and writable: copy-on-write
    x, y = b["x"], b["y"]
    n = np.from_dlpack(x)
    t = torch.utils.dlpack.from_dlpack(y)
    # The same pointer as the mapping: zcx, NumPy and PyTorch all read the file's pages.
    assert n.ctypes.data == address(x) and lo <= address(x) < hi
    assert t.data_ptr() == address(y) and lo <= address(y) < hi
    assert original[address(x) - lo:address(x) - lo + 8] == n[:1].tobytes()
    assert n.tolist() == numeric_batch(1000, 3)["x"].to_pylist()
    # Writes through NumPy (its buffer-protocol view: np.from_dlpack arrays are read-only
    # in NumPy 1.x) and through PyTorch.
    w = np.asarray(x.to_tensor())
    assert w.flags.writeable and w.ctypes.data == address(x)
    w[0] = -424242
    t[1] = -0.125
    assert n[0] == -424242 and x.to_pylist()[0] == -424242 and y.to_pylist()[1] == -0.125
    # ... stay in this mapping: not in the file, not in the other readers' views.
    assert path.read_bytes() == original
    again, = zcx.read_ipc(path)
    assert again == numeric_batch(1000, 3)
    assert other == numeric_batch(1000, 3) and plain == numeric_batch(1000, 3)
    assert b != numeric_batch(1000, 3)


def test_ipc_file_reader_copy_on_write(tmp_path):
    path = tmp_path / "r.arrow"
    zcx.write_ipc(path, [numeric_batch(100, k) for k in range(3)])
    with zcx.IpcFileReader(path, copy_on_write=True) as r:
        b = r[2]
    (lo, hi, perms, *_), = mappings_of_file(path)
    assert perms == "rw-p"
    n = np.from_dlpack(b["y"])
    assert lo <= n.ctypes.data < hi and n.ctypes.data == address(b["y"])
    assert n.tolist() == numeric_batch(100, 2)["y"].to_pylist()
    with zcx.IpcFileReader(path) as r:
        with pytest.raises(BufferError, match="copy_on_write=True"):
            np.from_dlpack(r[0]["x"])


def test_default_read_refuses_legacy_dlpack_and_names_the_fix(tmp_path):
    path = tmp_path / "ro.arrow"
    zcx.write_ipc(path, [numeric_batch(50)])
    b, = zcx.read_ipc(path)
    (lo, hi, perms, *_), = mappings_of_file(path)
    assert perms == "r--p"  # a write would fault: hence the refusal
    for consumer in (np.from_dlpack, torch.utils.dlpack.from_dlpack):
        with pytest.raises(BufferError, match="read-only.*copy_on_write=True"):
            consumer(b["x"])
    # A consumer that reads the flag still shares it.
    t = zcx.from_dlpack(b["x"].__dlpack__(max_version=(1, 0)))
    assert t.readonly and t.address == address(b["x"]) and lo <= t.address < hi


def test_copy_on_write_arguments(tmp_path):
    path = tmp_path / "a.arrow"
    zcx.write_ipc(path, [numeric_batch(10)])
    data = path.read_bytes()
    with pytest.raises(ValueError, match="copy_on_write=True applies to a path"):
        zcx.read_ipc(data, copy_on_write=True)
    with pytest.raises(ValueError, match="copy_on_write=True applies to a path"):
        zcx.IpcFileReader(bytearray(data), copy_on_write=True)
    with pytest.raises(TypeError):
        zcx.read_ipc(path, False, True)  # keyword-only
    with pytest.raises(FileNotFoundError):
        zcx.read_ipc(tmp_path / "missing.arrow", copy_on_write=True)
    (tmp_path / "junk.arrow").write_bytes(b"ARROW1" + b"\0" * 100)
    with pytest.raises(ValueError):
        zcx.read_ipc(tmp_path / "junk.arrow", copy_on_write=True)
    assert mappings_of_file(tmp_path / "junk.arrow") == []  # nothing left mapped
    b, = zcx.read_ipc(path, copy_on_write=False)
    with pytest.raises(BufferError, match="copy_on_write"):
        np.from_dlpack(b["x"])

# ---------------------------------------------------------------------------------------------
# Copy-on-write attach of shared-memory segments


def test_shm_attach_copy_on_write_shares_the_sealed_segment():
    p = zcx.ShmProducer(2 << 20, name="zcx-cow-py")
    b = zcx.record_batch({"v": zcx.array([i * 1.5 for i in range(2000)], "float64",
                                         pool=p.pool)})
    p.publish(b)
    assert p.sealed
    produced_at = address(b["v"]) - p.address
    seg = zcx.shm_attach(p.path, copy_on_write=True)
    other = zcx.shm_attach(fd=p.fd, copy_on_write=True)
    plain = zcx.shm_attach(p.path)
    m = mapping_of(seg.address)
    assert m[0] == seg.address and m[2] == "rw-p" and "memfd:zcx-cow-py" in m[5], m
    col = seg[0]["v"]
    n = np.from_dlpack(col)
    t = torch.utils.dlpack.from_dlpack(col)
    assert n.ctypes.data == t.data_ptr() == address(col) == seg.address + produced_at
    assert n.tolist() == [i * 1.5 for i in range(2000)]
    # A write through PyTorch stays private: the segment, the producer and the other readers
    # never see it.
    t[0] = -1.0
    assert n[0] == -1.0 and col.to_pylist()[0] == -1.0
    assert b["v"].to_pylist()[0] == 0.0
    assert other[0]["v"].to_pylist()[0] == 0.0 and plain[0]["v"].to_pylist()[0] == 0.0
    assert zcx.shm_attach(p.path)[0]["v"].to_pylist()[0] == 0.0
    # The default attach is read-only and refuses legacy consumers with the fix named.
    assert mapping_of(plain.address)[2] == "r--s"
    with pytest.raises(BufferError, match="copy_on_write=True"):
        np.from_dlpack(plain[0]["v"])
    with pytest.raises(BufferError, match="copy_on_write=True"):
        torch.utils.dlpack.from_dlpack(plain[0]["v"])
    del col, n, t
    for s in (seg, other, plain):
        s.close()


def test_shm_attach_copy_on_write_of_an_unsealed_file_needs_trust(tmp_path):
    path = tmp_path / "plain.arrow"
    zcx.write_ipc(path, [numeric_batch(20)])
    os.chmod(path, 0o600)
    with pytest.raises(PermissionError, match="trust_unsealed=True"):
        zcx.shm_attach(path, copy_on_write=True)
    seg = zcx.shm_attach(path, copy_on_write=True, trust_unsealed=True)
    col = seg[0]["x"]
    n = np.from_dlpack(col)
    assert seg.address <= n.ctypes.data < seg.address + seg.size
    assert n.tolist() == numeric_batch(20)["x"].to_pylist()
