/* Starting the Python peers of the driver tests (an SMTP sink, an HTTP stub)
 * on a port the OS chose, and stopping them. */
#ifndef NL_TESTS_DRIVERS_HELPER_PROC_H
#define NL_TESTS_DRIVERS_HELPER_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct helper {
	pid_t pid;
	int port;
};

/* Runs $NL_TEST_PYTHON (default /usr/bin/python3) on $NL_TEST_SCRIPTS/script
 * with args (NULL-terminated), and waits for the port it prints on its first
 * line. Returns 0, or -1 if it did not start within 20 seconds. */
int helper_start(struct helper *h, const char *script, const char *const args[]);
void helper_stop(struct helper *h);   /* SIGTERM and wait; safe to call twice */

/* Whole file into a malloc'd NUL-terminated string (caller frees); NULL if
 * it cannot be read. */
char *slurp(const char *path);

/* A fresh temporary directory (mkdtemp) in out; removed with rm_rf. */
int make_tmpdir(char *out, size_t size);
void rm_rf(const char *dir);

#endif
