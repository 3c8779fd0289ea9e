/* The verification code service (verify_code.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/install_key.h"
#include "app/verify_code.h"
#include "core/buf.h"
#include "core/datetime.h"
#include "core/validate.h"
#include "core/geo.h"
#include "core/secret.h"
#include "store/store_orders.h"

const char nl_esign_undertaking[] =
	"Aşağıda yazılı bütün bilgilerin doğru olduğunu, aksi halde doğacak bütün zararlardan "
	"sorumlu olduğumu beyan ederim. Bu formdaki bilgilere göre şahsıma bir nitelikli "
	"elektronik sertifika hazırlanmasını talep ederim. Nitelikli Elektronik Sertifika "
	"Sahibi Taahhütnamesi'nin hükümlerini kabul ederim.";

void nl_esign_time_text(int64_t t, char out[32])
{
	_Static_assert(NL_DATETIME_FMT_MAX <= 32, "the caller's buffer holds core's format");
	nl_time_format_tr_seconds(t, out);
}

nl_err nl_esign_code_derive(const struct nl_app *app, const char *sid, const char *nonce,
                            char code[NL_ESIGN_CODE_DIGITS + 1])
{
	nl_db *db = app->db;
	char msg[256], mac[NL_KEYED_HEX_LEN];
	snprintf(msg, sizeof msg, "%s:%s", sid, nonce);
	nl_err rc = nl_install_keyed_hash(db, "esign-code", msg, mac);
	if (rc)
		return rc;
	/* 64 bits of the MAC modulo 10^15: the bias is below 10^-4. */
	unsigned long long v = strtoull((char[17]){mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
	                                           mac[6], mac[7], mac[8], mac[9], mac[10], mac[11],
	                                           mac[12], mac[13], mac[14], mac[15], 0},
	                                NULL, 16);
	snprintf(code, NL_ESIGN_CODE_DIGITS + 1, "%015llu", v % 1000000000000000ULL);
	return NL_OK;
}

nl_err nl_esign_code_issue(const struct nl_app *app, const struct nl_esign_issue *in, const char *sid,
                           char nonce[NL_ESIGN_NONCE_LEN],
                           char code[NL_ESIGN_CODE_DIGITS + 1], struct nl_esign_code *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	memcpy(out->session_hash, in->session_hash, NL_ESIGN_SESSION_LEN);
	snprintf(out->purpose, sizeof out->purpose, "%s", in->purpose);
	snprintf(out->id_number, sizeof out->id_number, "%s", in->id_number ? in->id_number : "");
	snprintf(out->consent_choice, sizeof out->consent_choice, "%s",
	         in->consent_choice ? in->consent_choice : "");
	out->person_id = in->person_id;
	out->order_id = in->order_id;
	out->form_version_id = in->form_version_id;
	out->consent_text_id = in->consent_text_id;
	out->created_at = in->now;
	out->expires_at = in->now + NL_ESIGN_CODE_TTL;
	out->text = strdup(in->text);
	out->last_error = strdup("");
	snprintf(out->status, sizeof out->status, "active");
	if (!out->text || !out->last_error) {
		nl_esign_code_clear(out);
		return NL_ERR_NOMEM;
	}
	/* The address is kept as a keyed hash; counting and inserting are two
	 * statements, so parallel requests may pass the bound by a few. */
	if (in->addr && *in->addr) {
		int64_t live = 0;
		rc = nl_install_keyed_hash(db, "addr", in->addr, out->addr_hash);
		if (rc == NL_OK && in->addr_max > 0)
			rc = nl_store_esign_code_count_addr(c, out->addr_hash, in->purpose, in->now, &live);
		if (rc == NL_OK && in->addr_max > 0 && live >= in->addr_max)
			rc = NL_ERR_RATE_LIMIT;
		if (rc) {
			nl_esign_code_clear(out);
			return rc;
		}
	}
	/* 10^15 codes: a collision is unlikely, but the unique hash decides. */
	for (int attempt = 0; attempt < 5; attempt++) {
		nl_random_hex(16, nonce);
		rc = nl_esign_code_derive(app, sid, nonce, code);
		if (rc == NL_OK)
			rc = nl_install_keyed_hash(db, "esign", code, out->code_hash);
		if (rc == NL_OK)
			rc = nl_store_esign_code_insert(c, out);
		if (rc != NL_ERR_CONFLICT)
			break;
	}
	if (rc)
		nl_esign_code_clear(out);
	return rc;
}

nl_err nl_esign_code_lookup(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                            const char *addr, int64_t now, struct nl_esign_code *out)
{
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_throttle_check(app, pol, NL_DOOR_ESIGN, NULL, addr, now, NULL);
	if (rc)
		return rc;
	char h[NL_KEYED_HEX_LEN];
	nl_conn *c;
	if (!code || strlen(code) != NL_ESIGN_CODE_DIGITS || !nl_all_digits(code)) {
		rc = NL_ERR_NOT_FOUND;
	} else if ((rc = nl_install_keyed_hash(db, "esign", code, h)) == NL_OK &&
	           (rc = nl_db_conn(db, &c)) == NL_OK) {
		rc = nl_store_esign_code_by_hash(c, h, out);
	}
	if (rc == NL_ERR_NOT_FOUND)
		nl_err_ignore(nl_throttle_fail(app, pol, NL_DOOR_ESIGN, NULL, addr, now, NULL));
	return rc;
}

nl_err nl_esign_code_of_session(const struct nl_app *app, const uint8_t *session_hash, const char *purpose,
                                int64_t order_id, struct nl_esign_code *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	return rc ? rc : nl_store_esign_code_latest(c, session_hash, purpose, order_id, out);
}

static const char *yes_no(const char *v)
{
	return !strcmp(v, "yes") ? "Evet" : !strcmp(v, "no") ? "Hayır" : v;
}

static const char *label_of(const char *v)
{
	static const struct { const char *code, *tr; } labels[] = {
		{"none", "Yok"}, {"standard", "Standart"}, {"mini", "Mini"},
		{"email", "E-Posta"}, {"sms", "SMS"}, {"both", "E-Posta ve SMS"},
		{"institution", "Kurum"}, {"home", "Ev"}, {"courier", "Kargo"},
		{"turkcell", "Turkcell"}, {"vodafone", "Vodafone"}, {"turk_telekom", "Türk Telekom"},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(v, labels[i].code))
			return labels[i].tr;
	return v;
}

char *nl_esign_text_approve(const struct nl_form_view *fv, int64_t now)
{
	const struct nl_form *f = &fv->current;
	nl_buf b = NL_BUF_INIT;
	char when[32];
	nl_esign_time_text(now, when);
	enum nl_reason reason;
	const char *reason_tr = nl_reason_parse(f->reason, &reason) ? nl_reason_label_tr(reason) : f->reason;
	const struct nl_province *pv = nl_province_by_plate((int)f->province);
	nl_buf_printf(&b, "NİTELİKLİ ELEKTRONİK SERTİFİKA BAŞVURU FORMU VE SERTİFİKA SAHİBİ TAAHHÜTNAMESİ\n\n");
	nl_buf_printf(&b, "%s\n\n", nl_esign_undertaking);
	nl_buf_printf(&b, "Sipariş No: SD-%lld\nForm Sürümü: %lld\n", (long long)fv->order_no,
	              (long long)f->version);
	nl_buf_printf(&b, "Kimlik Numarası: %s\nAd: %s\nSoyad: %s\nDoğum Yeri: %s\nDoğum Tarihi: %s\n",
	              fv->id_number, fv->given_name, fv->surname, fv->birth_place, fv->birth_date);
	nl_buf_printf(&b, "Sertifika Süresi: %lld yıl\nKart Okuyucu: %s\nSertifikanız İnternette Yayınlansın mı: %s\n"
	              "Başvuru Nedeni: %s\n", (long long)f->period_years, label_of(f->card_reader),
	              yes_no(f->publish), reason_tr);
	nl_buf_printf(&b, "E-Posta: %s\nCep Telefonu: %s\nOperatör: %s\nEv Telefonu: %s\nBilgi Kanalı: %s\n",
	              f->email, f->mobile, label_of(f->operator_name), f->home_phone,
	              label_of(f->info_channel));
	nl_buf_printf(&b, "Kurum Adı: %s\nKurum Sicil No: %s\nÇalıştığı Birim: %s\nÜnvan: %s\n"
	              "İş Telefonu: %s\nDahili: %s\n", fv->institution_name, f->inst_registry_no,
	              f->unit, f->title, f->work_phone, f->extension);
	nl_buf_printf(&b, "Adres Tipi: %s\nAdres: %s\nİl: %s\nİlçe: %s\nPosta Kodu: %s\nTeslimat Yöntemi: %s\n",
	              label_of(f->address_type), f->address, pv ? pv->name : "", f->district,
	              f->postal_code, label_of(f->delivery_method));
	nl_buf_printf(&b, "\nOluşturma Tarihi: %s\n", when);
	if (b.oom) {
		nl_buf_free(&b);
		return NULL;
	}
	return nl_buf_take(&b);
}

char *nl_esign_text_login(const char *id_number, int64_t now)
{
	nl_buf b = NL_BUF_INIT;
	char when[32];
	nl_esign_time_text(now, when);
	nl_buf_printf(&b, "Online İşlemler'e e-İmza ile giriş yapmak istiyorum.\n"
	              "Kimlik Numarası: %s\nOluşturma Tarihi: %s\n", id_number, when);
	if (b.oom) {
		nl_buf_free(&b);
		return NULL;
	}
	return nl_buf_take(&b);
}

char *nl_esign_text_econsent(int64_t text_version, const char *choice_text, int64_t now)
{
	nl_buf b = NL_BUF_INIT;
	char when[32];
	nl_esign_time_text(now, when);
	nl_buf_printf(&b, "E-ONAY SEÇİMİ (metin sürümü %lld)\n\n%s\n\nOluşturma Tarihi: %s\n",
	              (long long)text_version, choice_text, when);
	if (b.oom) {
		nl_buf_free(&b);
		return NULL;
	}
	return nl_buf_take(&b);
}

nl_err nl_esign_order_no(const struct nl_app *app, int64_t order_id, int64_t *order_no)
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_order o = {0};
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_order_get(c, order_id, &o);
	if (rc == NL_OK)
		*order_no = o.order_no;
	nl_order_clear(&o);
	return rc;
}

nl_err nl_esign_code_get(const struct nl_app *app, int64_t id, const uint8_t *session_hash,
                         const char *purpose, struct nl_esign_code *out)
{
	nl_conn *c;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_conn(app->db, &c);
	if (rc == NL_OK)
		rc = nl_store_esign_code_get(c, id, out);
	if (rc)
		return rc;
	if (memcmp(out->session_hash, session_hash, NL_ESIGN_SESSION_LEN) != 0 ||
	    (purpose && strcmp(out->purpose, purpose) != 0)) {
		nl_esign_code_clear(out);
		return NL_ERR_NOT_FOUND;
	}
	return NL_OK;
}

nl_err nl_esign_signature_person(const struct nl_app *app, int64_t signature_id, int64_t *person_id)
{
	nl_conn *c;
	nl_err rc = nl_db_conn(app->db, &c);
	return rc ? rc : nl_store_esign_signature_person(c, signature_id, person_id);
}
