#!/usr/bin/env python3
"""difffuzz - compare our fixdep with an upstream fixdep on random inputs.

Usage: difffuzz.py UPSTREAM PROFILE [-n N] [--seed S] [--ours PATH]
                   [--arg ARG]... [--keep DIR]

UPSTREAM is a scripts/basic/fixdep binary built from a kernel tree, PROFILE
the --compat profile that claims to behave like it (6.1 -> linux-5.13,
6.12 -> linux-6.3).  Each case is a fresh folder holding a random depfile
(spaces, tabs, backslashes, backslash-newlines, colons, '#' comments, CR,
several targets, repeated headers, autoconf.h/autoksyms.h, rustc's .rlib
names, the odd NUL) or, in about a third of the cases, random bytes from
a tiny alphabet (CHAOS below), plus random headers full of CONFIG_ text.
Both programs run on it; the case matches when the exit codes agree,
stdout agrees when both succeed, and stderr agrees when both fail.  One known difference is
allowed: for a folder named as a dependency upstream says only
"fixdep: read: Is a directory", we name the folder.

A token that upstream reports missing is created as a header (relative
paths without ".." only) and the case is retried, so that most cases get
past the tokenizer into scanning and output; about one case in ten keeps
its first missing file, for the error path.

Inputs that are undefined behaviour upstream are not generated: 6.12 skips
the byte after a backslash inside a '#' comment, so a depfile never ends
in a backslash.

Prints "N matched, M differed" and exits 1 if any differed; differing
cases are kept under --keep (default: a folder in $TMPDIR) for replay,
each with .difffuzz.args (NUL-separated), both outputs and exit codes.
Downloads nothing.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

MISSING_PRE = b"fixdep: error opening file: "
MISSING_POST = b": No such file or directory\n"

SYMS = [b"FOO", b"BAR", b"FOO_BAR", b"BAZ", b"X", b"A1", b"lower", b"Mixed_Case",
        b"HIS_DRIVER", b"_LEAD", b"TRAIL_", b"MODULE", b"X_MODULE", b"_MODULE",
        b"SMP", b"64BIT", b"A__B", b"", b"VERY_LONG_NAME_" * 4]

DIRS = [b"", b"include/", b"include/linux/", b"arch/x86/include/", b"drivers/foo/",
        b"a/", b"a/b/", b"./", b"inc//"]
BASES = [b"foo.h", b"bar.h", b"types.h", b"kconfig.h", b"x.h", b"ah", b"b.c",
         b"bar.c", b"main.c", b"lib.rs", b"core.rlib", b"alloc.rmeta",
         b"libfoo.so", b"m.o", b"q.S", b"dts.dtsi", b"x.ver", b"w.h"]
SPECIAL = [b"include/generated/autoconf.h", b"include/generated/autoksyms.h",
           b"x/include/generated/autoconf.h"]


def rnd_header(r):
    """Header text: CONFIG_ uses, near misses, boundaries, odd bytes."""
    parts = []
    for _ in range(r.randint(0, 12)):
        k = r.random()
        sym = r.choice(SYMS)
        if k < 0.45:
            parts.append(b"#ifdef CONFIG_" + sym + b"\n")
        elif k < 0.55:
            parts.append(b"IS_ENABLED(CONFIG_" + sym + b"_MODULE)")
        elif k < 0.62:
            parts.append(r.choice([b"UML_", b"x", b"9", b"_"]) + b"CONFIG_" + sym)
        elif k < 0.68:
            parts.append(b"CONFIG_")
        elif k < 0.72:
            parts.append(b"CONFIG_CONFIG_" + sym)
        elif k < 0.75:
            parts.append(b"\0CONFIG_HIDDEN_" + sym)
        elif k < 0.80:
            parts.append(bytes([r.randint(0x80, 0xff)]) + b"CONFIG_" + sym +
                         bytes([r.randint(0x80, 0xff)]))
        elif k < 0.85:
            parts.append(b"CONF" + b"IG_" + sym + b"-" + sym)
        else:
            parts.append(r.choice([b" ", b"\n", b"int x;\n", b"/* CONFIG */",
                                   b"\t", b"CONFIG", b"ONFIG_"]))
    return b"".join(parts)


def rnd_name(r):
    if r.random() < 0.08:
        return r.choice(SPECIAL)
    name = r.choice(DIRS) + r.choice(BASES)
    if r.random() < 0.15:
        # a byte some dialects split on and others keep
        i = r.randint(0, len(name))
        name = name[:i] + r.choice([b"\t", b"\r", b"\\ ", b"\\#", b"\\:", b"#",
                                    b"$$", b"\\", b"\\\\ ", b"%"]) + name[i:]
    return name


SEPS = [b" ", b" ", b" ", b"  ", b"\t", b" \\\n  ", b" \\\n\t", b"\\\n", b"\n",
        b" \\", b"\\", b"\r\n", b" \\\r\n ", b"\n\n"]


def rnd_depfile(r, pool):
    out = []
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        # targets
        nt = r.choice([1, 1, 1, 2])
        for i in range(nt):
            t = r.choice([b"foo.o", b"drivers/foo/bar.o", b"a.o", b"xt",
                          b"out.dtb.tmp", b"t\\:x"])
            out.append(t)
            if i < nt - 1:
                out.append(r.choice([b" ", b"\t"]))
        out.append(r.choice([b":", b":", b":", b" :", b"::", b": ", b":\t"]))
        out.append(r.choice([b" ", b" ", b"", b"\t", b" \\\n "]))
        for _ in range(r.randint(0, 8)):
            k = r.random()
            if k < 0.7:
                out.append(r.choice(pool))
            elif k < 0.78:
                out.append(r.choice(SPECIAL))
            elif k < 0.84:
                out.append(b"#" + r.choice([b" comment", b" a\\\nb", b"x:y",
                                            b"\\", b"\\\\", b" CONFIG_Z"]))
                out.append(b"\n")
            elif k < 0.88:
                out.append(b":")
            elif k < 0.90:
                out.append(b"\0")
            else:
                out.append(rnd_name(r))
            out.append(r.choice(SEPS))
        out.append(r.choice([b"\n", b"\n", b"", b"\r\n", b"\n\n"]))
        if r.random() < 0.2:
            # make's phony rules for headers, as gcc -MP writes them
            out.append(r.choice(pool) + b":\n")
    data = b"".join(out)
    if data.endswith(b"\\"):
        data += b"\n"  # a final backslash in a comment is UB upstream
    return data


CHAOS = b"ab./ \t\n\\:#\r$"


def chaos_depfile(r):
    """Bytes drawn from a tiny alphabet: every tokenizer corner, uniformly."""
    n = r.randint(0, 60)
    data = bytes(r.choice(CHAOS) if r.random() > 0.02 else 0
                 for _ in range(n))
    if data.endswith(b"\\"):
        data += b"\n"  # see rnd_depfile
    return data


def safe_relpath(name):
    if not name or name.startswith(b"/") or b"\0" in name or name.endswith(b"/"):
        return False
    comps = name.split(b"/")
    return all(c != b".." and len(c) < 200 for c in comps)


def create(base, name, data):
    path = os.path.join(base, name)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    except OSError:
        return False
    return True


# our fixdep's own switches stay off unless --arg turns them on
ENV = {k: v for k, v in os.environ.items()
       if k not in ("KDEP_COMPAT", "KDEP_CACHE", "KDEP_RECORD")}


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, env=ENV,
                       capture_output=True, timeout=20)
    return p.returncode, p.stdout, p.stderr


def same(a, b):
    """a is upstream's (rc, out, err), b ours."""
    if a[0] != b[0]:
        return False
    if a[0] == 0:
        return a[1] == b[1]
    if a[2] == b"fixdep: read: Is a directory\n":
        return b"Is a directory" in b[2]
    return a[2] == b[2]


def one(r, top, upstream, ours, profile, extra=()):
    pool = [rnd_name(r) for _ in range(r.randint(1, 8))]
    for name in pool + [r.choice(SPECIAL)]:
        if safe_relpath(name):
            create(top, name, rnd_header(r))
    dep = chaos_depfile(r) if r.random() < 0.3 else rnd_depfile(r, pool)
    create(top, b".dep.d", dep)
    target = r.choice([b"foo.o", b"drivers/foo/bar.o", b"a b.o", b"$(x).o",
                       b"t%s.o"])
    cmdline = r.choice([b"gcc -c -o foo.o foo.c", b"", b"echo '$$x' $(pound) %d",
                        b"a\tb"])
    args = [b".dep.d", target, cmdline]
    fixup = r.random() < 0.9
    for _ in range(40):
        up = run([upstream] + args, top)
        if not fixup or up[0] != 2:
            break
        e = up[2]
        if not (e.startswith(MISSING_PRE) and e.endswith(MISSING_POST)):
            break
        name = e[len(MISSING_PRE):-len(MISSING_POST)]
        if not safe_relpath(name):
            break
        if not create(top, name, rnd_header(r)):
            # its folders may exist now: upstream sees what ours will
            up = run([upstream] + args, top)
            break
    me = run([ours, b"--compat=" + profile.encode()] + list(extra) + args,
             top)
    return up, me, args


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("upstream")
    ap.add_argument("profile")
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--ours", default=os.path.join(
        os.environ.get("KDEP_TOP") or os.path.join(here, "..", ".."),
        "tools", "fixdep"))
    ap.add_argument("--keep", default=None,
                    help="folder for differing cases (default: a new temp folder)")
    ap.add_argument("--arg", action="append", default=[],
                    help="an extra argument for ours (e.g. --cache=DIR)")
    ap.add_argument("--show", type=int, default=3,
                    help="differing cases to describe on stderr")
    a = ap.parse_args()

    upstream = os.path.abspath(a.upstream).encode()
    ours = os.path.abspath(a.ours).encode()
    for p in (upstream, ours):
        if not os.access(p, os.X_OK):
            sys.exit("difffuzz: not an executable: %s" % p.decode())
    work = tempfile.mkdtemp(prefix="difffuzz.")
    # a private copy: a rebuild of the tree during the run changes nothing
    shutil.copy2(ours, os.path.join(work, "fixdep"))
    ours = os.path.join(work, "fixdep").encode()
    extra = [x.encode() for x in a.arg]
    keep = a.keep
    matched = differed = succeeded = 0
    try:
        for i in range(a.n):
            r = random.Random(a.seed * 1000003 + i)
            top = os.path.join(work, "c%d" % i)
            os.mkdir(top)
            up, me, args = one(r, top.encode(), upstream, ours, a.profile,
                               extra)
            if same(up, me):
                matched += 1
                succeeded += up[0] == 0
                shutil.rmtree(top)
                continue
            differed += 1
            if keep is None:
                keep = tempfile.mkdtemp(prefix="difffuzz-diff.")
            # for replay: the arguments (NUL-separated) and both results
            for name, data in (("args", b"\0".join(args)),
                               ("upstream.out", up[1]), ("upstream.err", up[2]),
                               ("ours.out", me[1]), ("ours.err", me[2]),
                               ("rc", b"%d %d\n" % (up[0], me[0]))):
                with open(os.path.join(top, ".difffuzz." + name), "wb") as f:
                    f.write(data)
            shutil.move(top, os.path.join(keep, "c%d" % i))
            if differed <= a.show:
                sys.stderr.write(
                    "case %d (seed %d) differs:\n  upstream rc=%d err=%r\n"
                    "  ours     rc=%d err=%r\n" % (i, a.seed, up[0], up[2][:200],
                                                   me[0], me[2][:200]))
                if up[0] == 0 and me[0] == 0:
                    sys.stderr.write("  upstream out=%r\n  ours     out=%r\n" %
                                     (up[1][:600], me[1][:600]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%s vs --compat=%s: %d matched (%d succeeded, %d failed alike), "
          "%d differed" % (a.upstream, a.profile, matched, succeeded,
                           matched - succeeded, differed))
    print("%d matched, %d differed" % (matched, differed))
    if differed:
        print("differing cases kept in %s" % keep)
    return 1 if differed else 0


if __name__ == "__main__":
    sys.exit(main())
