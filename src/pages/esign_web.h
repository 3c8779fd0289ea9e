/* Shared by the e-İmza pages (portal_esign.c, holder.c): issuing a
 * verification code for this browser session and the waiting page that shows
 * it. Not a handler file. */
#ifndef NL_PAGES_ESIGN_WEB_H
#define NL_PAGES_ESIGN_WEB_H

#include <jansson.h>

#include "app/verify_code.h"
#include "http/http.h"

/* Issues a code for this session (in->session_hash and now are filled here)
 * and remembers its nonce in the session data under "esign_<purpose>".
 * *code_id gets the row's id. */
NL_MUST_USE nl_err nl_esign_web_issue(struct nl_req *r, struct nl_esign_issue *in, int64_t *code_id);

/* The session's current code for purpose (the one remembered in the session
 * data), with its digits re-derived. NL_ERR_NOT_FOUND when there is none. */
NL_MUST_USE nl_err nl_esign_web_current(struct nl_req *r, const char *purpose, struct nl_esign_code *out,
                            char digits[NL_ESIGN_CODE_DIGITS + 1]);

/* Renders the waiting page (web/templates/esign/wait.html) for code into d
 * (consumed): the code, Kalan Süre, the poll and continue URLs, the refresh
 * link (self_url) and the new-code form (new_code_action, POST). */
void nl_esign_web_wait_page(struct nl_req *r, json_t *d, const struct nl_esign_code *code,
                            const char *digits, const char *self_url,
                            const char *new_code_action);

/* The code's state for the page and the poll: "waiting", "done", "expired",
 * "burnt". */
const char *nl_esign_web_state(const struct nl_esign_code *code, int64_t now);

/* Approves the person's form version by e-Onay (standing consent in force;
 * the undertaking's checkbox already checked). NULL on success, else the
 * msgid of the refusal. portal_approve.c calls it for method e_onay. */
struct nl_form_view;
const char *nl_esign_web_eonay(struct nl_req *r, const struct nl_form_view *fv, int64_t version);

#endif
