/* nitelik-imza's conversation with the server (docs/esign.md):
 *   GET  <server>/api/v1/imza/<code>   -> {"text", "purpose", "created_at",
 *                                          "expires_at", "now"}
 *   POST <server>/api/v1/imza/<code>   body: the CMS (DER), Content-Type
 *                                      application/cms -> {"result":"ok",
 *                                      "message":"İşlem Başarılı"}
 * Errors come as {"error":{"code","message"}}; the message is the server's
 * reason, shown to the person as it is. */
#ifndef NL_IMZA_HTTP_H
#define NL_IMZA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define NL_IMZA_CODE_DIGITS 15

/* Drops what people paste with a code: spaces, tabs, line ends and dashes. */
void nl_imza_code_clean(char *code);
/* 15 digits (after nl_imza_code_clean). */
bool nl_imza_code_ok(const char *code);

struct nl_imza_task {
	char *text;            /* malloc'd: freed by nl_imza_task_clear */
	char purpose[16];
	int64_t created_at, expires_at, server_now;
};
void nl_imza_task_clear(struct nl_imza_task *t);

/* NL_OK with the task; otherwise why[] holds the server's reason or the
 * transport's. */
NL_MUST_USE nl_err nl_imza_fetch(const char *server, const char *code, struct nl_imza_task *out,
                     char *why, size_t why_cap);
/* NL_OK when the server accepted; message[] holds its word either way. */
NL_MUST_USE nl_err nl_imza_send(const char *server, const char *code, const void *cms, size_t len,
                    char *message, size_t cap);

#endif
