#include "core/err.h"

/* One table for every error that can reach a user. The order follows enum nl_err. */
static const struct nl_err_info table[NL_ERR__COUNT] = {
	[NL_OK]               = {"ok", 200, "OK"},
	[NL_ERR_NOMEM]        = {"out_of_memory", 503, "The server is out of memory. Please try again."},
	[NL_ERR_INVALID]      = {"invalid_input", 400, "Some fields are not valid."},
	[NL_ERR_NOT_FOUND]    = {"not_found", 404, "Not found."},
	[NL_ERR_CONFLICT]     = {"conflict", 409, "This conflicts with an existing record."},
	[NL_ERR_FORBIDDEN]    = {"forbidden", 403, "You are not allowed to do this."},
	[NL_ERR_UNAUTHORIZED] = {"unauthorized", 401, "Please log in."},
	[NL_ERR_TRANSITION]   = {"invalid_transition", 409, "This step is not allowed in the current status."},
	[NL_ERR_LOCKED]       = {"locked", 429, "Too many failed attempts. Please try again later."},
	[NL_ERR_EXPIRED]      = {"expired", 410, "This has expired."},
	[NL_ERR_TOO_LARGE]    = {"too_large", 413, "The request is too large."},
	[NL_ERR_CSRF]         = {"csrf", 403, "The form has expired. Please reload the page and try again."},
	[NL_ERR_RATE_LIMIT]   = {"rate_limited", 429, "Too many requests. Please wait and try again."},
	[NL_ERR_BUSY]         = {"busy", 503, "The server is busy. Please try again."},
	[NL_ERR_DB]           = {"database_error", 500, "A database error occurred."},
	[NL_ERR_IO]           = {"io_error", 502, "An outside system did not answer."},
	[NL_ERR_CRYPTO]       = {"crypto_error", 500, "A cryptographic operation failed."},
	[NL_ERR_CONFIG]       = {"config_error", 500, "The server is not configured correctly."},
	[NL_ERR_INTERNAL]     = {"internal_error", 500, "An internal error occurred."},
	[NL_ERR_UNAVAILABLE]  = {"unavailable", 503, "The service is temporarily unavailable. Please try again in a few minutes."},
};

const struct nl_err_info *nl_err_info(nl_err e)
{
	if ((unsigned)e >= NL_ERR__COUNT)
		e = NL_ERR_INTERNAL;
	return &table[e];
}

const char *nl_err_code(nl_err e) { return nl_err_info(e)->code; }
int nl_err_http_status(nl_err e) { return nl_err_info(e)->http_status; }
