# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Tests of zcx.ShmProducer and zcx.shm_attach: batches built in a segment and published in
# place, a producer in another process whose columns this process reads in its own read-only
# mapping (at the offsets the producer wrote them, as /proc/self/maps confirms) and hands to
# NumPy without a copy; descriptors passed over a socket; unsealed and bad segments refused.
import fcntl
import gc
import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import uuid
import warnings

import numpy as np
import pytest

import zcx
from proc_maps import all_inside, mapping_of, mappings_of_file

SEALS = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL


def columns(rows, seed, pool):
    return {
        "id": zcx.array([i + seed for i in range(rows)], "int64", pool=pool),
        "score": zcx.array([i * 0.25 + seed for i in range(rows)], "float64", pool=pool),
        "name": zcx.array([None if i % 7 == 0 else "n%d" % (i + seed) for i in range(rows)],
                          "string", pool=pool),
    }


def expected(rows, seed):
    return {"id": [i + seed for i in range(rows)],
            "score": [i * 0.25 + seed for i in range(rows)],
            "name": [None if i % 7 == 0 else "n%d" % (i + seed) for i in range(rows)]}


def offsets(batch, base):
    """Where each buffer starts, from `base` (the sizes may differ: a producer's buffer can be
    longer than the part the file records)."""
    return [a - base for a, _ in batch.buffer_addresses()]

# ---------------------------------------------------------------------------------------------
# One process


def test_publish_in_place_and_attach_by_path_and_fd():
    p = zcx.ShmProducer(4 << 20, name="zcx-py")
    assert not p.published and not p.sealed and p.size == p.capacity == 4 << 20
    assert p.path.startswith("/proc/%d/fd/" % os.getpid())
    batches = [zcx.record_batch(columns(1000, k, p.pool)) for k in range(3)]
    written = [offsets(b, p.address) for b in batches]
    # Built in place: every buffer is inside the producer's mapping.
    assert all_inside([s for b in batches for s in b.buffer_addresses()], p.address,
                      p.address + p.capacity)
    p.publish(batches)
    assert p.published and p.sealed and 0 < p.size < p.capacity
    assert [offsets(b, p.address) for b in batches] == written, "publishing moved nothing"
    for seg in (zcx.shm_attach(p.path), zcx.shm_attach(fd=p.fd)):
        assert isinstance(seg, zcx.IpcFileReader)
        assert seg.size == p.size and seg.num_batches == len(seg) == 3
        assert seg.address is not None and seg.address != p.address
        m = mapping_of(seg.address)
        assert m[0] == seg.address and "w" not in m[2] and m[2].endswith("s"), m
        assert "memfd:zcx-py" in m[5]
        got = seg.batches()
        for k, b in enumerate(got):
            assert b.to_pydict() == expected(1000, k)
            assert all_inside(b.buffer_addresses(), seg.address, seg.address + seg.size)
            # The same bytes of the same file: the consumer reads where the builders wrote.
            assert offsets(b, seg.address) == written[k]
        assert seg.read(1) == got[1] and seg[-1] == got[2]
    assert zcx.shm_attach(p.path).path == p.path
    assert zcx.shm_attach(fd=p.fd).path is None


def test_producer_after_publish_refuses_more(pool):
    p = zcx.ShmProducer(1 << 20)
    b = zcx.record_batch(columns(10, 0, p.pool))
    p.publish(b)
    with pytest.raises(ValueError, match="already published"):
        p.publish(b)
    with pytest.raises(OSError) as e:
        zcx.array([1, 2, 3], "int64", pool=p.pool)
    assert e.value.errno == 30  # EROFS: the segment is read-only now
    assert "sealed" in repr(p)


def test_buffers_from_elsewhere_are_copied_into_the_segment(pool):
    outside = zcx.record_batch(columns(500, 3, pool))
    with zcx.ShmProducer(2 << 20) as p:
        p.publish(outside, metadata={"who": "test"})
        seg = zcx.shm_attach(p.path)
    assert p.closed
    with pytest.raises(ValueError, match="closed"):
        p.path
    b, = seg.batches()
    assert seg.metadata == {"who": "test"}
    assert b == outside and b.to_pydict() == expected(500, 3)
    assert all_inside(b.buffer_addresses(), seg.address, seg.address + seg.size)
    assert not any(seg.address <= a < seg.address + seg.size
                   for a, _ in outside.buffer_addresses())
    del outside, b
    seg.close()


def test_aos_to_soa_writes_columns_into_the_segment():
    rec = np.zeros(2000, dtype=[("a", "<i4"), ("b", "<f8"), ("c", "<i2")])
    rec["a"] = np.arange(2000)
    rec["b"] = np.arange(2000) * 1.5
    rec["c"] = -np.arange(2000) % 300
    p = zcx.ShmProducer(1 << 20)
    b = zcx.aos_to_soa(rec, pool=p.pool)
    lo = p.address
    assert all_inside(b.buffer_addresses(), lo, lo + p.capacity)
    written = offsets(b, p.address)
    p.publish(b)
    seg = zcx.shm_attach(fd=p.fd)
    got = seg[0]
    assert offsets(got, seg.address) == written
    for name in ("a", "b", "c"):
        col = np.asarray(got[name].to_tensor())
        assert np.array_equal(col, rec[name])
        assert col.ctypes.data == got[name].buffer_addresses()[0][0]


def test_pool_of_the_segment_empties_when_the_arrays_go():
    p = zcx.ShmProducer(1 << 20)
    pool = p.pool
    assert pool is p.pool
    b = zcx.record_batch(columns(100, 0, pool))
    assert pool.stats()["current"] > 0
    p.publish(b)
    del b
    gc.collect()
    assert pool.stats()["current"] == 0

# ---------------------------------------------------------------------------------------------
# A producer in another process

PRODUCER = textwrap.dedent("""
    import json, os, socket, sys
    import zcx
    rows, sock_fd = int(sys.argv[1]), int(sys.argv[2])
    p = zcx.ShmProducer(8 << 20, name="zcx-child")
    pool = p.pool
    batches = []
    for k in range(2):
        cols = {
            "id": zcx.array([i + k for i in range(rows)], "int64", pool=pool),
            "score": zcx.array([i * 0.25 + k for i in range(rows)], "float64", pool=pool),
            "name": zcx.array([None if i % 7 == 0 else "n%d" % (i + k) for i in range(rows)],
                              "string", pool=pool),
        }
        batches.append(zcx.record_batch(cols))
    p.publish(batches)
    offs = [[a - p.address for a, _ in b.buffer_addresses()] for b in batches]
    sock = socket.socket(fileno=sock_fd)
    socket.send_fds(sock, [b"x"], [p.fd])
    print(json.dumps({"path": p.path, "size": p.size, "sealed": p.sealed, "offsets": offs}),
          flush=True)
    sys.stdin.readline()  # keep the segment (and its /proc path) until the test is done
""")


@pytest.fixture
def child_producer():
    rows = 5000
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    proc = subprocess.Popen([sys.executable, "-c", PRODUCER, str(rows), str(child.fileno())],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            pass_fds=[child.fileno()])
    child.close()
    try:
        line = proc.stdout.readline()
        assert line, "the producer failed (see its stderr)"
        info = json.loads(line)
        _, fds, _, _ = socket.recv_fds(parent, 1, 1)
        info["fd"] = fds[0]
        info["rows"] = rows
        info["proc"] = proc
        yield info
    finally:
        parent.close()
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()
        if "fd" in locals().get("info", {}):
            os.close(info["fd"])


def test_a_child_process_publishes_and_this_one_reads_in_place(child_producer):
    info = child_producer
    assert info["sealed"]
    seg = zcx.shm_attach(info["path"])
    assert seg.size == info["size"] and seg.num_batches == 2
    (lo, hi, perms, off, _, path), = [m for m in mappings_of_file(info["path"])
                                      if m[0] == seg.address]
    assert "w" not in perms and perms.endswith("s") and off == 0
    assert "memfd:zcx-child" in path and hi - lo >= seg.size
    rows = info["rows"]
    for k, b in enumerate(seg.batches()):
        b.validate(full=True)
        assert b.to_pydict() == expected(rows, k)
        # The columns lie where the other process's builders wrote them.
        assert offsets(b, seg.address) == info["offsets"][k]
        assert all_inside(b.buffer_addresses(), lo, hi)
        for name, dtype in (("id", np.int64), ("score", np.float64)):
            col = b[name]
            addr = col.buffer_addresses()[-1][0]  # the values (after the validity bitmap)
            a = np.asarray(col.to_tensor())
            assert a.ctypes.data == addr and a.dtype == dtype and not a.flags.writeable
            t = zcx.from_dlpack(col.__dlpack__(max_version=(1, 0)))
            assert np.asarray(t).ctypes.data == addr and t.readonly
            assert a[:3].tolist() == expected(rows, k)[name][:3]


def test_a_descriptor_passed_over_a_socket_attaches(child_producer):
    info = child_producer
    seg = zcx.shm_attach(fd=info["fd"])
    assert seg.path is None and seg.size == info["size"]
    b = seg[1]
    assert b.to_pydict() == expected(info["rows"], 1)
    assert offsets(b, seg.address) == info["offsets"][1]


def test_the_mapping_outlives_the_producer(child_producer):
    info = child_producer
    seg = zcx.shm_attach(info["path"])
    b = seg[0]
    seg.close()
    del seg
    info["proc"].stdin.close()
    info["proc"].stdin = None
    assert info["proc"].wait(timeout=30) == 0
    assert not os.path.exists(info["path"]), "the producer is gone"
    # A sealed memfd lives while it is mapped: the batch still reads.
    assert b.to_pydict() == expected(info["rows"], 0)
    torch = pytest.importorskip("torch")
    a = np.asarray(b["score"].to_tensor())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        t = torch.from_numpy(a)
    assert t.data_ptr() == a.ctypes.data and float(t[4]) == 1.0

# ---------------------------------------------------------------------------------------------
# Unsealed and bad segments


def test_an_unpublished_segment_is_refused():
    p = zcx.ShmProducer(1 << 20)
    with pytest.raises(PermissionError, match="not sealed.*trust_unsealed"):
        zcx.shm_attach(p.path)
    with pytest.raises(PermissionError):
        zcx.shm_attach(fd=p.fd)
    # Trusting it does not make the zero-filled segment an Arrow file.
    with pytest.raises(ValueError, match="not an Arrow file"):
        zcx.shm_attach(p.path, trust_unsealed=True)


def test_a_plain_file_needs_trust_and_private_permissions(tmp_path):
    path = tmp_path / "plain.arrow"
    zcx.write_ipc(path, zcx.record_batch({"x": zcx.array([1, 2, 3], "int64")}))
    os.chmod(path, 0o600)
    with pytest.raises(PermissionError, match="not sealed"):
        zcx.shm_attach(path)
    seg = zcx.shm_attach(path, trust_unsealed=True)
    assert seg[0]["x"].to_pylist() == [1, 2, 3]
    (lo, hi, *_), = mappings_of_file(path)
    assert seg.address == lo and all_inside(seg[0].buffer_addresses(), lo, hi)
    os.chmod(path, 0o644)
    with pytest.raises(PermissionError, match="group or others"):
        zcx.shm_attach(path, trust_unsealed=True)


def test_posix_segments_are_unsealed_and_named():
    name = "zcx-pytest-" + uuid.uuid4().hex[:12]
    p = zcx.ShmProducer(1 << 20, name=name, posix=True)
    try:
        assert p.path == "/dev/shm/" + name
        assert stat.S_IMODE(os.stat(p.path).st_mode) == 0o600
        p.publish(zcx.record_batch(columns(50, 1, p.pool)))
        assert p.published and not p.sealed
        with pytest.raises(PermissionError):
            zcx.shm_attach(p.path)
        seg = zcx.shm_attach(p.path, trust_unsealed=True)
        assert seg[0].to_pydict() == expected(50, 1)
        with pytest.raises(FileExistsError):
            zcx.ShmProducer(1 << 20, name=name, posix=True)
    finally:
        p.unlink()
    assert not os.path.exists("/dev/shm/" + name)
    assert seg[0].to_pydict() == expected(50, 1), "unlinking leaves mappings alone"
    with pytest.raises(TypeError, match="name"):
        zcx.ShmProducer(1 << 20, posix=True)


def sealed_memfd(data):
    fd = os.memfd_create("zcx-junk", os.MFD_ALLOW_SEALING)
    os.write(fd, data)
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, SEALS)
    return fd


def test_sealed_segments_that_are_not_arrow_are_refused():
    good = zcx.ipc_bytes(zcx.record_batch({"x": zcx.array([1.5, 2.5], "float64")}), "file")
    for data, why in ((b"junk" * 100, "not an Arrow file"), (b"", "empty"),
                      (good[: len(good) // 2], ""), (b"ARROW1\x00\x00" + b"\x00" * 64, "")):
        fd = sealed_memfd(data)
        try:
            with pytest.raises(ValueError, match=why):
                zcx.shm_attach(fd=fd)
        finally:
            os.close(fd)
    fd = sealed_memfd(good)
    try:
        seg = zcx.shm_attach(fd=fd)
    finally:
        os.close(fd)
    assert seg[0]["x"].to_pylist() == [1.5, 2.5], "the descriptor may close after attaching"


def test_bad_arguments():
    with pytest.raises(TypeError, match="exactly one"):
        zcx.shm_attach()
    with pytest.raises(TypeError, match="exactly one"):
        zcx.shm_attach("/dev/null", fd=0)
    with pytest.raises(ValueError):
        zcx.shm_attach(fd=-1)
    with pytest.raises(TypeError):
        zcx.shm_attach(fd="3")
    with pytest.raises(FileNotFoundError):
        zcx.shm_attach("/nonexistent/zcx-segment")
    with pytest.raises(ValueError, match="not a regular file"):
        zcx.shm_attach("/dev/null")
    for capacity in (0, -1, 4096):
        with pytest.raises(ValueError):
            zcx.ShmProducer(capacity)
    p = zcx.ShmProducer(1 << 20)
    with pytest.raises(TypeError, match="RecordBatch"):
        p.publish([1, 2])
    with pytest.raises(ValueError, match="schema"):
        p.publish([])
    with pytest.raises(ValueError):
        p.unlink()  # a memfd has no name to remove
    assert not p.published


def test_a_segment_too_small_fails_and_stays_usable(pool):
    p = zcx.ShmProducer(1 << 20)
    big = zcx.record_batch({"x": zcx.array(list(range(300000)), "int64", pool=pool)})
    with pytest.raises(MemoryError, match="no room"):
        p.publish(big)
    assert not p.published and not p.sealed
    small = zcx.record_batch(columns(100, 0, p.pool))
    p.publish(small)
    assert zcx.shm_attach(p.path)[0].to_pydict() == expected(100, 0)
    del big


def test_closed_segments_say_so(tmp_path):
    p = zcx.ShmProducer(1 << 20)
    p.publish(zcx.record_batch(columns(10, 0, p.pool)))
    with zcx.shm_attach(p.path) as seg:
        b = seg[0]
    with pytest.raises(ValueError, match="closed"):
        seg.batches()
    assert b.to_pydict() == expected(10, 0)
