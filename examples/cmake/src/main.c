/* This one includes autoconf.h itself, as older code does; the others
 * get it through -imacros, as Zephyr passes it. */
#include "autoconf.h"
#include <stdio.h>
#include "log.h"

int uart_init(void);
int net_init(void);
const char *version(void);

int main(void)
{
	LOG(1, version());
#if defined(CONFIG_DEBUG)
	LOG(1, "debug checks on");
#endif
	printf("uart %d net %d\n", uart_init(), net_init());
	return 0;
}
