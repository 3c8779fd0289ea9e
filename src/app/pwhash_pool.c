/* The argon2id pool (pwhash_pool.h): a queue of jobs under one lock; each
 * job lives on its caller's stack until the caller has seen it done. */
#include "app/pwhash_pool.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
	const char *stored, *password;   /* verify when stored is set, else hash */
	char *out;
	nl_err rc;
	bool ok, done;
	struct job *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;   /* a job queued, or stop */
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;   /* a job finished */
static struct job *head, *tail;
static pthread_t *workers;
static size_t n_workers;
static bool stopping;

static void run(struct job *j)
{
	if (j->stored)
		j->ok = nl_password_verify(j->stored, j->password);
	else
		j->rc = nl_password_hash(j->password, j->out);
}

static void *worker(void *arg)
{
	(void)arg;
	/* Below the server's threads: a page that needs no hash is answered
	 * first even while every core hashes (Linux nice is per thread). */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!head && !stopping)
			pthread_cond_wait(&work_cv, &mu);
		if (!head)
			break;
		struct job *j = head;
		head = j->next;
		if (!head)
			tail = NULL;
		pthread_mutex_unlock(&mu);
		run(j);
		pthread_mutex_lock(&mu);
		j->done = true;
		pthread_cond_broadcast(&done_cv);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

nl_err nl_pwhash_pool_start(size_t threads)
{
	nl_err rc = NL_OK;
	if (threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 0 ? (size_t)cores : 1;
	}
	pthread_mutex_lock(&mu);
	if (workers)
		goto out;
	workers = calloc(threads, sizeof *workers);
	if (!workers) {
		rc = NL_ERR_NOMEM;
		goto out;
	}
	stopping = false;
	for (n_workers = 0; n_workers < threads; n_workers++)
		if (pthread_create(&workers[n_workers], NULL, worker, NULL) != 0)
			break;
	if (n_workers == 0) {
		free(workers);
		workers = NULL;
		rc = NL_ERR_INTERNAL;
	}
out:
	pthread_mutex_unlock(&mu);
	return rc;
}

void nl_pwhash_pool_stop(void)
{
	pthread_mutex_lock(&mu);
	pthread_t *w = workers;
	size_t n = n_workers;
	stopping = true;
	pthread_cond_broadcast(&work_cv);
	pthread_mutex_unlock(&mu);
	for (size_t i = 0; w && i < n; i++)
		pthread_join(w[i], NULL);
	pthread_mutex_lock(&mu);
	free(workers);
	workers = NULL;
	n_workers = 0;
	pthread_mutex_unlock(&mu);
}

/* Queues j and waits for it; on the caller's thread when no pool runs. */
static void submit(struct job *j)
{
	pthread_mutex_lock(&mu);
	if (!workers || stopping) {
		pthread_mutex_unlock(&mu);
		run(j);
		return;
	}
	if (tail)
		tail->next = j;
	else
		head = j;
	tail = j;
	pthread_cond_signal(&work_cv);
	while (!j->done)
		pthread_cond_wait(&done_cv, &mu);
	pthread_mutex_unlock(&mu);
}

nl_err nl_pwhash_hash(const char *password, char out[NL_PWHASH_LEN])
{
	struct job j = {.password = password, .out = out};
	submit(&j);
	return j.rc;
}

bool nl_pwhash_verify(const char *stored, const char *password)
{
	if (!stored || !password)
		return false;
	struct job j = {.stored = stored, .password = password};
	submit(&j);
	return j.ok;
}
