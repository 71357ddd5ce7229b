/*
 * depcopy - a stand-in compiler for the launcher benchmark: "compiles" by
 * writing the depfile a real compile wrote, as a compiler does last.
 *
 *	depcopy -MD -MF DEPFILE SAVED
 *
 * copies SAVED (a captured depfile) to DEPFILE.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int in, out;
	ssize_t n;

	if (argc != 5 || strcmp(argv[2], "-MF") != 0)
		return 2;
	if ((in = open(argv[4], O_RDONLY)) < 0 ||
	    (out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return 1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return 1;
	return n < 0 || close(out) < 0;
}
