/* The CA's status answers against concurrent status changes, on both engines:
 *  - a revocation (or suspension) that commits while the OCSP refresh is between
 *    reading a certificate's status and storing the answer signed from it must
 *    not leave a "good" answer stored (nl_ca_ocsp_refresh's test hook puts the
 *    change exactly there, from another thread with its own connection);
 *  - the store refuses an answer signed from an older status version;
 *  - the CRL builder refuses a revoked serial it cannot parse (no CRL stored,
 *    none written) instead of leaving it out.
 * The signer is a stand-in that answers each request with its own payload, so
 * a stored "answer" is the status description it was asked to sign. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "pki/ocsp.h"
#include "app/ca_ops.h"
#include "store/store_certs.h"

/* An issuing CA certificate made by `nitelik ca init` (as in fuzz_pki.c): the
 * CRL's issuer. */
static const char issuer_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIC/zCCAoWgAwIBAgIQVgp3CR/S2zi7ir3XyVeJUDAKBggqhkjOPQQDAzBhMQsw\n"
	"CQYDVQQGEwJUUjEVMBMGA1UECgwMTml0ZWxpayBEZW1vMTswOQYDVQQDDDJOaXRl\n"
	"bGlrIERlbW8gS8O2ayBTZXJ0aWZpa2EgSGl6bWV0IFNhxJ9sYXnEsWPEsXPEsTAe\n"
	"Fw0yNjExMjEwODUzMjZaFw0zNjExMTgwOTUzMjZaMHExCzAJBgNVBAYTAlRSMRUw\n"
	"EwYDVQQKDAxOaXRlbGlrIERlbW8xSzBJBgNVBAMMQk5pdGVsaWsgRGVtbyBOaXRl\n"
	"bGlrbGkgRWxla3Ryb25payBTZXJ0aWZpa2EgSGl6bWV0IFNhxJ9sYXnEsWPEsXPE\n"
	"sTB2MBAGByqGSM49AgEGBSuBBAAiA2IABIEvv6IndMthwgtV1nr40Zt+dlrxDvuM\n"
	"F0X68jx0qUQ9/RdZ3AHYvDShSO+d0PC7j+yECjnUxS2+hqYia9czgU1ZvEpf/dRH\n"
	"aVGXoqezP/Yf8zpCWVT9MAKYzKAjUZ3jqqOB8TCB7jASBgNVHRMBAf8ECDAGAQH/\n"
	"AgEAMA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUO1fGIU3O5xBh1dnKc8842Pis\n"
	"PzgwHwYDVR0jBBgwFoAU2Tt5lFBpclv3bv89wC4Fp39CTvEwEQYDVR0gBAowCDAG\n"
	"BgRVHSAAMDQGA1UdHwQtMCswKaAnoCWGI2h0dHA6Ly9sb2NhbGhvc3Q6ODA4MC9y\n"
	"ZXBvL3Jvb3QuY3JsMD8GCCsGAQUFBwEBBDMwMTAvBggrBgEFBQcwAoYjaHR0cDov\n"
	"L2xvY2FsaG9zdDo4MDgwL3JlcG8vcm9vdC5jcnQwCgYIKoZIzj0EAwMDaAAwZQIw\n"
	"QwRmM6BE8hUhueLuTzW1vi5i7gFi3pZQ272LtpaZCmgEQzs413fhTVL03z4jbgoM\n"
	"AjEA2NM6v+ojgPv5MwIdGmDsM1es6SAIHjHpSb9oTMOJErXbEFD+Btz40kFpN8kd\n"
	"8pva\n"
	"-----END CERTIFICATE-----\n"
	;

static char tmp_dir[64], sock_path[100];
static struct nl_ca ca;

/* One connection: every request is answered with its own payload. */
static void *fake_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	nl_buf p = NL_BUF_INIT;
	uint8_t op;
	while (nl_frame_read(fd, &op, &p) == NL_OK)
		if (nl_frame_write(fd, NL_OK, p.data, p.len)) break;
	nl_buf_free(&p);
	close(fd);
	return NULL;
}

/* Each connection on its own thread: a test that fails leaves its own open. */
static void *fake_signer(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	for (;;) {
		pthread_t t;
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR) continue;
			return NULL;
		}
		if (pthread_create(&t, NULL, fake_conn, (void *)(intptr_t)fd)) close(fd);
		else pthread_detach(t);
	}
}

static int start_signer(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	pthread_t t;
	snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ocsp-race-XXXXXX");
	if (!mkdtemp(tmp_dir)) return -1;
	snprintf(sock_path, sizeof sock_path, "%s/signer.sock", tmp_dir);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8)) return -1;
	if (pthread_create(&t, NULL, fake_signer, (void *)(intptr_t)fd)) return -1;
	pthread_detach(t);
	char repo[128];
	snprintf(repo, sizeof repo, "%s/repo", tmp_dir);
	return mkdir(repo, 0700);
}

static void add(struct fx *f, const char *serial)
{
	static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	struct nl_cert_row r = {.not_before = 1000, .not_after = 2000};
	snprintf(r.serial, sizeof r.serial, "%s", serial);
	r.subject = (char *)(uintptr_t)"CN=x";
	r.common_name = (char *)(uintptr_t)"x";
	r.email = (char *)(uintptr_t)"";
	r.id_number = (char *)(uintptr_t)"PNOTR-10000000146";
	r.der = (uint8_t *)(uintptr_t)der;
	r.der_len = sizeof der;
	assert_int_equal(nl_store_serial_reserve(f->c, serial), NL_OK);
	assert_int_equal(nl_store_cert_insert(f->db, &r, "test"), NL_OK);
}

/* The certificate status of the stored answer for serial, -1 if none is stored. */
static int stored_status(struct fx *f, const char *serial, int64_t now)
{
	nl_buf der = NL_BUF_INIT;
	struct nl_ocsp_status st;
	int out = -1;
	memset(&st, 0, sizeof st);
	nl_err rc = nl_store_ocsp_get(f->c, serial, now, &der, NULL, NULL);
	if (rc == NL_OK) {
		assert_int_equal(nl_ocsp_status_decode(der.data, der.len, &st), NL_OK);
		assert_string_equal(st.serial_hex, serial);
		out = st.status;
	} else {
		assert_int_equal(rc, NL_ERR_NOT_FOUND);
	}
	nl_ocsp_status_clear(&st);
	nl_buf_free(&der);
	return out;
}

struct race {
	struct fx *f;
	const char *serial;
	bool suspend;
	int fired;
	nl_err rc;
};

static void *change_status(void *arg)
{
	struct race *r = arg;
	r->rc = r->suspend ? nl_store_cert_suspend(r->f->db, r->serial, 1500, "test", "lost")
	                   : nl_store_cert_revoke(r->f->db, r->serial, 1, 1500, "test", "key lost");
	nl_db_thread_done(r->f->db);
	return NULL;
}

/* Runs in the refresh, after the status of serial was read and signed: the
 * change commits on another connection before the refresh stores its answer. */
static void change_in_between(void *ctx, const char *serial)
{
	struct race *r = ctx;
	pthread_t t;
	if (r->fired || strcmp(serial, r->serial)) return;
	r->fired = 1;
	assert_int_equal(pthread_create(&t, NULL, change_status, r), 0);
	pthread_join(t, NULL);
}

static void refresh_race(void **state, bool suspend)
{
	struct fx *f = fx_get(state);
	nl_signer *sg = NULL;
	int64_t now = 1000, count = 0;
	struct race r = {.f = f, .serial = "C1", .suspend = suspend};
	add(f, "C1");
	add(f, "C2");
	assert_int_equal(nl_signer_connect(sock_path, &sg), NL_OK);
	nl_ca_ocsp_set_refresh_hook(change_in_between, &r);
	nl_err rc = nl_ca_ocsp_refresh(&f->app, sg, &ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, &count);
	nl_ca_ocsp_set_refresh_hook(NULL, NULL);
	assert_int_equal(rc, NL_OK);
	assert_int_equal(r.fired, 1);
	assert_int_equal(r.rc, NL_OK);
	/* Never "good" after the change; the refresh signs the new status at once. */
	assert_int_equal(stored_status(f, "C1", now), NL_OCSP_REVOKED);
	assert_int_equal(stored_status(f, "C2", now), NL_OCSP_GOOD);
	assert_int_equal(count, 2);
	/* The next pass has nothing to do. */
	assert_int_equal(nl_ca_ocsp_refresh(&f->app, sg, &ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, &count), NL_OK);
	assert_int_equal(count, 0);
	assert_int_equal(stored_status(f, "C1", now), NL_OCSP_REVOKED);
	nl_signer_close(sg);
}

static void test_refresh_vs_revoke(void **state) { refresh_race(state, false); }
static void test_refresh_vs_suspend(void **state) { refresh_race(state, true); }

/* The revocation is still open (its row locks held, the old answer deleted but
 * not committed) when the refresh stores its answer; it commits a moment later.
 * On PostgreSQL the put waits for the row and must see the new version then;
 * on SQLite it waits for the writer lock. */
struct open_change {
	struct fx *f;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int in_tx, fired;
	nl_err rc;
	pthread_t t;
};

static NL_MUST_USE nl_err revoke_and_linger(nl_conn *c, void *ctx)
{
	struct open_change *o = ctx;
	(void)c;
	/* joins this transaction (nl_store_run_tx inside one) */
	nl_err rc = nl_store_cert_revoke(o->f->db, "C1", 1, 1500, "test", "key lost");
	if (rc) return rc;
	pthread_mutex_lock(&o->lock);
	o->in_tx = 1;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	struct timespec ms = {0, 300 * 1000 * 1000};
	nanosleep(&ms, NULL);   /* the refresh reaches its put meanwhile */
	return NL_OK;
}

static void *open_revocation(void *arg)
{
	struct open_change *o = arg;
	o->rc = nl_store_run_tx(o->f->db, revoke_and_linger, o);
	pthread_mutex_lock(&o->lock);
	o->in_tx = 1;   /* also when it failed: never leave the refresh waiting */
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	nl_db_thread_done(o->f->db);
	return NULL;
}

static void start_open_revocation(void *ctx, const char *serial)
{
	struct open_change *o = ctx;
	if (o->fired || strcmp(serial, "C1")) return;
	o->fired = 1;
	assert_int_equal(pthread_create(&o->t, NULL, open_revocation, o), 0);
	pthread_mutex_lock(&o->lock);
	while (!o->in_tx) pthread_cond_wait(&o->cond, &o->lock);
	pthread_mutex_unlock(&o->lock);
}

static void test_refresh_vs_open_revocation(void **state)
{
	struct fx *f = fx_get(state);
	nl_signer *sg = NULL;
	int64_t now = 1000, later = now + 3 * 3600, count = 0;
	struct open_change o = {.f = f, .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	add(f, "C1");
	assert_int_equal(nl_signer_connect(sock_path, &sg), NL_OK);
	/* a stored good answer, due again three hours later */
	assert_int_equal(nl_ca_ocsp_refresh(&f->app, sg, &ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, &count), NL_OK);
	assert_int_equal(count, 1);
	assert_int_equal(stored_status(f, "C1", now), NL_OCSP_GOOD);
	nl_ca_ocsp_set_refresh_hook(start_open_revocation, &o);
	nl_err rc = nl_ca_ocsp_refresh(&f->app, sg, &ca, later, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, &count);
	nl_ca_ocsp_set_refresh_hook(NULL, NULL);
	assert_int_equal(o.fired, 1);
	pthread_join(o.t, NULL);
	assert_int_equal(o.rc, NL_OK);
	assert_int_equal(rc, NL_OK);
	assert_int_equal(stored_status(f, "C1", later), NL_OCSP_REVOKED);
	nl_signer_close(sg);
}

/* A CRL with one revoked serial the builder cannot parse next to a good one:
 * no CRL is stored or written. */
static void crl_refuses(void **state, const char *bad)
{
	struct fx *f = fx_get(state);
	nl_signer *sg = NULL;
	int64_t entries = -1;
	char path[200];
	snprintf(path, sizeof path, "%s/repo/issuing.crl", tmp_dir);
	unlink(path);
	add(f, "0A11");
	add(f, bad);
	assert_int_equal(nl_store_cert_revoke(f->db, "0A11", 1, 1500, "test", NULL), NL_OK);
	assert_int_equal(nl_signer_connect(sock_path, &sg), NL_OK);
	/* Only well-formed serials: published. */
	assert_int_equal(nl_ca_publish_crl(&f->app, sg, &ca, 1600, NL_CRL_VALIDITY, &entries), NL_OK);
	assert_int_equal(entries, 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM crls"), 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nl_store_cert_suspend(f->db, bad, 1700, "test", NULL), NL_OK);
	assert_int_not_equal(nl_ca_publish_crl(&f->app, sg, &ca, 1800, NL_CRL_VALIDITY, &entries), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM crls"), 1);
	assert_int_not_equal(access(path, F_OK), 0);
	/* nor by the worker's tick */
	assert_int_not_equal(nl_ca_crl_tick(&f->app, sg, &ca, 1900, NL_CRL_VALIDITY, NL_CRL_VALIDITY / 2), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM crls"), 1);
	nl_signer_close(sg);
}

static void test_crl_refuses_non_hex(void **state) { crl_refuses(state, "0G"); }
static void test_crl_refuses_odd_length(void **state) { crl_refuses(state, "ABC"); }
static void test_crl_refuses_too_long(void **state)
{
	/* 21 octets: RFC 5280 4.1.2.2 allows 20, so never one of ours */
	crl_refuses(state, "010203040506070809101112131415161718192021");
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_refresh_vs_revoke),
		FX_TEST(test_refresh_vs_suspend),
		FX_TEST(test_refresh_vs_open_revocation),
		FX_TEST(test_crl_refuses_non_hex),
		FX_TEST(test_crl_refuses_odd_length),
		FX_TEST(test_crl_refuses_too_long),
	};
	if (nl_pki_cert_parse(issuer_pem, sizeof issuer_pem - 1, &ca.issuing) || start_signer()) {
		fprintf(stderr, "test_ocsp_race: cannot set up the issuer or the stand-in signer\n");
		return 2;
	}
	snprintf(ca.conf.dir, sizeof ca.conf.dir, "%s", tmp_dir);
	snprintf(ca.conf.socket, sizeof ca.conf.socket, "%s", sock_path);
	int rc = fx_main("ocsp_race", tests, sizeof tests / sizeof tests[0]);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
	if (system(cmd)) rc = rc ? rc : 1;
	nl_pki_cert_free(ca.issuing);
	return rc;
}
