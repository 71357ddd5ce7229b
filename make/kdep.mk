# kdep.mk - content-hash rebuilds for any GNU make project, kbuild's way.
#
# make decides by mtimes: it misses an edit made in the same timestamp
# tick as the build, and it rebuilds after a touch, a checkout back and
# forth or a fresh clone.  With this file make asks libkdep instead,
# without a fork: kdep.so is loaded into make, and each rule runs its
# command only when an input's content, a CONFIG value or the command
# line changed.
#
# Use (GNU make >= 4.0 with 'load' in .FEATURES):
#
#	include /usr/local/share/kdep/kdep.mk
#
#	%.o: %.c FORCE
#		$(call kdep_cc,$(CC) $(CFLAGS) -MD -MF $(kdep-depfile) -c -o $@ $<)
#	lib.a: a.o b.o FORCE
#		$(call kdep_run,$(AR) rcs $@ $(filter %.o,$^))
#
# kdep_cc runs a compile that writes the depfile $(kdep-depfile); fixdep
# then turns it into $(kdep-cmdfile) (headers and one dependency per
# CONFIG symbol used, as kbuild) and writes the record that the next
# build's decision reads.  kdep_run is for other commands: they have no
# record, so their inputs are judged by mtime, as make would, and the
# command line is compared.  Every such rule lists FORCE: make always
# expands the recipe and the condition decides.
#
# Settings (before the include, or on the command line):
#	KDEP_CONFIG_DIR  stamps and auto.conf, as kdep sync-config or the
#	                 kernel's kconfig write them (include/config)
#	KDEP_LAYOUT      flat or split stamps (flat)
#	KDEP_PREFIX      symbol prefix fixdep scans for (CONFIG_)
#	KDEP_SO, KDEP_FIXDEP  where kdep.so and fixdep are (found next to
#	                 this file, in the build tree or installed)
#	V=1              print the commands
#
# On a make without 'load', or a kdep.so that does not load, make stops
# with one line saying so: a silent fallback would decide nothing.

kdep-goal := $(.DEFAULT_GOAL)
kdep-dir := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

KDEP_CONFIG_DIR ?= include/config
KDEP_LAYOUT ?= flat
KDEP_PREFIX ?= CONFIG_
KDEP_SO ?= $(firstword $(wildcard $(kdep-dir)/../kdep.so \
	$(kdep-dir)/../../lib/kdep/kdep.so) $(kdep-dir)/../kdep.so)
KDEP_FIXDEP ?= $(firstword $(wildcard $(kdep-dir)/../tools/fixdep \
	$(kdep-dir)/../../bin/fixdep) fixdep)

ifeq ($(filter load,$(.FEATURES)),)
$(error kdep.mk: this make ($(MAKE_VERSION)) cannot load objects: 'load' is not in .FEATURES)
endif
-load $(KDEP_SO)
ifeq ($(filter $(KDEP_SO),$(.LOADED)),)
$(error kdep.mk: make could not load $(KDEP_SO) (set KDEP_SO))
endif

.PHONY: FORCE
FORCE:

kdep-empty :=
kdep-space := $(kdep-empty) $(kdep-empty)
kdep-pound := \#

kdep-depfile = $(dir $@).$(notdir $@).d
kdep-cmdfile = $(dir $@).$(notdir $@).cmd

# The command as the .cmd file keeps it: make reads it back, so '$' is
# doubled and '#' spelled $(kdep-pound); "'" is escaped for the shell.
kdep-keep = $(subst $(kdep-pound),$$(kdep-pound),$(subst $$,$$$$,$(subst ','\'',$(1))))

# Non-empty when the command differs from the one $@ was built with.
kdep-cmdchanged = $(subst $(strip $(savedcmd_$@)),,$(strip $(1)))$(subst \
	$(strip $(1)),,$(strip $(savedcmd_$@)))$(if $(strip $(savedcmd_$@)),,new)

# Why $@ is out of date: inputs changed by content, or the command line.
kdep-why = $(kdep-newer $@,$(filter-out FORCE,$?))$(kdep-cmdchanged)

kdep-say = $(if $(filter 1,$(V)),,@echo '  $(1) $@';)

kdep_cc = $(if $(call kdep-why,$(1)),$(call kdep-say,CC)set -e; \
	$(1); \
	$(KDEP_FIXDEP) --record --compat=linux-6.3 --layout=$(KDEP_LAYOUT) \
		--config-dir=$(KDEP_CONFIG_DIR) --prefix=$(KDEP_PREFIX) \
		$(kdep-depfile) $@ '$(call kdep-keep,$(1))' > $(kdep-cmdfile).tmp; \
	mv -f $(kdep-cmdfile).tmp $(kdep-cmdfile); rm -f $(kdep-depfile),@:)

kdep_run = $(if $(call kdep-why,$(1)),$(call kdep-say,GEN)set -e; \
	$(1); \
	printf '%s\n' 'savedcmd_$@ := $(call kdep-keep,$(1))' > $(kdep-cmdfile),@:)

# What earlier builds recorded: each target's command and prerequisites.
-include $(wildcard .*.cmd $(KDEP_CMD_FILES))

# Nothing above may become the default goal of the including makefile.
.DEFAULT_GOAL := $(kdep-goal)
