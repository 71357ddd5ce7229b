/* noop - the process-spawn floor: started like fixdep, does nothing. */
int main(void)
{
	return 0;
}
