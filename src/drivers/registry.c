/* Population registry: configuration, the HTTP JSON driver and the simulator. */
#include "drivers/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/text.h"
#include "core/validate.h"

void nl_registry_config_defaults(struct nl_registry_config *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->driver, "simulator");
	nl_http_endpoint_defaults(&c->ep);
	snprintf(c->data_file, sizeof c->data_file, "%s", NL_SOURCE_ROOT "/data/demo-citizens.json");
}

nl_err nl_registry_config_set(struct nl_registry_config *c, const char *key, const char *value)
{
	if (strcmp(key, "driver") == 0) {
		if (strcmp(value, "http") != 0 && strcmp(value, "simulator") != 0)
			return NL_ERR_CONFIG;
		snprintf(c->driver, sizeof c->driver, "%s", value);
		return NL_OK;
	}
	if (strcmp(key, "data_file") == 0) {
		if (strlen(value) >= sizeof c->data_file)
			return NL_ERR_CONFIG;
		snprintf(c->data_file, sizeof c->data_file, "%s", value);
		return NL_OK;
	}
	return nl_http_endpoint_set(&c->ep, key, value);
}

static bool date_ok(const char *d)
{
	static const char shape[] = "NNNN-NN-NN";
	if (!d || strlen(d) != 10)
		return false;
	for (int i = 0; i < 10; i++) {
		if (shape[i] == 'N' ? (d[i] < '0' || d[i] > '9') : d[i] != '-')
			return false;
	}
	int month = (d[5] - '0') * 10 + (d[6] - '0');
	int day = (d[8] - '0') * 10 + (d[9] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool nl_registry_claim_matches(const struct nl_citizen *c, const struct nl_identity_claim *claim)
{
	if (!c->alive || !claim->tckn || !claim->given_name || !claim->surname
	    || !claim->birth_place || !claim->birth_date)
		return false;
	/* Every field is compared, even after a mismatch, so the time taken does
	 * not tell which field was wrong. */
	bool ok = strcmp(c->tckn, claim->tckn) == 0;
	ok &= nl_tr_name_equal(c->given_name, claim->given_name);
	ok &= nl_tr_name_equal(c->surname, claim->surname);
	ok &= nl_tr_name_equal(c->birth_place, claim->birth_place);
	ok &= strcmp(c->birth_date, claim->birth_date) == 0;
	return ok;
}

/* Copies a JSON string member into dst; false when missing, not a string, or
 * too long. */
static bool take_str(const json_t *obj, const char *key, char *dst, size_t cap)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= cap)
		return false;
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return true;
}

/* Fills a citizen from the JSON shape both the data file and the HTTP driver
 * use: {tckn, given_name, surname, birth_place, birth_date, alive}. */
static bool citizen_from_json(const json_t *o, struct nl_citizen *c)
{
	memset(c, 0, sizeof *c);
	if (!json_is_object(o))
		return false;
	if (!take_str(o, "tckn", c->tckn, sizeof c->tckn) || nl_valid_tckn(c->tckn))
		return false;
	if (!take_str(o, "given_name", c->given_name, sizeof c->given_name)
	    || !take_str(o, "surname", c->surname, sizeof c->surname)
	    || !take_str(o, "birth_place", c->birth_place, sizeof c->birth_place)
	    || !take_str(o, "birth_date", c->birth_date, sizeof c->birth_date)
	    || !date_ok(c->birth_date))
		return false;
	const json_t *alive = json_object_get(o, "alive");
	if (alive && !json_is_boolean(alive))
		return false;
	c->alive = alive ? json_is_true(alive) : true;
	return true;
}

/* ---- the simulator ---- */

struct sim {
	struct nl_citizen *people;
	size_t n;
};

static NL_MUST_USE nl_err sim_lookup(void *self, const char *tckn, struct nl_citizen *out,
	struct nl_drv_error *e)
{
	struct sim *s = self;
	nl_drv_error_clear(e);
	if (!tckn || nl_valid_tckn(tckn))
		return nl_drv_fail(e, NL_ERR_INVALID, "not a T.C. number");
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->people[i].tckn, tckn) == 0) {
			*out = s->people[i];
			return NL_OK;
		}
	}
	return nl_drv_fail(e, NL_ERR_NOT_FOUND, "no such citizen");
}

static NL_MUST_USE nl_err sim_verify(void *self, const struct nl_identity_claim *claim, bool *match,
	struct nl_drv_error *e)
{
	struct nl_citizen c;
	*match = false;
	nl_err rc = sim_lookup(self, claim->tckn, &c, e);
	if (rc == NL_ERR_NOT_FOUND || rc == NL_ERR_INVALID) {
		nl_drv_error_clear(e);
		return NL_OK;
	}
	if (rc != NL_OK)
		return rc;
	*match = nl_registry_claim_matches(&c, claim);
	return NL_OK;
}

static void sim_destroy(void *self)
{
	struct sim *s = self;
	if (s) {
		free(s->people);
		free(s);
	}
}

nl_err nl_registry_sim_new(const char *data_file, nl_registry **out)
{
	nl_err rc = NL_ERR_CONFIG;
	json_error_t jerr;
	json_t *root = NULL;
	struct sim *s = NULL;
	nl_registry *r = NULL;

	*out = NULL;
	root = json_load_file(data_file, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fprintf(stderr, "registry simulator: %s: %s (line %d)\n", data_file, jerr.text,
			jerr.line);
		rc = jerr.line <= 0 ? NL_ERR_IO : NL_ERR_CONFIG;
		goto out;
	}
	const json_t *list = json_is_object(root) ? json_object_get(root, "citizens") : root;
	if (!json_is_array(list))
		goto out;
	s = calloc(1, sizeof *s);
	r = calloc(1, sizeof *r);
	if (!s || !r || (json_array_size(list)
	    && !(s->people = calloc(json_array_size(list), sizeof *s->people)))) {
		rc = NL_ERR_NOMEM;
		goto out;
	}
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		if (!citizen_from_json(item, &s->people[i])) {
			fprintf(stderr, "registry simulator: %s: entry %zu is invalid\n",
				data_file, i);
			goto out;
		}
	}
	s->n = json_array_size(list);
	r->name = "simulator";
	r->self = s;
	r->lookup = sim_lookup;
	r->verify = sim_verify;
	r->destroy = sim_destroy;
	*out = r;
	r = NULL;
	s = NULL;
	rc = NL_OK;
out:
	sim_destroy(s);
	free(r);
	json_decref(root);
	return rc;
}

/* ---- the HTTP JSON driver ---- */

struct http_reg {
	struct nl_http_endpoint ep;
};

/* POSTs req (taken: released here; NULL when json_pack failed) to path;
 * *ans is the caller's to json_decref. */
static NL_MUST_USE nl_err post(struct http_reg *h, const char *path, json_t *req, json_t **ans,
                   struct nl_drv_error *e)
{
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!body)
		return NL_ERR_NOMEM;
	nl_err rc = nl_http_post_json(&h->ep, path, body, ans, e);
	free(body);
	return rc;
}

static NL_MUST_USE nl_err http_lookup(void *self, const char *tckn, struct nl_citizen *out,
	struct nl_drv_error *e)
{
	struct http_reg *h = self;
	json_t *ans = NULL;
	nl_err rc;

	nl_drv_error_clear(e);
	if (!tckn || nl_valid_tckn(tckn))
		return nl_drv_fail(e, NL_ERR_INVALID, "not a T.C. number");
	rc = post(h, "/lookup", json_pack("{s:s}", "tckn", tckn), &ans, e);
	if (rc != NL_OK)
		goto out;
	const json_t *found = json_object_get(ans, "found");
	if (json_is_false(found)) {
		rc = nl_drv_fail(e, NL_ERR_NOT_FOUND, "no such citizen");
		goto out;
	}
	if (!json_is_true(found) || !citizen_from_json(ans, out)
	    || strcmp(out->tckn, tckn) != 0) {
		rc = nl_drv_fail(e, NL_ERR_IO, "registry answer lacks fields or is for another number");
		goto out;
	}
	rc = NL_OK;
out:
	json_decref(ans);
	return rc;
}

static NL_MUST_USE nl_err http_verify(void *self, const struct nl_identity_claim *claim, bool *match,
	struct nl_drv_error *e)
{
	struct http_reg *h = self;
	json_t *ans = NULL;
	nl_err rc;

	*match = false;
	nl_drv_error_clear(e);
	if (!claim->tckn || nl_valid_tckn(claim->tckn) || !claim->given_name || !claim->surname
	    || !claim->birth_place || !date_ok(claim->birth_date))
		return NL_OK;   /* cannot match; no need to ask */
	rc = post(h, "/verify", json_pack("{s:s, s:s, s:s, s:s, s:s}", "tckn", claim->tckn,
		"given_name", claim->given_name, "surname", claim->surname,
		"birth_place", claim->birth_place, "birth_date", claim->birth_date), &ans, e);
	if (rc != NL_OK)
		goto out;
	const json_t *m = json_object_get(ans, "match");
	if (!json_is_boolean(m)) {
		rc = nl_drv_fail(e, NL_ERR_IO, "registry answer has no boolean \"match\"");
		goto out;
	}
	*match = json_is_true(m);
	rc = NL_OK;
out:
	json_decref(ans);
	return rc;
}

static void http_destroy(void *self)
{
	struct http_reg *h = self;
	if (h) {
		sodium_memzero(h, sizeof *h);
		free(h);
	}
}

nl_err nl_registry_http_new(const struct nl_registry_config *c, nl_registry **out)
{
	*out = NULL;
	if (strncmp(c->ep.url, "http://", 7) != 0 && strncmp(c->ep.url, "https://", 8) != 0)
		return NL_ERR_CONFIG;
	if (nl_drv_curl_init() != NL_OK || sodium_init() < 0)
		return NL_ERR_INTERNAL;
	struct http_reg *h = calloc(1, sizeof *h);
	nl_registry *r = calloc(1, sizeof *r);
	if (!h || !r) {
		free(h);
		free(r);
		return NL_ERR_NOMEM;
	}
	h->ep = c->ep;
	r->name = "http";
	r->self = h;
	r->lookup = http_lookup;
	r->verify = http_verify;
	r->destroy = http_destroy;
	*out = r;
	return NL_OK;
}

nl_err nl_registry_open(const struct nl_registry_config *c, nl_registry **out)
{
	if (strcmp(c->driver, "http") == 0)
		return nl_registry_http_new(c, out);
	if (strcmp(c->driver, "simulator") == 0)
		return nl_registry_sim_new(c->data_file, out);
	*out = NULL;
	return NL_ERR_CONFIG;
}

void nl_registry_free(nl_registry *r)
{
	if (!r)
		return;
	if (r->destroy)
		r->destroy(r->self);
	free(r);
}
