a\\\ b.o \#x c\:d e\: f.h \
 g\\ h.h
# comment
x.o : $$y.h \\\
 z.h
