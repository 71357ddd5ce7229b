int net_init(void);

int net_init(void)
{
#ifdef CONFIG_NET
	return 1;
#else
	return 0;
#endif
}
