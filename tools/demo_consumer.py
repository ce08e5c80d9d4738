# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# The Python side of `zcx demo`: maps the Arrow IPC file and the shared-memory segment the
# producer published, hands each column to NumPy and PyTorch through DLPack without copying,
# and proves in this process that zcx, NumPy and PyTorch hold the very same pointer, at the
# offset the producer used. Then does the same the usual way (read the file, copy the
# columns) for the times. Prints one JSON line for `zcx demo` to parse.
#
# Usage: demo_consumer.py MANIFEST.json  (written by `zcx demo`; see tools/demo_python.c)
import json
import mmap
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


def same_pointers(proofs, label, want, zcx_addr, np_addr, torch_addr):
    """Proves that zcx, NumPy and PyTorch all point at `want` (mapping + producer offset)."""
    seen = {"zcx": zcx_addr, "numpy": np_addr}
    if torch_addr is not None:
        seen["torch"] = torch_addr
    holds = all(a == want for a in seen.values())
    detail = ", ".join("%s 0x%x" % (k, v) for k, v in seen.items())
    if holds:
        detail = "same pointer 0x%x = mapping + producer offset in %s" % (want, "/".join(seen))
    else:
        detail = "expected 0x%x (mapping + producer offset): %s: a copy" % (want, detail)
    proof(proofs, label, holds, detail)


def kernel_mapping(address):
    """The (start, file offset, path) of the line of /proc/self/maps that holds `address`."""
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if lo <= address < hi:
                path = parts[5].strip() if len(parts) > 5 else ""
                return lo, int(parts[2], 16), path
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
    keep = []  # every view stays alive until the end: the mappings stay open
    for src in manifest["sources"]:
        fd = os.open(src["path"], os.O_RDONLY)
        try:
            # A private mapping is copy-on-write: nothing is copied unless written, and
            # nobody writes; it makes the arrays writable, which NumPy 1.x needs to export.
            mm = mmap.mmap(fd, src["size"], flags=mmap.MAP_PRIVATE,
                           prot=mmap.PROT_READ | mmap.PROT_WRITE)
        finally:
            os.close(fd)
        base = np.frombuffer(mm, dtype=np.uint8).ctypes.data
        keep.append(mm)
        for col in src["columns"]:
            label = "%s column '%s' in NumPy%s" % (src["name"], col["name"],
                                                   " and PyTorch" if torch else "")
            t0 = time.perf_counter()
            raw = np.frombuffer(mm, dtype=col["dtype"], count=col["length"],
                                offset=col["offset"])
            if force_copy:
                raw = raw.copy()  # the test switch: the proofs below must fail
            t = zcx.from_dlpack(raw)
            a = np.from_dlpack(t)
            tt = torch.utils.dlpack.from_dlpack(t) if torch else None
            zcx_s += time.perf_counter() - t0
            same_pointers(proofs, label, base + col["offset"], t.address, a.ctypes.data,
                          tt.data_ptr() if tt is not None else None)
            kernel_agrees(proofs, "%s column '%s' in the kernel's map" % (src["name"], col["name"]),
                          src, t.address, col["offset"])
            sums_agree(proofs, "%s column '%s' values" % (src["name"], col["name"]), np, a, col)
            shared += a.nbytes
            columns += 1
            keep.append((raw, t, a, tt))

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
        "zcx_what": "every column: mapping -> zcx.Tensor -> NumPy and PyTorch via DLPack",
        "usual_what": "read() each source into a buffer, copy every column out",
        "shared_bytes": shared,
        "copied_bytes": 0,
        "shared": "%d columns (%d bytes) seen by NumPy%s in place" % (
            columns, shared, " and PyTorch" if torch else ""),
        "copied": "nothing",
    }
    if torch is not None:
        doc["torch"] = torch.__version__
    else:
        doc["note"] = "PyTorch is missing: install python3-torch to include it"
    if not hasattr(zcx, "read_ipc"):
        doc["note"] = ("the columns were located from the producer's offsets (the zcx module "
                       "has no IPC reader yet)")
    return report(doc)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
