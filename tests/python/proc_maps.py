# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# The kernel's view of this process's mappings (/proc/self/maps), for the zero-copy checks of
# the IPC and shared-memory tests.
import os


def mappings():
    """Every mapping as (start, end, perms, file offset, (major, minor, inode), path)."""
    out = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            path = parts[5].rstrip("\n") if len(parts) > 5 else ""
            major, minor = (int(x, 16) for x in parts[3].split(":"))
            out.append((lo, hi, parts[1], int(parts[2], 16), (major, minor, int(parts[4])), path))
    return out


def mapping_of(address):
    """The mapping that holds `address`, or None."""
    for m in mappings():
        if m[0] <= address < m[1]:
            return m
    return None


def mappings_of_file(path):
    """The mappings of the file at `path` (matched by device and inode, so that any name of
    it works: /proc/<pid>/fd/<n> as well as the memfd's own)."""
    st = os.stat(path)
    key = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    return [m for m in mappings() if m[4] == key]


def all_inside(spans, lo, hi):
    """Whether every (address, size) span lies in [lo, hi)."""
    return all(lo <= a and a + n <= hi for a, n in spans)
