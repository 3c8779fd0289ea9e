/* One pass of the outbox worker: claim, send outside any transaction, record. */
#include "app/outbox_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

/* One JSON line on standard error, like the other workers' logs. */
static void log_failure(const struct nl_outbox_msg *m, const char *why)
{
	json_t *j = json_pack("{s:s, s:I, s:s, s:i, s:s}", "worker", "outbox",
		"message", (json_int_t)m->id, "channel", nl_outbox_channel_code(m->channel),
		"attempt", m->attempts, "error", why);
	char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (line)
		fprintf(stderr, "%s\n", line);
	free(line);
	json_decref(j);
}

static NL_MUST_USE nl_err send_one(const struct nl_drivers *d, const struct nl_outbox_msg *m,
	struct nl_drv_error *e)
{
	if (m->channel == NL_OUTBOX_MAIL) {
		if (!d->mail)
			return nl_drv_fail(e, NL_ERR_CONFIG, "no mail driver configured");
		struct nl_mail_msg mail = {
			.to = m->recipient, .subject = m->subject,
			.body_text = m->body_text, .body_html = m->body_html,
		};
		return d->mail->send(d->mail->self, &mail, e);
	}
	if (m->channel == NL_OUTBOX_SMS) {
		if (!d->sms)
			return nl_drv_fail(e, NL_ERR_CONFIG, "no SMS driver configured");
		struct nl_sms_msg sms = {.to = m->recipient, .text = m->body_text};
		return d->sms->send(d->sms->self, &sms, e);
	}
	e->permanent = true;
	return nl_drv_fail(e, NL_ERR_INVALID, "unknown channel");
}

nl_err nl_outbox_run_once_stats(const struct nl_app *app, int64_t now, struct nl_outbox_stats *stats)
{
	const struct nl_drivers *drivers = &app->drivers;
	nl_db *db = app->db;
	struct nl_outbox_list batch = {0};
	struct nl_outbox_stats st = {0};
	nl_err rc = nl_outbox_claim(db, &drivers->outbox, now, &batch);
	if (rc != NL_OK)
		goto out;
	st.claimed = batch.n;
	for (size_t i = 0; i < batch.n; i++) {
		const struct nl_outbox_msg *m = &batch.items[i];
		struct nl_drv_error e = {0};
		nl_err sent = send_one(drivers, m, &e);
		nl_err mark;
		if (sent == NL_OK) {
			mark = nl_outbox_mark_sent(db, m->id, now);
			if (mark == NL_OK)
				st.sent++;
		} else {
			enum nl_outbox_status next = NL_OUTBOX_PENDING;
			/* Logged by id only: the recipient is personal data. */
			log_failure(m, e.msg[0] ? e.msg : nl_err_code(sent));
			mark = nl_outbox_mark_failed(db, &drivers->outbox, m->id, m->attempts,
				e.msg[0] ? e.msg : nl_err_code(sent), e.permanent, now, &next);
			if (mark == NL_OK && next == NL_OUTBOX_FAILED)
				st.failed++;
			else if (mark == NL_OK)
				st.retried++;
		}
		/* CONFLICT: our lease ran out and another worker owns the row now;
		 * its outcome stands. Any other error is the database's: stop. */
		if (mark != NL_OK && mark != NL_ERR_CONFLICT) {
			rc = mark;
			break;
		}
	}
out:
	nl_outbox_list_free(&batch);
	if (stats)
		*stats = st;
	return rc;
}

nl_err nl_outbox_run_once(const struct nl_app *app, int64_t now)
{
	return nl_outbox_run_once_stats(app, now, NULL);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

void nl_outbox_worker_loop(const struct nl_app *app, const atomic_bool *stop, unsigned idle_ms)
{
	nl_db *db = app->db;
	while (!atomic_load(stop)) {
		struct nl_outbox_stats st = {0};
		nl_err rc = nl_outbox_run_once_stats(app, (int64_t)time(NULL), &st);
		if (rc != NL_OK)
			fprintf(stderr, "{\"worker\":\"outbox\",\"error\":\"%s\"}\n",
				nl_err_code(rc));
		if (rc == NL_OK && st.claimed > 0)
			continue;   /* more may be due: no pause while there is work */
		for (unsigned waited = 0; waited < idle_ms && !atomic_load(stop); waited += 100)
			sleep_ms(idle_ms - waited < 100 ? idle_ms - waited : 100);
	}
	nl_db_thread_done(db);
}
