#!/usr/bin/env python3
"""What each lazy part downloads when it first runs: its own chunk and every shared chunk it
needs (the split manifest lists them), brotli-compressed, de-duplicated; what a first visit to
that page downloads is the first visit's figure plus this.

usage: split-closures.py MANIFEST"""
import json, os, subprocess, sys

manifest = sys.argv[1]
pkg = os.path.dirname(manifest)
parts = json.load(open(manifest))
cache = {}


def brotli(name):
    if name not in cache:
        with open(os.path.join(pkg, name + ".wasm"), "rb") as f:
            cache[name] = len(subprocess.run(["brotli", "-q", "11", "-c"], stdin=f,
                                             capture_output=True, check=True).stdout)
    return cache[name]


print("%-56s %10s %6s" % ("lazy part, all it downloads", "brotli KB", "files"))
for part in sorted(parts):
    files = sorted(set(parts[part]))
    print("%-56s %10.1f %6d" % (part[:56], sum(map(brotli, files)) / 1024, len(files)))
