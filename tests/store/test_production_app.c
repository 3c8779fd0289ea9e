/* Production's store functions and scheduler on both engines
 * (src/store/store_production.c, src/app/production.c, src/app/shipping.c):
 * the scheduling rules (at once; a renewal 2 months before the old end; a
 * refusal without approval or payment, audited), the claim that only one of
 * many concurrent workers wins, the PIN letter handed out once, shipments
 * and their history, and the expiry notice sent once per certificate. The
 * card itself is tested end to end by tests/http/test_production.py. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/approve.h"
#include "app/form.h"
#include "app/node.h"
#include "app/production.h"
#include "app/shipping.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_certs.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"
#include "store/store_nodes.h"
#include "store/store_outbox.h"
#include "store/store_production.h"

#define NOW 1800000000
#define DAY 86400

static struct nl_config cfg;

struct world {
	int64_t person;
	struct nl_app app;
};

static void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	snprintf(cfg.base_url, sizeof cfg.base_url, "https://ca.example.org");
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "/nonexistent/nitelik-no-ca");
	struct nl_person a = {.id_kind = NL_ID_TCKN, .id_number = "64172043210",
	                      .passport_country = "", .given_name = "ŞEBNEM", .surname = "IŞIK"};
	assert_int_equal(nl_store_person_create(f->c, &a), NL_OK);
	w->person = a.id;
	w->app = (struct nl_app){.cfg = &cfg, .db = f->db};
	nl_production_config_defaults(&w->app.drivers.production);
	struct nl_courier_config cc;
	nl_courier_config_defaults(&cc);
	cc.step_s = 10;
	assert_int_equal(nl_courier_open(&cc, &w->app.drivers.courier), NL_OK);
}

static void teardown(struct world *w)
{
	nl_courier_free(w->app.drivers.courier);
}

/* An order with a submitted (and, when approve, approved) form of reason. */
static int64_t order_with_form(struct fx *f, struct world *w, enum nl_payment_type pt,
                               const char *reason, bool approve)
{
	struct nl_order o = {.person_id = w->person, .reason = NL_REASON_FIRST, .payment_type = pt};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	struct nl_form_input in = {
		.period = "1", .security_word = "Gizli2026", .security_word2 = "Gizli2026",
		.province = "6",
		.typed = {
			.card_reader = "none", .publish = "no", .reason = reason,
			.email = "sebnem@example.org", .mobile = "5329876543",
			.operator_name = "turkcell", .info_channel = "both",
			.unit = "Bilgi İşlem", .title = "Mühendis", .work_phone = "3124445566",
			.address_type = "institution",
			.address = "Atatürk Bulvarı No: 221 Kavaklıdere", .district = "Çankaya",
			.postal_code = "06680", .delivery_method = "courier",
		},
	};
	struct nl_form_check chk;
	int64_t version = 0;
	assert_int_equal(nl_form_submit(&f->app, w->person, o.order_no, &in, 0, 500, &chk, &version),
	                 NL_OK);
	struct nl_form_view v;
	assert_int_equal(nl_form_load(&f->app, w->person, o.order_no, &v), NL_OK);
	assert_int_equal(nl_store_form_set_status(f->c, v.current.id, NL_FORM_SUBMITTED,
	                                          NL_FORM_SMS_CONFIRMED, 510), NL_OK);
	nl_form_view_free(&v);
	if (approve) {
		struct nl_approve_req q = {
			.order_no = o.order_no, .version = version, .person_id = w->person,
			.method = NL_APPROVE_E_IMZA, .actor = "person:1", .evidence = "esign:1", .now = 1000,
		};
		struct nl_approve_result res;
		assert_int_equal(nl_approve_form(&w->app, &q, &res), NL_OK);
	}
	return o.id;
}

static void force_production_wait(struct fx *f, int64_t order_id)
{
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE orders SET status = 'production_wait' WHERE id = %lld",
	         (long long)order_id);
	fx_exec(f, sql);
}

/* A good certificate of the person ending at not_after, tied to order_id. */
static void cert(struct fx *f, const char *serial, int64_t order_id, int64_t not_after)
{
	assert_int_equal(nl_store_serial_reserve(f->c, serial), NL_OK);
	uint8_t der[4] = {0x30, 0x02, 0x05, 0x00};
	struct nl_cert_row r = {
		.kind = "person", .subject = "CN=ŞEBNEM IŞIK", .common_name = "ŞEBNEM IŞIK",
		.email = "", .id_number = "PNOTR-64172043210", .order_id = order_id,
		.not_before = NOW - 300 * DAY, .not_after = not_after, .status = "good",
		.der = der, .der_len = sizeof der,
	};
	snprintf(r.serial, sizeof r.serial, "%s", serial);
	assert_int_equal(nl_store_cert_insert(f->db, &r, "test"), NL_OK);
}

static void get_prod(struct fx *f, int64_t order_id, struct nl_production *p)
{
	assert_int_equal(nl_store_production_get_by_order(f->c, order_id, p), NL_OK);
}

/* First certificate: due at once; a renewal: 61 days before the old end; an
 * unapproved and an unpaid order: refused and audited, never due. Without a
 * CA the batch reports NL_ERR_CONFIG after scheduling and produces nothing. */
static void test_schedule_rules(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t first = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	int64_t renew = order_with_form(f, &w, NL_PAY_INSTITUTION, "renewal", true);
	int64_t unapproved = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", false);
	int64_t unpaid = order_with_form(f, &w, NL_PAY_PERSON, "first", true);
	force_production_wait(f, unapproved);
	force_production_wait(f, unpaid);
	cert(f, "0A01", first, NOW + 100 * DAY);
	int64_t audit = fx_int(f, "SELECT COUNT(*) FROM audit_log");
	struct nl_production_report *rep = calloc(1, sizeof *rep);
	assert_non_null(rep);
	assert_int_equal(nl_production_run(&w.app, NOW, "test", rep), NL_ERR_CONFIG);
	assert_int_equal(rep->scheduled, 2);
	assert_int_equal(rep->refused, 2);
	assert_int_equal(rep->produced, 0);
	struct nl_production p;
	get_prod(f, first, &p);
	assert_string_equal(p.state, "scheduled");
	assert_int_equal(p.due_at, NOW);
	get_prod(f, renew, &p);
	assert_string_equal(p.state, "scheduled");
	assert_string_equal(p.renew_serial, "0A01");
	assert_int_equal(p.due_at, NOW + 100 * DAY - 61 * DAY);
	get_prod(f, unapproved, &p);
	assert_string_equal(p.state, "refused");
	assert_non_null(strstr(p.last_error, "not_approved"));
	get_prod(f, unpaid, &p);
	assert_string_equal(p.state, "refused");
	assert_non_null(strstr(p.last_error, "not_paid"));
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log"), audit + 4);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'production_refused'"), 2);
	/* Due now: only the first certificate; the renewal waits, refusals never come. */
	struct nl_production *due = NULL;
	size_t n = 0;
	assert_int_equal(nl_store_production_due(f->c, NOW, 20, &due, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].order_id, first);
	free(due);
	assert_int_equal(nl_store_production_due(f->c, NOW + 40 * DAY, 20, &due, &n), NL_OK);
	assert_int_equal(n, 2);
	free(due);
	/* A second pass schedules nothing twice. */
	memset(rep, 0, sizeof *rep);
	/* What counts is that nothing is scheduled twice, not the run's status. */
	nl_err_ignore(nl_production_run(&w.app, NOW, "test", rep));
	assert_int_equal(rep->scheduled + rep->refused, 0);
	/* The operator's retry puts a refusal back. */
	struct nl_order o;
	assert_int_equal(nl_store_order_get(f->c, unpaid, &o), NL_OK);
	assert_int_equal(nl_production_retry(&w.app, o.order_no, "user:1", NOW), NL_OK);
	assert_int_equal(nl_production_retry(&w.app, o.order_no, "user:1", NOW), NL_ERR_CONFLICT);
	nl_order_clear(&o);
	free(rep);
	teardown(&w);
}

/* Many workers claim the same due row at once: exactly one wins. */
struct claimer {
	nl_db *db;
	struct nl_production snapshot;
	int won;
};

static void *claim_thread(void *arg)
{
	struct claimer *c = arg;
	nl_conn *conn;
	char node[32];
	snprintf(node, sizeof node, "node-%p", arg);
	if (nl_db_conn(c->db, &conn) == NL_OK &&
	    nl_store_production_claim(conn, &c->snapshot, node, NOW, 600) == NL_OK)
		c->won = 1;
	nl_db_thread_done(c->db);
	return NULL;
}

static void test_claim_once(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	struct nl_production p = {.order_id = id, .due_at = NOW};
	snprintf(p.state, sizeof p.state, "scheduled");
	assert_int_equal(nl_store_production_insert(f->c, &p, NOW), NL_OK);
	assert_int_equal(nl_store_production_insert(f->c, &p, NOW), NL_ERR_CONFLICT);
	struct nl_production *due = NULL;
	size_t n = 0;
	assert_int_equal(nl_store_production_due(f->c, NOW, 20, &due, &n), NL_OK);
	assert_int_equal(n, 1);
	enum { N = 8 };
	struct claimer cl[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		cl[i] = (struct claimer){.db = f->db, .snapshot = due[0]};
		assert_int_equal(pthread_create(&t[i], NULL, claim_thread, &cl[i]), 0);
	}
	int won = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		won += cl[i].won;
	}
	free(due);
	assert_int_equal(won, 1);
	/* Claimed and leased: not due for others until the lease lapses. */
	assert_int_equal(nl_store_production_due(f->c, NOW + 599, 20, &due, &n), NL_OK);
	assert_int_equal(n, 0);
	free(due);
	assert_int_equal(nl_store_production_due(f->c, NOW + 601, 20, &due, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].attempts, 1);
	free(due);
	teardown(&w);
}

/* A crash and a restart (issue 10, 6): node X claims a production row and an
 * outbox message, then "crashes" (drops them without releasing). Before,
 * they stayed leased for 600 s and 300 s; now node X, started again,
 * releases its own rows at once; another node's rows are left alone; and a
 * node whose heartbeat stopped loses its rows to others early. */
static void test_node_reclaim(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t mine = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	int64_t other = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	struct nl_production p = {.order_id = mine, .due_at = NOW};
	struct nl_production q = {.order_id = other, .due_at = NOW};
	snprintf(p.state, sizeof p.state, "scheduled");
	snprintf(q.state, sizeof q.state, "scheduled");
	assert_int_equal(nl_store_production_insert(f->c, &p, NOW), NL_OK);
	assert_int_equal(nl_store_production_insert(f->c, &q, NOW), NL_OK);
	assert_int_equal(nl_store_production_claim(f->c, &p, "node-x", NOW, 600), NL_OK);
	assert_int_equal(nl_store_production_claim(f->c, &q, "node-y", NOW, 600), NL_OK);
	struct nl_outbox_new m = {.channel = NL_OUTBOX_MAIL, .recipient = "a@example.org",
	                          .subject = "s", .body_text = "b"};
	assert_int_equal(nl_outbox_enqueue(f->c, &m, NOW, NULL), NL_OK);
	struct nl_outbox_policy op;
	nl_outbox_policy_defaults(&op);
	op.batch = 100;
	snprintf(op.node_id, sizeof op.node_id, "node-x");
	/* The orders' notices and the message above. */
	size_t nout = (size_t)fx_int(f, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'");
	struct nl_outbox_list got = {0};
	assert_int_equal(nl_outbox_claim(f->db, &op, NOW, &got), NL_OK);
	assert_int_equal(got.n, nout);
	nl_outbox_list_free(&got);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE claimed_by = 'node-x'"), nout);
	/* The crash: nothing released. A minute later nothing is due anywhere. */
	struct nl_production *due = NULL;
	size_t n = 0;
	assert_int_equal(nl_store_production_due(f->c, NOW + 60, 20, &due, &n), NL_OK);
	assert_int_equal(n, 0);
	free(due);
	snprintf(op.node_id, sizeof op.node_id, "node-z");
	assert_int_equal(nl_outbox_claim(f->db, &op, NOW + 60, &got), NL_OK);
	assert_int_equal(got.n, 0);
	nl_outbox_list_free(&got);
	/* Node X starts again: its own rows are released at once, Y's are not. */
	int64_t rows = 0;
	assert_int_equal(nl_node_reclaim(&f->app, "node-x", NOW + 60, &rows), NL_OK);
	assert_int_equal(rows, 1 + (int64_t)nout);
	assert_int_equal(nl_store_production_due(f->c, NOW + 60, 20, &due, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].order_id, mine);
	/* ...and claimed again (by X or any node), the interrupted attempt counted. */
	assert_int_equal(nl_store_production_claim(f->c, &due[0], "node-x", NOW + 60, 600), NL_OK);
	assert_int_equal(due[0].attempts, 2);
	free(due);
	assert_int_equal(nl_outbox_claim(f->db, &op, NOW + 60, &got), NL_OK);
	assert_int_equal(got.n, nout);
	assert_int_equal(got.items[0].attempts, 2);
	nl_outbox_list_free(&got);
	/* The old claim of X (same node, older attempt) may no longer write. */
	assert_int_equal(nl_store_production_update(f->c, &p, NOW + 61), NL_ERR_CONFLICT);
	/* Heartbeat: Y beats, then falls silent. While it beats its row is its
	 * own; NL_NODE_DEAD_S after its last beat others may take it, long
	 * before the 600 s lease. */
	assert_int_equal(nl_store_node_beat(f->c, "node-y", NOW + 60), NL_OK);
	assert_int_equal(nl_store_production_due(f->c, NOW + 100, 20, &due, &n), NL_OK);
	assert_int_equal(n, 0);
	free(due);
	assert_int_equal(nl_store_node_beat(f->c, "node-x", NOW + 200), NL_OK);   /* X lives on */
	assert_int_equal(nl_store_production_due(f->c, NOW + 61 + NL_NODE_DEAD_S, 20, &due, &n),
	                 NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].order_id, other);
	free(due);
	/* The same for outbox messages: those of a silent node are sent again
	 * by another before their 300 s lease ends. */
	snprintf(op.node_id, sizeof op.node_id, "node-y");
	assert_int_equal(nl_outbox_enqueue(f->c, &m, NOW + 60, NULL), NL_OK);
	assert_int_equal(nl_outbox_claim(f->db, &op, NOW + 60, &got), NL_OK);
	assert_int_equal(got.n, 1);
	nl_outbox_list_free(&got);
	snprintf(op.node_id, sizeof op.node_id, "node-x");
	assert_int_equal(nl_outbox_claim(f->db, &op, NOW + 100, &got), NL_OK);
	assert_int_equal(got.n, 0);   /* Y beat at NOW + 60 */
	nl_outbox_list_free(&got);
	assert_int_equal(nl_outbox_claim(f->db, &op, NOW + 61 + NL_NODE_DEAD_S, &got), NL_OK);
	assert_int_equal(got.n, 1);
	nl_outbox_list_free(&got);
	/* A clean stop removes the node: then only the lease counts. */
	assert_int_equal(nl_store_node_gone(f->c, "node-y"), NL_OK);
	assert_int_equal(nl_store_production_due(f->c, NOW + 61 + NL_NODE_DEAD_S, 20, &due, &n),
	                 NL_OK);
	assert_int_equal(n, 0);
	free(due);
	teardown(&w);
}

/* The node's name: configured, or generated once and kept in the data folder. */
static void test_node_id(void **state)
{
	(void)state;
	char dir[] = "/tmp/nitelik-node-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct nl_config c;
	nl_config_defaults(&c, NULL);
	snprintf(c.data_dir, sizeof c.data_dir, "%s", dir);
	char a[NL_NODE_ID_MAX], b[NL_NODE_ID_MAX];
	const char *why = NULL;
	assert_int_equal(nl_node_id_load(&c, a, &why), NL_OK);
	assert_int_equal(strncmp(a, "n-", 2), 0);
	assert_int_equal(strlen(a), 18);
	assert_int_equal(nl_node_id_load(&c, b, &why), NL_OK);
	assert_string_equal(a, b);   /* kept across restarts */
	snprintf(c.node_id, sizeof c.node_id, "web-1.example");
	assert_int_equal(nl_node_id_load(&c, b, &why), NL_OK);
	assert_string_equal(b, "web-1.example");
	snprintf(c.node_id, sizeof c.node_id, "bad name/1");
	assert_int_equal(nl_node_id_load(&c, b, &why), NL_ERR_CONFIG);
	assert_non_null(why);
	char path[600];
	snprintf(path, sizeof path, "%s/node_id", dir);
	unlink(path);
	rmdir(dir);
}

static void test_pin_letter_once(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	bool waiting = false;
	assert_int_equal(nl_store_pin_letter_put(f->c, id, "%PDF-1.5 secret", 15, NOW), NL_OK);
	assert_int_equal(nl_store_pin_letter_waiting(f->c, id, &waiting), NL_OK);
	assert_true(waiting);
	nl_buf pdf = NL_BUF_INIT;
	assert_int_equal(nl_store_pin_letter_take(f->c, id, "user:1", NOW, &pdf), NL_OK);
	assert_int_equal(pdf.len, 15);
	nl_buf_reset(&pdf);
	assert_int_equal(nl_store_pin_letter_take(f->c, id, "user:1", NOW, &pdf), NL_ERR_NOT_FOUND);
	assert_int_equal(pdf.len, 0);
	nl_buf_free(&pdf);
	assert_int_equal(nl_store_pin_letter_waiting(f->c, id, &waiting), NL_OK);
	assert_false(waiting);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM pin_letters WHERE pdf IS NOT NULL"), 0);
	teardown(&w);
}

/* Üretildi -> Kargoya Verildi -> (in transit) -> Teslim Edildi through the
 * courier simulator's clock; each step audited; the look-ups. */
static void test_shipping(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	assert_int_equal(nl_store_order_set_status(f->c, id, NL_ST_PRODUCTION_WAIT, NL_ST_PRODUCED,
	                                           "test", NULL), NL_OK);
	size_t n = 0;
	assert_int_equal(nl_shipping_ship_produced(&w.app, NOW, "user:1", &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nl_shipping_ship_produced(&w.app, NOW, "user:1", &n), NL_OK);
	assert_int_equal(n, 0);
	struct nl_shipment s;
	assert_int_equal(nl_store_shipment_by_order(f->c, id, &s), NL_OK);
	assert_true(nl_courier_tracking_valid(s.tracking_no));
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE status = 'shipped'"), 1);
	assert_int_equal(nl_shipping_poll(&w.app, NOW + 5, "worker:shipping", &n), NL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nl_shipping_poll(&w.app, NOW + 25, "worker:shipping", &n), NL_OK);
	assert_int_equal(n, 2);   /* in transit and delivered at once: both recorded */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE status = 'delivered'"), 1);
	struct nl_shipment_event *ev = NULL;
	size_t ne = 0;
	char q[40];
	snprintf(q, sizeof q, " sd-%lld ", (long long)s.order_no);
	assert_int_equal(nl_shipping_lookup(&w.app, q, &s, &ev, &ne), NL_OK);
	assert_int_equal(ne, 3);
	assert_string_equal(ev[0].status, "accepted");
	assert_string_equal(ev[2].status, "delivered");
	free(ev);
	assert_int_equal(nl_shipping_lookup(&w.app, "NK00000000000", &s, &ev, &ne), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_shipping_lookup(&w.app, "' OR 1=1 --", &s, &ev, &ne), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_shipping_advance(&w.app, s.tracking_no, NOW, "user:1"), NL_ERR_TRANSITION);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'shipment'"), 2);
	/* Both notices by SMS and e-mail (channel both): shipped and delivered. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%kargoya verildi%'"
	                        " OR body_text LIKE '%kargoya verilmiştir%'"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%teslim edil%'"), 2);
	struct nl_shipment *mine = NULL;
	assert_int_equal(nl_shipping_list_person(&w.app, w.person, &mine, &n), NL_OK);
	assert_int_equal(n, 1);
	free(mine);
	teardown(&w);
}

/* "Ends in 2 months": once per certificate, only inside the window. */
static void test_expiry_notice_once(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id = order_with_form(f, &w, NL_PAY_INSTITUTION, "first", true);
	cert(f, "0B01", id, NOW + 30 * DAY);
	cert(f, "0B02", id, NOW + 90 * DAY);
	int64_t before = fx_int(f, "SELECT COUNT(*) FROM outbox");
	assert_int_equal(nl_expiry_notice_job(&w.app, NOW), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), before + 2);   /* mail + SMS */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM expiry_notices"), 1);
	assert_int_equal(nl_expiry_notice_job(&w.app, NOW + 10), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), before + 2);
	assert_int_equal(nl_expiry_notice_job(&w.app, NOW + 30 * DAY), NL_OK);   /* 0B02 now in */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM expiry_notices"), 2);
	teardown(&w);
}

static void test_revoke_reasons(void **state)
{
	(void)state;
	assert_int_equal(nl_production_revoke_reason(NL_REASON_LOST), 1);
	assert_int_equal(nl_production_revoke_reason(NL_REASON_PIN_LOST), 1);
	assert_int_equal(nl_production_revoke_reason(NL_REASON_ID_UPDATE), 3);
	assert_int_equal(nl_production_revoke_reason(NL_REASON_HW_FAILURE), 4);
	assert_int_equal(nl_production_revoke_reason(NL_REASON_FIRST), 0);
	assert_int_equal(nl_production_revoke_reason(NL_REASON_RENEWAL), 0);
	assert_int_equal(nl_production_revoke_reason(NL_REASON_OTHER), 0);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_schedule_rules),
		FX_TEST(test_claim_once),
		FX_TEST(test_node_reclaim),
		FX_TEST(test_node_id),
		FX_TEST(test_pin_letter_once),
		FX_TEST(test_shipping),
		FX_TEST(test_expiry_notice_once),
		FX_TEST(test_revoke_reasons),
	};
	return fx_main("test_production_app", tests, sizeof tests / sizeof tests[0]);
}
