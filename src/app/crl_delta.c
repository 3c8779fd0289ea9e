/* Delta CRLs (crl_delta.h): the base CRL's entries against the database's
 * revoked and suspended certificates, both sorted by serial and merged. */
#include "app/crl_delta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "pki/crl.h"

struct ent {
	uint8_t serial[20];
	size_t len;          /* leading zeros stripped */
	int64_t at;
	int reason;          /* as the CRL carries it: 0 = no reasonCode */
};

struct ents { struct ent *v; size_t n, cap; };

static NL_MUST_USE nl_err push(struct ents *l, const uint8_t *serial, size_t len, int64_t at, int reason)
{
	while (len > 1 && serial[0] == 0) { serial++; len--; }
	if (len < 1 || len > 20) return NL_ERR_INVALID;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct ent *v = realloc(l->v, cap * sizeof *v);
		if (!v) return NL_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	struct ent *e = &l->v[l->n++];
	memcpy(e->serial, serial, len);
	e->len = len;
	e->at = at;
	e->reason = reason;
	return NL_OK;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A serial the list cannot hold is an error, never a skip (as for the
 * complete CRL): a delta that leaves out a revocation says nothing changed. */
static NL_MUST_USE nl_err from_store(void *ctx, const char *hex, int64_t at, int reason)
{
	uint8_t b[20];
	size_t n = strlen(hex);
	if (n % 2 || n < 2 || n > 40) return NL_ERR_INVALID;
	for (size_t i = 0; i < n / 2; i++) {
		int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);
		if (h < 0 || l < 0) return NL_ERR_INVALID;
		b[i] = (uint8_t)(h << 4 | l);
	}
	int code = nl_crl_reason_ext(reason);
	return push(ctx, b, n / 2, at, code > 0 ? code : 0);
}

static NL_MUST_USE nl_err from_crl(void *ctx, const uint8_t *serial, size_t len, int64_t at, int reason)
{
	return push(ctx, serial, len, at, reason);
}

static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	if (x->len != y->len) return x->len < y->len ? -1 : 1;
	return memcmp(x->serial, y->serial, x->len);
}

/* The delta's entries: what differs from the base, removeFromCRL for what
 * left the list. out->v[i] point into cur and base, which outlive out. */
static NL_MUST_USE nl_err diff(struct ents *cur, struct ents *base, int64_t now, struct nl_revoked **out,
                               size_t *n)
{
	size_t i = 0, j = 0, k = 0;
	if (cur->n > 1) qsort(cur->v, cur->n, sizeof *cur->v, cmp_ent);
	if (base->n > 1) qsort(base->v, base->n, sizeof *base->v, cmp_ent);
	struct nl_revoked *r = calloc(cur->n + base->n + 1, sizeof *r);
	if (!r) return NL_ERR_NOMEM;
	while (i < cur->n || j < base->n) {
		int c = i == cur->n ? 1 : j == base->n ? -1 : cmp_ent(&cur->v[i], &base->v[j]);
		if (c < 0 || (c == 0 && cur->v[i].reason != base->v[j].reason)) {
			/* new since the base, or its reason changed (hold -> revoked) */
			r[k++] = (struct nl_revoked){cur->v[i].serial, cur->v[i].len, cur->v[i].at, cur->v[i].reason};
		} else if (c > 0) {
			/* listed in the base, good now: a released suspension
			 * (RFC 5280 5.3.1 removeFromCRL). Its date is the release's
			 * delta, not the original hold. */
			r[k++] = (struct nl_revoked){base->v[j].serial, base->v[j].len, now, NL_REASON_REMOVE_FROM_CRL};
		}
		if (c <= 0) i++;
		if (c >= 0) j++;
	}
	*out = r;
	*n = k;
	return NL_OK;
}

nl_err nl_ca_publish_delta_crl(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                               int64_t validity, int64_t *entries, int64_t *base_out)
{
	return nl_ca_publish_delta_after(app, sg, ca, now, validity, 0, entries, base_out);
}

nl_err nl_ca_publish_delta_after(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                                 int64_t validity, int64_t just_published, int64_t *entries,
                                 int64_t *base_out)
{
	struct ents cur = {0}, base = {0};
	struct nl_revoked *r = NULL;
	size_t n = 0;
	nl_buf base_der = NL_BUF_INIT, tbs = NL_BUF_INIT, der = NL_BUF_INIT;
	int64_t base_no = 0, number = 0;
	char path[700];
	nl_conn *c;
	nl_err rc;
	if (!ca->urls.delta_crl) return NL_ERR_CONFIG;
	if ((rc = nl_db_conn(app->db, &c))) return rc;
	if ((rc = nl_store_crl_delta_base(c, now, &base_no, &base_der))) goto out;
	if (base_no == just_published) {
		/* based on the complete CRL just made from the same rows: nothing
		 * changed since (a change meanwhile makes the next tick publish
		 * both again), so no second pass over a list of millions */
		n = 0;
	} else {
		if ((rc = nl_pki_crl_each(base_der.data, base_der.len, from_crl, &base))) goto out;
		if ((rc = nl_store_cert_each_revoked(c, from_store, &cur))) {
			if (rc == NL_ERR_INVALID)
				fprintf(stderr, "{\"crl\":\"delta not published\",\"error\":\"unparseable revoked serial\"}\n");
			goto out;
		}
		if ((rc = diff(&cur, &base, now, &r, &n))) goto out;
	}
	if ((rc = nl_store_crl_next_number(c, &number))) goto out;
	struct nl_crl_opts o = {.number = number, .this_update = now, .next_update = now + validity,
	                        .base_number = base_no};
	if ((rc = nl_pki_crl_tbs_opts(ca->issuing, r, n, &o, &tbs))) goto out;
	if ((rc = nl_signer_call(sg, NL_SIGNER_CRL, tbs.data, tbs.len, &der))) goto out;
	if ((rc = nl_store_crl_insert_delta(c, number, base_no, now, now + validity, (int64_t)n, der.data, der.len)))
		goto out;
	snprintf(path, sizeof path, "%s/repo/issuing-delta.crl", ca->conf.dir);
	rc = nl_write_file(path, der.data, der.len, 0644);
	if (entries) *entries = (int64_t)n;
	if (base_out) *base_out = base_no;
out:
	free(r);
	free(cur.v);
	free(base.v);
	nl_buf_free(&base_der);
	nl_buf_free(&tbs);
	nl_buf_free(&der);
	return rc;
}

nl_err nl_ca_delta_crl_tick(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                            int64_t validity, int64_t margin)
{
	nl_conn *c;
	int64_t number = 0, next = 0, full = 0;
	if (!ca->urls.delta_crl) return NL_OK;
	nl_err rc = nl_db_conn(app->db, &c);
	if (rc) return rc;
	rc = nl_store_crl_latest(c, &full, NULL, NULL);
	if (rc == NL_ERR_NOT_FOUND) return NL_OK;   /* nothing to base a delta on yet */
	if (rc) return rc;
	rc = nl_store_crl_latest_delta(c, &number, NULL, NULL, &next);
	if (rc && rc != NL_ERR_NOT_FOUND) return rc;
	/* A status change makes a complete CRL first (nl_ca_crl_tick), and so a
	 * complete CRL newer than the delta. */
	if (rc == NL_OK && number > full && next - now > margin) return NL_OK;
	return nl_ca_publish_delta_crl(app, sg, ca, now, validity, NULL, NULL);
}
