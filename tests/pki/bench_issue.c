/* Issuance throughput for bench/issue.sh: N threads, each with its own signer
 * connection and database connection, issue certificates end to end (CSR check,
 * unique serial in the database, profile, signer lint + sign in the token,
 * audited insert). Prints "issued N in S seconds: R per second".
 *   bench_issue --data DIR --csr F [--threads N] [--seconds S] */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/ca_ops.h"
#include "store/migrate.h"
#include "core/file.h"

static struct nl_ca *ca;
static nl_db *db;
static nl_buf csr = NL_BUF_INIT;
static atomic_long issued, failed;
static double deadline;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	(void)arg;
	nl_signer *sg = NULL;
	nl_buf why = NL_BUF_INIT;
	if (nl_signer_connect(ca->conf.socket, &sg)) { atomic_fetch_add(&failed, 1); return NULL; }
	int64_t t = (int64_t)time(NULL);
	struct nl_issue_req r = {
		.holder = {.given_name = "Ayşe", .surname = "Yılmaz", .tckn = "10000000146"},
		.csr = csr.data, .csr_len = csr.len, .not_before = t, .not_after = t + 730 * 86400,
		.actor = "bench",
	};
	while (now_s() < deadline) {
		struct nl_cert_row row;
		nl_buf_reset(&why);
		if (nl_ca_issue(&(struct nl_app){.db = db}, sg, ca, &r, &row, &why) == NL_OK) atomic_fetch_add(&issued, 1);
		else atomic_fetch_add(&failed, 1);
		nl_cert_row_clear(&row);
	}
	nl_buf_free(&why);
	nl_signer_close(sg);
	nl_db_thread_done(db);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *csr_path = NULL;
	int threads = 4;
	double seconds = 5;
	char url[700];
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--data")) dir = argv[i + 1];
		else if (!strcmp(argv[i], "--csr")) csr_path = argv[i + 1];
		else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
	}
	if (!dir || !csr_path || threads < 1 || threads > 64) {
		fprintf(stderr, "usage: bench_issue --data DIR --csr F [--threads N] [--seconds S]\n");
		return 2;
	}
	snprintf(url, sizeof url, "sqlite:%s/nitelik.db", dir);
	if (nl_ca_open(dir, false, &ca) || nl_read_file(csr_path, 65536, &csr) || nl_db_open(&db, url) ||
	    nl_store_migrate(db)) {
		fprintf(stderr, "bench_issue: cannot open the CA, CSR or database\n");
		return 1;
	}
	pthread_t t[64];
	double start = now_s();
	deadline = start + seconds;
	for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
	double el = now_s() - start;
	printf("issued %ld in %.2f seconds: %.1f per second (%ld failed)\n", atomic_load(&issued), el,
	       (double)atomic_load(&issued) / el, atomic_load(&failed));
	nl_db_close(db);
	nl_ca_free(ca);
	nl_buf_free(&csr);
	return atomic_load(&failed) ? 1 : 0;
}
