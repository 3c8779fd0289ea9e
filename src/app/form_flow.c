/* The form use cases (form.h): load, draft, submit a version, refresh the
 * identity from the registry, choose the approval method. Each state change is
 * one transaction with its audit record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pwhash_pool.h"
#include "app/form.h"
#include "core/order.h"
#include "core/secret.h"
#include "store/store_audit.h"
#include "store/store_institutions.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

static const char *const method_codes[] = {
	[NL_APPROVE_E_ONAY] = "e_onay", [NL_APPROVE_E_IMZA] = "e_imza", [NL_APPROVE_ISLAK] = "islak",
};

const char *nl_approval_method_code(enum nl_approval_method m)
{
	return m >= NL_APPROVE_E_ONAY && m <= NL_APPROVE_ISLAK ? method_codes[m] : NULL;
}

/* A form may get a new version until the certificate is produced: while the
 * form is awaited, and ("Başvuruyu Güncelle") while payment or production is. */
static bool status_editable(enum nl_order_status s)
{
	return s == NL_ST_FORM_WAIT || s == NL_ST_FORM_PAYMENT_WAIT || s == NL_ST_PAYMENT_WAIT ||
	       s == NL_ST_PRODUCTION_WAIT;
}

static void actor_of(int64_t person_id, char *out, size_t cap)
{
	snprintf(out, cap, "person:%lld", (long long)person_id);
}

/* The order SD-<order_no> if it is person_id's; NL_ERR_NOT_FOUND otherwise
 * (someone else's order looks exactly like a missing one). */
static NL_MUST_USE nl_err own_order(nl_conn *c, int64_t person_id, int64_t order_no, struct nl_order *o)
{
	nl_err rc = nl_store_order_get_by_no(c, order_no, o);
	if (rc == NL_OK && o->person_id != person_id) {
		nl_order_clear(o);
		rc = NL_ERR_NOT_FOUND;
	}
	return rc;
}

void nl_form_view_free(struct nl_form_view *v)
{
	if (!v)
		return;
	char **strs[] = {&v->id_number, &v->given_name, &v->surname, &v->birth_place,
	                 &v->birth_date, &v->email, &v->mobile, &v->institution_name};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	nl_form_clear(&v->draft);
	nl_form_clear(&v->current);
	memset(v, 0, sizeof *v);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* Copies what the pages need out of the store's order and person. */
static NL_MUST_USE nl_err fill_view(struct nl_form_view *v, const struct nl_order *o,
                        const struct nl_person *p)
{
	v->order_id = o->id;
	v->order_no = o->order_no;
	v->status = o->status;
	v->reason = o->reason;
	v->payment_type = o->payment_type;
	v->is_tckn = p->id_kind == NL_ID_TCKN;
	v->id_number = dup_or_empty(p->id_number);
	v->given_name = dup_or_empty(p->given_name);
	v->surname = dup_or_empty(p->surname);
	v->birth_place = dup_or_empty(p->birth_place);
	v->birth_date = dup_or_empty(p->birth_date);
	v->email = dup_or_empty(p->email);
	v->mobile = dup_or_empty(p->mobile);
	bool ok = v->id_number && v->given_name && v->surname && v->birth_place &&
	          v->birth_date && v->email && v->mobile;
	return ok ? NL_OK : NL_ERR_NOMEM;
}

/* The e-mail and mobile a first visit starts from are what this order's
 * pre-application typed (where its mail went), not the person's stored ones:
 * another institution's order must not show them (docs/applicant.md, "Doors
 * and entitlement"). Orders without a pre-application keep the person's. */
static NL_MUST_USE nl_err order_contact_view(nl_conn *c, const struct nl_order *o, struct nl_form_view *v)
{
	struct nl_order_contact oc;
	nl_err rc = nl_store_order_contact_get(c, o->id, &oc);
	if (rc == NL_ERR_NOT_FOUND)
		return NL_OK;
	if (rc)
		return rc;
	free(v->email);
	free(v->mobile);
	v->email = strdup(oc.email);
	v->mobile = strdup(oc.mobile);
	return v->email && v->mobile ? NL_OK : NL_ERR_NOMEM;
}

nl_err nl_form_load(const struct nl_app *app, int64_t person_id, int64_t order_no, struct nl_form_view *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_order o = {0};
	struct nl_person p = {0};
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = own_order(c, person_id, order_no, &o);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, person_id, &p);
	if (rc == NL_OK)
		rc = fill_view(out, &o, &p);
	if (rc == NL_OK)
		rc = order_contact_view(c, &o, out);
	if (rc == NL_OK && o.institution_id) {
		struct nl_institution inst;
		rc = nl_store_institution_get(c, o.institution_id, &inst);
		if (rc == NL_OK) {
			out->institution_name = inst.name;
			inst.name = NULL;
			nl_institution_clear(&inst);
		}
	} else if (rc == NL_OK) {
		out->institution_name = strdup("");
	}
	if (rc == NL_OK && !out->institution_name)
		rc = NL_ERR_NOMEM;
	if (rc == NL_OK) {
		rc = nl_store_form_get_draft(c, o.id, &out->draft);
		out->has_draft = rc == NL_OK;
		rc = rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
	}
	if (rc == NL_OK) {
		rc = nl_store_form_current(c, o.id, &out->current);
		out->has_current = rc == NL_OK;
		rc = rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
	}
	if (rc == NL_OK)
		rc = nl_store_form_count(c, o.id, &out->versions);
	if (rc == NL_OK)
		rc = nl_store_econsent_in_force(c, person_id, &out->econsent);
	out->editable = status_editable(o.status);
	nl_order_clear(&o);
	nl_person_clear(&p);
	if (rc != NL_OK)
		nl_form_view_free(out);
	return rc;
}

/* ---- draft ---- */

struct draft_ctx {
	int64_t person_id, order_no, now;
	const struct nl_form_input *in;
};

static NL_MUST_USE nl_err draft_tx(nl_conn *c, void *arg)
{
	struct draft_ctx *d = arg;
	const struct nl_form_input *in = d->in;
	struct nl_order o;
	nl_err rc = own_order(c, d->person_id, d->order_no, &o);
	if (rc != NL_OK)
		return rc;
	if (!status_editable(o.status)) {
		nl_order_clear(&o);
		return NL_ERR_TRANSITION;
	}
	struct nl_form f;
	nl_form_draft_entries(in, &f);
	f.order_id = o.id;
	nl_order_clear(&o);
	return nl_store_form_save_draft(c, &f, d->now, NULL);
}

nl_err nl_form_save_draft(const struct nl_app *app, int64_t person_id, int64_t order_no,
                          const struct nl_form_input *in, int64_t now)
{
	nl_db *db = app->db;
	struct draft_ctx d = {person_id, order_no, now, in};
	return nl_store_run_tx(db, draft_tx, &d);
}

/* ---- submit ---- */

struct submit_ctx {
	int64_t person_id, order_no, base_version, now;
	struct nl_form_values *v;
	int64_t version;
};

static NL_MUST_USE nl_err submit_tx(nl_conn *c, void *arg)
{
	struct submit_ctx *s = arg;
	struct nl_form *f = &s->v->form;
	struct nl_order o;
	struct nl_form cur;
	nl_err rc = own_order(c, s->person_id, s->order_no, &o);
	if (rc != NL_OK)
		return rc;
	int64_t order_id = o.id;
	bool editable = status_editable(o.status);
	nl_order_clear(&o);
	if (!editable)
		return NL_ERR_TRANSITION;
	/* The page was made from base_version: a newer one (another tab, another
	 * device) means the person did not see what he would replace. */
	rc = nl_store_form_current(c, order_id, &cur);
	int64_t current = rc == NL_OK ? cur.version : 0;
	nl_form_clear(&cur);
	if (rc != NL_OK && rc != NL_ERR_NOT_FOUND)
		return rc;
	if (current != s->base_version)
		return NL_ERR_CONFLICT;

	f->order_id = order_id;
	struct nl_form_saved saved;
	if ((rc = nl_store_form_submit(c, f, s->now, &saved)) != NL_OK)
		return rc;
	char actor[32], why[64];
	actor_of(s->person_id, actor, sizeof actor);
	snprintf(why, sizeof why, "version %lld, %lld superseded", (long long)saved.version,
	         (long long)saved.superseded);
	struct nl_audit_rec rec = {
		.at = s->now, .actor = actor, .entity = "form", .entity_id = saved.id,
		.action = "submit", .from = "", .to = "submitted", .reason = why,
	};
	if ((rc = nl_store_audit_append(c, &rec)) == NL_OK)
		s->version = saved.version;
	return rc;
}

nl_err nl_form_submit(const struct nl_app *app, int64_t person_id, int64_t order_no,
                      const struct nl_form_input *in, int64_t base_version, int64_t now,
                      struct nl_form_check *chk, int64_t *version)
{
	nl_db *db = app->db;
	struct nl_form_values v;
	char hash[NL_PWHASH_LEN];
	if (!nl_form_validate(in, chk, &v))
		return NL_ERR_INVALID;
	/* argon2id is slow on purpose: hash before the transaction so a retried
	 * transaction does not pay for it again. */
	nl_err rc = nl_pwhash_hash(in->security_word, hash);
	if (rc != NL_OK)
		return rc;
	v.form.security_word_hash = hash;
	struct submit_ctx s = {person_id, order_no, base_version, now, &v, 0};
	rc = nl_store_run_tx(db, submit_tx, &s);
	if (rc == NL_OK && version)
		*version = s.version;
	return rc;
}

/* ---- identity refresh ---- */

struct identity_ctx {
	const struct nl_person *p;
	int64_t now;
};

static NL_MUST_USE nl_err identity_tx(nl_conn *c, void *arg)
{
	struct identity_ctx *a = arg;
	nl_err rc = nl_store_person_update(c, a->p);
	if (rc != NL_OK)
		return rc;
	char actor[32];
	actor_of(a->p->id, actor, sizeof actor);
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "person", .entity_id = a->p->id,
		.action = "identity_refresh", .from = "", .to = "", .reason = "population registry",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_form_refresh_identity(const struct nl_app *app, int64_t person_id, int64_t now)
{
	nl_registry *registry = app->drivers.registry;
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_person p = {0};
	struct nl_citizen cz;
	struct nl_drv_error de = {0};
	char *old[4] = {NULL, NULL, NULL, NULL};
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, person_id, &p);
	if (rc != NL_OK)
		goto out;
	if (p.id_kind != NL_ID_TCKN || !registry) {
		rc = NL_ERR_INVALID;
		goto out;
	}
	/* Ask outside any transaction: the registry may be slow. */
	if ((rc = registry->lookup(registry->self, p.id_number, &cz, &de)) != NL_OK)
		goto out;
	/* Borrow the registry's strings for the update, then give the person's own
	 * back so nl_person_clear frees what the store allocated. */
	old[0] = p.given_name;
	old[1] = p.surname;
	old[2] = p.birth_place;
	old[3] = p.birth_date;
	p.given_name = cz.given_name;
	p.surname = cz.surname;
	p.birth_place = cz.birth_place;
	p.birth_date = cz.birth_date;
	struct identity_ctx a = {&p, now};
	rc = nl_store_run_tx(db, identity_tx, &a);
	p.given_name = old[0];
	p.surname = old[1];
	p.birth_place = old[2];
	p.birth_date = old[3];
out:
	nl_person_clear(&p);
	return rc;
}

/* ---- step 2 ---- */

struct method_ctx {
	int64_t person_id, order_no, version, now;
	enum nl_approval_method m;
};

static NL_MUST_USE nl_err method_tx(nl_conn *c, void *arg)
{
	struct method_ctx *a = arg;
	struct nl_order o;
	struct nl_form cur;
	bool consent = false;
	nl_err rc = own_order(c, a->person_id, a->order_no, &o);
	if (rc != NL_OK)
		return rc;
	int64_t order_id = o.id;
	nl_order_clear(&o);
	rc = nl_store_form_current(c, order_id, &cur);
	if (rc == NL_ERR_NOT_FOUND)
		return NL_ERR_CONFLICT;
	if (rc != NL_OK)
		return rc;
	int64_t form_id = cur.id;
	bool ok = cur.version == a->version && cur.status == NL_FORM_SMS_CONFIRMED;
	nl_form_clear(&cur);
	if (!ok)
		return NL_ERR_CONFLICT;
	if (a->m == NL_APPROVE_E_ONAY) {
		if ((rc = nl_store_econsent_in_force(c, a->person_id, &consent)) != NL_OK)
			return rc;
		if (!consent)
			return NL_ERR_FORBIDDEN;
	}
	const char *code = nl_approval_method_code(a->m);
	if ((rc = nl_store_form_set_approval_method(c, form_id, code, a->now)) != NL_OK)
		return rc;
	char actor[32];
	actor_of(a->person_id, actor, sizeof actor);
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "form", .entity_id = form_id,
		.action = "approval_method", .from = "", .to = code, .reason = "",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_form_choose_method(const struct nl_app *app, int64_t person_id, int64_t order_no, int64_t version,
                             enum nl_approval_method m, int64_t now)
{
	nl_db *db = app->db;
	if (!nl_approval_method_code(m))
		return NL_ERR_INVALID;
	struct method_ctx a = {person_id, order_no, version, now, m};
	return nl_store_run_tx(db, method_tx, &a);
}
