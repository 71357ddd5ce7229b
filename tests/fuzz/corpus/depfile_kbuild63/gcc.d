init/main.o: init/main.c include/linux/kconfig.h \
 include/generated/autoconf.h include/linux/types.h \
 arch/x86/include/uapi/asm/types.h include/uapi/asm-generic/types.h
