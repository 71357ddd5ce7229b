/*
 * elfseed.c - not a target: tests/fuzz/run compiles it for several
 * architectures (32/64-bit, both byte orders) as the elf target's seeds.
 * Defined, undefined, common, static and __ksym_marker_ symbols.
 */
int __ksym_marker_foo_bar;
int __ksym_marker_Baz;
extern int undefined_one;
static int local_counter;

int exported_function(void);

int exported_function(void)
{
	return ++local_counter + undefined_one + __ksym_marker_foo_bar;
}
