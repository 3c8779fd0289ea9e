/* Shared by the holder's self-service pages (holder_selfservice*.c). Not a
 * handler file. */
#ifndef NL_PAGES_HOLDER_HOLDER_SS_H
#define NL_PAGES_HOLDER_HOLDER_SS_H

#include <jansson.h>

#include "http/http.h"

/* Page data with the holder's name and the CSRF token (caller owns it). */
json_t *nl_ss_page(struct nl_req *r, const char *title_msgid);

#endif
