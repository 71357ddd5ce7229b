#!/usr/bin/env python3
"""insight-gen.py TREE OUT N - a synthetic build folder of N .cmd files.

Made from the object .cmd files of a real kbuild build folder TREE (Linux
6.1 tinyconfig: some 500), used in turn: file i is template i mod T with
its target and source renamed into group g = i // 500 ("gNN/kernel/fork.o"
-> "gNN/kernel/fork-i.o"), so that every target and source is its own.
Headers under include/ and arch/*/include/ stay as they are - every
object of a real build shares them - and OUT gets symbolic links to TREE's
top folders so that they can be stat()ed; a header elsewhere (a driver's
own) is renamed into its group, as a bigger build has more of those.
The text keeps its size and shape: an allmodconfig build has some 20,000
objects with .cmd files of the same kind.
"""
import os
import re
import sys


def templates(tree):
    out = []
    for d, dirs, files in os.walk(tree):
        dirs[:] = sorted(x for x in dirs if x not in (".git", "tools"))
        for f in sorted(files):
            if f.startswith(".") and f.endswith(".o.cmd"):
                p = os.path.join(d, f)
                text = open(p, encoding="utf-8", errors="surrogateescape").read()
                m = re.match(r"(?:saved)?cmd_(\S+) := ", text)
                s = re.search(r"^source_\S+ := (.*)$", text, re.M)
                if m and s and "\ndeps_" in text:
                    out.append((m.group(1), s.group(1), text))
    return out


SHARED = re.compile(r"^(include/|arch/[^/]+/include/)")


def main():
    tree, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tpl = templates(tree)
    if not tpl:
        sys.exit("insight-gen: no object .cmd files under " + tree)
    os.makedirs(out, exist_ok=True)
    for top in sorted(os.listdir(tree)):
        if os.path.isdir(os.path.join(tree, top)) and not top.startswith("."):
            link = os.path.join(out, top)
            if not os.path.lexists(link):
                os.symlink(os.path.join(os.path.abspath(tree), top), link)
    total = 0
    for i in range(n):
        target, source, text = tpl[i % len(tpl)]
        g = "g%02d/" % (i // 500)
        stem, ext = os.path.splitext(target)
        nt = "%s%s-%d%s" % (g, stem, i, ext)
        sstem, sext = os.path.splitext(source)
        ns = "%s%s-%d%s" % (g, sstem, i, sext)
        lines = []
        for line in text.replace(target, nt).replace(source, ns).split("\n"):
            if line.startswith("  ") and not line.startswith("    ") and \
                    line.endswith(" \\"):
                path = line[2:-2]
                if not SHARED.match(path) and not path.startswith(g):
                    line = "  " + g + path + " \\"
            lines.append(line)
        d, b = os.path.split(nt)
        os.makedirs(os.path.join(out, d), exist_ok=True)
        data = "\n".join(lines).encode("utf-8", "surrogateescape")
        with open(os.path.join(out, d, "." + b + ".cmd"), "wb") as f:
            f.write(data)
        total += len(data)
    print("insight-gen: %d .cmd files, %d bytes, from %d templates" %
          (n, total, len(tpl)))


main()
