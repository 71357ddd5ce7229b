const char *version(void);

const char *version(void)
{
	return "1.0";
}
