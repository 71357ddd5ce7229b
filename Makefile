# libkdep — see README.md.  `make`, `make check`, `make demo`, `make install`.
# Sources are picked up by wildcard: one .c per concern in libkdep/, one
# program per .c in tools/ (tools/common/tool.c linked into each), one
# Criterion suite per tests/*_test.c, one man page per man/*.[13].

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
WARN     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes
VERSION  = 0.1.0
SOMAJOR  = 2

# fixdep runs once per compiled object: a static binary skips the dynamic
# loader and starts measurably faster.  STATIC=0 links it dynamically.
STATIC  ?= 1

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
STATIC   = 0
endif
tools/fixdep: TOOLLDFLAGS = $(if $(filter 1,$(STATIC)),-static)
# kdep cc runs once per compile too
tools/kdep: TOOLLDFLAGS = $(if $(filter 1,$(STATIC)),-static)

ifneq ($(V),1)
Q = @
E = @printf '  %-7s %s\n'
else
Q =
E = @:
endif

LIBSRC  := $(sort $(wildcard libkdep/*.c))
LIBOBJ  := $(LIBSRC:.c=.o)
PICOBJ  := $(LIBSRC:.c=.pic.o)
TOOLS   := $(patsubst %.c,%,$(sort $(wildcard tools/*.c)))
TESTSRC := $(sort $(wildcard tests/*_test.c))
TESTOBJ := $(TESTSRC:.c=.o)
MAN1    := $(sort $(wildcard man/*.1))
MAN3    := $(sort $(wildcard man/*.3))

LIBCFLAGS = $(WARN) $(CFLAGS) -fvisibility=hidden -Ilibkdep

# The GNU make loadable object, where make's gnumake.h is installed.
GMKH    := $(wildcard /usr/include/gnumake.h /usr/local/include/gnumake.h)
PLUGIN  := $(if $(GMKH),kdep.so)

all: libkdep.a libkdep.so.$(SOMAJOR) $(TOOLS) $(PLUGIN)

# Linked with the library's objects: one file to load, nothing to find.
kdep.so: plugin/gmk.c $(PICOBJ) libkdep/kdep.h
	$(E) LD $@
	$(Q)$(CC) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -Ilibkdep -shared $(LDFLAGS) -o $@ plugin/gmk.c $(PICOBJ)

libkdep/%.o: libkdep/%.c libkdep/kdep.h libkdep/internal.h
	$(E) CC $@
	$(Q)$(CC) $(LIBCFLAGS) -c -o $@ $<

libkdep/%.pic.o: libkdep/%.c libkdep/kdep.h libkdep/internal.h
	$(E) CC $@
	$(Q)$(CC) $(LIBCFLAGS) -fPIC -c -o $@ $<

# the dependency graph's shared insides
$(foreach f,graph impact stats report,libkdep/$(f).o libkdep/$(f).pic.o): libkdep/graph.h

libkdep.a: $(LIBOBJ)
	$(E) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIBOBJ)

libkdep.so.$(SOMAJOR): $(PICOBJ)
	$(E) LD $@
	$(Q)$(CC) -shared -Wl,-soname,libkdep.so.$(SOMAJOR) $(LDFLAGS) -o $@ $(PICOBJ)

# what the programs share (option values, errors, output): linked into each
tools/common/tool.o: tools/common/tool.c tools/common/tool.h libkdep/kdep.h
	$(E) CC $@
	$(Q)$(CC) $(WARN) $(CFLAGS) -Ilibkdep -c -o $@ $<

tools/%: tools/%.c tools/common/tool.o tools/common/tool.h libkdep.a libkdep/kdep.h
	$(E) CC $@
	$(Q)$(CC) $(WARN) $(CFLAGS) -Ilibkdep -Itools/common -DKDEP_VERSION='"$(VERSION)"' $(LDFLAGS) $(TOOLLDFLAGS) -o $@ $< tools/common/tool.o libkdep.a

# ---- tests -------------------------------------------------------------

tests/%_test.o: tests/%_test.c libkdep/kdep.h tests/testutil.h
	$(E) CC $@
	$(Q)$(CC) $(WARN) $(CFLAGS) -Ilibkdep -Itests -c -o $@ $<

tests/run: $(TESTOBJ) tests/testutil.o libkdep.a
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TESTOBJ) tests/testutil.o libkdep.a -lcriterion

tests/testutil.o: tests/testutil.c tests/testutil.h libkdep/kdep.h
	$(E) CC $@
	$(Q)$(CC) $(WARN) $(CFLAGS) -Ilibkdep -Itests -c -o $@ $<

check: criterion all
	$(Q)$(MAKE) --no-print-directory tests/run
	$(Q)KDEP_TOP=$(CURDIR) ./tests/run --jobs 2 $(TESTFLAGS)
	$(Q)for t in tests/e2e/*.sh; do \
		[ -f "$$t" ] || continue; \
		printf '  %-7s %s\n' E2E "$$t"; \
		KDEP_TOP=$(CURDIR) KDEP_CFLAGS='$(CFLAGS)' \
			KDEP_LDFLAGS='$(LDFLAGS)' bash "$$t" || exit 1; \
	done

# Criterion is only needed for tests: install it on Debian when we can.
criterion:
	$(Q)tests/need-criterion

demo: all
	$(Q)bash tests/demo/run

compat: all
	$(Q)bash tests/compat/run

# autoksyms against the kernel's scripts on a real 6.1 TRIM_UNUSED_KSYMS
# build (two kernel builds, some 30 minutes on 2 cores; not in check).
compat-autoksyms: all
	$(Q)bash tests/compat/autoksyms-real

bench: all
	$(Q)bash tests/bench/run

bench-launcher: all
	$(Q)bash tests/bench/launcher

# kdep stats/impact on real and synthetic build folders (tests/bench/insight.sh)
bench-insight: all
	$(Q)KDEP_TOP=$(CURDIR) bash tests/bench/insight.sh

# Real kernel builds, upstream and content mode side by side (not in check).
kbuild-check: all
	$(Q)KDEP_TOP=$(CURDIR) bash tests/kbuild/run

stress: all
	$(Q)KDEP_TOP=$(CURDIR) bash tests/stress/run

# libFuzzer targets (clang): each runs FUZZ_SECONDS (default 10).
fuzz:
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 libkdep.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 libkdep.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libkdep.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libkdep.so
	install -m 644 libkdep/kdep.h $(DESTDIR)$(PREFIX)/include/
	install -d $(DESTDIR)$(PREFIX)/lib/kdep $(DESTDIR)$(PREFIX)/share/kdep
	$(if $(PLUGIN),install -m 755 kdep.so $(DESTDIR)$(PREFIX)/lib/kdep/)
	install -m 644 make/kdep.mk $(DESTDIR)$(PREFIX)/share/kdep/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' kdep.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/kdep.pc
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3
	install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(MAN3) $(DESTDIR)$(PREFIX)/share/man/man3/

clean:
	rm -f libkdep/*.o libkdep.a libkdep.so.* kdep.so $(TOOLS) tools/common/*.o tests/*.o tests/run
	rm -rf tests/fuzz/bin

.PHONY: all check criterion demo compat compat-autoksyms bench bench-launcher bench-insight kbuild-check stress fuzz install clean
.DELETE_ON_ERROR:
