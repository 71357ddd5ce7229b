a\:b.o: a\#1.c \
	b\ c.h d\e.h # trailing comment
