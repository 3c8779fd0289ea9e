/* Shared by the institutions' JSON API handlers (api_orders.c, api_preapply.c).
 * Includes no store header with person types, so spec-using files may include it. */
#ifndef NL_PAGES_API_COMMON_H
#define NL_PAGES_API_COMMON_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

/* The institution of the request's API token (r->api_subject_id is the token
 * id). Answers 401 and returns false when the token vanished meanwhile. */
bool nl_api_institution(struct nl_req *r, int64_t *institution_id, const char **actor);

/* The order number in the {no} path parameter ("123" or "SD-123"). */
bool nl_api_order_no(struct nl_req *r, int64_t *no);

/* {"order": {...}} of an order of the institution: new reference, or NULL with
 * *e set (NL_ERR_NOT_FOUND for another institution's order). */
json_t *nl_api_order_json(struct nl_req *r, int64_t institution_id, int64_t order_no, nl_err *e);

/* Answers {"error":{"code":code,"message":msg(translated), ...extra}} with status. */
void nl_api_error(struct nl_req *r, int status, const char *code, const char *msgid, json_t *extra);

#endif
