# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# The Python side of `zcx demo`: opens the Arrow IPC file with zcx.read_ipc and attaches the
# shared-memory segment with zcx.shm_attach, both copy-on-write (a private mapping: zero-copy,
# and the columns are not read-only, so NumPy 1.x and PyTorch 1.x may take them through legacy
# DLPack), hands each column to NumPy (np.from_dlpack) and PyTorch
# (torch.utils.dlpack.from_dlpack), and proves in this process that zcx, NumPy and PyTorch
# hold the very same pointer, in this process's mapping of the file or segment, at the offset
# the producer used. Then does the same the usual way (read the file, copy the columns) for
# the times. Prints one JSON line for `zcx demo` to parse.
#
# Usage: demo_consumer.py MANIFEST.json  (written by `zcx demo`; see tools/demo_python.c)
import json
import os
import platform
import sys
import time


def report(doc):
    print(json.dumps(doc), flush=True)
    return 0


def skipped(reason):
    return report({"status": "skipped", "reason": reason})


def proof(proofs, what, holds, detail):
    proofs.append({"what": what, "holds": bool(holds), "detail": detail})


def maps_lines():
    """Every line of /proc/self/maps as (start, end, perms, file offset, (dev, inode), path)."""
    out = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            major, minor = (int(x, 16) for x in parts[3].split(":"))
            path = parts[5].strip() if len(parts) > 5 else ""
            out.append((lo, hi, parts[1], int(parts[2], 16), (major, minor, int(parts[4])), path))
    return out


def file_mapping(path, offset):
    """This process's mapping of the file at `path` (matched by device and inode, so that
    /proc/<pid>/fd/<n> finds the memfd) that holds byte `offset` of it, or None."""
    st = os.stat(path)
    key = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    for m in maps_lines():
        lo, hi, _perms, file_off, dev_ino, _path = m
        if dev_ino == key and file_off <= offset < file_off + (hi - lo):
            return m
    return None


def same_pointers(proofs, label, want, zcx_addr, np_addr, torch_addr):
    """Proves that zcx, NumPy and PyTorch all point at `want` (mapping + producer offset)."""
    seen = {"zcx": zcx_addr, "numpy": np_addr}
    if torch_addr is not None:
        seen["torch"] = torch_addr
    detail = ", ".join("%s 0x%x" % (k, v) for k, v in seen.items())
    if want is None:
        proof(proofs, label, False, "the source is not mapped in this process (%s): a copy" % detail)
        return
    holds = all(a == want for a in seen.values())
    if holds:
        detail = "same pointer 0x%x = mapping + producer offset in %s" % (want, "/".join(seen))
    else:
        detail = "expected 0x%x (mapping + producer offset): %s: a copy" % (want, detail)
    proof(proofs, label, holds, detail)


def kernel_mapping(address):
    """The (start, file offset, path) of the line of /proc/self/maps that holds `address`."""
    for lo, hi, _perms, file_off, _dev_ino, path in maps_lines():
        if lo <= address < hi:
            return lo, file_off, path
    return None


def kernel_agrees(proofs, label, src, address, offset):
    """Proves from the kernel's view that `address` lies in this process's mapping of the
    source's file, at the file offset where the producer put the column."""
    m = kernel_mapping(address)
    if m is None:
        proof(proofs, label, False, "0x%x is in no mapping" % address)
        return
    start, file_off, path = m
    want = "memfd:zcx-demo" if src["name"].startswith("shm") else os.path.realpath(src["path"])
    at = address - start + file_off
    holds = want in path and at == offset
    detail = "/proc/self/maps: 0x%x is byte %d of '%s'" % (address, at, path or "anonymous memory")
    detail += ", the producer's offset" if holds else "; expected byte %d of '%s': a copy" % (
        offset, want)
    proof(proofs, label, holds, detail)


def private_mapping(proofs, src, m):
    """Proves that the mapping zcx made is private and writable: copy-on-write, so writes
    through NumPy or PyTorch never reach the file or the segment."""
    label = "%s mapped copy-on-write" % src["name"]
    if m is None:
        proof(proofs, label, False, "no mapping of '%s' in this process" % src["path"])
        return
    lo, hi, perms, _off, _dev_ino, path = m
    holds = perms.startswith("rw") and perms.endswith("p")
    proof(proofs, label, holds, "/proc/self/maps: %s mapping 0x%x-0x%x of '%s'%s" % (
        perms, lo, hi, path, " (private: writes stay in this process)" if holds else
        ", not a private writable one"))


def sums_agree(proofs, label, np, array, col):
    want = float(col["sum"])
    if col["dtype"].startswith("int"):
        got = float(array.view(np.uint64 if array.itemsize == 8 else np.uint32)
                    .astype(np.uint64).sum(dtype=np.uint64))
        holds = got == want
    else:
        got = float(array.sum(dtype=np.float64))
        # NumPy sums pairwise, the producer in index order: equal up to rounding.
        holds = abs(got - want) <= 1e-9 * max(1.0, abs(want))
    proof(proofs, label, holds, "sum %.17g (producer: %.17g)" % (got, want))


def open_source(zcx, src):
    """The record batches of a source, read by zcx copy-on-write and without copying."""
    if src["name"].startswith("shm"):
        return zcx.shm_attach(src["path"], copy_on_write=True).batches()
    return zcx.read_ipc(src["path"], copy_on_write=True)


def values_address(col):
    """Where a column's values start: the last buffer of a primitive column (the validity
    bitmap, when there is one, comes first)."""
    return col.buffer_addresses()[-1][0]


def main(argv):
    if len(argv) != 2:
        print("usage: demo_consumer.py MANIFEST.json", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        manifest = json.load(f)
    try:
        import numpy as np
    except ImportError:
        return skipped("no NumPy for %s (install python3-numpy python3-torch)" % sys.executable)
    try:
        import torch
        import torch.utils.dlpack
    except ImportError:
        torch = None
    try:
        import zcx
    except ImportError as e:
        return skipped("the zcx module is not importable (%s); build it or set PYTHONPATH" % e)

    force_copy = bool(manifest.get("force_copy"))
    proofs = []
    zcx_s = 0.0
    usual_s = 0.0
    shared = 0
    columns = 0
    keep = []  # every batch and view stays alive until the end: the mappings stay open
    for src in manifest["sources"]:
        t0 = time.perf_counter()
        batches = open_source(zcx, src)
        zcx_s += time.perf_counter() - t0
        keep.append(batches)
        first = min(c["offset"] for c in src["columns"])
        private_mapping(proofs, src, file_mapping(src["path"], first))
        if force_copy:
            # The test switch: the columns come from a copy of the bytes in this process's
            # heap instead of the mapping, so the proofs below must fail.
            with open(src["path"], "rb") as f:
                batches = zcx.read_ipc(bytearray(f.read(src["size"])))
            keep.append(batches)
        batch = batches[0]
        for col in src["columns"]:
            label = "%s column '%s' in NumPy%s" % (src["name"], col["name"],
                                                   " and PyTorch" if torch else "")
            t0 = time.perf_counter()
            c = batch[col["name"]]
            a = np.from_dlpack(c)
            tt = torch.utils.dlpack.from_dlpack(c) if torch else None
            zcx_s += time.perf_counter() - t0
            m = file_mapping(src["path"], col["offset"])
            want = m[0] + col["offset"] - m[3] if m is not None else None
            same_pointers(proofs, label, want, values_address(c), a.ctypes.data,
                          tt.data_ptr() if tt is not None else None)
            kernel_agrees(proofs, "%s column '%s' in the kernel's map" % (src["name"], col["name"]),
                          src, a.ctypes.data, col["offset"])
            sums_agree(proofs, "%s column '%s' values" % (src["name"], col["name"]), np, a, col)
            shared += a.nbytes
            columns += 1
            keep.append((c, a, tt))

        # The usual way: read the file into a fresh buffer, copy the columns out of it.
        t0 = time.perf_counter()
        with open(src["path"], "rb") as f:
            data = f.read(src["size"])
        for col in src["columns"]:
            c = np.frombuffer(data, dtype=col["dtype"], count=col["length"],
                              offset=col["offset"]).copy()
            if torch:
                torch.from_numpy(c).clone()
        usual_s += time.perf_counter() - t0
        del data

    doc = {
        "status": "ok",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "zcx": getattr(zcx, "__version__", "?"),
        "columns": columns,
        "proofs": proofs,
        "zcx_s": zcx_s,
        "usual_s": usual_s,
        "zcx_what": "zcx.read_ipc / zcx.shm_attach, then np.from_dlpack, torch from_dlpack",
        "usual_what": "read() each source into a buffer, copy every column out",
        "shared_bytes": shared,
        "copied_bytes": 0,
        "shared": "%d columns (%d bytes) seen by NumPy%s in place" % (
            columns, shared, " and PyTorch" if torch else ""),
        "copied": "nothing",
    }
    if force_copy:
        doc["copied_bytes"] = shared
        doc["copied"] = "every column (--force-copy read the sources into memory)"
    if torch is not None:
        doc["torch"] = torch.__version__
    else:
        doc["note"] = "PyTorch is missing: install python3-torch to include it"
    return report(doc)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
