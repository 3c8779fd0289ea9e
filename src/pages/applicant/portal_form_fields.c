/* The step-1 page's fields (portal_form_fields.h). One line per field: the
 * spec that binds it into struct nl_form_input and what the page shows; the
 * template renders any field from it (form/field.html). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/form.h"
#include "core/geo.h"
#include "core/order.h"
#include "pages/pages.h"
#include "pages/applicant/portal_form_fields.h"

enum fkind { F_TEXT, F_EMAIL, F_TEL, F_PASSWORD, F_TEXTAREA, F_SELECT, F_RADIO };

struct opt {
	const char *value, *label;
};

/* Where a stored version (struct nl_form) keeps a field, to show it again. */
enum stored { S_NONE, S_TEXT, S_NUMBER };

struct fdef {
	struct nl_spec spec;        /* spec.name is the HTML name */
	enum stored stored;
	size_t stored_at;           /* offset in struct nl_form: const char * or int64_t */
	const char *label, *hint;
	enum fkind kind;
	bool required;
	int maxlength;
	const struct opt *opts;     /* NULL-terminated (value NULL); NULL for text */
	const char *autocomplete;
};

static const struct opt periods[] = {
	{"1", "1 year"}, {"2", "2 years"}, {"3", "3 years"}, {NULL, NULL}};
static const struct opt readers[] = {
	{"none", "Not wanted"}, {"standard", "Standard card reader"},
	{"mini", "Mini card reader"}, {NULL, NULL}};
static const struct opt yes_no[] = {{"yes", "Yes"}, {"no", "No"}, {NULL, NULL}};
static const struct opt operators[] = {
	{"turkcell", "Turkcell"}, {"vodafone", "Vodafone"}, {"turk_telekom", "Türk Telekom"},
	{NULL, NULL}};
static const struct opt channels[] = {
	{"email", "E-mail"}, {"sms", "SMS"}, {"both", "Both (e-mail and SMS)"}, {NULL, NULL}};
static const struct opt address_types[] = {
	{"institution", "Institution address"}, {"home", "Home address"}, {NULL, NULL}};
static const struct opt deliveries[] = {
	{"courier", "By courier to the address"},
	{"institution", "Handed over by the institution officer"}, {NULL, NULL}};
/* Reasons and provinces come from core tables (see options_json). */
static const struct opt reasons_marker[] = {{NULL, NULL}};
static const struct opt provinces_marker[] = {{NULL, NULL}};
static const struct opt districts_marker[] = {{NULL, NULL}};

/* Every field is parsed as text into struct nl_form_input: the choices and
 * formats are the use case's rules (app/form.c), which report every field at
 * once; the spec only bounds the length.
 *   T       a text entry: typed into in.typed.m, stored as struct nl_form's m
 *   NUMBER  typed into in.m, stored as the number struct nl_form's st
 *   SECRET  typed into in.m, never stored or shown back
 * (NL__SPEC_OFF checks each member's type at compile time.) */
#define T(n, m, max) NL_SPEC_TEXT(n, struct nl_form_post, in.typed.m, 0, max, 0), S_TEXT, \
	NL__SPEC_OFF(struct nl_form, m, const char *)
#define NUMBER(n, m, st, max) NL_SPEC_TEXT(n, struct nl_form_post, in.m, 0, max, 0), S_NUMBER, \
	NL__SPEC_OFF(struct nl_form, st, int64_t)
#define SECRET(n, m, max) NL_SPEC_TEXT(n, struct nl_form_post, in.m, 0, max, NL_SPEC_SECRET), \
	S_NONE, 0
#define END {NL_SPEC_END, S_NONE, 0, NULL, NULL, 0, false, 0, NULL, NULL}
static const struct fdef product[] = {
	{NUMBER("period", period, period_years, 8), "Certificate period", NULL, F_SELECT, true, 0,
	 periods, NULL},
	{T("card_reader", card_reader, 32), "Card reader", NULL, F_SELECT, true, 0, readers, NULL},
	{T("publish", publish, 8), "Should your certificate be published on the Internet?",
	 "Published certificates can be found in the public directory.", F_RADIO, true, 0, yes_no,
	 NULL},
	{T("reason", reason, 32), "Application reason", NULL, F_SELECT, true, 0, reasons_marker,
	 NULL},
	END};
static const struct fdef secword[] = {
	{SECRET("security_word", security_word, NL_FORM_SECWORD_MAX), "Security word",
	 "8 to 32 characters with at least one letter and one digit. You will use it to log in to "
	 "Online Services once your certificate is issued.", F_PASSWORD, true, 32, NULL,
	 "new-password"},
	{SECRET("security_word2", security_word2, NL_FORM_SECWORD_MAX), "Security word (again)",
	 NULL, F_PASSWORD, true, 32, NULL, "new-password"},
	END};
static const struct fdef contact[] = {
	{T("email", email, 254), "E-mail", NULL, F_EMAIL, true, 254, NULL, "email"},
	{T("mobile", mobile, 32), "Mobile phone",
	 "5xxxxxxxxx: the SMS confirmation code is sent to this number.", F_TEL, true, 20, NULL,
	 "tel-national"},
	{T("operator", operator_name, 32), "Mobile operator", NULL, F_SELECT, true, 0, operators,
	 NULL},
	{T("home_phone", home_phone, 32), "Home phone", NULL, F_TEL, false, 20, NULL,
	 "tel-national"},
	{T("info_channel", info_channel, 16), "Information channel",
	 "How you are told about your certificate later.", F_SELECT, true, 0, channels, NULL},
	END};
static const struct fdef institution[] = {
	{T("registry_no", inst_registry_no, NL_FORM_REGNO_MAX), "Institution registry number",
	 NULL, F_TEXT, false, NL_FORM_REGNO_MAX, NULL, NULL},
	{T("unit", unit, NL_FORM_UNIT_MAX), "Unit you work in", NULL, F_TEXT, true,
	 NL_FORM_UNIT_MAX, NULL, NULL},
	{T("title", title, NL_FORM_TITLE_MAX), "Your title in the institution", NULL, F_TEXT, true,
	 NL_FORM_TITLE_MAX, NULL, "organization-title"},
	{T("work_phone", work_phone, 32), "Work phone", NULL, F_TEL, true, 20, NULL, NULL},
	{T("extension", extension, 16), "Extension", NULL, F_TEXT, false, 6, NULL, NULL},
	END};
static const struct fdef delivery[] = {
	{T("address_type", address_type, 16), "Address type", NULL, F_SELECT, true, 0,
	 address_types, NULL},
	{T("address", address, NL_FORM_ADDRESS_MAX), "Address", NULL, F_TEXTAREA, true,
	 NL_FORM_ADDRESS_MAX, NULL, "street-address"},
	{NUMBER("province", province, province, 8), "Province", NULL, F_SELECT, true, 0,
	 provinces_marker, NULL},
	{T("district", district, NL_FORM_DISTRICT_MAX), "District", NULL, F_SELECT, true, 0,
	 districts_marker, NULL},
	{T("postal_code", postal_code, 16), "Postal code",
	 "5 digits; the first two are the province's code.", F_TEXT, true, 5, NULL, "postal-code"},
	{T("delivery_method", delivery_method, 16), "Delivery method", NULL, F_SELECT, true, 0,
	 deliveries, NULL},
	END};
#undef T
#undef NUMBER
#undef SECRET
#undef END

static const struct {
	const char *title;
	const struct fdef *fields;
} sections[] = {
	{"Product Details", product},
	{"Security Word", secword},
	{"Contact Details", contact},
	{"Institution Details", institution},
	{"Delivery Details", delivery},
};

#define N_SECTIONS (sizeof sections / sizeof sections[0])

/* The form's fields, the page's two and the end. */
#define COUNT(a) (sizeof a / sizeof a[0] - 1)
static struct nl_spec post_spec[COUNT(product) + COUNT(secword) + COUNT(contact) +
                                COUNT(institution) + COUNT(delivery) + 3];
static pthread_once_t post_spec_once = PTHREAD_ONCE_INIT;

static void build_post_spec(void)
{
	static const struct nl_spec tail[] = {
		NL_SPEC_TEXT("action", struct nl_form_post, action, 0, 16, 0),
		NL_SPEC_INT("base_version", struct nl_form_post, base_version, 0, 1000000, 0),
		NL_SPEC_END,
	};
	size_t n = 0;
	for (size_t s = 0; s < N_SECTIONS; s++)
		for (const struct fdef *f = sections[s].fields; f->spec.name; f++) {
			if (n + 3 >= sizeof post_spec / sizeof post_spec[0])
				abort();   /* a section left out of post_spec's size */
			post_spec[n++] = f->spec;
		}
	for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
		post_spec[n++] = tail[i];
}

const struct nl_spec *nl_form_post_spec(void)
{
	pthread_once(&post_spec_once, build_post_spec);
	return post_spec;
}

json_t *nl_form_stored_values(const struct nl_form *f)
{
	json_t *v = json_object();
	const char *base = (const char *)f;
	for (size_t s = 0; v && s < N_SECTIONS; s++) {
		for (const struct fdef *d = sections[s].fields; d->spec.name; d++) {
			const char *text = NULL;
			char num[24];
			if (d->stored == S_TEXT) {
				memcpy(&text, base + d->stored_at, sizeof text);
			} else if (d->stored == S_NUMBER) {
				int64_t n;
				memcpy(&n, base + d->stored_at, sizeof n);
				snprintf(num, sizeof num, "%lld", (long long)n);
				text = n ? num : NULL;   /* 0: not chosen */
			}
			if (text && *text)
				json_object_set_new(v, d->spec.name, json_string(text));
		}
	}
	return v;
}

static const char *str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void add_option(json_t *opts, const char *value, const char *label, const char *chosen)
{
	json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", value, "label", label,
	                                      "selected", !strcmp(value, chosen)));
}

static json_t *options_json(struct nl_req *r, const struct fdef *f, json_t *values)
{
	json_t *opts = json_array();
	const char *chosen = str_of(values, f->spec.name);
	bool en = !strcmp(r->lang, "en");
	if (!opts)
		return NULL;
	if (f->opts == reasons_marker) {
		for (int k = NL_REASON__FIRST; k <= NL_REASON__LAST; k++)
			add_option(opts, nl_reason_code((enum nl_reason)k),
			           en ? nl_reason_label_en((enum nl_reason)k)
			              : nl_reason_label_tr((enum nl_reason)k), chosen);
	} else if (f->opts == provinces_marker) {
		for (size_t i = 0; i < NL_PROVINCE_COUNT; i++) {
			const struct nl_province *p = nl_province_at(i);
			char plate[8];
			snprintf(plate, sizeof plate, "%d", p->plate);
			add_option(opts, plate, p->name, chosen);
		}
	} else if (f->opts == districts_marker) {
		/* The districts of the chosen province; the script refreshes the list
		 * when the province changes, the "List districts" button without it. */
		const char *prov = str_of(values, "province");
		const struct nl_province *p = nl_province_by_plate(atoi(prov));
		const char *official = p ? nl_district_find(p->plate, chosen) : NULL;
		for (size_t i = 0; p && i < p->n_districts; i++)
			add_option(opts, nl_district_at(p, i), nl_district_at(p, i),
			           official ? official : chosen);
	} else {
		for (const struct opt *o = f->opts; o->value; o++)
			add_option(opts, o->value, nl_page_tr(r, o->label), chosen);
	}
	return opts;
}

static json_t *field_json(struct nl_req *r, const struct fdef *f, json_t *values, json_t *errors)
{
	static const char *const kinds[] = {
		[F_TEXT] = "is_text", [F_EMAIL] = "is_email", [F_TEL] = "is_tel",
		[F_PASSWORD] = "is_password", [F_TEXTAREA] = "is_textarea", [F_SELECT] = "is_select",
		[F_RADIO] = "is_radio",
	};
	json_t *j = json_pack("{s:s, s:s, s:b, s:b}", "name", f->spec.name, "label",
	                      nl_page_tr(r, f->label), "required", f->required, kinds[f->kind], 1);
	if (!j)
		return NULL;
	if (f->hint)
		json_object_set_new(j, "hint", json_string(nl_page_tr(r, f->hint)));
	/* The security word is never shown back. */
	if (f->kind != F_PASSWORD && *str_of(values, f->spec.name))
		json_object_set_new(j, "value", json_string(str_of(values, f->spec.name)));
	if (*str_of(errors, f->spec.name))
		json_object_set_new(j, "field_error", json_string(str_of(errors, f->spec.name)));
	if (f->maxlength)
		json_object_set_new(j, "maxlength", json_integer(f->maxlength));
	if (f->autocomplete)
		json_object_set_new(j, "autocomplete", json_string(f->autocomplete));
	if (f->opts)
		json_object_set_new(j, "options", options_json(r, f, values));
	if (!strcmp(f->spec.name, "province"))
		json_object_set_new(j, "is_province", json_true());
	if (!strcmp(f->spec.name, "district"))
		json_object_set_new(j, "is_district", json_true());
	return j;
}

json_t *nl_form_sections_json(struct nl_req *r, json_t *values, json_t *errors)
{
	json_t *out = json_array();
	for (size_t s = 0; out && s < N_SECTIONS; s++) {
		json_t *fields = json_array();
		for (const struct fdef *f = sections[s].fields; fields && f->spec.name; f++)
			json_array_append_new(fields, field_json(r, f, values, errors));
		json_array_append_new(out, json_pack("{s:s, s:o, s:b}", "title",
		                                     nl_page_tr(r, sections[s].title), "fields", fields,
		                                     "is_institution", sections[s].fields == institution));
	}
	return out;
}

json_t *nl_form_identity_json(struct nl_req *r, const struct nl_form_view *p)
{
	char id[32], given[256], surname[256], place[256], date[16];
	(void)r;
	nl_mask_id_number(p->id_number, id, sizeof id);
	nl_mask_name(p->given_name, given, sizeof given);
	nl_mask_name(p->surname, surname, sizeof surname);
	nl_mask_name(p->birth_place, place, sizeof place);
	/* "1985-03-14" -> "**.**.1985": the year is enough to recognise it. */
	snprintf(date, sizeof date, "**.**.%.4s", *p->birth_date ? p->birth_date : "****");
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "given_name", given, "surname",
	                 surname, "birth_place", place, "birth_date", date);
}
