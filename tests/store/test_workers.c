/* The background workers of a node (src/app/workers.c) on both engines: every
 * periodic job and the outbox sender start at once on their own threads, do a
 * pass over the same database and app, and stop on request. Run under
 * ThreadSanitizer by `make test` (suite tsan), where a data race between the
 * workers fails it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/workers.h"
#include "fixture.h"
#include "store/store_outbox.h"

struct sent {
	pthread_mutex_t lock;
	int n;
};

static NL_MUST_USE nl_err count_send(void *self, const struct nl_mail_msg *m, struct nl_drv_error *e)
{
	(void)m;
	(void)e;
	struct sent *s = self;
	pthread_mutex_lock(&s->lock);
	s->n++;
	pthread_mutex_unlock(&s->lock);
	return NL_OK;
}

static int sent_count(struct sent *s)
{
	pthread_mutex_lock(&s->lock);
	int n = s->n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void workers_run_and_stop(void **state)
{
	struct fx *f = fx_get(state);
	static struct nl_config cfg;
	char dir[] = "/tmp/nl-workers-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", dir);   /* no CA: its jobs pass */
	struct sent s = {.lock = PTHREAD_MUTEX_INITIALIZER};
	nl_mailer mailer = {.name = "counting", .self = &s, .send = count_send};
	struct nl_app app = {.cfg = &cfg, .db = f->db, .drivers = {.mail = &mailer}};
	nl_outbox_policy_defaults(&app.drivers.outbox);
	int64_t now = (int64_t)time(NULL);
	for (int i = 0; i < 3; i++) {
		struct nl_outbox_new m = {.channel = NL_OUTBOX_MAIL, .recipient = "u@example.org",
			.subject = "Başvuru", .body_text = "Şifre", .body_html = NULL};
		int64_t id;
		assert_int_equal(nl_outbox_enqueue(f->c, &m, now, &id), NL_OK);
	}
	nl_workers *w = NULL;
	assert_int_equal(nl_workers_start(&app, &w), NL_OK);
	for (int tries = 0; tries < 100 && sent_count(&s) < 3; tries++)
		usleep(50 * 1000);
	usleep(200 * 1000);   /* every periodic job has had its first pass meanwhile */
	time_t t0 = time(NULL);
	nl_workers_stop(w);
	assert_true(time(NULL) - t0 <= 3);   /* they notice the stop within their nap */
	assert_int_equal(sent_count(&s), 3);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 3);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct fx_test tests[] = {
		FX_TEST(workers_run_and_stop),
	};
	return fx_main("workers", tests, sizeof tests / sizeof tests[0]);
}
