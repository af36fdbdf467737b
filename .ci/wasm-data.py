#!/usr/bin/env python3
"""Bytes of the data section (strings, tables) of each .wasm file given, and their sum.

The split tool moves a lazy chunk's data into the chunk; when it cannot, it keeps all of it in
the main module (see SPLIT_DATA_SLACK in app/src/lib.rs). `.ci/size-report.sh` uses this to see
that happen."""
import sys


def data_len(path):
    b = open(path, "rb").read()
    i = 8

    def leb(i):
        r = s = 0
        while True:
            x = b[i]
            i += 1
            r |= (x & 0x7F) << s
            s += 7
            if x < 0x80:
                return r, i

    total = 0
    while i < len(b):
        sid = b[i]
        n, i = leb(i + 1)
        if sid == 11:
            total += n
        i += n
    return total


print(sum(data_len(p) for p in sys.argv[1:]))
