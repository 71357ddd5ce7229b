sp\ ace$$.o: m.c include/linux/kconfig.h
