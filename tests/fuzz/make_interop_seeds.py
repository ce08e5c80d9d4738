#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Writes the seed corpora of the interop fuzz targets (corpus_cdata/, corpus_dlpack/): short
# recipes whose first bytes pick each format (C Data) or each tensor shape (DLPack), followed
# by deterministic pseudo-random bytes biased to small values, so that the seeds start the
# fuzzer on every branch of the recipe. Run from anywhere; it overwrites the seed-* files.
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
NUM_CDATA_FORMATS = 54  # entries of k_formats in fuzz_cdata_import.c


def tail(rng, n):
    out = bytearray()
    for _ in range(n):
        out.append(rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 15, 16, 31, 200, 255, rng.randrange(256)]))
    return bytes(out)


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    rng = random.Random(20260101)
    cdata = os.path.join(HERE, "corpus_cdata")
    for fmt in range(NUM_CDATA_FORMATS):
        write(cdata, "seed-format-%02d" % fmt, bytes([fmt]) + tail(rng, 160))
    dlpack = os.path.join(HERE, "corpus_dlpack")
    for k in range(24):
        # versioned or not, memory size, ndim, then shape/strides and the rest.
        head = bytes([0x10 if k % 4 else 0x00, 0x0f, k * 37 % 256, k % 16, k % 6])
        write(dlpack, "seed-tensor-%02d" % k, head + tail(rng, 700))


if __name__ == "__main__":
    main()
