/* Networking; statistics only with CONFIG_DEMO_NET__STATS. */
#include "demo/log.h"
#include "demo/net.h"

int net_packets(void)
{
#ifdef CONFIG_DEMO_NET__STATS
	return 42;
#else
	return -1;
#endif
}
