/* The step-1 field rules (form.h) and the masks of the read-only identity. The
 * use cases that store forms are in form_flow.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/form.h"
#include "core/field_msg.h"
#include "core/geo.h"
#include "core/order.h"
#include "core/utf8.h"
#include "core/validate.h"

static const char *const periods[] = {"1", "2", "3", NULL};
static const char *const card_readers[] = {"none", "standard", "mini", NULL};
static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const operators[] = {"turkcell", "vodafone", "turk_telekom", NULL};
static const char *const channels[] = {"email", "sms", "both", NULL};
static const char *const address_types[] = {"institution", "home", NULL};
static const char *const delivery_methods[] = {"courier", "institution", NULL};

static bool empty(const char *s)
{
	return !s || !*s;
}

static void issue(struct nl_form_check *chk, const char *field, const char *code)
{
	for (size_t i = 0; i < chk->n; i++)
		if (!strcmp(chk->issues[i].field, field))
			return;   /* the first problem of a field is the one shown */
	if (chk->n < NL_FORM_MAX_ISSUES)
		chk->issues[chk->n++] = (struct nl_form_issue){field, code, nl_field_msgid(code)};
}

/* A required choice among values; returns the value or NULL. */
static const char *choice(struct nl_form_check *chk, const char *field, const char *v,
                          const char *const *values)
{
	if (empty(v)) {
		issue(chk, field, "required");
		return NULL;
	}
	for (size_t i = 0; values[i]; i++)
		if (!strcmp(v, values[i]))
			return values[i];
	issue(chk, field, "not_allowed");
	return NULL;
}

/* Free text of min..max characters (min 0: optional). Returns v or NULL. */
static const char *text(struct nl_form_check *chk, const char *field, const char *v,
                        size_t min, size_t max)
{
	if (empty(v)) {
		if (min)
			issue(chk, field, "required");
		return "";
	}
	const char *why = nl_valid_text(v, min ? min : 1, max, false);
	if (why) {
		issue(chk, field, why);
		return NULL;
	}
	return v;
}

/* 8..32 characters, a letter and a digit, both entries equal. Never copied. */
static void security_word(struct nl_form_check *chk, const char *w, const char *w2)
{
	if (empty(w)) {
		issue(chk, "security_word", "required");
		return;
	}
	bool letter = false, digit = false;
	if (nl_valid_text(w, NL_FORM_SECWORD_MIN, NL_FORM_SECWORD_MAX, false)) {
		issue(chk, "security_word", "security_word_rules");
		return;
	}
	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
			letter = true;
		else if (*p >= 0xC0)
			letter = true;   /* a non-ASCII letter such as ç, ğ, ı, ö, ş, ü */
	}
	if (!letter || !digit) {
		issue(chk, "security_word", "security_word_rules");
		return;
	}
	if (empty(w2)) {
		issue(chk, "security_word2", "required");
		return;
	}
	if (strlen(w) != strlen(w2) || strcmp(w, w2) != 0)
		issue(chk, "security_word2", "security_word_mismatch");
}

static void delivery(const struct nl_form_input *in, struct nl_form_check *chk,
                     struct nl_form_values *out)
{
	const struct nl_form *t = &in->typed;
	out->form.address_type = choice(chk, "address_type", t->address_type, address_types);
	out->form.address = text(chk, "address", t->address, NL_FORM_ADDRESS_MIN,
	                         NL_FORM_ADDRESS_MAX);
	out->form.delivery_method = choice(chk, "delivery_method", t->delivery_method,
	                                   delivery_methods);
	const struct nl_province *prov = NULL;
	if (empty(in->province)) {
		issue(chk, "province", "required");
	} else {
		char *end;
		long plate = strtol(in->province, &end, 10);
		prov = *end == '\0' ? nl_province_by_plate((int)plate) : NULL;
		if (!prov)
			issue(chk, "province", "province_unknown");
		else
			out->form.province = prov->plate;
	}
	if (empty(t->district)) {
		issue(chk, "district", "required");
	} else if (nl_valid_text(t->district, 1, NL_FORM_DISTRICT_MAX, false)) {
		issue(chk, "district", nl_valid_text(t->district, 1, NL_FORM_DISTRICT_MAX, false));
	} else if (prov) {
		out->form.district = nl_district_find(prov->plate, t->district);
		if (!out->form.district)
			issue(chk, "district", "district_province");
	}
	if (empty(t->postal_code)) {
		issue(chk, "postal_code", "required");
	} else {
		const char *why = nl_valid_postal_code(t->postal_code);
		if (why)
			issue(chk, "postal_code", why);
		else if (prov && (t->postal_code[0] - '0') * 10 + (t->postal_code[1] - '0') !=
		                         prov->plate)
			issue(chk, "postal_code", "postal_other_province");
		else
			out->form.postal_code = t->postal_code;
	}
}

bool nl_form_validate(const struct nl_form_input *in, struct nl_form_check *chk,
                      struct nl_form_values *out)
{
	memset(chk, 0, sizeof *chk);
	memset(out, 0, sizeof *out);
	const struct nl_form *t = &in->typed;   /* the text entries as typed */
	const char *why;

	/* Product */
	const char *p = choice(chk, "period", in->period, periods);
	out->form.period_years = p ? p[0] - '0' : 0;
	out->form.card_reader = choice(chk, "card_reader", t->card_reader, card_readers);
	out->form.publish = choice(chk, "publish", t->publish, yes_no);
	enum nl_reason reason;
	if (empty(t->reason))
		issue(chk, "reason", "required");
	else if (!nl_reason_parse(t->reason, &reason))
		issue(chk, "reason", "not_allowed");
	else
		out->form.reason = nl_reason_code(reason);

	security_word(chk, in->security_word, in->security_word2);

	/* Contact */
	if (empty(t->email))
		issue(chk, "email", "required");
	else if ((why = nl_valid_email(t->email)))
		issue(chk, "email", why);
	else
		out->form.email = t->email;
	if (empty(t->mobile))
		issue(chk, "mobile", "required");
	else if ((why = nl_valid_mobile(t->mobile, out->mobile)))
		issue(chk, "mobile", why);
	out->form.operator_name = choice(chk, "operator", t->operator_name, operators);
	if (!empty(t->home_phone) && (why = nl_valid_landline(t->home_phone, out->home_phone)))
		issue(chk, "home_phone", why);
	out->form.info_channel = choice(chk, "info_channel", t->info_channel, channels);

	/* Institution */
	out->form.inst_registry_no = text(chk, "registry_no", t->inst_registry_no, 0, NL_FORM_REGNO_MAX);
	out->form.unit = text(chk, "unit", t->unit, 2, NL_FORM_UNIT_MAX);
	out->form.title = text(chk, "title", t->title, 2, NL_FORM_TITLE_MAX);
	if (empty(t->work_phone))
		issue(chk, "work_phone", "required");
	else if ((why = nl_valid_phone(t->work_phone, out->work_phone)))
		issue(chk, "work_phone", why);
	out->form.extension = "";
	if (!empty(t->extension)) {
		size_t n = strspn(t->extension, "0123456789");
		if (n == 0 || n > 6 || t->extension[n] != '\0')
			issue(chk, "extension", "extension_format");
		else
			out->form.extension = t->extension;
	}

	delivery(in, chk, out);
	out->form.mobile = out->mobile;
	out->form.home_phone = out->home_phone;
	out->form.work_phone = out->work_phone;
	return chk->n == 0;
}

void nl_form_draft_entries(const struct nl_form_input *in, struct nl_form *out)
{
	/* Typed text as it is (the page's field specs already refused bad UTF-8
	 * and over-long values); the security word is never kept in a draft. */
	char *province_end = NULL;
	long plate = in->province ? strtol(in->province, &province_end, 10) : 0;
	*out = in->typed;
	out->period_years = in->period && strlen(in->period) == 1 && in->period[0] >= '1' &&
	                    in->period[0] <= '3' ? in->period[0] - '0' : 0;
	out->province = province_end && *province_end == '\0' && plate >= 1 && plate <= 81 ? plate
	                                                                                  : 0;
	out->security_word_hash = NULL;
	out->strings = NULL;
}

/* ---- masks ---- */

void nl_mask_id_number(const char *id, char *out, size_t cap)
{
	size_t n = id ? strlen(id) : 0, k = 0;
	if (!cap)
		return;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		out[k++] = (i < 2 || i + 2 >= n) ? id[i] : '*';
	out[k] = '\0';
}

void nl_mask_name(const char *name, char *out, size_t cap)
{
	size_t k = 0;
	bool word_start = true;
	if (!cap)
		return;
	for (const char *p = name ? name : ""; *p && k + 1 < cap;) {
		uint32_t cp;
		size_t len = nl_utf8_decode(p, strlen(p), &cp);
		if (len == 0)
			len = 1;
		if (*p == ' ') {
			out[k++] = ' ';
			word_start = true;
			p++;
			continue;
		}
		if (word_start) {
			/* keep the first letter whole (it may be two bytes: Ç, Ş, İ, ...) */
			if (k + len + 1 > cap)
				break;
			memcpy(out + k, p, len);
			k += len;
			word_start = false;
		} else {
			out[k++] = '*';
		}
		p += len;
	}
	out[k] = '\0';
}

void nl_mask_mobile(const char *mobile, char *out, size_t cap)
{
	if (!mobile || strlen(mobile) != 10) {
		snprintf(out, cap, "***");
		return;
	}
	snprintf(out, cap, "%.3s *** ** %.2s", mobile, mobile + 8);
}
