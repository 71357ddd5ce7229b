#!/usr/bin/env python3
"""rss.py - peak memory of fixdep per call against the largest file it reads.

Replays every call of a captured kernel build (tests/compat/run documents
the corpus layout; default /var/tmp/libkdep-compat/corpus-6.1) with each
program given, in the tree, output to /dev/null.  Prints per program the
peak RSS over all calls, the call that grew most over the baseline (the
peak RSS on a one-line depfile) and the call with the largest input file,
each with its sizes.  fixdep holds one whole file at a time, the depfile
and the .cmd text, so its growth should stay near their sum.

Calls go through maxrss.c, built here (statically when the toolchain
can): Linux carries a peak RSS across exec, so python may not start them.

    tests/stress/rss.py [--corpus DIR] [--opt=OPTION]... PROGRAM...
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def launcher(tmp):
    """Build maxrss.c into tmp; static if the toolchain can."""
    exe = os.path.join(tmp, "maxrss")
    cc = os.environ.get("CC", "cc")
    src = os.path.join(HERE, "maxrss.c")
    for static in (["-static"], []):
        if subprocess.call([cc, "-O2", "-std=c11", "-D_DEFAULT_SOURCE"] +
                           static + ["-o", exe, src]) == 0:
            return exe
    sys.exit("rss: cannot build maxrss.c")


def run(maxrss, prog, args, cwd):
    """Peak RSS in KiB of one call, and its exit status."""
    out = subprocess.check_output([maxrss, prog] + args, cwd=cwd)
    rss, status = out.split()
    return int(rss), int(status)


def inputs(depfile, cwd):
    """Sizes of the files a depfile names that exist (and its own)."""
    sizes = [os.path.getsize(depfile)]
    with open(depfile, "rb") as f:
        words = f.read().replace(b"\\\n", b" ").split()
    for w in words:
        if w.endswith(b":"):
            continue
        p = os.path.join(cwd.encode(), w)
        if os.path.isfile(p):
            sizes.append(os.path.getsize(p))
    return max(sizes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="/var/tmp/libkdep-compat/corpus-6.1")
    ap.add_argument("--opt", action="append", default=[],
                    help="an option for the programs, e.g. --opt=--cache=DIR")
    ap.add_argument("programs", nargs="+")
    o = ap.parse_args()
    calls = sorted(d for d in os.listdir(o.corpus) if d.isdigit())
    if not calls:
        sys.exit("rss: no calls in " + o.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        maxrss = launcher(tmp)
        with open(os.path.join(tmp, "x.d"), "w") as f:
            f.write("x.o: x.c\n")
        open(os.path.join(tmp, "x.c"), "w").close()
        for prog in o.programs:
            prog = os.path.abspath(prog)
            base, _ = run(maxrss, prog, ["x.d", "x.o", "cc"], tmp)
            peak = 0
            most = bigcall = None
            for c in calls:
                d = os.path.join(o.corpus, c)
                with open(os.path.join(d, "argv"), "rb") as f:
                    argv = f.read().split(b"\0")[:3]
                with open(os.path.join(d, "cwd")) as f:
                    cwd = f.read().strip()
                depfile = os.path.join(d, "depfile")
                if not os.path.exists(depfile):
                    continue
                rss, _ = run(maxrss, prog, o.opt + [depfile, argv[1].decode(),
                                                    argv[2].decode()], cwd)
                call = (rss - base, inputs(depfile, cwd) // 1024,
                        os.path.getsize(depfile) // 1024, c)
                peak = max(peak, rss)
                if most is None or call[0] > most[0]:
                    most = call
                if bigcall is None or call[1] > bigcall[1]:
                    bigcall = call
            print("%s: %d calls; baseline %d KiB, peak %d KiB\n"
                  "  most growth: %d KiB at call %s (largest file %d KiB, "
                  "depfile %d KiB)\n"
                  "  largest file: %d KiB at call %s (growth %d KiB, "
                  "depfile %d KiB)"
                  % (prog, len(calls), base, peak, most[0], most[3],
                     most[1], most[2], bigcall[1], bigcall[3], bigcall[0],
                     bigcall[2]))

if __name__ == "__main__":
    main()
