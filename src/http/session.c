/* Sessions and CSRF.
 *
 * The cookie nl_sid carries 32 random bytes (libsodium) in base64url; the
 * database keeps only their SHA-256, so a leaked database hands out no live
 * session. A session expires after cfg session_idle_timeout without requests or
 * session_absolute_timeout after it was created, whichever comes first. Each
 * session has its own CSRF token (32 random bytes, base64url) that every
 * state-changing page request must echo (form field "csrf" or X-CSRF-Token),
 * compared in constant time. Login rotates the id (nl_session_login) so a
 * session id planted before login is worthless after it. */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/install_key.h"
#include "http/server_internal.h"

#define SID_BYTES 32
#define SID_B64_LEN 43   /* base64url without padding of 32 bytes */
/* last_seen is refreshed at most this often: a write per request would make every
 * page view a database write. The idle time-out is therefore exact to a minute. */
#define TOUCH_INTERVAL 60

static void random_token(char *out, size_t out_size)
{
	unsigned char raw[SID_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, out_size, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

static void hash_sid(const char *sid, uint8_t out[NL_SESSION_ID_HASH_LEN])
{
	crypto_hash_sha256(out, (const unsigned char *)sid, strlen(sid));
}

static void set_cookie(struct nl_req *r, const char *sid)
{
	bool secure = r->srv->priv->cfg->behind_tls_proxy;
	if (sid)
		r->priv->set_cookie = nl_arena_printf(r->arena, "nl_sid=%s; Path=/; HttpOnly; "
		                                      "SameSite=Strict%s", sid, secure ? "; Secure" : "");
	else
		r->priv->set_cookie = nl_arena_printf(r->arena, "nl_sid=; Path=/; HttpOnly; "
		                                      "SameSite=Strict; Max-Age=0%s",
		                                      secure ? "; Secure" : "");
}

static void session_reset(struct nl_req *r)
{
	json_decref(r->session.data);
	nl_session_clear(&r->session.s);
	memset(&r->session, 0, sizeof r->session);
}

static void parse_data(struct nl_req *r)
{
	json_t *d = r->session.s.data ? json_loads(r->session.s.data, 0, NULL) : NULL;
	if (!json_is_object(d)) {
		json_decref(d);
		d = json_object();
	}
	r->session.data = d;
	/* Written from an unsigned (nl_session_login); a stored value outside
	 * its range is no roles at all rather than its low bits (-1 would be all). */
	json_t *roles = json_object_get(d, "_roles");
	json_int_t v = json_is_integer(roles) ? json_integer_value(roles) : 0;
	r->session.roles = v >= 0 && v <= UINT_MAX ? (unsigned)v : 0;
}

nl_err nl_session_load(struct nl_req *r)
{
	const char *sid = nl_req_cookie(r, "nl_sid");
	if (!sid || strlen(sid) != SID_B64_LEN || !r->srv->priv->db)
		return NL_OK;
	uint8_t h[NL_SESSION_ID_HASH_LEN];
	hash_sid(sid, h);
	nl_conn *c;
	nl_err e = nl_db_conn(r->srv->priv->db, &c);
	if (e == NL_OK)
		e = nl_store_session_get(c, h, &r->session.s);
	if (e != NL_OK) {
		nl_session_clear(&r->session.s);
		/* Only an id the database does not know is stale; when the database
		 * cannot answer, the cookie stays and the caller answers 503. */
		if (e != NL_ERR_NOT_FOUND)
			return e;
		set_cookie(r, NULL); /* unknown id: drop the stale cookie */
		return NL_OK;
	}
	const struct nl_config *cfg = r->srv->priv->cfg;
	if (r->now - r->session.s.last_seen > cfg->session_idle_timeout ||
	    r->now - r->session.s.created_at > cfg->session_absolute_timeout) {
		nl_err_ignore(nl_store_session_delete(c, h));   /* the purge job deletes it otherwise */
		nl_session_clear(&r->session.s);
		set_cookie(r, NULL);
		return NL_OK;
	}
	r->session.present = true;
	parse_data(r);
	const char *lang = r->session.s.lang;
	if (!strcmp(lang, "tr") || !strcmp(lang, "en"))
		r->lang = lang;
	return NL_OK;
}

/* Serialises data (with the roles) into s.data; caller frees s.data via clear. */
static NL_MUST_USE nl_err store_data(struct nl_req *r)
{
	json_object_set_new(r->session.data, "_roles", json_integer(r->session.roles));
	char *text = json_dumps(r->session.data, JSON_COMPACT);
	if (!text)
		return NL_ERR_NOMEM;
	free(r->session.s.data);
	r->session.s.data = text;
	return NL_OK;
}

void nl_session_save(struct nl_req *r)
{
	if (!r->session.present || !r->srv->priv->db)
		return;
	nl_conn *c;
	if (nl_db_conn(r->srv->priv->db, &c) != NL_OK)
		return;
	if (r->session.dirty) {
		r->session.s.last_seen = r->now;
		if (store_data(r) == NL_OK)
			nl_err_ignore(nl_store_session_update(c, &r->session.s));
	} else if (r->now - r->session.s.last_seen >= TOUCH_INTERVAL) {
		nl_err_ignore(nl_store_session_touch(c, r->session.s.id_hash, r->now));
	}
}

/* Anonymous sessions are made by anyone who opens a form: each remembers a
 * keyed hash of the client address, and an address with
 * session.max_anonymous_per_address live ones gets no more (NL_ERR_RATE_LIMIT)
 * until some expire. Sessions made by a login are bounded by the login. */
static NL_MUST_USE nl_err anon_bound(struct nl_req *r, nl_conn *c, struct nl_session *s)
{
	const struct nl_config *cfg = r->srv->priv->cfg;
	s->addr_hash[0] = '\0';
	if (!r->client_ip[0])
		return NL_OK;
	_Static_assert(NL_SESSION_ADDR_HASH_MAX == NL_KEYED_HEX_LEN, "the column holds a keyed hash");
	nl_err e = nl_install_keyed_hash(r->srv->priv->db, "addr", r->client_ip, s->addr_hash);
	int64_t n = 0;
	if (e == NL_OK && cfg->session_max_anonymous_per_address > 0)
		e = nl_store_session_count_addr(c, s->addr_hash, r->now - cfg->session_idle_timeout, &n);
	if (e == NL_OK && cfg->session_max_anonymous_per_address > 0 &&
	    n >= cfg->session_max_anonymous_per_address)
		e = NL_ERR_RATE_LIMIT;
	return e;
}

/* Inserts a new session row with a fresh id; sets the cookie. */
static NL_MUST_USE nl_err create_row(struct nl_req *r, enum nl_session_kind kind, int64_t subject_id)
{
	nl_conn *c;
	nl_err e = r->srv->priv->db ? nl_db_conn(r->srv->priv->db, &c) : NL_ERR_CONFIG;
	if (e)
		return e;
	if (kind == NL_SESS_ANON && (e = anon_bound(r, c, &r->session.s)) != NL_OK)
		return e;
	if (kind != NL_SESS_ANON)
		r->session.s.addr_hash[0] = '\0';
	char sid[SID_B64_LEN + 1];
	struct nl_session *s = &r->session.s;
	s->kind = kind;
	s->subject_id = subject_id;
	s->created_at = r->now;
	s->last_seen = r->now;
	random_token(s->csrf, sizeof s->csrf);
	if (!s->lang[0])
		snprintf(s->lang, sizeof s->lang, "%s", r->lang ? r->lang : "tr");
	if (!r->session.data)
		r->session.data = json_object();
	if (!r->session.data)
		return NL_ERR_NOMEM;
	if ((e = store_data(r)) != NL_OK)
		return e;
	for (int tries = 0; tries < 3; tries++) {
		random_token(sid, sizeof sid);
		hash_sid(sid, s->id_hash);
		e = nl_store_session_create(c, s);
		if (e != NL_ERR_CONFLICT)
			break;
	}
	if (e == NL_OK) {
		set_cookie(r, sid);
		r->session.present = true;
		r->session.dirty = false;
	}
	sodium_memzero(sid, sizeof sid);
	return e;
}

nl_err nl_session_ensure(struct nl_req *r)
{
	if (r->session.present)
		return NL_OK;
	if (r->is_api)
		return NL_ERR_FORBIDDEN; /* API routes carry no cookies */
	nl_err e = create_row(r, NL_SESS_ANON, 0);
	/* A page whose form could get no session (hence no CSRF token) is of no
	 * use: the gate answers 503 or 429 instead of whatever the handler made
	 * of it (nl_session_csrf callers cannot tell). */
	if (e && !r->priv->session_fault)
		r->priv->session_fault = e;
	return e;
}

const char *nl_session_csrf(struct nl_req *r)
{
	if (nl_session_ensure(r) != NL_OK)
		return NULL;
	return r->session.s.csrf;
}

nl_err nl_session_login(struct nl_req *r, enum nl_session_kind kind, int64_t subject_id,
                        unsigned roles)
{
	if (r->is_api)
		return NL_ERR_FORBIDDEN;
	uint8_t old[NL_SESSION_ID_HASH_LEN];
	bool had_old = r->session.present;
	if (had_old)
		memcpy(old, r->session.s.id_hash, sizeof old);
	/* Keep the language and the data gathered before login (e.g. a wizard's
	 * choice); everything that names the old id is replaced. */
	r->session.roles = roles;
	r->session.present = false;
	nl_err e = create_row(r, kind, subject_id);
	if (e)
		return e;
	if (had_old) {
		nl_conn *c;
		if (nl_db_conn(r->srv->priv->db, &c) == NL_OK)
			nl_err_ignore(nl_store_session_delete(c, old));
	}
	return NL_OK;
}

nl_err nl_session_logout(struct nl_req *r)
{
	if (r->session.present && r->srv->priv->db) {
		nl_conn *c;
		if (nl_db_conn(r->srv->priv->db, &c) == NL_OK)
			nl_err_ignore(nl_store_session_delete(c, r->session.s.id_hash));
	}
	session_reset(r);
	set_cookie(r, NULL);
	return NL_OK;
}

nl_err nl_session_set_lang(struct nl_req *r, const char *lang)
{
	if (!lang || (strcmp(lang, "tr") != 0 && strcmp(lang, "en") != 0))
		return NL_ERR_INVALID;
	nl_err e = nl_session_ensure(r);
	if (e)
		return e;
	snprintf(r->session.s.lang, sizeof r->session.s.lang, "%s", lang);
	r->lang = r->session.s.lang;
	r->session.dirty = true;
	return NL_OK;
}

void nl_session_touch_data(struct nl_req *r)
{
	if (r->session.present)
		r->session.dirty = true;
}

void nl_session_release(struct nl_req *r)
{
	session_reset(r);
}

/* ---- CSRF ---- */

/* Finds field `name` in an application/x-www-form-urlencoded body and copies
 * its value into out as it is: tokens are base64url, which needs no escapes, so
 * an escaped token is simply a wrong one. */
static bool form_field(const unsigned char *body, size_t len, const char *name, char *out,
                       size_t out_size)
{
	size_t nl = strlen(name);
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end - i > nl && !memcmp(body + i, name, nl) && body[i + nl] == '=') {
			size_t n = end - i - nl - 1;
			if (n >= out_size)
				return false;
			memcpy(out, body + i + nl + 1, n);
			out[n] = '\0';
			return true;
		}
		i = end + 1;
	}
	return false;
}

/* Finds the part named `name` in a multipart/form-data body. */
static bool multipart_field(const unsigned char *body, size_t len, const char *name, char *out,
                            size_t out_size)
{
	char needle[64];
	snprintf(needle, sizeof needle, "name=\"%s\"", name);
	const unsigned char *p = memmem(body, len, needle, strlen(needle));
	if (!p)
		return false;
	const unsigned char *v = memmem(p, len - (size_t)(p - body), "\r\n\r\n", 4);
	if (!v)
		return false;
	v += 4;
	const unsigned char *e = memmem(v, len - (size_t)(v - body), "\r\n", 2);
	if (!e || (size_t)(e - v) >= out_size)
		return false;
	memcpy(out, v, (size_t)(e - v));
	out[e - v] = '\0';
	return true;
}

bool nl_csrf_ok(struct nl_req *r)
{
	if (!r->session.present)
		return false;
	char got[NL_SESSION_CSRF_MAX];
	const char *hdr = nl_req_header(r, "X-CSRF-Token");
	bool found = false;
	if (hdr && strlen(hdr) < sizeof got) {
		snprintf(got, sizeof got, "%s", hdr);
		found = true;
	} else if (r->body && !strcmp(r->content_type, "application/x-www-form-urlencoded")) {
		found = form_field(r->body, r->body_len, "csrf", got, sizeof got);
	} else if (r->body && !strcmp(r->content_type, "multipart/form-data")) {
		found = multipart_field(r->body, r->body_len, "csrf", got, sizeof got);
	}
	const char *want = r->session.s.csrf;
	size_t n = strlen(want);
	if (!found || n == 0 || strlen(got) != n)
		return false;
	return sodium_memcmp(got, want, n) == 0;
}
