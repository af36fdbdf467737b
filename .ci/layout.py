#!/usr/bin/env python3
"""The layout's rules, checked on the source (`make lint` runs it; it fails on any finding):

- names: no mutation or entity name is written as a string outside its declaration (a
  `Record`'s `const NAME`, an `Entity::declare`); tests, which pin the wire, aside;
- cycles: no import cycle between the top-level modules of a crate, nor between the modules
  of one folder (a module and its own submodules aside);
- size: no source file over 500 lines, its test module aside;
- dialect: no server file but `db/dialect.rs` names a SQLite type or writes SQLite-only SQL.

`--report` prints the figures and the import graph's edges without failing.
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = {"app": "app/src", "server": "server/src"}
MAX_LINES = 500

TEST_MOD = re.compile(r"^#\[cfg\(test\)\]\s*\n(pub )?mod \w+", re.M)


def sources(crate_dir):
    for d, _, files in os.walk(os.path.join(ROOT, crate_dir)):
        for f in sorted(files):
            if f.endswith(".rs"):
                yield os.path.join(d, f)


def without_tests(text):
    """The file's code before its test module (by this project's habit, the module is last)."""
    m = TEST_MOD.search(text)
    return text[: m.start()] if m else text


def without_comments(text):
    return re.sub(r"//[^\n]*", "", text)


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------- names
DECL_NAME = re.compile(r"const NAME: &'static str = \"([a-z_.]+)\";")
DECL_ENTITY = re.compile(r"Entity::declare\(\"([a-z_]+)\"\)")
# Other vocabularies that share a word with an entity: an enum's codes (`Gate = "gate", …`), an
# HTML attribute in a view (`data-testid="round"`), the SQL table an entity is stored in.
OTHER_VOCABULARY = [
    re.compile(r"^\s*[A-Z]\w* = \"[a-z_]+\","),  # coded! enums
    re.compile(r"^\s*\"[a-z_]+\", \""),  # items! of a checklist: code, then its words
    re.compile(r"^\s*code: \"[a-z_]+\","),  # a starting checklist's code
]
# Words that are something else in one file, and why.
ALLOWED = {
    ("app/src/pages/screen.rs", "visit"): "the `?visit=` query parameter of /screen",
}
ATTRIBUTE = re.compile(r"[\w-]=\"[^\"]*\"")
TABLE_DECL = re.compile(r"^\s*table: \"[a-z_]+\",")


def declared_names():
    muts, ents = set(), set()
    for path in sources(CRATES["app"]):
        text = open(path, encoding="utf-8").read()
        muts.update(DECL_NAME.findall(text))
        ents.update(DECL_ENTITY.findall(text))
    return muts, ents


def name_literals():
    muts, ents = declared_names()
    found = []
    for crate_dir in CRATES.values():
        for path in sources(crate_dir):
            code = without_comments(without_tests(open(path, encoding="utf-8").read()))
            for n, line in enumerate(code.split("\n"), 1):
                if DECL_NAME.search(line) or DECL_ENTITY.search(line) or TABLE_DECL.search(line):
                    continue
                if any(p.search(line) for p in OTHER_VOCABULARY):
                    continue
                line = ATTRIBUTE.sub("", line)
                for lit in re.findall(r"\"([a-z_.]+)\"|'([a-z_.]+)'", line):
                    word = lit[0] or lit[1]
                    if (word in muts or word in ents) and (rel(path), word) not in ALLOWED:
                        kind = "mutation" if word in muts else "entity"
                        found.append(f"{rel(path)}:{n}: {kind} name \"{word}\" written as a string")
    return muts, ents, found


# ---------------------------------------------------------------- cycles
def module_path(crate_dir, path):
    parts = os.path.relpath(path, os.path.join(ROOT, crate_dir))[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


USE_GROUP = re.compile(r"\buse (crate|super)::\{")
PATH_REF = re.compile(r"(?<![\w:])(crate|super|\$crate)((?:::[a-z_][a-z0-9_]*)+)")


def group_items(text, start):
    """The top-level paths of a `use x::{…}` group starting at `start` (just after `{`)."""
    depth, item, items, i = 1, "", [], start
    while i < len(text) and depth:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break
        if c == "," and depth == 1:
            items.append(item)
            item = ""
        elif depth >= 1:
            item += c
        i += 1
    items.append(item)
    return [re.split(r"[^a-z0-9_:]", x.strip())[0] for x in items if x.strip()]


def references(text, here, is_dir_module):
    """Module paths this file's code names (crate-absolute)."""
    base_super = here if is_dir_module else here[:-1]
    out = []

    def resolve(root, rest):
        segs = [s for s in rest.split("::") if s]
        if root == "super":
            parent = base_super[:-1]
            # super::super::…
            while segs and segs[0] == "super":
                parent = parent[:-1]
                segs = segs[1:]
            return tuple(parent) + tuple(segs)
        return tuple(segs)

    for m in USE_GROUP.finditer(text):
        for item in group_items(text, m.end()):
            if item and item not in ("self",):
                out.append(resolve(m.group(1), "::" + item))
    for m in PATH_REF.finditer(text):
        root = "crate" if m.group(1) == "$crate" else m.group(1)
        out.append(resolve(root, m.group(2)))
    return out


def graph(crate_dir):
    files = {}
    for path in sources(crate_dir):
        files[module_path(crate_dir, path)] = path
    edges = defaultdict(set)  # (from module, to module) -> examples
    for here, path in files.items():
        is_dir = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
        code = without_comments(without_tests(open(path, encoding="utf-8").read()))
        for ref in references(code, here, is_dir):
            # The longest module prefix that is a file.
            target = None
            for k in range(len(ref), 0, -1):
                if ref[:k] in files:
                    target = ref[:k]
                    break
            if target is not None and target != here:
                edges[(here, target)].add(rel(path))
    return files, edges


def sccs(nodes, adj):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in adj.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def cycles(crate, crate_dir):
    files, edges = graph(crate_dir)
    found = []
    levels = defaultdict(lambda: defaultdict(set))  # parent -> child -> {children}
    why = {}
    for (a, b) in edges:
        # The first point where the two paths part; a module and its own submodules aside.
        k = 0
        while k < min(len(a), len(b)) and a[k] == b[k]:
            k += 1
        if k == len(a) or k == len(b):
            continue
        parent, ca, cb = a[:k], a[k], b[k]
        levels[parent][ca].add(cb)
        why.setdefault((parent, ca, cb), (a, b))
    for parent, adj in sorted(levels.items()):
        nodes = set(adj) | {c for cs in adj.values() for c in cs}
        for comp in sccs(nodes, adj):
            where = "::".join((crate,) + parent)
            ties = []
            for x in comp:
                for y in comp:
                    if y in adj.get(x, ()):
                        a, b = why[(parent, x, y)]
                        ties.append(f"{'::'.join(a)} -> {'::'.join(b)}")
            found.append(f"cycle in {where}: {' <-> '.join(comp)} ({'; '.join(sorted(ties))})")
    return found


# ---------------------------------------------------------------- dialect
DIALECT_FILE = "server/src/db/dialect.rs"
SQLITE_ONLY = re.compile(
    r"[Ss]qlite|BEGIN IMMEDIATE|OR IGNORE|OR REPLACE|json_each|json_extract|PRAGMA|VACUUM"
    r"|type_info\(|\b(MAX|MIN)\([^()]*,"
)


def dialect_leaks():
    found = []
    for path in sources(CRATES["server"]):
        if rel(path) == DIALECT_FILE:
            continue
        code = without_comments(without_tests(open(path, encoding="utf-8").read()))
        for n, line in enumerate(code.split("\n"), 1):
            m = SQLITE_ONLY.search(line)
            if m:
                found.append(f"{rel(path)}:{n}: SQLite's own \"{m.group(0)}\" outside {DIALECT_FILE}")
    return found


# ---------------------------------------------------------------- size
def long_files():
    found, largest = [], (0, "")
    for crate_dir in CRATES.values():
        for path in sources(crate_dir):
            n = without_tests(open(path, encoding="utf-8").read()).count("\n")
            largest = max(largest, (n, rel(path)))
            if n > MAX_LINES:
                found.append(f"{rel(path)}: {n} lines (at most {MAX_LINES}, tests aside)")
    return found, largest


def main():
    report = "--report" in sys.argv
    muts, ents, names = name_literals()
    cyc = []
    for crate, d in CRATES.items():
        cyc += cycles(crate, d)
    longs, largest = long_files()
    leaks = dialect_leaks()
    print(f"layout: {len(muts)} mutation names, {len(ents)} entity names declared; "
          f"{len(names)} written as strings elsewhere; {len(cyc)} import cycles; "
          f"{len(longs)} files over {MAX_LINES} lines (largest {largest[1]}, {largest[0]}); "
          f"{len(leaks)} SQLite constructs outside the dialect module")
    for f in names + cyc + longs + leaks:
        print("  " + f)
    if report:
        return 0
    return 1 if (names or cyc or longs or leaks) else 0


if __name__ == "__main__":
    sys.exit(main())
