x.o : y.c	z.h w:\ v.h
u.o:: t.h
