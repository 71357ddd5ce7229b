/* The codec: built in (y) or as a module (m), with CRC helpers. */
#include "demo/codec.h"

const char *codec_name(void)
{
#if defined(CONFIG_DEMO_CODEC_MODULE)
	return "module";
#elif defined(CONFIG_DEMO_CODEC)
	return "built in";
#else
	return "none";
#endif
}

#ifdef CONFIG_DEMO_CRC_
unsigned codec_crc(const unsigned char *p, int n)
{
	unsigned c = 0;

	while (n--)
		c = (c << 1) ^ *p++;
	return c;
}
#endif
