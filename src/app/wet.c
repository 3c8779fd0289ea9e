/* The wet-signature path (wet.h): the PDF of a form version with its barcode,
 * and the registration officer's look-up, acceptance and rejection. The
 * Turkish labels of the form live in wet_view.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/wet.h"
#include "app/wet_internal.h"
#include "core/datetime.h"
#include "core/secret.h"
#include "docs/form_pdf.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"

static const struct {
	const char *code, *msgid;
} refusals[] = {
	[NL_WET_REFUSED_NONE] = {"", ""},
	[NL_WET_REFUSED_FORMAT] = {"format",
		"This is not a form barcode: a form code is NF followed by 12 letters and digits."},
	[NL_WET_REFUSED_UNKNOWN] = {"unknown", "No application form has this barcode."},
	[NL_WET_REFUSED_OLD] = {"old",
		"This barcode belongs to an old version of the form: the applicant has made a newer "
		"form since. Only the newest form can be registered."},
	[NL_WET_REFUSED_ACCEPTED] = {"accepted", "This paper form has already been registered."},
	[NL_WET_REFUSED_REJECTED] = {"rejected",
		"This paper form has already been rejected; the applicant must make a new form."},
	[NL_WET_REFUSED_APPROVED] = {"approved_otherwise",
		"This form version has already been approved electronically (e-İmza or e-Onay)."},
	[NL_WET_REFUSED_CLOSED] = {"order_closed",
		"The application is cancelled or already past production; the form cannot be "
		"registered."},
};
#define N_REFUSALS (sizeof refusals / sizeof refusals[0])

const char *nl_wet_refusal_code(enum nl_wet_refusal r)
{
	return (size_t)r < N_REFUSALS ? refusals[r].code : "";
}

const char *nl_wet_refusal_msgid(enum nl_wet_refusal r)
{
	return (size_t)r < N_REFUSALS ? refusals[r].msgid : "";
}

static bool is_base32(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7');
}

bool nl_wet_code_normalize(const char *in, char out[NL_BARCODE_LEN + 1])
{
	out[0] = '\0';
	if (!in)
		return false;
	while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
		in++;
	size_t n = strlen(in);
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\r' || in[n - 1] == '\n'))
		n--;
	if (n != NL_BARCODE_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = in[i];
		out[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
	}
	out[n] = '\0';
	bool ok = !memcmp(out, NL_BARCODE_PREFIX, 2);
	for (size_t i = 2; ok && i < n; i++)
		ok = is_base32(out[i]);
	if (!ok)
		out[0] = '\0';
	return ok;
}

/* ---- the person's PDF ---- */

struct pdf_ctx {
	int64_t person_id, order_no, now;
	bool stored_identity;
	struct nl_wet_view *v;
};

/* For a session that did not prove the person (docs/applicant.md, "Doors and
 * entitlement"): the name this order's pre-application typed instead of the
 * stored one, and no birth data (the registration officer compares the
 * signer's ID card with the stored identity on his own page). */
static NL_MUST_USE nl_err typed_identity(nl_conn *c, int64_t order_id, struct nl_wet_view *v)
{
	struct nl_order_contact oc;
	nl_err rc = nl_store_order_contact_get(c, order_id, &oc);
	if (rc == NL_ERR_NOT_FOUND)
		rc = NL_OK;   /* nothing typed: every name field stays empty */
	if (rc != NL_OK)
		return rc;
	snprintf(v->holder_name, sizeof v->holder_name, "%.120s%s%.120s", oc.given_name,
	         oc.given_name[0] && oc.surname[0] ? " " : "", oc.surname);
	struct nl_wet_section *s = v->n_sections ? &v->sections[0] : NULL;
	for (size_t i = 0; s && i < s->n; i++) {
		const char *label = s->fields[i].label, *value = NULL;
		if (!strcmp(label, "Adı"))
			value = oc.given_name;
		else if (!strcmp(label, "Soyadı"))
			value = oc.surname;
		else if (!strcmp(label, "Doğum Yeri") || !strcmp(label, "Doğum Tarihi"))
			value = "";
		if (value)
			snprintf(s->fields[i].value, sizeof s->fields[i].value, "%s", value);
	}
	return NL_OK;
}

/* Finds or makes the barcode of the person's current version, and fills the
 * view. A concurrent first download (or a code collision, 2^-60) meets the
 * unique index: run the transaction again, which then finds the code. */
static NL_MUST_USE nl_err pdf_tx(nl_conn *c, void *arg)
{
	struct pdf_ctx *a = arg;
	struct nl_order o = {0};
	struct nl_form f = {0};
	struct nl_barcode b = {0};
	nl_err rc = nl_store_order_get_by_no(c, a->order_no, &o);
	if (rc == NL_OK && o.person_id != a->person_id)
		rc = NL_ERR_NOT_FOUND;
	if (rc != NL_OK)
		goto out;
	if ((rc = nl_store_form_current(c, o.id, &f)) == NL_ERR_NOT_FOUND)
		rc = NL_ERR_CONFLICT;
	if (rc != NL_OK)
		goto out;
	bool printable = f.status == NL_FORM_SMS_CONFIRMED ||
	                 (f.status == NL_FORM_APPROVED && !strcmp(f.approval_method, "islak"));
	if (!printable) {
		rc = NL_ERR_CONFLICT;
		goto out;
	}
	rc = nl_store_barcode_of_version(c, f.id, &b);
	if (rc == NL_OK && b.status == NL_BARCODE_REJECTED) {
		rc = NL_ERR_FORBIDDEN;   /* the paper was refused: a new version is needed */
		goto out;
	}
	if (rc == NL_ERR_NOT_FOUND) {
		b = (struct nl_barcode){.form_version_id = f.id, .order_id = o.id};
		memcpy(b.code, NL_BARCODE_PREFIX, 2);
		nl_random_base32(NL_BARCODE_LEN - 2, b.code + 2);
		rc = nl_store_barcode_insert(c, &b, a->now);
		if (rc == NL_ERR_CONFLICT)
			rc = NL_ERR_BUSY;
		if (rc != NL_OK)
			goto out;
		char actor[32];
		snprintf(actor, sizeof actor, "person:%" PRId64, a->person_id);
		struct nl_audit_rec rec = {
			.at = a->now, .actor = actor, .entity = "form", .entity_id = f.id,
			.action = "barcode", .from = "", .to = "issued", .reason = b.code,
		};
		rc = nl_store_audit_append(c, &rec);
	}
	if (rc == NL_OK)
		rc = nl_wet_fill_view(c, &o, &f, &b, a->v);
	if (rc == NL_OK && !a->stored_identity)
		rc = typed_identity(c, o.id, a->v);
out:
	nl_order_clear(&o);
	nl_form_clear(&f);
	nl_barcode_clear(&b);
	return rc;
}

nl_err nl_wet_rejection(const struct nl_app *app, int64_t form_version_id, bool *rejected, char *reason,
                        size_t cap)
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_barcode b = {0};
	*rejected = false;
	if (cap)
		reason[0] = '\0';
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_barcode_of_version(c, form_version_id, &b);
	if (rc == NL_OK && b.status == NL_BARCODE_REJECTED) {
		*rejected = true;
		snprintf(reason, cap, "%s", b.reject_reason);
	}
	nl_barcode_clear(&b);
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

/* Splits "a | b | c" into "a\nb\nc" (the address lines). */
static void address_lines(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < cap; p++) {
		if (*p == '|') {
			while (o && out[o - 1] == ' ')
				o--;
			out[o++] = '\n';
			while (p[1] == ' ')
				p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

nl_err nl_wet_form_pdf(const struct nl_app *app, int64_t person_id, int64_t order_no,
                       bool stored_identity, int64_t now, nl_buf *pdf,
                       char code[NL_BARCODE_LEN + 1])
{
	struct nl_wet_view *v = calloc(1, sizeof *v);
	if (!v)
		return NL_ERR_NOMEM;
	struct pdf_ctx a = {person_id, order_no, now, stored_identity, v};
	nl_err rc = nl_store_run_tx(app->db, pdf_tx, &a);
	if (rc != NL_OK)
		goto out;
	struct nl_pdf_field fields[NL_WET_SECTIONS][NL_WET_FIELDS_MAX];
	struct nl_pdf_section sections[NL_WET_SECTIONS];
	for (size_t s = 0; s < v->n_sections; s++) {
		for (size_t i = 0; i < v->sections[s].n; i++)
			fields[s][i] = (struct nl_pdf_field){v->sections[s].fields[i].label,
			                                     v->sections[s].fields[i].value};
		sections[s] = (struct nl_pdf_section){v->sections[s].title, fields[s],
		                                      v->sections[s].n};
	}
	char order_label[32], created[NL_DATETIME_FMT_MAX], address[NL_CONFIG_STR];
	snprintf(order_label, sizeof order_label, NL_ORDER_NO_PREFIX "%" PRId64, v->order_no);
	nl_time_format_tr(v->barcode_created_at, created);
	address_lines(app->cfg->ca_postal_address, address, sizeof address);
	struct nl_form_pdf doc = {
		.issuer = app->cfg->ca_name,
		.title = "NİTELİKLİ ELEKTRONİK SERTİFİKA BAŞVURU FORMU",
		.code = v->code, .order_no = order_label, .version = v->version, .created = created,
		.sections = sections, .n_sections = v->n_sections,
		.undertaking_title = nl_undertaking_title_tr, .undertaking = nl_undertaking_tr,
		.holder_name = v->holder_name,
		.sign_guidance = "Formu yazıcıdan çıkarıp bilgileri kontrol ediniz ve hiçbir "
		                 "düzeltme yapmadan imzalayınız. Düzeltme yapılan formlar kabul "
		                 "edilmez. Bilgilerde değişiklik gerekiyorsa yeni bir form "
		                 "oluşturunuz: her formun kendine ait tekil bir barkodu vardır ve "
		                 "eski formun barkodu geçersiz olur.",
		.delivery_note = "İmzaladığınız formu kurumunuzun e-imza sorumlusuna teslim ediniz "
		                 "veya aşağıdaki adrese posta yoluyla gönderiniz:",
		.postal_address = address,
	};
	rc = nl_form_pdf_render(&doc, pdf);
	if (rc == NL_OK && code)
		memcpy(code, v->code, NL_BARCODE_LEN + 1);
out:
	free(v);
	return rc;
}
