/* The production scheduler, the batch and the expiry notices (production.h). */
#include "app/production.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "app/approve.h"
#include "app/payment.h"
#include "app/production_notify.h"
#include "core/datetime.h"
#include "core/file.h"
#include "core/order.h"
#include "pki/pki.h"
#include "app/ca_ops.h"
#include "signer/proto.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

#define LEASE_S 600   /* a card takes seconds; a node silent this long is gone */

/* ---- scheduling ---- */

struct sched_ctx {
	int64_t order_id, now, lead_s;
	const char *actor;
	struct nl_production p;   /* out */
	bool inserted;
};

/* The subject serialNumber attribute of the order's person ("PNOTR-..."). */
static NL_MUST_USE nl_err person_id_attr(nl_conn *c, int64_t person_id, char out[64])
{
	struct nl_person per = {0};
	nl_err rc = nl_store_person_get(c, person_id, &per);
	if (rc) return rc;
	struct nl_holder h = nl_holder_of_person(&per);
	rc = nl_pki_person_serial_attr(&h, out);
	nl_person_clear(&per);
	return rc;
}

static NL_MUST_USE nl_err audit(nl_conn *c, int64_t now, const char *actor, int64_t order_id,
                    const char *action, const char *to, const char *why)
{
	struct nl_audit_rec rec = {
		.at = now, .actor = actor, .entity = "order", .entity_id = order_id,
		.action = action, .from = "", .to = to, .reason = why,
	};
	return nl_store_audit_append(c, &rec);
}

/* Why an order may not be produced, or NULL when it may. */
static const char *refusal(nl_conn *c, int64_t order_id, struct nl_form *f, nl_err *rc)
{
	bool settled = false;
	*rc = nl_store_form_current(c, order_id, f);
	if (*rc == NL_ERR_NOT_FOUND) {
		*rc = NL_OK;
		return "not_approved: the order has no approved form";
	}
	if (*rc) return NULL;
	if (f->status != NL_FORM_APPROVED)
		return "not_approved: the current form version is not approved";
	if ((*rc = nl_payment_settled(c, order_id, &settled))) return NULL;
	if (!settled) return "not_paid: the order is not paid";
	return NULL;
}

static NL_MUST_USE nl_err schedule_tx(nl_conn *c, void *arg)
{
	struct sched_ctx *x = arg;
	struct nl_order o = {0};
	struct nl_form f = {0};
	nl_err rc = nl_store_order_get(c, x->order_id, &o);
	if (rc) return rc;
	memset(&x->p, 0, sizeof x->p);
	x->inserted = false;
	x->p.order_id = o.id;
	x->p.order_no = o.order_no;
	x->p.due_at = x->now;
	if (o.status != NL_ST_PRODUCTION_WAIT) goto out;   /* moved on meanwhile */
	const char *why = refusal(c, o.id, &f, &rc);
	if (rc) goto out;
	if (why) {
		snprintf(x->p.state, sizeof x->p.state, "refused");
		snprintf(x->p.last_error, sizeof x->p.last_error, "%s", why);
	} else {
		snprintf(x->p.state, sizeof x->p.state, "scheduled");
		enum nl_reason reason = o.reason;
		if (f.reason && *f.reason) nl_reason_parse(f.reason, &reason);
		if (reason == NL_REASON_RENEWAL) {
			char idn[64], serial[64];
			int64_t not_after = 0;
			if ((rc = person_id_attr(c, o.person_id, idn))) goto out;
			rc = nl_store_cert_newest_active(c, idn, x->now, serial, &not_after);
			if (rc == NL_OK) {
				snprintf(x->p.renew_serial, sizeof x->p.renew_serial, "%s", serial);
				if (not_after - x->lead_s > x->now) x->p.due_at = not_after - x->lead_s;
			} else if (rc != NL_ERR_NOT_FOUND) {
				goto out;
			}
			rc = NL_OK;   /* no active certificate: a renewal made at once */
		}
	}
	rc = nl_store_production_insert(c, &x->p, x->now);
	if (rc == NL_ERR_CONFLICT) { rc = NL_OK; goto out; }   /* another node was first */
	if (rc) goto out;
	x->inserted = true;
	char due[32];
	snprintf(due, sizeof due, "due_at=%" PRId64, x->p.due_at);
	rc = audit(c, x->now, x->actor, o.id, why ? "production_refused" : "production_scheduled",
	           x->p.state, why ? why : due);
out:
	nl_form_clear(&f);
	nl_order_clear(&o);
	return rc;
}

/* One JSON line on the server log; text is escaped (signer refusals carry
 * quotes and newlines). */
static void log_line(const char *event, int64_t order_no, const char *key, const char *text)
{
	char esc[600];
	size_t k = 0;
	for (const char *t = text; t && *t && k < sizeof esc - 7; t++) {
		unsigned char ch = (unsigned char)*t;
		if (ch == '"' || ch == '\\') {
			esc[k++] = '\\';
			esc[k++] = (char)ch;
		} else if (ch < 0x20) {
			k += (size_t)snprintf(esc + k, sizeof esc - k, "\\u%04x", ch);
		} else {
			esc[k++] = (char)ch;
		}
	}
	esc[k] = '\0';
	fprintf(stderr, "{\"production\":\"%s\",\"order_no\":%" PRId64 ",\"%s\":\"%s\"}\n", event,
	        order_no, key, esc);
}

static void add_item(struct nl_production_report *rep, const struct nl_production *p,
                     const char *state, const char *error)
{
	if (rep->n >= NL_PRODUCTION_MAX_ITEMS) return;
	struct nl_production_item *it = &rep->items[rep->n++];
	memset(it, 0, sizeof *it);
	it->order_no = p->order_no;
	snprintf(it->state, sizeof it->state, "%s", state);
	snprintf(it->error, sizeof it->error, "%s", error ? error : "");
}

static NL_MUST_USE nl_err schedule_waiting(struct nl_app *app, int64_t now, const char *actor,
                               struct nl_production_report *rep)
{
	nl_conn *c;
	int64_t *ids = NULL;
	size_t n = 0;
	nl_err rc = nl_db_conn(app->db, &c);
	if (!rc) rc = nl_store_production_unscheduled(c, 200, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		struct sched_ctx x = {.order_id = ids[i], .now = now, .actor = actor,
		                      .lead_s = app->drivers.production.renewal_lead_days * 86400};
		nl_err e = nl_store_run_tx(app->db, schedule_tx, &x);
		if (e) {   /* logged; the other orders are still scheduled */
			log_line("schedule_failed", x.p.order_no, "error", nl_err_code(e));
			continue;
		}
		if (!x.inserted) continue;
		if (!strcmp(x.p.state, "refused")) {
			rep->refused++;
			add_item(rep, &x.p, "refused", x.p.last_error);
			/* Refusals are logged as well as audited: they mean an order
			 * reached production_wait without its approval or payment. */
			log_line("refused", x.p.order_no, "reason", x.p.last_error);
		} else {
			rep->scheduled++;
		}
	}
	free(ids);
	return rc;
}

/* ---- the batch ---- */

/* The name recorded on the rows this node claims: its node id (node.h), or
 * in tests, which build an app without one, host and process. */
static void node_name(const struct nl_app *app, char out[64])
{
	if (app->node_id[0]) {
		snprintf(out, 64, "%s", app->node_id);
		return;
	}
	char host[40] = "node";
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	snprintf(out, 64, "%s:%ld", host, (long)getpid());
}

/* Demo and tests only: <card folder>/inject-signer-outage holding N makes the
 * signer go away after N cards of a batch, as when it restarts mid-batch:
 * the batch's connection is swapped for one whose far end has closed.
 * Returns N, or -1 when there is no such file. */
static long outage_after(const struct nl_app *app)
{
	char dir[1024], path[1100];
	if (!app->cfg->demo)
		return -1;
	nl_card_dir(app, dir, sizeof dir);
	if (!dir[0])
		return -1;
	snprintf(path, sizeof path, "%s/inject-signer-outage", dir);
	char line[32];
	nl_err rc = nl_read_line(path, line, sizeof line);
	if (rc == NL_ERR_NOT_FOUND || rc == NL_ERR_IO)
		return -1;
	char *end = NULL;
	long n = rc == NL_OK ? strtol(line, &end, 10) : 0;
	return end == line || n < 0 ? 0 : n;
}

static nl_signer *dead_signer(const struct nl_app *app)
{
	char dir[1024], path[1100];
	nl_signer *sg = NULL;
	nl_card_dir(app, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/outage.sock", dir);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path)
		return NULL;
	memcpy(a.sun_path, path, strlen(path) + 1);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0)
		nl_err_ignore(nl_signer_connect(path, &sg));   /* sg stays NULL if it fails */
	close(fd);   /* the far end goes: every call on sg fails */
	unlink(path);
	return sg;
}

/* Whether the signer answers on sg (a ping): checked before every card, so
 * no card is touched while the signer is away. */
static NL_MUST_USE nl_err signer_answers(nl_signer *sg)
{
	if (!sg)
		return NL_ERR_IO;
	nl_buf pong = NL_BUF_INIT;
	nl_err rc = nl_signer_call(sg, NL_SIGNER_PING, "", 0, &pong);
	nl_buf_free(&pong);
	return rc;
}

/* The batch stops at the first signer error: the rows not reached stay
 * scheduled (untouched, their attempts not counted). */
static void stop_batch(struct nl_production_report *rep, int64_t order_no, nl_err why)
{
	rep->stopped = true;
	snprintf(rep->stop_reason, sizeof rep->stop_reason,
	         "signer_unavailable: the signer did not answer (%s); the remaining orders stay"
	         " in the queue", nl_err_code(why));
	log_line("batch_stopped", order_no, "reason", rep->stop_reason);
}

/* After a failed card: try again next pass, or give up after max_attempts. */
static void after_failure(struct nl_app *app, nl_conn *c, struct nl_production *p, int64_t now,
                          const char *actor, struct nl_production_report *rep,
                          struct nl_production_item *item)
{
	bool give_up = p->attempts >= app->drivers.production.max_attempts;
	snprintf(p->state, sizeof p->state, "%s", give_up ? "failed" : "scheduled");
	p->due_at = now;
	if (nl_store_production_update(c, p, now) == NL_OK && give_up)
		nl_err_ignore(audit(c, now, actor, p->order_id, "production_failed", "failed", p->last_error));
	snprintf(item->state, sizeof item->state, "%s", p->state);
	if (give_up) rep->failed++;
	else rep->retry++;
	log_line(p->state, p->order_no, "error", p->last_error);
}

nl_err nl_production_run(struct nl_app *app, int64_t now, const char *actor,
                         struct nl_production_report *rep)
{
	memset(rep, 0, sizeof *rep);
	nl_conn *c;
	nl_signer *sg = NULL;
	struct nl_production *due = NULL;
	size_t n = 0;
	char node[64];
	nl_err rc = schedule_waiting(app, now, actor, rep);
	if (rc) return rc;
	if ((rc = nl_db_conn(app->db, &c))) return rc;
	if ((rc = nl_store_production_due(c, now, (int)app->drivers.production.batch, &due, &n)))
		return rc;
	if (n == 0) goto out;
	const struct nl_ca *ca = nl_app_ca(app);
	if (!ca || nl_signer_connect(ca->conf.socket, &sg) != NL_OK) {
		rc = NL_ERR_CONFIG;
		goto out;
	}
	node_name(app, node);
	long outage = outage_after(app);
	for (size_t i = 0; i < n; i++) {
		struct nl_production *p = &due[i];
		if (outage >= 0 && rep->produced == (size_t)outage) {
			nl_signer_close(sg);
			sg = dead_signer(app);
			outage = -1;
		}
		/* No card is touched unless the signer answers. */
		nl_err down = signer_answers(sg);
		if (down) {
			stop_batch(rep, p->order_no, down);
			break;
		}
		if (nl_store_production_claim(c, p, node, now, LEASE_S) != NL_OK)
			continue;   /* another node has it */
		struct nl_production_item item;
		memset(&item, 0, sizeof item);
		nl_err e = nl_card_produce(app, sg, ca, p, now, actor, &item);
		if (e == NL_OK && !strcmp(item.state, "done")) {
			rep->produced++;
		} else if (e == NL_OK && !strcmp(item.state, "refused")) {
			rep->refused++;
		} else {
			if (!p->last_error[0])
				snprintf(p->last_error, sizeof p->last_error, "%s", nl_err_code(e));
			snprintf(item.error, sizeof item.error, "%s", p->last_error);
			after_failure(app, c, p, now, actor, rep, &item);
		}
		if (rep->n < NL_PRODUCTION_MAX_ITEMS) rep->items[rep->n++] = item;
		/* The signer went away during this card (after the check above): the
		 * card is compensated like any failure; the batch stops here. */
		if (e != NL_OK && (down = signer_answers(sg)) != NL_OK) {
			stop_batch(rep, p->order_no, down);
			break;
		}
	}
out:
	nl_signer_close(sg);
	free(due);
	return rc;
}

nl_err nl_production_job(struct nl_app *app, int64_t now)
{
	if (!app->drivers.production.auto_run) return NL_OK;
	struct nl_production_report *rep = malloc(sizeof *rep);
	if (!rep) return NL_ERR_NOMEM;
	nl_err rc = nl_production_run(app, now, "worker:production", rep);
	free(rep);
	/* No CA in this data folder: nothing to produce with, not an error. */
	return rc == NL_ERR_CONFIG ? NL_OK : rc;
}

struct retry_ctx {
	int64_t order_no, now;
	const char *actor;
};

static NL_MUST_USE nl_err retry_tx(nl_conn *c, void *arg)
{
	struct retry_ctx *x = arg;
	struct nl_order o = {0};
	nl_err rc = nl_store_order_get_by_no(c, x->order_no, &o);
	if (rc) return rc;
	if ((rc = nl_store_production_reschedule(c, o.id, x->now)) == NL_OK)
		rc = audit(c, x->now, x->actor, o.id, "production_retry", "scheduled", "");
	nl_order_clear(&o);
	return rc;
}

nl_err nl_production_retry(struct nl_app *app, int64_t order_no, const char *actor, int64_t now)
{
	struct retry_ctx x = {.order_no = order_no, .now = now, .actor = actor};
	return nl_store_run_tx(app->db, retry_tx, &x);
}

struct letter_ctx {
	int64_t order_no, now;
	const char *actor;
	nl_buf *pdf;
};

static NL_MUST_USE nl_err letter_tx(nl_conn *c, void *arg)
{
	struct letter_ctx *x = arg;
	struct nl_order o = {0};
	nl_err rc = nl_store_order_get_by_no(c, x->order_no, &o);
	if (rc) return rc;
	if ((rc = nl_store_pin_letter_take(c, o.id, x->actor, x->now, x->pdf)) == NL_OK)
		rc = audit(c, x->now, x->actor, o.id, "pin_letter_printed", "", "");
	nl_order_clear(&o);
	return rc;
}

nl_err nl_production_pin_letter(struct nl_app *app, int64_t order_no, const char *actor,
                                int64_t now, nl_buf *pdf)
{
	struct letter_ctx x = {.order_no = order_no, .now = now, .actor = actor, .pdf = pdf};
	nl_err rc = nl_store_run_tx(app->db, letter_tx, &x);
	if (rc) nl_buf_reset(pdf);
	return rc;
}

/* ---- "your certificate ends in 2 months" ---- */

struct expiry_ctx {
	const struct nl_expiring *e;
	const struct nl_config *cfg;
	int64_t now;
	bool sent;
};

static NL_MUST_USE nl_err expiry_tx(nl_conn *c, void *arg)
{
	struct expiry_ctx *x = arg;
	/* The notice row first: a second node (or pass) conflicts here and
	 * sends nothing. */
	nl_err rc = nl_store_expiry_notice_insert(c, x->e->serial, x->now);
	if (rc == NL_ERR_CONFLICT) return NL_OK;
	if (rc) return rc;
	char end[NL_DATETIME_FMT_MAX];
	nl_date_format_tr(x->e->not_after, end);
	const struct nl_notify_var vars[] = {{"serial", x->e->serial}, {"not_after", end}};
	rc = nl_production_notify(c, x->cfg, x->e->order_id, "expiry", "Sertifikanızın Süresi Doluyor",
	                          vars, 2, x->now);
	if (rc == NL_ERR_NOT_FOUND)
		return NL_OK;   /* no form to tell by: the notice is recorded, nothing sent */
	if (!rc) x->sent = true;
	return rc;
}

nl_err nl_expiry_notice_job(struct nl_app *app, int64_t now)
{
	nl_conn *c;
	struct nl_expiring *list = NULL;
	size_t n = 0;
	int64_t until = now + app->drivers.production.expiry_notice_days * 86400;
	nl_err rc = nl_db_conn(app->db, &c);
	if (!rc) rc = nl_store_cert_expiring(c, now, until, 200, &list, &n);
	nl_err first = NL_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		struct expiry_ctx x = {.e = &list[i], .cfg = app->cfg, .now = now};
		nl_err e = nl_store_run_tx(app->db, expiry_tx, &x);
		if (e) {   /* one bad row must not hold back the others */
			log_line("expiry_notice_failed", 0, "serial", list[i].serial);
			if (!first) first = e;
		}
	}
	free(list);
	return rc ? rc : first;
}
