/* store_certs on both engines: serials unique, status changes audited and
 * guarded, revoked list, directory search, CRL numbers, OCSP cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/fixture.h"
#include "store/store_audit.h"
#include "store/store_certs.h"

static void add(struct fx *f, const char *serial, const char *cn, const char *email, bool publish)
{
	static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	struct nl_cert_row r = {.not_before = 1000, .not_after = 2000, .publish = publish};
	snprintf(r.serial, sizeof r.serial, "%s", serial);
	r.subject = (char *)(uintptr_t)"CN=x";
	r.common_name = (char *)(uintptr_t)cn;
	r.email = (char *)(uintptr_t)email;
	r.id_number = (char *)(uintptr_t)"PNOTR-10000000146";
	r.der = (uint8_t *)(uintptr_t)der;
	r.der_len = sizeof der;
	assert_int_equal(nl_store_serial_reserve(f->c, serial), NL_OK);
	assert_int_equal(nl_store_cert_insert(f->db, &r, "test"), NL_OK);
	assert_true(r.id > 0);
}

static void test_serial_unique(void **state)
{
	struct fx *f = fx_get(state);
	int64_t changed = -1;
	assert_int_equal(nl_store_cert_last_change(f->c, &changed), NL_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(nl_store_serial_reserve(f->c, "0A0B"), NL_OK);
	assert_int_equal(nl_store_serial_reserve(f->c, "0A0B"), NL_ERR_CONFLICT);
	add(f, "0C0D", "Ayşe Yılmaz", "a@example.com", true);
	/* The certificate row is unique too, even past the reservation. */
	static const uint8_t der[] = {0x30, 0x00};
	struct nl_cert_row r = {.not_before = 1, .not_after = 2, .der = (uint8_t *)(uintptr_t)der, .der_len = 2};
	snprintf(r.serial, sizeof r.serial, "0C0D");
	assert_int_equal(nl_store_cert_insert(f->db, &r, "test"), NL_ERR_CONFLICT);
}

static void test_get_roundtrip(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_cert_row r;
	add(f, "AA01", "Ayşe Yılmaz", "a@example.com", true);
	assert_int_equal(nl_store_cert_get(f->c, "AA01", &r), NL_OK);
	assert_string_equal(r.status, "good");
	assert_string_equal(r.common_name, "Ayşe Yılmaz");
	assert_int_equal(r.der_len, 5);
	assert_true(r.publish);
	assert_int_equal(r.order_id, 0);
	nl_cert_row_clear(&r);
	assert_int_equal(nl_store_cert_get(f->c, "FFFF", &r), NL_ERR_NOT_FOUND);
}

static void test_transitions(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_cert_row r;
	add(f, "BB01", "A B", "", false);
	assert_int_equal(nl_store_cert_release(f->db, "BB01", "t", NULL), NL_ERR_TRANSITION);
	assert_int_equal(nl_store_cert_suspend(f->db, "BB01", 1500, "t", "lost"), NL_OK);
	assert_int_equal(nl_store_cert_suspend(f->db, "BB01", 1500, "t", "again"), NL_ERR_TRANSITION);
	assert_int_equal(nl_store_cert_release(f->db, "BB01", "t", NULL), NL_OK);
	assert_int_equal(nl_store_cert_revoke(f->db, "BB01", 6, 1600, "t", NULL), NL_ERR_INVALID);
	assert_int_equal(nl_store_cert_revoke(f->db, "BB01", 1, 1600, "t", "key lost"), NL_OK);
	assert_int_equal(nl_store_cert_revoke(f->db, "BB01", 4, 1700, "t", NULL), NL_ERR_TRANSITION);
	assert_int_equal(nl_store_cert_suspend(f->db, "BB01", 1700, "t", NULL), NL_ERR_TRANSITION);
	assert_int_equal(nl_store_cert_revoke(f->db, "NOPE", 1, 1600, "t", NULL), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_cert_get(f->c, "BB01", &r), NL_OK);
	assert_string_equal(r.status, "revoked");
	assert_int_equal(r.revoked_at, 1600);
	assert_int_equal(r.reason, 1);
	nl_cert_row_clear(&r);
	int64_t changed = -1;
	assert_int_equal(nl_store_cert_last_change(f->c, &changed), NL_OK);
	assert_true(changed > 0);
	/* create, suspend, release, revoke: four audit records in an intact chain. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'certificate'"), 4);
	int64_t bad;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
}

static NL_MUST_USE nl_err collect(void *ctx, const char *serial, int64_t at, int reason)
{
	char *out = ctx;
	char one[64];
	snprintf(one, sizeof one, "%s:%lld:%d;", serial, (long long)at, reason);
	strcat(out, one);
	return NL_OK;
}

static void test_revoked_list(void **state)
{
	struct fx *f = fx_get(state);
	char out[256] = "";
	add(f, "C1", "A", "", false);
	add(f, "C2", "B", "", false);
	add(f, "C3", "C", "", false);
	assert_int_equal(nl_store_cert_revoke(f->db, "C1", 4, 1100, "t", NULL), NL_OK);
	assert_int_equal(nl_store_cert_suspend(f->db, "C3", 1200, "t", NULL), NL_OK);
	assert_int_equal(nl_store_cert_each_revoked(f->c, collect, out), NL_OK);
	assert_non_null(strstr(out, "C1:1100:4;"));
	assert_non_null(strstr(out, "C3:1200:6;"));
	assert_null(strstr(out, "C2"));
}

static NL_MUST_USE nl_err count_row(void *ctx, const struct nl_cert_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return NL_OK;
}

static void test_directory_search(void **state)
{
	struct fx *f = fx_get(state);
	int n = 0;
	add(f, "D1", "Ayse Yilmaz", "ayse@example.com", true);
	add(f, "D2", "Mehmet Yilmaz", "m@example.com", false);
	add(f, "D3", "100% Real_Name", "", true);
	assert_int_equal(nl_store_cert_search(f->c, "yilmaz", 10, count_row, &n), NL_OK);
	assert_int_equal(n, 1);   /* the unpublished one stays out */
	n = 0;
	assert_int_equal(nl_store_cert_search(f->c, "AYSE@example.com", 10, count_row, &n), NL_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(nl_store_cert_search(f->c, "%", 10, count_row, &n), NL_OK);
	assert_int_equal(n, 1);   /* a literal %, not a wildcard */
	n = 0;
	assert_int_equal(nl_store_cert_search(f->c, "_", 10, count_row, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nl_store_cert_search(f->c, "", 10, count_row, &n), NL_ERR_INVALID);
	assert_int_equal(nl_store_cert_set_publish(f->db, "D2", true), NL_OK);
	n = 0;
	assert_int_equal(nl_store_cert_search(f->c, "yilmaz", 10, count_row, &n), NL_OK);
	assert_int_equal(n, 2);
}

static void test_crls(void **state)
{
	struct fx *f = fx_get(state);
	int64_t num = 0, next = 0;
	nl_buf der = NL_BUF_INIT;
	assert_int_equal(nl_store_crl_latest(f->c, &num, &next, &der), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_crl_next_number(f->c, &num), NL_OK);
	assert_int_equal(num, 1);
	assert_int_equal(nl_store_crl_insert(f->c, 1, 100, 200, 0, "\x30\x00", 2), NL_OK);
	assert_int_equal(nl_store_crl_insert(f->c, 1, 100, 200, 0, "\x30\x00", 2), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_crl_insert(f->c, 2, 150, 250, 3, "\x30\x01\x05", 3), NL_OK);
	assert_int_equal(nl_store_crl_latest(f->c, &num, &next, &der), NL_OK);
	assert_int_equal(num, 2);
	assert_int_equal(next, 250);
	assert_int_equal(der.len, 3);
	/* delta CRLs (migration 0020): the same number sequence, a base below */
	int64_t base = 0, tu = 0;
	assert_int_equal(nl_store_crl_latest_delta(f->c, &num, &base, &tu, &next), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_crl_insert_delta(f->c, 3, 3, 160, 170, 0, "\x30\x00", 2), NL_ERR_INVALID);
	assert_int_equal(nl_store_crl_insert_delta(f->c, 3, 1, 160, 170, 1, "\x30\x01\x01", 3), NL_OK);
	assert_int_equal(nl_store_crl_insert_delta(f->c, 3, 1, 160, 170, 1, "\x30\x00", 2), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_crl_insert(f->c, 3, 160, 260, 0, "\x30\x00", 2), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_crl_next_number(f->c, &num), NL_OK);
	assert_int_equal(num, 4);
	assert_int_equal(nl_store_crl_latest_delta(f->c, &num, &base, &tu, &next), NL_OK);
	assert_true(num == 3 && base == 1 && tu == 160 && next == 170);
	/* the complete CRL stays the newest complete one, deltas left out */
	nl_buf_reset(&der);
	assert_int_equal(nl_store_crl_latest(f->c, &num, &next, &der), NL_OK);
	assert_true(num == 2 && next == 250 && der.len == 3);
	assert_int_equal(nl_store_crl_latest_times(f->c, &tu, &next), NL_OK);
	assert_true(tu == 150 && next == 250);
	/* a delta's base: the oldest complete CRL still valid, else the newest */
	assert_int_equal(nl_store_crl_delta_base(f->c, 120, &num, &der), NL_OK);
	assert_true(num == 1 && der.len == 2);
	assert_int_equal(nl_store_crl_delta_base(f->c, 220, &num, &der), NL_OK);
	assert_true(num == 2 && der.len == 3);
	assert_int_equal(nl_store_crl_delta_base(f->c, 900, &num, &der), NL_OK);
	assert_int_equal(num, 2);
	nl_buf_free(&der);
}

static NL_MUST_USE nl_err count_serial(void *ctx, const char *s)
{
	(void)s;
	(*(int *)ctx)++;
	return NL_OK;
}

static void test_ocsp_cache(void **state)
{
	struct fx *f = fx_get(state);
	nl_buf der = NL_BUF_INIT;
	int64_t tu = 0, nu = 0;
	int n = 0;
	add(f, "E1", "A", "", false);
	add(f, "E2", "B", "", false);
	assert_int_equal(nl_store_ocsp_each_stale(f->c, 1000, count_serial, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(nl_store_ocsp_put(f->c, "E1", 0, 100, 5000, "\x30\x00", 2), NL_OK);
	assert_int_equal(nl_store_ocsp_put(f->c, "E1", 0, 200, 6000, "\x30\x01\x00", 3), NL_OK);
	assert_int_equal(nl_store_ocsp_get(f->c, "E1", 300, &der, &tu, &nu), NL_OK);
	assert_int_equal(der.len, 3);
	assert_int_equal(tu, 200);
	assert_int_equal(nu, 6000);
	assert_int_equal(nl_store_ocsp_get(f->c, "E1", 7000, &der, NULL, NULL), NL_ERR_NOT_FOUND);
	n = 0;
	assert_int_equal(nl_store_ocsp_each_stale(f->c, 1000, count_serial, &n), NL_OK);
	assert_int_equal(n, 1);
	/* A status change drops the cached answer. */
	assert_int_equal(nl_store_cert_revoke(f->db, "E1", 1, 400, "t", NULL), NL_OK);
	assert_int_equal(nl_store_ocsp_get(f->c, "E1", 300, &der, NULL, NULL), NL_ERR_NOT_FOUND);
	nl_buf_free(&der);
}

/* Every status change moves the version on; an answer signed from an older
 * version is neither stored nor served. */
static void test_ocsp_status_version(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_cert_row r;
	nl_buf der = NL_BUF_INIT;
	add(f, "F1", "A", "", false);
	assert_int_equal(nl_store_cert_get(f->c, "F1", &r), NL_OK);
	assert_int_equal(r.status_version, 0);
	nl_cert_row_clear(&r);
	assert_int_equal(nl_store_cert_suspend(f->db, "F1", 1500, "t", NULL), NL_OK);
	assert_int_equal(nl_store_cert_release(f->db, "F1", "t", NULL), NL_OK);
	/* a refused change leaves the version alone */
	assert_int_equal(nl_store_cert_release(f->db, "F1", "t", NULL), NL_ERR_TRANSITION);
	assert_int_equal(nl_store_cert_get(f->c, "F1", &r), NL_OK);
	assert_int_equal(r.status_version, 2);
	assert_string_equal(r.status, "good");
	nl_cert_row_clear(&r);
	/* "good" again, but signed before the suspension: refused */
	assert_int_equal(nl_store_ocsp_put(f->c, "F1", 0, 100, 5000, "\x30\x00", 2), NL_ERR_CONFLICT);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM ocsp_responses"), 0);
	assert_int_equal(nl_store_ocsp_put(f->c, "NOPE", 0, 100, 5000, "\x30\x00", 2), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_ocsp_put(f->c, "F1", 2, 100, 5000, "\x30\x00", 2), NL_OK);
	assert_int_equal(nl_store_ocsp_get(f->c, "F1", 300, &der, NULL, NULL), NL_OK);
	/* A stored answer whose version is not the certificate's is not served. */
	fx_exec(f, "UPDATE ocsp_responses SET status_version = 1 WHERE serial = 'F1'");
	nl_buf_reset(&der);
	assert_int_equal(nl_store_ocsp_get(f->c, "F1", 300, &der, NULL, NULL), NL_ERR_NOT_FOUND);
	assert_int_equal(der.len, 0);
	/* and a stale one replaced by a current one is served again */
	assert_int_equal(nl_store_cert_revoke(f->db, "F1", 1, 1600, "t", NULL), NL_OK);
	assert_int_equal(nl_store_ocsp_put(f->c, "F1", 2, 100, 5000, "\x30\x00", 2), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_ocsp_put(f->c, "F1", 3, 100, 5000, "\x30\x01\x00", 3), NL_OK);
	assert_int_equal(nl_store_ocsp_get(f->c, "F1", 300, &der, NULL, NULL), NL_OK);
	assert_int_equal(der.len, 3);
	nl_buf_free(&der);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_serial_unique),
		FX_TEST(test_get_roundtrip),
		FX_TEST(test_transitions),
		FX_TEST(test_revoked_list),
		FX_TEST(test_directory_search),
		FX_TEST(test_crls),
		FX_TEST(test_ocsp_cache),
		FX_TEST(test_ocsp_status_version),
	};
	return fx_main("certs", tests, sizeof tests / sizeof tests[0]);
}
