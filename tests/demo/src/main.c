/* The demo program: prints the configured greeting and what it has. */
#include <stdio.h>

#include "demo/log.h"
#include "demo/net.h"
#include "demo/codec.h"

int main(void)
{
	printf("%s\n", CONFIG_DEMO_GREETING);
	demo_log(1, "net packets: %d", net_packets());
	demo_log(1, "codec: %s", codec_name());
	return 0;
}
