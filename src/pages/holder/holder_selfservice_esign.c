/* Askıya Al / Askıdan İndir / İptal Et confirmed by a fresh e-İmza instead of
 * the security word (docs/selfservice.md):
 *   POST /online-islemler/sertifika/{serial}/{action}/eimza        a code whose
 *        text names the action (purpose "login": the signing application's
 *        usual checks apply: his ID number, a valid qualified certificate)
 *   GET  /online-islemler/sertifika/{serial}/{action}/eimza        the code and
 *        what to do with it
 *   POST /online-islemler/sertifika/{serial}/{action}/eimza/tamam  signed: do it
 * The pending action lives in the session ("ss_pending"), so the code of one
 * browser confirms only what that browser asked. No page script: the holder
 * presses Devam after nitelik-imza said İşlem Başarılı. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/holder_login.h"
#include "app/selfservice.h"
#include "pages/esign_web.h"
#include "pages/handlers.h"
#include "pages/holder/holder_ss.h"
#include "pages/pages.h"
#include "pages/pki/pki_web.h"
#include "view/spec.h"

#define PENDING "ss_pending"

static int slug_action(const char *slug, enum nl_ss_action *a)
{
	static const char *const slugs[] = {"askiya-al", "askidan-indir", "iptal"};
	for (int i = 0; slug && i < 3; i++)
		if (!strcmp(slug, slugs[i])) {
			*a = (enum nl_ss_action)(NL_SS_SUSPEND + i);
			return i;
		}
	return -1;
}

struct esign_post {
	int reason;
	bool confirm;
	const char *security_word;   /* the confirmation form's other field: not used here */
};
static const struct nl_spec esign_spec[] = {
	NL_SPEC_ENUM("reason", struct esign_post, reason, nl_ss_reason_codes, 0),
	NL_SPEC_TEXT("security_word", struct esign_post, security_word, 0, 64, NL_SPEC_SECRET),
	NL_SPEC_BOOL("confirm", struct esign_post, confirm, 0),
	NL_SPEC_END,
};

static const char *base_url(struct nl_req *r, const char *serial, const char *slug)
{
	return nl_arena_printf(r->arena, "/online-islemler/sertifika/%s/%s", serial, slug);
}

void nl_h_ss_esign_start(struct nl_req *r)
{
	const char *slug = nl_req_param(r, "action");
	enum nl_ss_action a;
	struct nl_ss_cert c;
	int64_t person = r->session.s.subject_id;
	nl_err e = slug_action(slug, &a) < 0 ? NL_ERR_NOT_FOUND
	                                      : nl_ss_cert(nl_app_of(r), person, nl_req_param(r, "serial"), &c);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	struct esign_post p = {.reason = -1};
	struct nl_spec_result res;
	e = nl_req_parse_body(r, esign_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e || !p.confirm || (a == NL_SS_REVOKE && p.reason < 0) ||
	    nl_ss_judge(&c, a, r->now) != NL_SS_REFUSE_NONE) {
		/* The confirmation page says what is missing or why it cannot be done. */
		nl_resp_redirect(r, base_url(r, c.serial, slug));
		return;
	}
	int reason = p.reason >= 0 ? nl_ss_reason_value(p.reason) : 0;
	char name[160], id_number[32];
	if ((e = nl_holder_identity(nl_app_of(r), person, name, id_number)) != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char *text = nl_ss_esign_text(a, c.serial, reason, id_number, r->now);
	bool was_esign_login = json_is_true(json_object_get(r->session.data, "esign_login"));
	struct nl_esign_issue in = {.purpose = "login", .id_number = id_number, .person_id = person,
	                            .text = text};
	int64_t code_id = 0;
	e = text ? nl_esign_web_issue(r, &in, &code_id) : NL_ERR_NOMEM;
	free(text);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_object_set_new(r->session.data, PENDING,
	                    json_pack("{s:s,s:s,s:i,s:I,s:b}", "serial", c.serial, "action", slug,
	                              "reason", reason, "code", (json_int_t)code_id,
	                              "esign_login", was_esign_login));
	nl_session_touch_data(r);
	nl_resp_redirect(r, nl_arena_printf(r->arena, "%s/eimza", base_url(r, c.serial, slug)));
}

/* The session's pending action for this URL and its code; false when there
 * is none (the caller starts again from the confirmation page). */
static bool pending(struct nl_req *r, const char *serial, const char *slug, int *reason,
                    struct nl_esign_code *code, char digits[NL_ESIGN_CODE_DIGITS + 1])
{
	json_t *pd = json_object_get(r->session.data, PENDING);
	const char *ps = json_string_value(json_object_get(pd, "serial"));
	const char *pa = json_string_value(json_object_get(pd, "action"));
	if (!ps || !pa || !serial || !slug || strcmp(ps, serial) || strcmp(pa, slug))
		return false;
	if (nl_esign_web_current(r, "login", code, digits) != NL_OK)
		return false;
	if (code->id != json_integer_value(json_object_get(pd, "code"))) {
		nl_esign_code_clear(code);
		return false;
	}
	*reason = (int)json_integer_value(json_object_get(pd, "reason"));
	return true;
}

static void render_wait(struct nl_req *r, int status, const char *serial, const char *slug,
                        const struct nl_esign_code *code, const char *digits, const char *error)
{
	json_t *d = nl_ss_page(r, "Confirm with e-İmza");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	int64_t left = code->expires_at - r->now;
	json_object_set_new(d, "code", json_string(digits));
	json_object_set_new(d, "remaining", json_integer(left > 0 ? left : 0));
	json_object_set_new(d, "text", json_string(code->text ? code->text : ""));
	json_object_set_new(d, "back_url", json_string(base_url(r, serial, slug)));
	json_object_set_new(d, "done_url",
	                    json_string(nl_arena_printf(r->arena, "%s/eimza/tamam", base_url(r, serial, slug))));
	json_object_set_new(d, "server", json_string(nl_app_of(r)->cfg->base_url));
	if (code->last_error && *code->last_error)
		json_object_set_new(d, "refusal", json_string(code->last_error));
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	nl_page_respond(r, status, "holder/ss_esign", d);
}

void nl_h_ss_esign_wait(struct nl_req *r)
{
	const char *serial = nl_req_param(r, "serial"), *slug = nl_req_param(r, "action");
	struct nl_esign_code code;
	char digits[NL_ESIGN_CODE_DIGITS + 1];
	int reason;
	if (!pending(r, serial, slug, &reason, &code, digits)) {
		enum nl_ss_action a;
		nl_resp_redirect(r, slug_action(slug, &a) < 0 ? "/online-islemler/sertifikalarim"
		                                               : base_url(r, serial, slug));
		return;
	}
	render_wait(r, 200, serial, slug, &code, digits, NULL);
	nl_esign_code_clear(&code);
}

void nl_h_ss_esign_done(struct nl_req *r)
{
	const char *serial = nl_req_param(r, "serial"), *slug = nl_req_param(r, "action");
	struct nl_esign_code code;
	char digits[NL_ESIGN_CODE_DIGITS + 1];
	int reason;
	enum nl_ss_action a;
	if (slug_action(slug, &a) < 0 || !pending(r, serial, slug, &reason, &code, digits)) {
		nl_resp_redirect(r, "/online-islemler/sertifikalarim");
		return;
	}
	if (strcmp(code.status, "used")) {
		render_wait(r, 409, serial, slug, &code, digits,
		            "The signature has not arrived yet. Sign the code with the signing application, then press Continue.");
		nl_esign_code_clear(&code);
		return;
	}
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	struct nl_ss_change_req req = {
		.person_id = r->session.s.subject_id, .serial = serial, .action = a, .reason = reason,
		.esign_code_id = code.id, .addr = r->client_ip, .now = r->now,
	};
	enum nl_ss_refusal why = NL_SS_REFUSE_NONE;
	nl_err e = nl_ss_change(nl_app_of(r), &pol, &req, &why, NULL);
	nl_esign_code_clear(&code);
	/* One signature, one action: whatever the outcome, start again next time. */
	json_t *pd = json_object_get(r->session.data, PENDING);
	bool was = json_is_true(json_object_get(pd, "esign_login"));
	json_object_del(r->session.data, PENDING);
	json_object_del(r->session.data, "esign_login");
	if (was)
		json_object_set_new(r->session.data, "esign_login", json_true());
	nl_session_touch_data(r);
	if (e == NL_OK) {
		nl_web_ocsp_forget();
		nl_resp_redirect(r, nl_arena_printf(r->arena, "/online-islemler/sertifikalarim?sonuc=%s", slug));
	} else if (e == NL_ERR_TRANSITION || e == NL_ERR_UNAUTHORIZED || e == NL_ERR_NOT_FOUND) {
		nl_resp_redirect(r, e == NL_ERR_NOT_FOUND ? "/online-islemler/sertifikalarim"
		                                          : base_url(r, serial, slug));
	} else {
		nl_resp_error(r, e, NULL);
	}
}
