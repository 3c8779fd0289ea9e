/* Server-side verification of an e-İmza and what follows it (esign_verify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/esign_status.h"
#include "app/esign_verify.h"
#include "app/verify_code.h"
#include "core/audit.h"
#include "pki/ca_store.h"
#include "pki/esign.h"
#include "store/store_audit.h"
#include "store/store_esign.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

/* A signature may carry a signing time a little before the code was made or
 * after now: clocks of persons' computers drift. */
#define CLOCK_SKEW 300

static const struct {
	const char *code;
	int status;
	const char *msg;
} refusals[NL_ESIGN__COUNT] = {
	[NL_ESIGN_OK] = {"ok", 200, "İşlem Başarılı"},
	[NL_ESIGN_CODE_UNKNOWN] = {"code_unknown", 404, "Doğrulama kodu bulunamadı. Kodu tarayıcınızdaki sayfadan yeniden kopyalayınız."},
	[NL_ESIGN_CODE_EXPIRED] = {"code_expired", 410, "Doğrulama kodunun süresi doldu. Tarayıcınızda yeni bir kod alınız."},
	[NL_ESIGN_CODE_USED] = {"code_used", 409, "Bu doğrulama kodu daha önce kullanıldı. Tarayıcınızda yeni bir kod alınız."},
	[NL_ESIGN_CODE_BURNT] = {"code_burnt", 410, "Bu doğrulama kodu ile çok fazla hatalı imza gönderildi. Tarayıcınızda yeni bir kod alınız."},
	[NL_ESIGN_LOCKED] = {"locked", 429, "Çok fazla hatalı doğrulama kodu girildi. Lütfen bir süre sonra tekrar deneyiniz."},
	[NL_ESIGN_CMS_BROKEN] = {"cms_broken", 400, "Gönderilen imza bozuk: geçerli bir CMS imzası değil."},
	[NL_ESIGN_BAD_SIGNATURE] = {"bad_signature", 400, "İmza doğrulanamadı: imza değeri imzalanan metinle uyuşmuyor."},
	[NL_ESIGN_TEXT_MISMATCH] = {"text_mismatch", 400, "İmzalanan metin, bu doğrulama kodu için verilen metin değil."},
	[NL_ESIGN_NOT_CADES] = {"not_cades", 400, "İmza CAdES-BES değil: imzalama zamanı veya imzacı sertifikası özniteliği eksik."},
	[NL_ESIGN_SIGNING_TIME] = {"signing_time", 400, "İmzalama zamanı doğrulama kodunun geçerlilik süresi dışında."},
	[NL_ESIGN_UNTRUSTED] = {"untrusted", 403, "Sertifikanız güvenilir bir elektronik sertifika hizmet sağlayıcısına zincirlenmiyor."},
	[NL_ESIGN_CERT_EXPIRED] = {"cert_expired", 403, "Sertifikanızın süresi dolmuş."},
	[NL_ESIGN_CERT_NOT_YET] = {"cert_not_yet_valid", 403, "Sertifikanız henüz geçerli değil."},
	[NL_ESIGN_NOT_QUALIFIED] = {"not_qualified", 403, "Sertifikanız nitelikli elektronik sertifika değil (QcCompliance yok)."},
	[NL_ESIGN_NO_NONREPUDIATION] = {"no_nonrepudiation", 403, "Sertifikanız inkâr edilemezlik (nonRepudiation) kullanımına sahip değil."},
	[NL_ESIGN_REVOKED] = {"cert_revoked", 403, "Sertifikanız iptal edilmiş."},
	[NL_ESIGN_SUSPENDED] = {"cert_suspended", 403, "Sertifikanız askıya alınmış."},
	[NL_ESIGN_STATUS_UNKNOWN] = {"cert_status_unknown", 503, "Sertifikanızın iptal durumu (OCSP/SİL) öğrenilemedi. Lütfen biraz sonra tekrar deneyiniz."},
	[NL_ESIGN_OTHER_PERSON] = {"other_person", 403, "İmzalayan sertifika başka bir kişiye ait: sertifikadaki kimlik numarası sizinki değil."},
	[NL_ESIGN_NO_ACCOUNT] = {"no_account", 403, "Bu kimlik numarası ile Online İşlemler hesabı bulunamadı."},
	[NL_ESIGN_APPROVE_REFUSED] = {"approve_refused", 409, "Başvuru formu onaylanamadı: formun bu sürümü artık geçerli değil veya onaylanmış."},
};

const char *nl_esign_refusal_code(enum nl_esign_refusal r)
{
	return (unsigned)r < NL_ESIGN__COUNT ? refusals[r].code : "unknown";
}
const char *nl_esign_refusal_message(enum nl_esign_refusal r)
{
	return (unsigned)r < NL_ESIGN__COUNT ? refusals[r].msg : "";
}
int nl_esign_refusal_status(enum nl_esign_refusal r)
{
	return (unsigned)r < NL_ESIGN__COUNT ? refusals[r].status : 500;
}

bool nl_esign_serial_matches(const char *serial_attr, const char *id_number)
{
	if (!serial_attr || !id_number || !*id_number)
		return false;
	if (!strcmp(serial_attr, id_number))
		return true;
	const char *dash = strchr(serial_attr, '-');
	if (!dash)
		return false;
	size_t plen = (size_t)(dash - serial_attr);
	bool known = (plen == 5 && (!strncmp(serial_attr, "PNOTR", 5) || !strncmp(serial_attr, "TINTR", 5) ||
	                            !strncmp(serial_attr, "IDCTR", 5))) ||
	             (plen == 5 && !strncmp(serial_attr, "PAS", 3));
	return known && !strcmp(dash + 1, id_number);
}

static enum nl_esign_refusal from_cms(enum nl_cms_result r)
{
	switch (r) {
	case NL_CMS_OK: return NL_ESIGN_OK;
	case NL_CMS_BROKEN: return NL_ESIGN_CMS_BROKEN;
	case NL_CMS_BAD_SIGNATURE: return NL_ESIGN_BAD_SIGNATURE;
	case NL_CMS_TEXT_MISMATCH: return NL_ESIGN_TEXT_MISMATCH;
	case NL_CMS_NO_ATTRIBUTES: return NL_ESIGN_NOT_CADES;
	case NL_CMS_UNTRUSTED: return NL_ESIGN_UNTRUSTED;
	case NL_CMS_CERT_EXPIRED: return NL_ESIGN_CERT_EXPIRED;
	case NL_CMS_CERT_NOT_YET: return NL_ESIGN_CERT_NOT_YET;
	case NL_CMS_NOT_QUALIFIED: return NL_ESIGN_NOT_QUALIFIED;
	case NL_CMS_NO_NONREPUDIATION: return NL_ESIGN_NO_NONREPUDIATION;
	}
	return NL_ESIGN_CMS_BROKEN;
}

/* The trust list: <data_dir>/esign/trust/ and our CA's root and issuing CA. */
static NL_MUST_USE nl_err load_trust(const struct nl_app *app, nl_pki_trust **out)
{
	char path[1200];
	nl_err rc = nl_pki_trust_new(out);
	if (rc)
		return rc;
	snprintf(path, sizeof path, "%s/esign/trust", app->cfg->data_dir);
	/* A folder or file that is not there adds nothing: verification fails closed. */
	nl_err_ignore(nl_pki_trust_add_dir(*out, path));
	snprintf(path, sizeof path, "%s/ca/root.pem", app->cfg->data_dir);
	nl_err_ignore(nl_pki_trust_add_file(*out, path));
	snprintf(path, sizeof path, "%s/ca/issuing.pem", app->cfg->data_dir);
	nl_err_ignore(nl_pki_trust_add_file(*out, path));
	return NL_OK;
}

struct accept_ctx {
	const struct nl_app *app;
	const struct nl_esign_code *code;
	struct nl_esign_signature sig;
	int64_t person_id;
	int64_t now;
	enum nl_esign_refusal refusal;
};

static NL_MUST_USE nl_err approve_step(nl_conn *c, struct accept_ctx *a)
{
	struct nl_form f = {0};
	struct nl_order o = {0};
	nl_err rc = nl_store_form_get(c, a->code->form_version_id, &f);
	if (rc == NL_OK)
		rc = nl_store_order_get(c, a->code->order_id, &o);
	if (rc == NL_OK) {
		char actor[40], evidence[40];
		snprintf(actor, sizeof actor, "person:%lld", (long long)a->person_id);
		snprintf(evidence, sizeof evidence, "esign:%lld", (long long)a->sig.id);
		struct nl_approve_req req = {
			.order_no = o.order_no, .version = f.version, .person_id = a->person_id,
			.method = NL_APPROVE_E_IMZA, .actor = actor, .evidence = evidence, .now = a->now,
		};
		struct nl_approve_result res = {0};
		rc = nl_approve_form_tx(c, a->app->cfg, &req, &res);
		if (rc != NL_OK && res.refusal != NL_APPROVE_REFUSED_NONE)
			a->refusal = NL_ESIGN_APPROVE_REFUSED;
	}
	nl_form_clear(&f);
	nl_order_clear(&o);
	return rc;
}

static NL_MUST_USE nl_err econsent_step(nl_conn *c, struct accept_ctx *a)
{
	int64_t id;
	nl_err rc = nl_store_econsent_add(c, a->person_id, a->code->consent_text_id,
	                                  a->code->consent_choice, a->sig.id, a->now, &id);
	if (rc)
		return rc;
	char actor[40], reason[48];
	snprintf(actor, sizeof actor, "person:%lld", (long long)a->person_id);
	snprintf(reason, sizeof reason, "esign:%lld", (long long)a->sig.id);
	bool accept = !strcmp(a->code->consent_choice, "accept");
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "consent", .entity_id = id,
		.action = accept ? "give" : "withdraw", .from = "", .to = a->code->consent_choice,
		.reason = reason,
	};
	return nl_store_audit_append(c, &rec);
}

static NL_MUST_USE nl_err accept_tx(nl_conn *c, void *arg)
{
	struct accept_ctx *a = arg;
	a->refusal = NL_ESIGN_OK;
	nl_err rc = nl_store_esign_signature_insert(c, &a->sig);
	if (rc)
		return rc;
	rc = nl_store_esign_code_use(c, a->code->id, a->sig.id, a->now);
	if (rc == NL_ERR_CONFLICT) {
		a->refusal = NL_ESIGN_CODE_USED;   /* a concurrent post won */
		return rc;
	}
	if (rc)
		return rc;
	if (!strcmp(a->code->purpose, "approve"))
		return approve_step(c, a);
	if (!strcmp(a->code->purpose, "econsent"))
		return econsent_step(c, a);
	char actor[40];
	snprintf(actor, sizeof actor, "person:%lld", (long long)a->person_id);
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "person", .entity_id = a->person_id,
		.action = "esign_login", .from = "", .to = "", .reason = "Online İşlemler",
	};
	return nl_store_audit_append(c, &rec);
}

/* The person the signature is for: the code's, or for a login the holder
 * with the typed T.C. number. 0 when there is none. */
static int64_t person_for(nl_conn *c, const struct nl_esign_code *code)
{
	if (code->person_id)
		return code->person_id;
	struct nl_person p = {0};
	int64_t id = 0;
	if (nl_store_person_find(c, NL_ID_TCKN, code->id_number, "", &p) == NL_OK)
		id = p.id;
	nl_person_clear(&p);
	return id;
}

static void refuse(nl_db *db, const struct nl_esign_code *code, enum nl_esign_refusal r)
{
	nl_conn *c;
	if (nl_db_conn(db, &c) == NL_OK)
		/* Best effort: the submission is refused whether or not the note is kept. */
		nl_err_ignore(nl_store_esign_code_refuse(c, code->id, code->tries, nl_esign_refusal_message(r),
		                           code->tries + 1 >= NL_ESIGN_MAX_REFUSALS));
}

nl_err nl_esign_submit(const struct nl_app *app, const struct nl_throttle_policy *pol,
                       const char *code_text, const void *cms, size_t cms_len, const char *addr,
                       int64_t now, struct nl_esign_outcome *out)
{
	struct nl_esign_code code;
	struct nl_cms_signed sd = {0};
	nl_pki_trust *trust = NULL;
	const struct nl_ca *ca = NULL;
	nl_buf cert = NL_BUF_INIT, evidence = NL_BUF_INIT;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_esign_code_lookup(app, pol, code_text, addr, now, &code);
	if (rc == NL_ERR_LOCKED || rc == NL_ERR_NOT_FOUND) {
		out->refusal = rc == NL_ERR_LOCKED ? NL_ESIGN_LOCKED : NL_ESIGN_CODE_UNKNOWN;
		return NL_OK;
	}
	if (rc)
		return rc;
	out->code_id = code.id;
	snprintf(out->purpose, sizeof out->purpose, "%s", code.purpose);
	enum nl_esign_refusal r = NL_ESIGN_OK;
	if (!strcmp(code.status, "used"))
		r = NL_ESIGN_CODE_USED;
	else if (!strcmp(code.status, "burnt"))
		r = NL_ESIGN_CODE_BURNT;
	else if (now >= code.expires_at)
		r = NL_ESIGN_CODE_EXPIRED;
	if (r) {
		out->refusal = r;   /* not counted: the code is over anyway */
		goto out;
	}
	if ((rc = load_trust(app, &trust)) != NL_OK)
		goto out;
	if ((rc = nl_pki_cms_verify(cms, cms_len, code.text, strlen(code.text), trust, &sd)) != NL_OK)
		goto out;
	r = from_cms(sd.result);
	if (!r && (sd.signing_time < code.created_at - CLOCK_SKEW || sd.signing_time > now + CLOCK_SKEW))
		r = NL_ESIGN_SIGNING_TIME;
	if (!r && !nl_esign_serial_matches(sd.serial_attr, code.id_number))
		r = NL_ESIGN_OTHER_PERSON;
	const char *kind = "";
	if (!r) {
		ca = nl_app_ca(app);
		enum nl_cert_verdict v;
		rc = nl_esign_cert_status(app, ca, sd.signer, sd.issuer, now, &v, &kind, &evidence);
		if (rc)
			goto out;
		r = v == NL_CERT_GOOD ? NL_ESIGN_OK : v == NL_CERT_REVOKED ? NL_ESIGN_REVOKED
		  : v == NL_CERT_SUSPENDED ? NL_ESIGN_SUSPENDED : NL_ESIGN_STATUS_UNKNOWN;
	}
	struct accept_ctx a = {.app = app, .code = &code, .now = now};
	if (!r) {
		nl_conn *c;
		if ((rc = nl_db_conn(app->db, &c)) != NL_OK)
			goto out;
		a.person_id = person_for(c, &code);
		if (!a.person_id)
			r = NL_ESIGN_NO_ACCOUNT;
	}
	if (r) {
		out->refusal = r;
		refuse(app->db, &code, r);
		goto out;
	}
	if ((rc = nl_pki_cert_der(sd.signer, &cert)) != NL_OK)
		goto out;
	a.sig = (struct nl_esign_signature){
		.code_id = code.id, .purpose = code.purpose, .person_id = a.person_id,
		.order_id = code.order_id, .form_version_id = code.form_version_id,
		.cms = cms, .cms_len = cms_len, .cert_der = cert.data, .cert_len = cert.len,
		.cert_serial = sd.serial_hex, .cert_issuer = sd.issuer_name, .evidence_kind = kind,
		.evidence = evidence.data ? evidence.data : "", .evidence_len = evidence.len,
		.signing_time = sd.signing_time, .verified_at = now,
	};
	rc = nl_store_run_tx(app->db, accept_tx, &a);
	if (rc != NL_OK && a.refusal != NL_ESIGN_OK) {
		out->refusal = a.refusal;
		if (a.refusal != NL_ESIGN_CODE_USED)
			refuse(app->db, &code, a.refusal);
		rc = NL_OK;
	} else if (rc == NL_OK) {
		out->signature_id = a.sig.id;
	}
out:
	nl_buf_free(&cert);
	nl_buf_free(&evidence);
	nl_cms_signed_clear(&sd);
	nl_pki_trust_free(trust);
	nl_esign_code_clear(&code);
	return rc;
}
