/* The holder's certificates and their status changes (selfservice.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pwhash_pool.h"
#include "app/card.h"
#include "app/selfservice.h"
#include "core/secret.h"
#include "pki/pki.h"
#include "app/ca_ops.h"
#include "store/store_audit.h"
#include "store/store_certs.h"
#include "app/verify_code.h"
#include "store/store_esign.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"

#define REASON_HOLD 6

const char *const nl_ss_reason_codes[] = {
	"unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation",
	NULL,
};
static const int reason_values[] = {0, 1, 3, 4, 5};

int nl_ss_reason_value(int index)
{
	if (index < 0 || index >= (int)(sizeof reason_values / sizeof reason_values[0]))
		return -1;
	return reason_values[index];
}

const char *nl_ss_reason_label_tr(int rfc_reason)
{
	switch (rfc_reason) {
	case 0: return "Belirtilmemiş";
	case 1: return "Anahtar Güvenliğini Yitirme";
	case 2: return "SH Güvenliğini Yitirme";
	case 3: return "Kurumla İlişkisinin Değişmesi";
	case 4: return "Yenisiyle Değiştirildi";
	case 5: return "Faaliyetin Sona Ermesi";
	case 6: return "Askıya Alındı";
	case 9: return "Yetki Geri Alındı";
	case 10: return "Öznitelik Güvenliğini Yitirme";
	default: return "";
	}
}

const char *nl_ss_refusal_msgid(enum nl_ss_refusal r)
{
	switch (r) {
	case NL_SS_REFUSE_ALREADY_HELD: return "This certificate is already suspended.";
	case NL_SS_REFUSE_NOT_HELD: return "This certificate is not suspended.";
	case NL_SS_REFUSE_REVOKED:
		return "This certificate is revoked. A revoked certificate cannot be suspended or unsuspended again.";
	case NL_SS_REFUSE_EXPIRED: return "This certificate has expired.";
	case NL_SS_REFUSE_NO_WORD:
		return "You have not chosen a security word yet; it is chosen on the application form.";
	default: return "";
	}
}

nl_err nl_ss_id_attr(const struct nl_app *app, int64_t person_id, char out[64])
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_person p = {0};
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, person_id, &p);
	if (rc == NL_OK) {
		struct nl_holder h = nl_holder_of_person(&p);
		rc = nl_pki_person_serial_attr(&h, out);
	}
	nl_person_clear(&p);
	return rc;
}

nl_err nl_ss_certs(const struct nl_app *app, int64_t person_id, struct nl_ss_cert out[NL_SS_MAX_CERTS], int *n)
{
	nl_db *db = app->db;
	char attr[64];
	nl_conn *c;
	*n = 0;
	nl_err rc = nl_ss_id_attr(app, person_id, attr);
	if (rc == NL_OK)
		rc = nl_db_conn(db, &c);
	return rc ? rc : nl_store_ss_certs(c, attr, out, NL_SS_MAX_CERTS, n);
}

nl_err nl_ss_cert(const struct nl_app *app, int64_t person_id, const char *serial, struct nl_ss_cert *out)
{
	nl_db *db = app->db;
	char attr[64];
	nl_conn *c;
	if (!serial || !*serial || strlen(serial) >= 64)
		return NL_ERR_NOT_FOUND;
	nl_err rc = nl_ss_id_attr(app, person_id, attr);
	if (rc == NL_OK)
		rc = nl_db_conn(db, &c);
	return rc ? rc : nl_store_ss_cert(c, attr, serial, out);
}

/* A refused attempt in the audit trail (issue 7: refused and logged). Entity
 * id 0 when the certificate is not the holder's: the record must not become a
 * way to learn whose it is. */
static void audit_refusal(nl_db *db, int64_t person_id, int64_t cert_id, const char *what,
                          const char *why, int64_t now)
{
	nl_conn *c;
	char actor[48];
	snprintf(actor, sizeof actor, "holder:%" PRId64, person_id);
	struct nl_audit_rec rec = {
		.at = now, .actor = actor, .entity = "certificate", .entity_id = cert_id,
		.action = "holder_refused", .from = "", .to = what, .reason = why,
	};
	if (nl_db_conn(db, &c) == NL_OK && nl_store_audit_append(c, &rec) != NL_OK)
		fprintf(stderr, "selfservice: could not audit a refusal (%s)\n", why);
}

static void throttle_key(int64_t person_id, char out[32])
{
	snprintf(out, 32, "person:%" PRId64, person_id);
}

nl_err nl_ss_reauth(const struct nl_app *app, const struct nl_throttle_policy *pol, int64_t person_id,
                    const char *security_word, const char *addr, int64_t now,
                    int64_t *locked_until)
{
	nl_db *db = app->db;
	char key[32];
	throttle_key(person_id, key);
	nl_err rc = nl_throttle_check(app, pol, NL_DOOR_HOLDER_REAUTH, key, addr, now, locked_until);
	if (rc)
		return rc;
	nl_conn *c;
	char *hash = NULL;
	if ((rc = nl_db_conn(db, &c)) != NL_OK)
		return rc;
	if ((rc = nl_store_holder_secword_hash(c, person_id, &hash)) != NL_OK)
		return rc;
	bool ok = nl_pwhash_verify(hash, security_word ? security_word : "");
	free(hash);
	if (!ok) {
		bool locked = false;
		nl_err_ignore(nl_throttle_fail(app, pol, NL_DOOR_HOLDER_REAUTH, key, addr, now, &locked));
		audit_refusal(db, person_id, 0, "reauth", "wrong security word", now);
		if (locked && locked_until)
			nl_err_ignore(nl_throttle_check(app, pol, NL_DOOR_HOLDER_REAUTH, key, addr, now, locked_until));
		return locked ? NL_ERR_LOCKED : NL_ERR_UNAUTHORIZED;
	}
	nl_err_ignore(nl_throttle_success(app, NL_DOOR_HOLDER_REAUTH, key, addr, now));
	return NL_OK;
}

static const char *action_code(enum nl_ss_action a)
{
	return a == NL_SS_SUSPEND ? "suspend" : a == NL_SS_RELEASE ? "release" : "revoke";
}

/* What the certificate's status says about the action, before any secret is
 * asked: the clear message of issue 7 ("already suspended", "revoked"). */
enum nl_ss_refusal nl_ss_judge(const struct nl_ss_cert *cert, enum nl_ss_action a, int64_t now)
{
	if (!strcmp(cert->status, "revoked"))
		return NL_SS_REFUSE_REVOKED;
	if (a == NL_SS_SUSPEND && !strcmp(cert->status, "hold"))
		return NL_SS_REFUSE_ALREADY_HELD;
	if (a == NL_SS_RELEASE && strcmp(cert->status, "hold"))
		return NL_SS_REFUSE_NOT_HELD;
	if (a != NL_SS_RELEASE && cert->not_after <= now)
		return NL_SS_REFUSE_EXPIRED;
	return NL_SS_REFUSE_NONE;
}

static bool holder_reason(int reason)
{
	for (size_t i = 0; i < sizeof reason_values / sizeof reason_values[0]; i++)
		if (reason_values[i] == reason)
			return true;
	return false;
}

static const char *action_done_tr(enum nl_ss_action a)
{
	return a == NL_SS_SUSPEND ? "askıya alınmıştır" : a == NL_SS_RELEASE ? "askıdan indirilmiştir"
	                                                                    : "iptal edilmiştir";
}

/* Tells the holder by his information channel, in the change's transaction:
 * a change he did not make himself must not go unnoticed. */
static NL_MUST_USE nl_err notify_holder(nl_conn *c, struct nl_app *app, const struct nl_ss_change_req *req,
                            const struct nl_ss_cert *cert)
{
	struct nl_holder_contact hc;
	struct nl_person p = {0};
	char when[32], subject[96], mail[1024], sms[320];
	nl_err rc = nl_ss_contact(app, req->person_id, &hc);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, req->person_id, &p);
	if (rc) {
		nl_person_clear(&p);
		return rc;
	}
	nl_esign_time_text(req->now, when);
	const char *done = action_done_tr(req->action);
	snprintf(subject, sizeof subject, "Sertifikanız %s", done);
	char reason[96] = "";
	if (req->action == NL_SS_REVOKE)
		snprintf(reason, sizeof reason, " (neden: %s)", nl_ss_reason_label_tr(req->reason));
	snprintf(mail, sizeof mail,
	         "Sayın %s %s,\n\n%s seri numaralı nitelikli elektronik sertifikanız %s tarihinde "
	         "Online İşlemler üzerinden %s%s.\n\nBu işlemi siz yapmadıysanız güvenlik sözcüğünüzü "
	         "başkası biliyor olabilir: hemen bizimle iletişime geçiniz.\n",
	         p.given_name, p.surname, cert->serial, when, done, reason);
	snprintf(sms, sizeof sms, "%s seri numaralı sertifikanız %s tarihinde %s. Bu işlemi siz "
	         "yapmadıysanız hemen bizimle iletişime geçiniz.", cert->serial, when, done);
	nl_person_clear(&p);
	bool by_mail = strcmp(hc.info_channel, "sms") && hc.email[0];
	bool by_sms = strcmp(hc.info_channel, "email") && hc.mobile[0];
	if (!by_mail && !by_sms)
		by_mail = hc.email[0] != '\0';   /* no usable channel chosen: the e-mail we have */
	if (by_mail) {
		struct nl_outbox_new m = {.channel = NL_OUTBOX_MAIL, .recipient = hc.email,
		                          .subject = subject, .body_text = mail, .order_id = cert->order_id};
		if ((rc = nl_outbox_enqueue(c, &m, req->now, NULL)) != NL_OK)
			return rc;
	}
	if (by_sms) {
		struct nl_outbox_new m = {.channel = NL_OUTBOX_SMS, .recipient = hc.mobile,
		                          .body_text = sms, .order_id = cert->order_id};
		rc = nl_outbox_enqueue(c, &m, req->now, NULL);
	}
	return rc;
}

static const char *action_label_tr(enum nl_ss_action a)
{
	return a == NL_SS_SUSPEND ? "Askıya Al" : a == NL_SS_RELEASE ? "Askıdan İndir" : "İptal Et";
}

/* The part of the signed text that names the action: what the check below
 * looks for, so a signature over one action cannot confirm another. */
static void esign_marker(enum nl_ss_action a, const char *serial, int reason, char out[256])
{
	snprintf(out, 256, "İşlem: %s\nSertifika Seri No: %s\n%s%s%s", action_label_tr(a), serial,
	         a == NL_SS_REVOKE ? "İptal Nedeni: " : "",
	         a == NL_SS_REVOKE ? nl_ss_reason_label_tr(reason) : "", a == NL_SS_REVOKE ? "\n" : "");
}

char *nl_ss_esign_text(enum nl_ss_action a, const char *serial, int reason, const char *id_number,
                       int64_t now)
{
	char marker[256], when[32];
	esign_marker(a, serial, reason, marker);
	nl_esign_time_text(now, when);
	size_t n = strlen(marker) + strlen(id_number) + 256;
	char *t = malloc(n);
	if (t)
		snprintf(t, n, "Online İşlemler'de aşağıdaki işlemi onaylıyorum.\n%sKimlik Numarası: %s\n"
		         "Oluşturma Tarihi: %s\n", marker, id_number, when);
	return t;
}

/* A fresh e-İmza instead of the security word: the code was signed (status
 * used) by this holder's certificate (the signature's person) within
 * NL_SS_ESIGN_FRESH seconds, over a text naming exactly this action. */
static NL_MUST_USE nl_err esign_reauth(nl_db *db, const struct nl_ss_change_req *req,
                           const struct nl_ss_cert *cert)
{
	nl_conn *c;
	struct nl_esign_code code = {0};
	char marker[256];
	int64_t signer = 0;
	bool ok = false;
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_esign_code_get(c, req->esign_code_id, &code);
	if (rc && rc != NL_ERR_NOT_FOUND)
		return rc;
	esign_marker(req->action, cert->serial, req->reason, marker);
	if (rc == NL_OK && !strcmp(code.purpose, "login") && !strcmp(code.status, "used") &&
	    code.used_at + NL_SS_ESIGN_FRESH >= req->now && code.text && strstr(code.text, marker))
		ok = nl_store_esign_signature_person(c, code.signature_id, &signer) == NL_OK &&
		     signer == req->person_id;
	nl_esign_code_clear(&code);
	if (!ok) {
		audit_refusal(db, req->person_id, cert->id, action_code(req->action),
		              "e-İmza confirmation not valid for this action", req->now);
		return NL_ERR_UNAUTHORIZED;
	}
	return NL_OK;
}

struct change_args {
	struct nl_app *app;
	const struct nl_ss_change_req *req;
	const struct nl_ss_cert *cert;
};

/* The status change (the store's own transaction joins this one) and the
 * holder's notification commit together or not at all. */
static NL_MUST_USE nl_err change_tx(nl_conn *c, void *ctx)
{
	struct change_args *a = ctx;
	const struct nl_ss_change_req *req = a->req;
	char actor[48], why[96];
	nl_err rc = NL_ERR_INVALID;
	snprintf(actor, sizeof actor, "holder:%" PRId64, req->person_id);
	switch (req->action) {
	case NL_SS_SUSPEND:
		rc = nl_store_cert_suspend(a->app->db, a->cert->serial, req->now, actor,
		                           "Online İşlemler: Askıya Al");
		break;
	case NL_SS_RELEASE:
		rc = nl_store_cert_release(a->app->db, a->cert->serial, actor, "Online İşlemler: Askıdan İndir");
		break;
	case NL_SS_REVOKE:
		snprintf(why, sizeof why, "Online İşlemler: İptal Et (%s)", nl_ss_reason_label_tr(req->reason));
		rc = nl_store_cert_revoke(a->app->db, a->cert->serial, req->reason, req->now, actor, why);
		break;
	}
	return rc ? rc : notify_holder(c, a->app, req, a->cert);
}

nl_err nl_ss_change(struct nl_app *app, const struct nl_throttle_policy *pol,
                    const struct nl_ss_change_req *req, enum nl_ss_refusal *refusal,
                    int64_t *locked_until)
{
	struct nl_ss_cert cert;
	char why[96];
	*refusal = NL_SS_REFUSE_NONE;
	if (req->action < NL_SS_SUSPEND || req->action > NL_SS_REVOKE)
		return NL_ERR_INVALID;
	if (req->action == NL_SS_REVOKE && !holder_reason(req->reason))
		return NL_ERR_INVALID;
	nl_err rc = nl_ss_cert(app, req->person_id, req->serial, &cert);
	if (rc == NL_ERR_NOT_FOUND) {
		snprintf(why, sizeof why, "not the holder's certificate: %.64s", req->serial ? req->serial : "");
		audit_refusal(app->db, req->person_id, 0, action_code(req->action), why, req->now);
		return rc;
	}
	if (rc)
		return rc;
	if ((*refusal = nl_ss_judge(&cert, req->action, req->now)) != NL_SS_REFUSE_NONE) {
		snprintf(why, sizeof why, "refused: certificate %s", cert.status);
		audit_refusal(app->db, req->person_id, cert.id, action_code(req->action), why, req->now);
		return NL_ERR_TRANSITION;
	}
	if (req->esign_code_id)
		rc = esign_reauth(app->db, req, &cert);
	else
		rc = nl_ss_reauth(app, pol, req->person_id, req->security_word, req->addr, req->now,
		                  locked_until);
	if (rc == NL_ERR_NOT_FOUND) {
		*refusal = NL_SS_REFUSE_NO_WORD;
		return NL_ERR_TRANSITION;
	}
	if (rc)
		return rc;
	struct change_args a = {app, req, &cert};
	rc = nl_store_run_tx(app->db, change_tx, &a);
	if (rc == NL_ERR_TRANSITION || rc == NL_ERR_CONFLICT) {
		/* Someone changed it between the look and the change: say what it is now. */
		if (nl_ss_cert(app, req->person_id, req->serial, &cert) == NL_OK)
			*refusal = nl_ss_judge(&cert, req->action, req->now);
		if (*refusal == NL_SS_REFUSE_NONE)
			*refusal = NL_SS_REFUSE_REVOKED;
		return NL_ERR_TRANSITION;
	}
	if (rc)
		return rc;
	nl_err pub = nl_ss_publish_status(app, req->now);
	if (pub)
		fprintf(stderr, "{\"selfservice\":\"publish\",\"serial\":\"%s\",\"error\":\"%s\"}\n",
		        cert.serial, nl_err_code(pub));
	return NL_OK;
}

/* ---- publishing at once ---- */

nl_err nl_ss_publish_status(struct nl_app *app, int64_t now)
{
	const struct nl_ca *ca = nl_app_ca(app);
	if (!ca)
		return NL_OK;
	nl_signer *sg = NULL;
	nl_err rc = nl_signer_connect(ca->conf.socket, &sg);
	if (rc)
		return rc;
	/* The store dropped the changed certificate's pre-signed answer: sign it
	 * again now rather than at the worker's next pass, then the CRL. */
	rc = nl_ca_ocsp_refresh(app, sg, ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, NULL);
	if (rc == NL_OK)
		rc = nl_ca_publish_crl(app, sg, ca, now, NL_CRL_VALIDITY, NULL);
	nl_signer_close(sg);
	return rc;
}
