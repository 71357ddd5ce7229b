/* Device registers at CONFIG_DEMO_BASE_ADDR. */
#include "demo/net.h"

unsigned long regs_base(void)
{
	return CONFIG_DEMO_BASE_ADDR;
}
