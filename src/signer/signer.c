/* The policy gate in front of the CA keys. The issuing key signs only
 * certificates of the qualified person profile that pass the linter, OCSP
 * responder certificates that pass theirs, complete and delta CRLs of this CA
 * that pass the CRL linter, and audit
 * checkpoints whose text it writes itself (never a digest or bytes chosen by
 * the caller); the OCSP key signs only OCSP responses. The root key is never
 * loaded here. */
#include "signer/signer.h"
#include "core/audit.h"
#include "pki/crl.h"
#include "pki/ocsp.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ca->ocsp changes when the responder's certificate is renewed (below): each
 * OCSP signature takes its own reference under this lock. */
static pthread_mutex_t responder_lock = PTHREAD_MUTEX_INITIALIZER;

/* A renewed responder certificate for our OCSP key takes over at once; the
 * caller writes it to DIR/ca/ocsp.pem for the next start. */
static void adopt_responder(struct nl_ca *ca, const nl_buf *der)
{
	nl_pki_cert *c = NULL;
	if (nl_pki_cert_parse(der->data, der->len, &c) || !nl_pki_key_matches(ca->ocsp_key, c)) {
		nl_pki_cert_free(c);
		return;
	}
	pthread_mutex_lock(&responder_lock);
	nl_pki_cert *old = ca->ocsp;
	ca->ocsp = c;
	pthread_mutex_unlock(&responder_lock);
	nl_pki_cert_free(old);   /* signatures in flight hold their own reference */
}

static void failures(const struct nl_lint *l, nl_buf *out)
{
	nl_buf_reset(out);
	for (int i = 0; i < l->count; i++)
		nl_buf_printf(out, "%s\n", l->failure[i]);
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The caller names only (seq, head hash, time); the signed bytes are the
 * tagged checkpoint line, which starts with ASCII and so can never be taken
 * for a certificate or CRL (DER, 0x30). */
static NL_MUST_USE nl_err audit_checkpoint(struct nl_ca *ca, const uint8_t *req, size_t len, nl_buf *out)
{
	int64_t now = (int64_t)time(NULL), seq, at;
	if (len != NL_SIGNER_CHECKPOINT_LEN) {
		nl_buf_puts(out, "checkpoint: malformed request\n");
		return NL_ERR_INVALID;
	}
	/* Both travel as u64; above INT64_MAX they are out of range, and only
	 * below it does the cast to int64_t keep the value. */
	uint64_t seq_u = get_u64(req), at_u = get_u64(req + 8 + NL_AUDIT_HASH_LEN);
	seq = seq_u <= INT64_MAX ? (int64_t)seq_u : -1;
	at = at_u <= INT64_MAX ? (int64_t)at_u : -1;
	if (seq < 1 || at < now - NL_SIGNER_CHECKPOINT_SKEW || at > now + NL_SIGNER_CHECKPOINT_SKEW) {
		nl_buf_puts(out, "checkpoint: sequence or time out of range\n");
		return NL_ERR_INVALID;
	}
	nl_buf msg = NL_BUF_INIT;
	nl_audit_cp_message(seq, req + 8, at, &msg);
	nl_err rc = msg.oom ? NL_ERR_NOMEM : nl_pki_sign_message(ca->issuing_key, msg.data, msg.len, out);
	fprintf(stderr, "{\"time\":%lld,\"signer\":\"audit-checkpoint\",\"seq\":%lld,\"result\":\"%s\"}\n",
	        (long long)now, (long long)seq, rc ? nl_err_code(rc) : "signed");
	nl_buf_free(&msg);
	return rc;
}

nl_err nl_signer_handle(struct nl_ca *ca, uint8_t op, const void *req, size_t len, nl_buf *out)
{
	struct nl_lint lint;
	nl_err rc;
	nl_buf_reset(out);
	switch (op) {
	case NL_SIGNER_PING:
		nl_buf_puts(out, "pong");
		return NL_OK;
	case NL_SIGNER_CERT:
	case NL_SIGNER_OCSP_CERT: {
		char serial[64] = "?";
		rc = nl_pki_lint_and_sign(ca->issuing_key, req, len, ca->issuing,
		                          op == NL_SIGNER_CERT ? NL_LINT_PERSON : NL_LINT_OCSP_RESPONDER,
		                          &lint, out, serial);
		/* One line per certificate decision: what the issuing key signed or refused. */
		fprintf(stderr, "{\"time\":%lld,\"signer\":\"%s\",\"serial\":\"%s\",\"result\":\"%s\",\"failures\":%d}\n",
		        (long long)time(NULL), op == NL_SIGNER_CERT ? "certificate" : "ocsp-responder", serial,
		        rc ? nl_err_code(rc) : "signed", lint.count);
		if (rc == NL_ERR_INVALID) failures(&lint, out);
		if (!rc && op == NL_SIGNER_OCSP_CERT) adopt_responder(ca, out);
		return rc;
	}
	case NL_SIGNER_CRL: {
		/* complete and delta CRLs alike: the CRL linter (pki/crl_lint.c)
		 * judges the whole list before the issuing key signs it */
		bool delta = false;
		rc = nl_pki_crl_lint(req, len, ca->issuing, &lint, &delta);
		if (!rc) rc = nl_pki_sign_crl(ca->issuing_key, req, len, out);
		fprintf(stderr, "{\"time\":%lld,\"signer\":\"%s\",\"bytes\":%zu,\"result\":\"%s\",\"failures\":%d}\n",
		        (long long)time(NULL), delta ? "delta-crl" : "crl", len, rc ? nl_err_code(rc) : "signed",
		        lint.count);
		if (rc == NL_ERR_INVALID) failures(&lint, out);
		return rc;
	}
	case NL_SIGNER_OCSP: {
		struct nl_ocsp_status st;
		if ((rc = nl_ocsp_status_decode(req, len, &st))) {
			nl_buf_puts(out, "OCSP: malformed status description\n");
			return rc;
		}
		pthread_mutex_lock(&responder_lock);
		nl_pki_cert *responder = nl_pki_cert_ref(ca->ocsp);
		pthread_mutex_unlock(&responder_lock);
		rc = responder ? nl_pki_ocsp_sign_status(ca->ocsp_key, responder, ca->issuing, &st, out) : NL_ERR_NOMEM;
		nl_pki_cert_free(responder);
		nl_ocsp_status_clear(&st);
		return rc;
	}
	case NL_SIGNER_AUDIT_CHECKPOINT:
		return audit_checkpoint(ca, req, len, out);
	}
	nl_buf_puts(out, "unknown request\n");
	return NL_ERR_INVALID;
}
