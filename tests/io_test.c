/* io_test.c - whole-file reads and atomic writes (io.c). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdep.h"
#include "testutil.h"

Test(readfile, empty_file_gives_an_empty_terminated_buffer)
{
	struct kdep_buf b = {0};
	struct stat st;

	free(tu_tmpdir());
	tu_write("e", "");
	cr_assert_eq(kdep_readfile("e", &b, &st), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_not_null(b.data);
	cr_assert_eq(b.data[0], '\0');
	cr_assert_eq(st.st_size, 0);
	kdep_buffree(&b);
}

Test(readfile, large_file_is_read_whole)
{
	size_t n = 5 * 1024 * 1024 + 7, i;
	char *data = malloc(n);
	struct kdep_buf b = {0};

	cr_assert_not_null(data);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 2654435761u >> 24);
	free(tu_tmpdir());
	tu_writen("big", data, n);
	cr_assert_eq(kdep_readfile("big", &b, NULL), 0);
	cr_assert_eq(b.len, n);
	cr_assert(memcmp(b.data, data, n) == 0);
	cr_assert_eq(b.data[n], '\0');
	kdep_buffree(&b);
	free(data);
}

Test(readfile, nul_bytes_are_kept_and_counted)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	tu_writen("z", "a\0b", 3);
	cr_assert_eq(kdep_readfile("z", &b, NULL), 0);
	cr_assert_eq(b.len, 3);
	cr_assert(memcmp(b.data, "a\0b", 4) == 0);
	kdep_buffree(&b);
}

Test(readfile, replaces_what_the_buffer_held)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	tu_write("f", "new");
	cr_assert_eq(kdep_bufputs(&b, "older and longer"), 0);
	cr_assert_eq(kdep_readfile("f", &b, NULL), 0);
	cr_assert_str_eq(b.data, "new");
	cr_assert_eq(b.len, 3);
	kdep_buffree(&b);
}

Test(readfile, missing_file_names_path_and_reason)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	cr_assert_eq(kdep_readfile("no/such.h", &b, NULL), KDEP_ENOENT);
	cr_assert_str_eq(kdep_errmsg(),
			 "error opening file: no/such.h: No such file or "
			 "directory");
	kdep_buffree(&b);
}

Test(readfile, a_file_in_place_of_a_folder_counts_as_missing)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	tu_write("f", "x");
	cr_assert_eq(kdep_readfile("f/a.h", &b, NULL), KDEP_ENOENT);
	cr_assert_eq(kdep_errcode(), KDEP_ENOENT);
	kdep_buffree(&b);
}

Test(readfile, directory_is_refused_by_name)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	cr_assert_eq(mkdir("d", 0755), 0);
	cr_assert_eq(kdep_readfile("d", &b, NULL), KDEP_EIO);
	cr_assert_str_eq(kdep_errmsg(),
			 "error reading file: d: Is a directory");
	kdep_buffree(&b);
}

Test(readfile, fifo_is_refused_without_waiting, .timeout = 20)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	cr_assert_eq(mkfifo("p", 0644), 0);
	cr_assert_eq(kdep_readfile("p", &b, NULL), KDEP_EIO);
	cr_assert_not_null(strstr(kdep_errmsg(), "p: not a regular file"));
	kdep_buffree(&b);
}

Test(readfile, empty_file_without_stat_data_is_empty_not_refused)
{
	struct kdep_buf b = {0};

	free(tu_tmpdir());
	tu_write("e", "");
	cr_assert_eq(kdep_readfile("e", &b, NULL), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.data[0], '\0');
	kdep_buffree(&b);
}

/* Sizes about the first read's room (64 KiB): the buffer fills exactly. */
Test(readfile, sizes_about_the_first_read_room_are_read_whole)
{
	static const size_t sizes[] = {65534, 65535, 65536, 65537, 131071,
				       131072, 131073};
	size_t k, i;

	free(tu_tmpdir());
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		char *data = malloc(n);
		struct kdep_buf b = {0}, c = {0};
		struct stat st;

		cr_assert_not_null(data);
		for (i = 0; i < n; i++)
			data[i] = (char)('a' + i % 26);
		tu_writen("f", data, n);
		cr_assert_eq(kdep_readfile("f", &b, NULL), 0);
		cr_assert_eq(b.len, n, "size %zu", n);
		cr_assert(memcmp(b.data, data, n) == 0);
		cr_assert_eq(b.data[n], '\0');
		cr_assert_eq(kdep_readfile("f", &c, &st), 0);
		cr_assert_eq(c.len, n);
		cr_assert_eq((size_t)st.st_size, n);
		kdep_buffree(&b);
		kdep_buffree(&c);
		free(data);
	}
}

Test(readfile, null_device_is_refused_not_read_as_empty)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_readfile("/dev/null", &b, NULL), KDEP_EIO);
	cr_assert_str_eq(kdep_errmsg(),
			 "error reading file: /dev/null: not a regular file");
	kdep_buffree(&b);
}

Test(readfile, endless_device_is_refused_after_one_buffer, .timeout = 20)
{
	struct kdep_buf b = {0};

	cr_assert_eq(kdep_readfile("/dev/zero", &b, NULL), KDEP_EIO);
	cr_assert_str_eq(kdep_errmsg(),
			 "error reading file: /dev/zero: not a regular file");
	cr_assert_leq(b.cap, 64 * 1024);
	kdep_buffree(&b);
}

Test(readfile, fifo_with_a_silent_writer_is_refused_without_waiting,
     .timeout = 20)
{
	struct kdep_buf b = {0};
	int w;

	free(tu_tmpdir());
	cr_assert_eq(mkfifo("p", 0644), 0);
	/* O_RDWR opens a FIFO without waiting: a writer that says nothing */
	cr_assert_geq(w = open("p", O_RDWR), 0);
	cr_assert_eq(kdep_readfile("p", &b, NULL), KDEP_EIO);
	cr_assert_str_eq(kdep_errmsg(),
			 "error reading file: p: not a regular file");
	close(w);
	kdep_buffree(&b);
}

Test(readfd, reads_a_pipe_to_its_end)
{
	struct kdep_buf b = {0};
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "abc\n", 4), 4);
	close(fds[1]);
	cr_assert_eq(kdep_readfd(fds[0], "<pipe>", &b), 0);
	close(fds[0]);
	cr_assert_str_eq(b.data, "abc\n");
	cr_assert_eq(b.len, 4);
	kdep_buffree(&b);
}

Test(writefile, creates_the_file_with_its_mode)
{
	struct stat st;
	char *got;

	free(tu_tmpdir());
	cr_assert_eq(kdep_writefile("out", "hello\n", 6, 0640), 0);
	got = tu_read("out", NULL);
	cr_assert_str_eq(got, "hello\n");
	cr_assert_eq(stat("out", &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640);
	free(got);
}

Test(writefile, replaces_atomically_by_rename)
{
	struct stat before, after;
	char *got;
	int fd;

	free(tu_tmpdir());
	tu_write("out", "old content\n");
	cr_assert_eq(stat("out", &before), 0);
	/* a reader holding the old file keeps reading the old file */
	fd = open("out", O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(kdep_writefile("out", "new\n", 4, 0644), 0);
	cr_assert_eq(stat("out", &after), 0);
	cr_assert_neq(before.st_ino, after.st_ino);
	{
		char buf[32] = {0};

		cr_assert_eq(read(fd, buf, sizeof(buf) - 1), 12);
		cr_assert_str_eq(buf, "old content\n");
	}
	close(fd);
	got = tu_read("out", NULL);
	cr_assert_str_eq(got, "new\n");
	cr_assert_eq(tu_countnames("out"), 1, "no temporary file is left");
	free(got);
}

Test(writefile, failure_leaves_no_temporary_file)
{
	free(tu_tmpdir());
	cr_assert_eq(mkdir("out", 0755), 0);
	/* rename() of a file over a folder fails */
	cr_assert_eq(kdep_writefile("out", "x", 1, 0644), KDEP_EWRITE);
	cr_assert_not_null(strstr(kdep_errmsg(), "out"));
	cr_assert_eq(tu_countnames("out"), 1);
}

Test(writefile, missing_folder_is_an_error_naming_it)
{
	free(tu_tmpdir());
	cr_assert_eq(kdep_writefile("no/x", "x", 1, 0644), KDEP_EWRITE);
	cr_assert_not_null(strstr(kdep_errmsg(), "no/x"));
}

Test(writefile, empty_content_gives_an_empty_file)
{
	size_t n = 99;
	char *got;

	free(tu_tmpdir());
	tu_write("out", "something");
	cr_assert_eq(kdep_writefile("out", "", 0, 0644), 0);
	got = tu_read("out", &n);
	cr_assert_eq(n, 0);
	free(got);
}

Test(mkparents, creates_every_parent_folder)
{
	struct stat st;

	free(tu_tmpdir());
	cr_assert_eq(kdep_mkparents("a/b/c/file"), 0);
	cr_assert_eq(stat("a/b/c", &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_neq(stat("a/b/c/file", &st), 0);
	/* again: existing folders are fine */
	cr_assert_eq(kdep_mkparents("a/b/c/file"), 0);
}

Test(mkparents, file_in_the_way_is_an_error)
{
	free(tu_tmpdir());
	tu_write("a", "");
	cr_assert_eq(kdep_mkparents("a/b/file"), KDEP_EWRITE);
	cr_assert_not_null(strstr(kdep_errmsg(), "a/b"));
}

Test(writeall, writes_everything_to_a_pipe)
{
	struct kdep_buf b = {0};
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(kdep_writeall(fds[1], "0123456789", 10), 0);
	close(fds[1]);
	cr_assert_eq(kdep_readfd(fds[0], "<pipe>", &b), 0);
	close(fds[0]);
	cr_assert_str_eq(b.data, "0123456789");
	kdep_buffree(&b);
}

Test(writeall, full_device_is_a_write_error)
{
	int fd = open("/dev/full", O_WRONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(kdep_writeall(fd, "x", 1), KDEP_EWRITE);
	close(fd);
}
