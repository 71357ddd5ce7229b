#include "log.h"

int uart_init(void);

int uart_init(void)
{
#ifdef CONFIG_UART
	LOG(3, "uart up");
	return CONFIG_UART_BAUD;
#else
	return 0;
#endif
}
