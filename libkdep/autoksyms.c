/*
 * autoksyms.c - CONFIG_TRIM_UNUSED_KSYMS: the symbols modules need, the
 * header that keeps only those exported, and one stamp per symbol.
 *
 * This is the work of the kernel's scripts/adjust_autoksyms.sh,
 * gen_autoksyms.sh (Linux 4.7-6.3) and gen_ksymdeps.sh (5.0-6.3), in four
 * files:
 *
 *   ksyms.c       symbol names, sorted lists, the autoksyms.h text
 *   ksymread.c    the inputs: modules.order, .usyms, .mod, auto.conf,
 *                 whitelist (kdep_ksyms_needed)
 *   ksymdeps.c    gen_ksymdeps.sh's block of an object's .cmd file
 *   autoksyms.c   a run: plan, stamps, the header put in place
 *
 * Stamps: include/ksym/<sym> (flat, Linux >= 5.15) or, for older trees,
 * <dir>/<lower, '_' -> '/'>.h (split, see stamp.c).  kbuild's .cmd files
 * name them in $(wildcard ...) so that a change of one symbol rebuilds
 * only the objects that export it.  The scripts left them empty and only
 * touched them; ours hold the symbol's state so that a content check
 * (kdep records) sees every change, not only mtime-based make:
 *
 *   "__KSYM_<sym> 1\n"         the symbol is needed (in the new header)
 *   "__KSYM_<sym> 0\n"         the symbol was dropped
 *   "__KSYM_<sym> 1 redo\n"    the same states, written when a run finds
 *   "__KSYM_<sym> 0 redo\n"    the stamp already in the state it wants
 *
 * The "redo" spelling exists for crashes.  A run writes the new header to
 * <header>.tmpnew, then the stamps of the symbols that changed, each with
 * an mtime strictly later than the new header's, then renames the header
 * into place.  If it dies before the rename the next run computes the
 * same change and redoes it: nothing is lost.  But objects compiled in
 * between saw the stamp's new content while the old header was still in
 * place; rewriting the same content would leave them looking up to date to
 * a content check.  So a stamp that already holds the wanted state is
 * rewritten in the other spelling: its content always changes when the
 * header's state for that symbol changes.  Both spellings mean the same
 * state; a reader must only look at the digit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int kdep_ksyms_gen(const struct kdep_autoksyms *a, const char *path)
{
	struct kdep_ksyms *l = kdep_ksyms_new();
	struct kdep_buf text = {0};
	int r = l ? 0 : KDEP_ENOMEM;

	if (r == 0 && (r = kdep_ksyms_needed(a, l)) == 0 &&
	    (r = kdep_ksyms_header(l, &text)) == 0 &&
	    (r = kdep_mkparents(path)) == 0)
		r = kdep_writefile(path, text.data, text.len, 0644);
	kdep_ksyms_free(l);
	kdep_buffree(&text);
	return r;
}

/* ---- plan and apply ------------------------------------------------------ */

/* changed = the symmetric difference of two sorted lists, sorted. */
static int diff(const struct kdep_ksyms *a, const struct kdep_ksyms *b,
		struct kdep_ksyms *changed)
{
	size_t i = 0, j = 0, na = kdep_ksyms_count(a), nb = kdep_ksyms_count(b);

	while (i < na || j < nb) {
		const char *s;
		int c;

		if (i == na)
			c = 1;
		else if (j == nb)
			c = -1;
		else
			c = strcmp(kdep_ksyms_name(a, i),
				   kdep_ksyms_name(b, j));
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		s = c < 0 ? kdep_ksyms_name(a, i++) : kdep_ksyms_name(b, j++);
		if (kdep_ksyms_add(changed, s, strlen(s)) < 0)
			return KDEP_ENOMEM;
	}
	return 0;
}

int kdep_ksyms_plan(const struct kdep_autoksyms *a, struct kdep_ksymplan *p)
{
	const char *hdr = a->header ? a->header : KDEP_KSYMHEADER;
	int r;

	memset(p, 0, sizeof(*p));
	p->old = kdep_ksyms_new();
	p->want = kdep_ksyms_new();
	p->changed = kdep_ksyms_new();
	r = p->old && p->want && p->changed ? 0 : KDEP_ENOMEM;
	if (r < 0 || (r = kdep_ksyms_needed(a, p->want)) < 0 ||
	    (r = kdep_ksyms_readheader(hdr, p->old, &p->before)) < 0 ||
	    (r = diff(p->old, p->want, p->changed)) < 0 ||
	    (r = kdep_ksyms_header(p->want, &p->text)) < 0) {
		kdep_ksymplan_free(p);
		return r;
	}
	p->after = kdep_ksyms_count(p->want);
	return 0;
}

void kdep_ksymplan_free(struct kdep_ksymplan *p)
{
	kdep_ksyms_free(p->old);
	kdep_ksyms_free(p->want);
	kdep_ksyms_free(p->changed);
	kdep_buffree(&p->text);
	memset(p, 0, sizeof(*p));
}

int kdep_ksymstamppath(const struct kdep_autoksyms *a, const char *name,
		       size_t len, struct kdep_buf *out)
{
	if (len > KDEP_MAXSYM)
		return kdep_err(KDEP_EDATA, "symbol name longer than %d bytes",
				KDEP_MAXSYM);
	return kdep_stamppath(out, a->ksymdir ? a->ksymdir : KDEP_KSYMDIR, name,
			      len, a->layout);
}

int kdep_ksymstamp(const struct kdep_autoksyms *a, const char *name, size_t len,
		   int needed, const struct timespec *after,
		   struct timespec *mtime)
{
	static const struct timespec epoch = {0, 0};
	struct kdep_buf path = {0}, c = {0};
	struct timespec t;
	int r;

	if (!after)
		after = &epoch;
	if (!mtime)
		mtime = &t;
	if ((r = kdep_ksymstamppath(a, name, len, &path)) < 0)
		goto out;
	r = KDEP_ENOMEM;
	if (kdep_bufadd(&c, "__KSYM_", 7) < 0 ||
	    kdep_bufadd(&c, name, len) < 0 ||
	    kdep_bufputs(&c, needed ? " 1\n" : " 0\n") < 0)
		goto out;
	r = kdep_writestamp(path.data, c.data, c.len, after, mtime);
	if (r == 0) {
		/*
		 * Already in this state: a redo after a crash between the
		 * stamps and the header.  Objects built in between saw this
		 * content, so write a new one that content checks notice.
		 */
		c.len--;
		r = kdep_bufputs(&c, " redo\n");
		if (r == 0)
			r = kdep_writestamp(path.data, c.data, c.len, after,
					    mtime);
	}
out:
	kdep_buffree(&path);
	kdep_buffree(&c);
	return r;
}

/*
 * On a filesystem with 1-second times a stamp may have been dated up to a
 * second ahead of the clock.  Files the rebuild writes before the clock
 * gets there would look older than the stamp and be rebuilt once more by
 * the next make; the scripts waited in a busy loop, we sleep.  At most 2 s,
 * whatever the filesystem's clock says.
 */
static void waitpast(const struct timespec *t)
{
	struct timespec now, d;

	clock_gettime(CLOCK_REALTIME, &now);
	if (!kdep_before(&now, t))
		return;
	d.tv_sec = t->tv_sec - now.tv_sec;
	d.tv_nsec = t->tv_nsec - now.tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += 1000000000L;
	}
	if (d.tv_sec >= 2)
		d.tv_sec = 2;
	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

/* Write text to path (created or truncated); *mtime gets its mtime. */
static int writetmp(const char *path, const struct kdep_buf *text,
		    struct timespec *mtime)
{
	struct stat st;
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return kdep_errno(KDEP_EWRITE, "cannot create %s", path);
	if (kdep_writeall(fd, text->data, text->len) < 0)
		r = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
	if (close(fd) < 0 && r == 0)
		r = kdep_errno(KDEP_EWRITE, "cannot write %s", path);
	/* stat after close: some network filesystems date a file on close */
	if (r == 0 && stat(path, &st) < 0)
		r = kdep_errno(KDEP_EWRITE, "cannot stat %s", path);
	if (r < 0) {
		unlink(path);
		return r;
	}
	*mtime = st.st_mtim;
	return 0;
}

/* The stamp of changed symbol i; *newest keeps the latest stamp mtime. */
static int stamp(const struct kdep_autoksyms *a, const struct kdep_ksymplan *p,
		 size_t i, const struct timespec *after,
		 struct timespec *newest)
{
	const char *s = kdep_ksyms_name(p->changed, i);
	size_t len = strlen(s);
	struct timespec t;
	int r;

	r = kdep_ksymstamp(a, s, len, kdep_ksyms_has(p->want, s, len), after,
			   &t);
	if (r < 0)
		return r;
	if (kdep_before(newest, &t))
		*newest = t;
	return 0;
}

int kdep_ksyms_apply(const struct kdep_autoksyms *a,
		     const struct kdep_ksymplan *p)
{
	const char *hdr = a->header ? a->header : KDEP_KSYMHEADER;
	struct kdep_buf tmp = {0};
	struct timespec after, newest = {0, 0};
	size_t i;
	int r;

	if (kdep_bufprintf(&tmp, "%s.tmpnew", hdr) < 0)
		return KDEP_ENOMEM;
	if ((r = writetmp(tmp.data, &p->text, &after)) < 0)
		goto out;
	/* stamps first: a crash before the rename makes the next run redo */
	for (i = 0; i < kdep_ksyms_count(p->changed); i++)
		if ((r = stamp(a, p, i, &after, &newest)) < 0)
			goto fail;
	if (rename(tmp.data, hdr) < 0) {
		r = kdep_errno(KDEP_EWRITE, "cannot rename %s to %s", tmp.data,
			       hdr);
		goto fail;
	}
	waitpast(&newest);
	goto out;
fail:
	unlink(tmp.data);
out:
	kdep_buffree(&tmp);
	return r;
}
