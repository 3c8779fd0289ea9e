/* The applicant session's entitlement to orders (entitle.h). */
#include "pages/entitle.h"


#include <stdlib.h>
#include <string.h>

#define KEY "entitled"

/* The {no} of a URL: the n of SD-<n>, digits only; 0 when it is none. */
static int64_t url_order_no(const char *s)
{
	if (!s || !*s || strlen(s) > 15 || strspn(s, "0123456789") != strlen(s))
		return 0;
	return (int64_t)strtoll(s, NULL, 10);
}

/* The rights of the session's data that a door adds to (entitle.h). */
static const struct {
	unsigned bit;
	const char *key;
} rights[] = {
	{NL_RIGHT_ONLINE, "online"},
	{NL_RIGHT_EONAY, "eonay"},
	{NL_RIGHT_ESIGN, "esign_login"},
};
#define N_RIGHTS (sizeof rights / sizeof rights[0])

nl_err nl_entitle_login(struct nl_req *r, int64_t person_id, int64_t order_no, unsigned add)
{
	/* The same person logging in again in this session keeps what he opened
	 * before (one person session across the doors); anybody else starts
	 * with nothing. */
	json_t *prev = NULL;
	unsigned had = 0;
	if (r->session.present && r->session.s.kind == NL_SESS_PERSON &&
	    r->session.s.subject_id == person_id && r->session.data) {
		prev = json_incref(json_object_get(r->session.data, KEY));
		for (size_t i = 0; i < N_RIGHTS; i++)
			if (json_is_true(json_object_get(r->session.data, rights[i].key)))
				had |= rights[i].bit;
	}
	nl_err e = nl_session_login(r, NL_SESS_PERSON, person_id, 0);
	if (e) {
		json_decref(prev);
		return e;
	}
	json_t *v;
	if (order_no <= 0 || json_is_true(prev)) {
		v = json_true();
	} else {
		v = json_is_array(prev) ? json_copy(prev) : json_array();
		bool have = false;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			have = have || json_integer_value(x) == order_no;
		if (v && !have)
			json_array_append_new(v, json_integer(order_no));
	}
	json_decref(prev);
	if (!v || json_object_set_new(r->session.data, KEY, v) != 0)
		return NL_ERR_NOMEM;
	for (size_t i = 0; i < N_RIGHTS; i++)
		if ((had | add) & rights[i].bit &&
		    json_object_set_new(r->session.data, rights[i].key, json_true()) != 0)
			return NL_ERR_NOMEM;
	nl_session_touch_data(r);
	return NL_OK;
}

bool nl_entitled_right(const struct nl_req *r, unsigned right)
{
	if (!r->session.present || r->session.s.kind != NL_SESS_PERSON || !r->session.data)
		return false;
	for (size_t i = 0; i < N_RIGHTS; i++)
		if (rights[i].bit == right)
			return json_is_true(json_object_get(r->session.data, rights[i].key));
	return false;
}

bool nl_entitled_all(const struct nl_req *r)
{
	return r->session.present && r->session.s.kind == NL_SESS_PERSON && r->session.data &&
	       json_is_true(json_object_get(r->session.data, KEY));
}

bool nl_entitled(const struct nl_req *r, int64_t order_no)
{
	if (order_no <= 0 || !r->session.present || r->session.s.kind != NL_SESS_PERSON ||
	    !r->session.data)
		return false;
	json_t *v = json_object_get(r->session.data, KEY);
	if (json_is_true(v))
		return true;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
		if (json_integer_value(x) == order_no)
			return true;
	return false;   /* no key at all: nothing is open */
}

bool nl_entitled_identity(struct nl_req *r, int64_t order_no)
{
	/* Only a door that proved the person: what is stored may have come from
	 * the population registry (Kimlik Bilgilerimi Güncelle, the identity
	 * door), and an institution that pre-registered a number of its choice
	 * holds that order's access password (docs/applicant.md). */
	(void)order_no;
	return nl_entitled_all(r);
}

int64_t nl_entitled_first(const struct nl_req *r)
{
	json_t *v = r->session.data ? json_object_get(r->session.data, KEY) : NULL;
	return json_is_array(v) ? (int64_t)json_integer_value(json_array_get(v, 0)) : 0;
}

bool nl_entitle_gate(struct nl_req *r, enum nl_auth need)
{
	if (need == NL_AUTH_HOLDER || need == NL_AUTH_EONAY) {
		/* A person session that lacks the right is sent to the holder's
		 * door, where he can prove himself: no dead end. */
		if (nl_entitled_right(r, NL_RIGHT_ONLINE) ||
		    (need == NL_AUTH_EONAY && nl_entitled_right(r, NL_RIGHT_EONAY)))
			return true;
		nl_resp_redirect(r, "/online-islemler");
		return false;
	}
	const char *no = nl_req_param(r, "no");
	if (!no || nl_entitled(r, url_order_no(no)))
		return true;
	/* The same answer as for an order that does not exist: the portal never
	 * says whose an order is. */
	nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
	return false;
}
