/* Personalising the card of one claimed production row (card.h,
 * docs/production.md). The steps are ordered so that nothing is ever
 * half-recorded:
 *   1. re-check the order (still Üretim Bekleniyor, approved, settled);
 *      otherwise the row becomes refused (audited) and nothing is issued;
 *   2. a row reclaimed after a crash: revoke the certificates of the
 *      interrupted attempt (the card and its PIN are lost with the node);
 *   3. initialise a blank card with a random PIN and PUK; key pair on it;
 *   4. issue the certificate (and the backup certificate, a second key on the
 *      same card) through the signer; record the serials on the row at once,
 *      so a crash from here on is compensated by step 2;
 *   5. write the certificate(s) to the card, read them back and check the
 *      card (nl_card_perso_check), before it is marked produced;
 *   6. replacements: revoke the holder's other certificates of the same
 *      institution (after the new one exists);
 *   7. one transaction: row done, order -> Üretildi, PIN letter, notices.
 * A failure in 3-6 revokes what 4 issued (cessationOfOperation), empties the
 * card (every key and certificate on it destroyed: never a half-written
 * card) and leaves the order in Üretim Bekleniyor for a retry; the spoiled
 * card keeps its label, which names the attempt. The batch (production.c)
 * asks the signer before each card, so a signer outage spoils none. */
#include "app/card.h"

#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/approve.h"
#include "app/payment.h"
#include "app/production_notify.h"
#include "core/datetime.h"
#include "core/geo.h"
#include "core/order.h"
#include "core/secret.h"
#include "docs/pin_letter.h"
#include "pki/card_perso.h"
#include "app/ca_ops.h"
#include "store/store_audit.h"
#include "store/store_certs.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

int nl_production_revoke_reason(int order_reason)
{
	switch (order_reason) {
	case NL_REASON_LOST:
	case NL_REASON_PIN_LOST: return 1;       /* keyCompromise */
	case NL_REASON_ID_UPDATE: return 3;      /* affiliationChanged */
	case NL_REASON_HW_FAILURE: return 4;     /* superseded */
	default: return 0;                       /* not a replacement: revoke nothing */
	}
}

#define CRL_CESSATION 5
#define KEY_LABEL "imza"
#define BACKUP_LABEL "yedek"

struct job {
	struct nl_app *app;
	nl_signer *sg;
	const struct nl_ca *ca;
	struct nl_production *p;
	int64_t now;
	const char *actor;
	struct nl_order o;
	struct nl_person per;
	struct nl_form f;
	enum nl_reason reason;
	const char *module;
	char pin[8], puk[12];
	bool inject_write_failure;   /* demo/test: <card folder>/inject-write-failure exists */
	bool inject_key_mismatch;    /* demo/test: <card folder>/inject-key-mismatch exists */
	nl_buf cert_der, backup_der;
	nl_buf revoked;              /* the serials revoke_old revoked, ", "-separated */
};

__attribute__((format(printf, 2, 3)))
static void fail(struct job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->p->last_error, sizeof j->p->last_error, fmt, ap);
	va_end(ap);
}

static NL_MUST_USE nl_err revoke_serial(struct job *j, const char *serial, int reason, const char *why)
{
	nl_err rc = nl_store_cert_revoke(j->app->db, serial, reason, j->now, j->actor, why);
	return rc == NL_ERR_TRANSITION ? NL_OK : rc;   /* revoked already */
}

/* Step 2: certificates of an interrupted attempt (serials on the row). */
static NL_MUST_USE nl_err compensate_interrupted(struct job *j)
{
	nl_err rc = NL_OK;
	const char *why = "production interrupted: the card was not finished";
	if (j->p->cert_serial[0] && !rc) rc = revoke_serial(j, j->p->cert_serial, CRL_CESSATION, why);
	if (j->p->backup_serial[0] && !rc) rc = revoke_serial(j, j->p->backup_serial, CRL_CESSATION, why);
	if (rc) return rc;
	j->p->cert_serial[0] = j->p->backup_serial[0] = '\0';
	nl_conn *c;
	if ((rc = nl_db_conn(j->app->db, &c))) return rc;
	return nl_store_production_update(c, j->p, j->now);
}

static NL_MUST_USE nl_err load(struct job *j, nl_conn *c, const char **why)
{
	bool settled = false;
	nl_err rc = nl_store_order_get(c, j->p->order_id, &j->o);
	if (!rc) rc = nl_store_person_get(c, j->o.person_id, &j->per);
	if (rc) return rc;
	*why = NULL;
	if (j->o.status != NL_ST_PRODUCTION_WAIT) {
		*why = "not_waiting: the order is not in Üretim Bekleniyor";
		return NL_OK;
	}
	rc = nl_store_form_current(c, j->o.id, &j->f);
	if (rc == NL_ERR_NOT_FOUND || (!rc && j->f.status != NL_FORM_APPROVED)) {
		*why = "not_approved: the current form version is not approved";
		return NL_OK;
	}
	if (rc) return rc;
	if ((rc = nl_payment_settled(c, j->o.id, &settled))) return rc;
	if (!settled) *why = "not_paid: the order is not paid";
	j->reason = j->o.reason;
	if (j->f.reason && *j->f.reason) nl_reason_parse(j->f.reason, &j->reason);
	return NL_OK;
}

static NL_MUST_USE nl_err refuse_tx(nl_conn *c, void *arg)
{
	struct job *j = arg;
	snprintf(j->p->state, sizeof j->p->state, "refused");
	nl_err rc = nl_store_production_update(c, j->p, j->now);
	if (rc) return rc;
	struct nl_audit_rec rec = {
		.at = j->now, .actor = j->actor, .entity = "order", .entity_id = j->o.id,
		.action = "production_refused", .from = "", .to = "refused", .reason = j->p->last_error,
	};
	return nl_store_audit_append(c, &rec);
}

struct nl_holder nl_holder_of_person(const struct nl_person *p)
{
	struct nl_holder h = {.given_name = p->given_name, .surname = p->surname};
	if (p->id_kind == NL_ID_TCKN) {
		h.tckn = p->id_number;
	} else {
		h.passport_country = p->passport_country;
		h.passport_no = p->id_number;
	}
	return h;
}

/* Issues one certificate for the key on the card and records its serial. */
static NL_MUST_USE nl_err issue(struct job *j, const nl_buf *spki, bool backup, nl_buf *der)
{
	struct nl_holder h = nl_holder_of_person(&j->per);
	int64_t years = j->f.period_years > 0 ? j->f.period_years : 1;
	struct nl_issue_req r = {
		.holder = h, .spki = spki->data, .spki_len = spki->len,
		.not_before = j->now, .years = (int)years,   /* nl_pki_validity_end */
		.renew_serial = j->reason == NL_REASON_RENEWAL && j->p->renew_serial[0]
		                ? j->p->renew_serial : NULL,
		.email = j->f.email, .publish = j->f.publish && !strcmp(j->f.publish, "yes") && !backup,
		.order_id = j->o.id, .institution_id = j->o.institution_id, .actor = j->actor,
	};
	struct nl_cert_row row;
	nl_buf failures = NL_BUF_INIT;
	nl_err rc = nl_ca_issue(j->app, j->sg, j->ca, &r, &row, &failures);
	if (rc) {
		fail(j, "issue: %s", failures.len ? failures.data : nl_err_code(rc));
		nl_buf_free(&failures);
		return rc;
	}
	nl_buf_free(&failures);
	nl_buf_append(der, row.der, row.der_len);
	char *dst = backup ? j->p->backup_serial : j->p->cert_serial;
	snprintf(dst, 64, "%s", row.serial);
	nl_cert_row_clear(&row);
	nl_conn *c;
	if ((rc = nl_db_conn(j->app->db, &c))) return rc;
	return nl_store_production_update(c, j->p, j->now);   /* the checkpoint of step 4 */
}

/* Key on the card, certificate issued, written, read back and the card
 * checked (nl_card_perso_check: one key pair and its certificate under the
 * key's CKA_ID, the certificate certifying that key, the key templates). */
static NL_MUST_USE nl_err one_key(struct job *j, const char *label, bool backup, nl_buf *der)
{
	uint8_t id[NL_CARD_ID_LEN], other[NL_CARD_ID_LEN];
	nl_buf spki = NL_BUF_INIT, back = NL_BUF_INIT, problems = NL_BUF_INIT;
	enum nl_card_key_type kt = nl_card_key_type_parse(j->app->drivers.production.key_type);
	nl_err rc = nl_card_perso_keygen(j->module, j->p->card_label, j->pin, label,
	                                 kt ? kt : NL_CARD_KEY_P256, id, &spki);
	if (rc) { fail(j, "card: key generation failed (%s)", nl_err_code(rc)); goto out; }
	if (j->inject_key_mismatch) {
		/* Demo and tests only: a printer that mixes up the keys; the
		 * certificate is issued for a second key on the card and written
		 * beside the first. */
		nl_buf_reset(&spki);
		rc = nl_card_perso_keygen(j->module, j->p->card_label, j->pin, "injected",
		                          kt ? kt : NL_CARD_KEY_P256, other, &spki);
		if (rc) { fail(j, "card: key generation failed (%s)", nl_err_code(rc)); goto out; }
	}
	if ((rc = issue(j, &spki, backup, der))) goto out;
	if (j->inject_write_failure) {
		rc = NL_ERR_IO;
		fail(j, "card: writing the certificate failed (%s, injected)", nl_err_code(rc));
		goto out;
	}
	rc = nl_card_perso_write_cert(j->module, j->p->card_label, j->pin, label, id, der->data,
	                              der->len);
	if (rc) { fail(j, "card: writing the certificate failed (%s)", nl_err_code(rc)); goto out; }
	rc = nl_card_perso_read_cert(j->module, j->p->card_label, label, &back);
	if (!rc && (back.len != der->len || memcmp(back.data, der->data, der->len)))
		rc = NL_ERR_IO;
	if (rc) { fail(j, "card: the certificate read back differs (%s)", nl_err_code(rc)); goto out; }
	if ((rc = nl_card_perso_check(j->module, j->p->card_label, j->pin, id, &problems))) {
		/* the first problem names it; the card is compensated as any failure */
		size_t n = problems.len ? strcspn(problems.data, "\n") : 0;
		fail(j, "card: the check after writing failed (%s%s%.*s)", nl_err_code(rc), n ? ": " : "",
		     (int)n, problems.len ? problems.data : "");
	}
out:
	nl_buf_free(&spki);
	nl_buf_free(&back);
	nl_buf_free(&problems);
	return rc;
}

/* Step 6: the holder's other certificates of the same institution. */
static NL_MUST_USE nl_err revoke_old(struct job *j)
{
	int reason = nl_production_revoke_reason((int)j->reason);
	if (!reason || !j->o.institution_id) return NL_OK;
	char idn[64];
	struct nl_holder h = nl_holder_of_person(&j->per);
	nl_err rc = nl_pki_person_serial_attr(&h, idn);
	if (rc) return rc;
	nl_conn *c;
	char (*serials)[64] = NULL;
	size_t n = 0;
	if ((rc = nl_db_conn(j->app->db, &c))) return rc;
	if ((rc = nl_store_cert_same_institution(c, idn, j->o.institution_id, &serials, &n))) return rc;
	char why[96];
	snprintf(why, sizeof why, "replaced by SD-%" PRId64 " (%s)", j->o.order_no,
	         nl_reason_code(j->reason));
	for (size_t i = 0; i < n && !rc; i++) {
		if (!strcmp(serials[i], j->p->cert_serial) || !strcmp(serials[i], j->p->backup_serial))
			continue;
		if ((rc = revoke_serial(j, serials[i], reason, why)) != NL_OK)
			break;
		j->p->revoked_count++;
		/* Named in the holder's notice (done_tx). */
		if (j->revoked.len)
			nl_buf_append(&j->revoked, ", ", 2);
		nl_buf_append(&j->revoked, serials[i], strlen(serials[i]));
	}
	free(serials);
	if (rc) fail(j, "revoking the old certificates failed (%s)", nl_err_code(rc));
	return rc;
}

static NL_MUST_USE nl_err letter(struct job *j, nl_buf *pdf)
{
	char order_no[32], created[NL_DATETIME_FMT_MAX], recipient[1024];
	snprintf(order_no, sizeof order_no, NL_ORDER_NO_PREFIX "%" PRId64, j->o.order_no);
	nl_time_format_tr(j->now, created);
	const struct nl_province *pv = nl_province_by_plate((int)j->f.province);
	snprintf(recipient, sizeof recipient, "%s %s\n%s\n%s %s / %s", j->per.given_name,
	         j->per.surname, j->f.address ? j->f.address : "",
	         j->f.postal_code ? j->f.postal_code : "", j->f.district ? j->f.district : "",
	         pv ? pv->name : "");
	struct nl_pin_letter l = {
		.issuer = "Nitelik Sertifikasyon Merkezi", .recipient = recipient, .order_no = order_no,
		.card_label = j->p->card_label, .created = created, .pin = j->pin, .puk = j->puk,
		.guidance = "PIN: imza atarken kartınızın şifresidir. Üç kez yanlış girilirse kart "
		            "kilitlenir.\nPUK: kilitlenen kartın PIN'ini yeniden belirlemek için "
		            "kullanılır (Online İşlemler → Kilit Çözme).\nBu mektubu kartınızdan ayrı "
		            "saklayınız; PIN ve PUK'unuzu kimseyle paylaşmayınız.",
	};
	return nl_pin_letter_pdf(&l, pdf);
}

static NL_MUST_USE nl_err done_tx(nl_conn *c, void *arg)
{
	struct job *j = arg;
	const char *how = j->app->drivers.production.pin_delivery;
	bool by_letter = strcmp(how, "channel") != 0, by_channel = strcmp(how, "letter") != 0;
	snprintf(j->p->state, sizeof j->p->state, "done");
	j->p->last_error[0] = '\0';
	nl_err rc = nl_store_production_update(c, j->p, j->now);
	if (!rc) rc = nl_store_order_set_status(c, j->o.id, NL_ST_PRODUCTION_WAIT, NL_ST_PRODUCED,
	                                        j->actor, j->p->card_label);
	if (!rc && by_letter) {
		nl_buf pdf = NL_BUF_INIT;
		rc = letter(j, &pdf);
		if (!rc) rc = nl_store_pin_letter_put(c, j->o.id, pdf.data, pdf.len, j->now);
		sodium_memzero(pdf.data, pdf.len);
		nl_buf_free(&pdf);
	}
	char revoked[24];
	snprintf(revoked, sizeof revoked, "%" PRId64, j->p->revoked_count);
	const struct nl_notify_var vars[] = {
		{"status", nl_order_status_label_tr(NL_ST_PRODUCED)}, {"card", j->p->card_label},
		{"serial", j->p->cert_serial}, {"revoked", revoked},
		{"pin_note", by_letter ? "Kartınızın PIN ve PUK bilgileri ayrı bir PIN zarfı ile gönderilecektir."
		                       : "Kartınızın PIN ve PUK bilgileri ayrı bir ileti ile gönderilmiştir."},
	};
	if (!rc) rc = nl_production_notify(c, j->app->cfg, j->o.id, "produced",
	                                   "Sertifikanız Üretildi", vars, 5, j->now);
	if (!rc && by_channel) {
		const struct nl_notify_var pv[] = {{"pin", j->pin}, {"puk", j->puk}, {"card", j->p->card_label}};
		rc = nl_production_notify(c, j->app->cfg, j->o.id, "pin_puk", "Kartınızın PIN ve PUK Bilgisi",
		                          pv, 3, j->now);
	}
	/* The loss rule revoked his older certificates: he is told which. */
	if (!rc && j->revoked.oom)
		rc = NL_ERR_NOMEM;
	if (!rc && j->revoked.len) {
		const struct nl_notify_var rv[] = {{"serials", j->revoked.data}, {"revoked", revoked}};
		rc = nl_production_notify(c, j->app->cfg, j->o.id, "certs_revoked",
		                          "Önceki Sertifikalarınız İptal Edildi", rv, 2, j->now);
	}
	return rc;
}

void nl_card_dir(const struct nl_app *app, char *out, size_t size)
{
	out[0] = '\0';
	if (app->drivers.production.softhsm_dir[0])
		snprintf(out, size, "%s", app->drivers.production.softhsm_dir);
	else if (!app->drivers.production.softhsm_dir_set)
		snprintf(out, size, "%s/cards", app->cfg->data_dir);
}

nl_err nl_card_produce(struct nl_app *app, nl_signer *sg, const struct nl_ca *ca,
                       struct nl_production *p, int64_t now, const char *actor,
                       struct nl_production_item *item)
{
	struct job j = {.app = app, .sg = sg, .ca = ca, .p = p, .now = now, .actor = actor,
	                .module = app->drivers.production.card_module,
	                .cert_der = NL_BUF_INIT, .backup_der = NL_BUF_INIT};
	const char *why = NULL;
	nl_conn *c;
	nl_err rc = nl_db_conn(app->db, &c);
	if (!rc) rc = load(&j, c, &why);
	if (rc) goto out;
	item->order_no = p->order_no;
	if (p->cert_serial[0] || p->backup_serial[0]) {
		if ((rc = compensate_interrupted(&j))) goto out;
	}
	if (why) {
		fail(&j, "%s", why);
		rc = nl_store_run_tx(app->db, refuse_tx, &j);
		fprintf(stderr, "{\"production\":\"refused\",\"order_no\":%" PRId64 ",\"reason\":\"%s\"}\n",
		        p->order_no, why);
		if (!rc) snprintf(item->state, sizeof item->state, "refused");
		goto out;
	}
	char dir[1024];
	nl_card_dir(app, dir, sizeof dir);
	if (dir[0]) {
		if ((rc = nl_card_perso_softhsm_setup(dir))) {
			fail(&j, "card: the card folder cannot be prepared (%s)", nl_err_code(rc));
			goto out;
		}
		/* Demo and tests only: a card printer that fails after the CA has
		 * issued, to show (and test) the compensation. */
		char flag[1100];
		snprintf(flag, sizeof flag, "%s/inject-write-failure", dir);
		j.inject_write_failure = app->cfg->demo && access(flag, F_OK) == 0;
		snprintf(flag, sizeof flag, "%s/inject-key-mismatch", dir);
		j.inject_key_mismatch = app->cfg->demo && access(flag, F_OK) == 0;
	}
	nl_random_digits(6, j.pin);
	nl_random_digits(8, j.puk);
	/* Card labels name the order and the attempt; a label used by a spoiled
	 * card of an earlier attempt (attempts restart after an operator's
	 * retry) is skipped, never overwritten. */
	rc = NL_ERR_CONFLICT;
	for (int64_t k = p->attempts; rc == NL_ERR_CONFLICT && k < p->attempts + 100; k++) {
		snprintf(p->card_label, sizeof p->card_label, "SD%" PRId64 "-%" PRId64, p->order_no, k);
		rc = nl_card_perso_init(j.module, p->card_label, j.pin, j.puk);
	}
	if (rc) {
		fail(&j, "card: no blank card or it cannot be initialised (%s)", nl_err_code(rc));
		goto out;
	}
	if ((rc = one_key(&j, KEY_LABEL, false, &j.cert_der))) goto undo;
	if (j.o.backup_cert && (rc = one_key(&j, BACKUP_LABEL, true, &j.backup_der))) goto undo;
	if ((rc = revoke_old(&j))) goto undo;
	if ((rc = nl_store_run_tx(app->db, done_tx, &j))) {
		fail(&j, "recording the produced card failed (%s)", nl_err_code(rc));
		goto undo;
	}
	snprintf(item->state, sizeof item->state, "done");
	goto out;
undo:
	/* Compensation: no certificate stays valid without its finished card... */
	if (compensate_interrupted(&j) != NL_OK)
		fprintf(stderr, "{\"production\":\"compensation_failed\",\"order_no\":%" PRId64 "}\n",
		        p->order_no);
	/* ...and no card is left half-written: its key pairs and certificates go. */
	if (nl_card_perso_wipe(j.module, p->card_label, j.pin, NULL) != NL_OK)
		fprintf(stderr, "{\"production\":\"card_wipe_failed\",\"order_no\":%" PRId64
		        ",\"card\":\"%s\"}\n", p->order_no, p->card_label);
out:
	snprintf(item->card_label, sizeof item->card_label, "%s", p->card_label);
	snprintf(item->cert_serial, sizeof item->cert_serial, "%s", p->cert_serial);
	snprintf(item->backup_serial, sizeof item->backup_serial, "%s", p->backup_serial);
	item->revoked = p->revoked_count;
	snprintf(item->error, sizeof item->error, "%s", p->last_error);
	sodium_memzero(j.pin, sizeof j.pin);
	sodium_memzero(j.puk, sizeof j.puk);
	nl_buf_free(&j.cert_der);
	nl_buf_free(&j.backup_der);
	nl_buf_free(&j.revoked);
	nl_form_clear(&j.f);
	nl_person_clear(&j.per);
	nl_order_clear(&j.o);
	return rc;
}
