/* Kilit Çözme (selfservice.h): the one-time unblock code that nitelik-imza
 * --unblock asks for before it resets a blocked card's PIN with the PUK.
 *
 * The code only says "the holder asked for this, from his Online İşlemler,
 * lately": the card itself is opened by the PUK (the token's SO PIN), which
 * never reaches the server. The code is 12 random digits, kept as a keyed hash
 * (context "unblock"), tied to the person and one certificate, valid
 * NL_UNBLOCK_TTL seconds, used once. Unknown codes are counted per address
 * (throttle door "unblock") so they cannot be guessed.
 *
 * A code is spent only by a successful unblock: nitelik-imza first checks it
 * (nl_ss_unblock_check: which certificate, nothing changed), then finds that
 * certificate on the card, sets the new PIN, and only then uses the code
 * (nl_ss_unblock_use). A wrong PUK, another card or a PIN the card refuses
 * leave the code as it was, so a holder's slip does not cost him a code. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/selfservice.h"
#include "store/install_key.h"
#include "core/secret.h"
#include "core/validate.h"
#include "store/store_audit.h"
#include "store/store_certs.h"

#define DOOR_UNBLOCK "unblock"

struct issue_args {
	int64_t person_id, cert_id, now, expires_at;
	const char *serial, *hash;
};

static NL_MUST_USE nl_err issue_tx(nl_conn *c, void *ctx)
{
	struct issue_args *a = ctx;
	char actor[48];
	nl_err rc = nl_store_unblock_insert(c, a->person_id, a->serial, a->hash, a->now,
	                                    a->expires_at, NULL);
	if (rc)
		return rc;
	snprintf(actor, sizeof actor, "holder:%" PRId64, a->person_id);
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "certificate", .entity_id = a->cert_id,
		.action = "unblock_code", .from = "", .to = "issued", .reason = "Kilit Çözme",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_ss_unblock_issue(const struct nl_app *app, int64_t person_id, const char *serial, int64_t now,
                           char code[NL_UNBLOCK_DIGITS + 1], int64_t *expires_at)
{
	nl_db *db = app->db;
	struct nl_ss_cert cert;
	char hash[NL_KEYED_HEX_LEN];
	nl_err rc = nl_ss_cert(app, person_id, serial, &cert);
	if (rc)
		return rc;
	if (!strcmp(cert.status, "revoked") || cert.not_after <= now)
		return NL_ERR_TRANSITION;   /* no card worth opening */
	nl_random_digits(NL_UNBLOCK_DIGITS, code);
	if ((rc = nl_install_keyed_hash(db, "unblock", code, hash)) != NL_OK)
		return rc;
	struct issue_args a = {person_id, cert.id, now, now + NL_UNBLOCK_TTL, cert.serial, hash};
	rc = nl_store_run_tx(db, issue_tx, &a);
	if (rc == NL_OK && expires_at)
		*expires_at = a.expires_at;
	return rc;
}

struct use_args {
	int64_t now;
	const char *hash;
	enum nl_unblock_outcome *out;
	char *serial;
	bool spend;       /* false: only check (nl_ss_unblock_check) */
	nl_buf *der;      /* the certificate, when checking */
};

static NL_MUST_USE nl_err use_tx(nl_conn *c, void *ctx)
{
	struct use_args *a = ctx;
	struct nl_unblock_code u;
	nl_err rc = nl_store_unblock_by_hash(c, a->hash, &u);
	if (rc == NL_ERR_NOT_FOUND || (rc == NL_OK && !strcmp(u.status, "replaced"))) {
		*a->out = NL_UNBLOCK_UNKNOWN;
		return NL_OK;
	}
	if (rc)
		return rc;
	if (!strcmp(u.status, "used")) {
		*a->out = NL_UNBLOCK_USED;
		return NL_OK;
	}
	if (u.expires_at <= a->now) {
		*a->out = NL_UNBLOCK_EXPIRED;
		return NL_OK;
	}
	if (!a->spend) {
		struct nl_cert_row cert = {0};
		if ((rc = nl_store_cert_get(c, u.cert_serial, &cert)) == NL_ERR_NOT_FOUND) {
			*a->out = NL_UNBLOCK_UNKNOWN;
			return NL_OK;
		}
		if (rc)
			return rc;
		if (a->der)
			nl_buf_append(a->der, cert.der, cert.der_len);
		nl_cert_row_clear(&cert);
		if (a->der && a->der->oom)
			return NL_ERR_NOMEM;
		snprintf(a->serial, 64, "%s", u.cert_serial);
		*a->out = NL_UNBLOCK_OK;
		return NL_OK;
	}
	if ((rc = nl_store_unblock_use(c, u.id, a->now)) == NL_ERR_CONFLICT) {
		*a->out = NL_UNBLOCK_USED; /* another spend came first */
		return NL_OK;
	}
	if (rc)
		return rc;
	char actor[48];
	snprintf(actor, sizeof actor, "holder:%" PRId64, u.person_id);
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "unblock_code", .entity_id = u.id,
		.action = "unblock_code", .from = "issued", .to = "used",
		.reason = "nitelik-imza --unblock",
	};
	if ((rc = nl_store_audit_append(c, &rec)) != NL_OK)
		return rc;
	snprintf(a->serial, 64, "%s", u.cert_serial);
	*a->out = NL_UNBLOCK_OK;
	return NL_OK;
}

static NL_MUST_USE nl_err unblock_code(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                           const char *addr, int64_t now, enum nl_unblock_outcome *out,
                           char serial[64], bool spend, nl_buf *der)
{
	nl_db *db = app->db;
	char hash[NL_KEYED_HEX_LEN];
	serial[0] = '\0';
	nl_err rc = nl_throttle_check(app, pol, DOOR_UNBLOCK, NULL, addr, now, NULL);
	if (rc == NL_ERR_LOCKED) {
		*out = NL_UNBLOCK_LOCKED;
		return NL_OK;
	}
	if (rc)
		return rc;
	if (!code || strlen(code) != NL_UNBLOCK_DIGITS || !nl_all_digits(code)) {
		*out = NL_UNBLOCK_UNKNOWN;
	} else {
		if ((rc = nl_install_keyed_hash(db, "unblock", code, hash)) != NL_OK)
			return rc;
		struct use_args a = {now, hash, out, serial, spend, der};
		if ((rc = nl_store_run_tx(db, use_tx, &a)) != NL_OK)
			return rc;
	}
	if (*out != NL_UNBLOCK_OK)
		nl_err_ignore(nl_throttle_fail(app, pol, DOOR_UNBLOCK, NULL, addr, now, NULL));
	return NL_OK;
}

nl_err nl_ss_unblock_check(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                           const char *addr, int64_t now, enum nl_unblock_outcome *out,
                           char serial[64], nl_buf *der)
{
	return unblock_code(app, pol, code, addr, now, out, serial, false, der);
}

nl_err nl_ss_unblock_use(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                         const char *addr, int64_t now, enum nl_unblock_outcome *out,
                         char serial[64])
{
	return unblock_code(app, pol, code, addr, now, out, serial, true, NULL);
}
