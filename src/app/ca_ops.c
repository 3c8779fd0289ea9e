/* CA use cases: issuance, CRLs, OCSP. */
#include "app/ca_ops.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/crl_delta.h"
#include "pki/crl.h"
#include "pki/ocsp.h"
#include "core/file.h"

static NL_MUST_USE nl_err issue_serial(nl_conn *c, uint8_t serial[NL_SERIAL_LEN], char hex[2 * NL_SERIAL_LEN + 1])
{
	/* 127 random bits almost never collide; the database has the last word. */
	for (int tries = 0; tries < 8; tries++) {
		nl_pki_serial_random(serial);
		nl_pki_hex(serial, NL_SERIAL_LEN, hex);
		nl_err rc = nl_store_serial_reserve(c, hex);
		if (rc != NL_ERR_CONFLICT) return rc;
	}
	return NL_ERR_CONFLICT;
}

/* RFC 4514 string of the subject, as OpenSSL prints it, without parsing the
 * signed certificate again (display and search only). */
static void put_rdn_value(nl_buf *b, const char *v)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (strchr(",+\"\\<>;", c) || (i == 0 && (c == '#' || c == ' ')) || (i == n - 1 && c == ' '))
			nl_buf_putc(b, '\\');
		nl_buf_putc(b, c);
	}
}

static char *subject_string(const struct nl_holder *h, const char *cn, const char *idn)
{
	nl_buf b = NL_BUF_INIT;
	nl_buf_puts(&b, "CN=");
	put_rdn_value(&b, cn);
	nl_buf_puts(&b, ",SN=");
	put_rdn_value(&b, h->surname);
	nl_buf_puts(&b, ",GN=");
	put_rdn_value(&b, h->given_name);
	nl_buf_printf(&b, ",serialNumber=%s,C=TR", idn);
	return nl_buf_take(&b);
}

nl_err nl_ca_issue(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, const struct nl_issue_req *r,
                   struct nl_cert_row *out, nl_buf *failures)
{
	nl_db *db = app->db;
	struct nl_person_cert_req pr = {.person = r->holder, .urls = &ca->urls,
	                                .not_before = r->not_before, .not_after = r->not_after};
	nl_buf spki = NL_BUF_INIT, tbs = NL_BUF_INIT, der = NL_BUF_INIT;
	char hex[2 * NL_SERIAL_LEN + 1], idn[64], attr[64];
	nl_conn *c;
	nl_err rc;
	memset(out, 0, sizeof *out);
	if (ca->issue_refusal[0]) {
		/* nl_ca_configure judged the [ca] keys: no certificate with a
		 * placeholder policy or dead links. */
		nl_buf_printf(failures, "configuration: %s\n", ca->issue_refusal);
		return NL_ERR_CONFIG;
	}
	if ((rc = nl_db_conn(db, &c))) return rc;
	if (r->spki) {
		/* production generated the key on the card itself: no proof of
		 * possession needed; the linter still judges the key */
		nl_buf_append(&spki, r->spki, r->spki_len);
	} else if ((rc = nl_pki_csr_spki(r->csr, r->csr_len, &spki))) {
		nl_buf_puts(failures, "CSR: unreadable or its signature does not verify\n");
		goto out;
	}
	if (r->renew_serial) {
		/* A renewal starts the second after the old certificate's last one
		 * (its notAfter is inside its period), so the periods tile. */
		struct nl_cert_row old;
		if ((rc = nl_store_cert_get(c, r->renew_serial, &old))) goto out;
		int64_t len = r->not_after - r->not_before;
		pr.not_before = old.not_after + 1;
		pr.not_after = pr.not_before + len;
		nl_cert_row_clear(&old);
	}
	if (r->years) {
		/* the one validity rule: whole ordered years - 1 s */
		pr.not_after = nl_pki_validity_end(pr.not_before, r->years);
		if (!pr.not_after) {
			nl_buf_puts(failures, "validity: the period must be 1, 2 or 3 years\n");
			rc = NL_ERR_INVALID;
			goto out;
		}
	}
	if ((rc = nl_pki_person_serial_attr(&r->holder, idn)) ||
	    (rc = nl_pki_person_subject_serial(&r->holder, ca->urls.serial_form, attr))) {
		nl_buf_puts(failures, "subject: T.C. or passport number is not valid\n");
		goto out;
	}
	pr.spki = (const uint8_t *)spki.data;
	pr.spki_len = spki.len;
	if ((rc = issue_serial(c, pr.serial, hex))) goto out;
	if ((rc = nl_pki_person_tbs(&pr, ca->issuing, &tbs))) {
		nl_buf_puts(failures, "profile: the certificate could not be built from this request\n");
		goto out;
	}
	rc = nl_signer_call(sg, NL_SIGNER_CERT, tbs.data, tbs.len, &der);
	if (rc) {
		nl_buf_append(failures, der.data, der.len);
		goto out;
	}
	snprintf(out->serial, sizeof out->serial, "%s", hex);
	snprintf(out->kind, sizeof out->kind, "person");
	out->not_before = pr.not_before;
	out->not_after = pr.not_after;
	if (r->holder.common_name) {
		out->common_name = strdup(r->holder.common_name);
	} else {
		size_t n = strlen(r->holder.given_name) + strlen(r->holder.surname) + 2;
		out->common_name = malloc(n);
		if (out->common_name) snprintf(out->common_name, n, "%s %s", r->holder.given_name, r->holder.surname);
	}
	out->subject = out->common_name ? subject_string(&r->holder, out->common_name, attr) : NULL;
	out->email = strdup(r->email ? r->email : "");
	out->id_number = strdup(idn);   /* the stored form, whatever the certificate's */
	out->institution_id = r->institution_id;
	out->order_id = r->order_id;
	out->publish = r->publish;
	out->der_len = der.len;
	out->der = (uint8_t *)nl_buf_take(&der);
	snprintf(out->status, sizeof out->status, "good");
	if (!out->subject || !out->common_name || !out->email || !out->id_number || !out->der) {
		rc = NL_ERR_NOMEM;
		goto out;
	}
	rc = nl_store_cert_insert(db, out, r->actor);
out:
	if (rc) nl_cert_row_clear(out);
	nl_buf_free(&spki); nl_buf_free(&tbs); nl_buf_free(&der);
	return rc;
}

/* ---- CRL ---- */

struct revoked_list {
	struct nl_revoked *v;
	uint8_t *serials;        /* 20 bytes a serial, packed */
	size_t n, cap;
};

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A serial the list cannot hold is an error, never a skip: a CRL that leaves
 * out a revoked certificate says it is valid. RFC 5280 4.1.2.2: at most 20
 * octets. */
static NL_MUST_USE nl_err collect_revoked(void *ctx, const char *hex, int64_t at, int reason)
{
	struct revoked_list *l = ctx;
	size_t n = strlen(hex), len = n / 2;
	bool ok = n % 2 == 0 && len >= 1 && len <= 20;
	for (size_t i = 0; ok && i < n; i++) ok = hex_digit(hex[i]) >= 0;
	if (!ok) {
		/* Shown with anything but letters and digits as '?': the log line
		 * stays JSON whatever the database holds. */
		char shown[65];
		size_t k = 0;
		for (; k < n && k < sizeof shown - 1; k++)
			shown[k] = isalnum((unsigned char)hex[k]) ? hex[k] : '?';
		shown[k] = '\0';
		fprintf(stderr, "{\"crl\":\"not published\",\"error\":\"unparseable revoked serial\","
		        "\"serial\":\"%s\",\"length\":%zu}\n", shown, n);
		return NL_ERR_INVALID;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct nl_revoked *v = realloc(l->v, cap * sizeof *v);
		if (!v) return NL_ERR_NOMEM;
		l->v = v;
		uint8_t *s = realloc(l->serials, cap * 20);
		if (!s) return NL_ERR_NOMEM;
		l->serials = s;
		l->cap = cap;
	}
	uint8_t *dst = l->serials + l->n * 20;
	for (size_t i = 0; i < len; i++)
		dst[i] = (uint8_t)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
	l->v[l->n] = (struct nl_revoked){NULL, len, at, reason};
	l->n++;
	return NL_OK;
}

nl_err nl_ca_publish_crl(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                         int64_t validity, int64_t *entries)
{
	nl_db *db = app->db;
	struct revoked_list l = {0};
	nl_buf tbs = NL_BUF_INIT, der = NL_BUF_INIT;
	int64_t number = 0;
	char path[700];
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc) return rc;
	if ((rc = nl_store_cert_each_revoked(c, collect_revoked, &l))) goto out;
	for (size_t i = 0; i < l.n; i++) l.v[i].serial = l.serials + i * 20;   /* after the last realloc */
	if ((rc = nl_store_crl_next_number(c, &number))) goto out;
	struct nl_crl_opts o = {.number = number, .this_update = now, .next_update = now + validity,
	                        .freshest = ca->urls.delta_crl};   /* freshestCRL: where the deltas are */
	if ((rc = nl_pki_crl_tbs_opts(ca->issuing, l.v, l.n, &o, &tbs))) goto out;
	if ((rc = nl_signer_call(sg, NL_SIGNER_CRL, tbs.data, tbs.len, &der))) goto out;
	if ((rc = nl_store_crl_insert(c, number, now, now + validity, (int64_t)l.n, der.data, der.len)))
		goto out;
	snprintf(path, sizeof path, "%s/repo/issuing.crl", ca->conf.dir);
	rc = nl_write_file(path, der.data, der.len, 0644);
	if (entries) *entries = (int64_t)l.n;
	/* A delta numbered after it, so that the delta at the freshestCRL URL
	 * always goes with the newest complete CRL (crl_delta.h). */
	if (!rc && ca->urls.delta_crl)
		rc = nl_ca_publish_delta_after(app, sg, ca, now, NL_CRL_DELTA_VALIDITY, number, NULL, NULL);
out:
	free(l.v);
	free(l.serials);
	nl_buf_free(&tbs);
	nl_buf_free(&der);
	return rc;
}

nl_err nl_ca_crl_tick(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                      int64_t validity, int64_t margin)
{
	nl_db *db = app->db;
	nl_conn *c;
	int64_t this_update = 0, next = 0, changed = 0;
	nl_err rc = nl_db_conn(db, &c);
	if (rc) return rc;
	rc = nl_store_crl_latest_times(c, &this_update, &next);
	if (rc && rc != NL_ERR_NOT_FOUND) return rc;
	if (rc == NL_OK) {
		/* Due, or a status changed since the newest CRL was made. A change in
		 * the CRL's own second counts as newer: one CRL too many rather than
		 * a revocation missed. */
		nl_err rc2 = nl_store_cert_last_change(c, &changed);
		if (rc2) return rc2;
		if (next - now > margin && changed < this_update)
			return nl_ca_delta_crl_tick(app, sg, ca, now, NL_CRL_DELTA_VALIDITY, NL_CRL_DELTA_VALIDITY / 2);
	}
	return nl_ca_publish_crl(app, sg, ca, now, validity, NULL);
}

/* ---- OCSP ---- */

/* The status and its version, read in one row: the version says which status
 * an answer was signed from (nl_store_ocsp_put). */
static NL_MUST_USE nl_err status_of(nl_conn *c, const char *serial, struct nl_ocsp_status *st, int64_t *version)
{
	struct nl_cert_row r;
	nl_err rc = nl_store_cert_get(c, serial, &r);
	*version = -1;
	if (rc == NL_ERR_NOT_FOUND) {
		st->status = NL_OCSP_UNKNOWN;   /* never issued by us */
		return NL_OK;
	}
	if (rc) return rc;
	*version = r.status_version;
	if (!strcmp(r.status, "good")) {
		st->status = NL_OCSP_GOOD;
	} else {
		st->status = NL_OCSP_REVOKED;
		st->revoked_at = r.revoked_at;
		st->reason = !strcmp(r.status, "hold") ? 6 : (uint8_t)r.reason;
	}
	nl_cert_row_clear(&r);
	return NL_OK;
}

static NL_MUST_USE nl_err sign_status(nl_signer *sg, struct nl_ocsp_status *st, nl_buf *resp)
{
	nl_buf payload = NL_BUF_INIT;
	if (!sg) return NL_ERR_IO;
	nl_err rc = nl_ocsp_status_encode(st, &payload);
	if (!rc) rc = nl_signer_call(sg, NL_SIGNER_OCSP, payload.data, payload.len, resp);
	nl_buf_free(&payload);
	return rc;
}

nl_err nl_ca_ocsp_answer(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, const void *req,
                         size_t len, int64_t now, nl_buf *resp, bool *cacheable,
                         int64_t *this_update, int64_t *next_update)
{
	nl_db *db = app->db;
	struct nl_ocsp_req q;
	struct nl_ocsp_status st;
	int err_status = NL_OCSP_INTERNAL;
	int64_t version;   /* not needed: a live answer is not stored */
	nl_conn *c;
	nl_err rc = NL_OK;
	*cacheable = false;
	memset(&st, 0, sizeof st);
	nl_buf_reset(resp);
	if ((rc = nl_pki_ocsp_parse(req, len, ca->issuing, &q, &err_status))) {
		return nl_pki_ocsp_error(err_status, resp);
	}
	if ((rc = nl_db_conn(db, &c))) goto fail;
	if (q.sha1 && q.nonce.len == 0) {
		rc = nl_store_ocsp_get(c, q.serial_hex, now, resp, this_update, next_update);
		if (rc == NL_OK) {
			*cacheable = true;
			goto done;
		}
		nl_buf_reset(resp);
	}
	if ((rc = status_of(c, q.serial_hex, &st, &version))) goto fail;
	snprintf(st.serial_hex, sizeof st.serial_hex, "%s", q.serial_hex);
	st.this_update = now;
	st.next_update = now + NL_OCSP_VALIDITY;
	nl_buf_append(&st.certid, q.certid.data, q.certid.len);
	nl_buf_append(&st.nonce, q.nonce.data, q.nonce.len);
	if ((rc = sign_status(sg, &st, resp))) goto fail;
	*cacheable = q.nonce.len == 0;
	*this_update = st.this_update;
	*next_update = st.next_update;
	goto done;
fail:
	/* The signer or the database is away: "try later" (RFC 6960 2.3). */
	nl_buf_reset(resp);
	if (nl_pki_ocsp_error(rc == NL_ERR_IO || rc == NL_ERR_BUSY ? NL_OCSP_TRY_LATER : NL_OCSP_INTERNAL, resp))
		rc = NL_ERR_IO;   /* not even an error answer: the caller answers 500 */
done:
	nl_ocsp_status_clear(&st);
	nl_ocsp_req_clear(&q);
	return rc == NL_ERR_IO ? NL_ERR_IO : NL_OK;
}

static nl_ca_ocsp_refresh_hook_fn refresh_hook;
static void *refresh_hook_ctx;

void nl_ca_ocsp_set_refresh_hook(nl_ca_ocsp_refresh_hook_fn fn, void *ctx)
{
	refresh_hook = fn;
	refresh_hook_ctx = ctx;
}

struct refresh_ctx {
	nl_conn *c;
	nl_signer *sg;
	int64_t now, validity, count;
	nl_buf resp;
};

/* Signs the certificate's current status and stores the answer unless the
 * status changed meanwhile; then it signs the new status. After a few changes
 * in a row the certificate is left to the next pass: stored is only ever an
 * answer signed from the status the certificate still has. */
static NL_MUST_USE nl_err refresh_one(void *ctx, const char *serial)
{
	struct refresh_ctx *r = ctx;
	nl_err rc = NL_ERR_CONFLICT;
	for (int tries = 0; rc == NL_ERR_CONFLICT && tries < 3; tries++) {
		struct nl_ocsp_status st;
		int64_t version;
		memset(&st, 0, sizeof st);
		rc = status_of(r->c, serial, &st, &version);
		snprintf(st.serial_hex, sizeof st.serial_hex, "%s", serial);
		st.this_update = r->now;
		st.next_update = r->now + r->validity;
		nl_buf_reset(&r->resp);
		if (!rc) rc = sign_status(r->sg, &st, &r->resp);
		if (!rc && refresh_hook) refresh_hook(refresh_hook_ctx, serial);
		if (!rc) rc = nl_store_ocsp_put(r->c, serial, version, st.this_update, st.next_update,
		                                r->resp.data, r->resp.len);
		nl_ocsp_status_clear(&st);
	}
	if (!rc) r->count++;
	return rc == NL_ERR_CONFLICT ? NL_OK : rc;
}

/* Serials are collected first: a statement must not stay open while we write. */
struct serial_list { char (*v)[64]; size_t n, cap; };

static NL_MUST_USE nl_err collect_serial(void *ctx, const char *serial)
{
	struct serial_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *v = realloc(l->v, cap * sizeof *l->v);
		if (!v) return NL_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	snprintf(l->v[l->n++], 64, "%s", serial);
	return NL_OK;
}

nl_err nl_ca_ocsp_refresh(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                          int64_t validity, int64_t margin, int64_t *count)
{
	nl_db *db = app->db;
	struct refresh_ctx r = {.sg = sg, .now = now, .validity = validity};
	struct serial_list l = {0};
	(void)ca;
	nl_err rc = nl_db_conn(db, &r.c);
	if (!rc) rc = nl_store_ocsp_each_stale(r.c, now + margin, collect_serial, &l);
	for (size_t i = 0; !rc && i < l.n; i++) rc = refresh_one(&r, l.v[i]);
	if (count) *count = r.count;
	free(l.v);
	nl_buf_free(&r.resp);
	return rc;
}
