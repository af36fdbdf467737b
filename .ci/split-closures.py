#!/usr/bin/env python3
"""What each lazy part downloads when it first runs: its own chunk and every shared chunk it
needs (the split manifest lists them), brotli-compressed, de-duplicated; what a first visit to
that page downloads is the first visit's figure plus this.

usage: split-closures.py MANIFEST SIZES, SIZES holding "chunk brotli-bytes" lines (the size
report's, which compressed each chunk already)."""
import json, sys

parts = json.load(open(sys.argv[1]))
sizes = dict((n, int(b)) for n, b in (line.split() for line in open(sys.argv[2])))

print("%-56s %10s %6s" % ("lazy part, all it downloads", "brotli KB", "files"))
for part in sorted(parts):
    files = sorted(set(parts[part]))
    print("%-56s %10.1f %6d" % (part[:56], sum(sizes[f] for f in files) / 1024, len(files)))
