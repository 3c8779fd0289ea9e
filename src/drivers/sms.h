/* SMS: the interface, the HTTP JSON gateway driver and the simulator.
 *
 * Configuration, section [sms]:
 *   driver    = http | simulator                  (default simulator)
 *   url       = https://gateway.example/api/send
 *   user, password   HTTP basic auth (also usable in the template)
 *   token            Authorization: Bearer token
 *   sender    = NITELIK                           (the originator name)
 *   template  = the JSON request body, with placeholders replaced by
 *               JSON-escaped values: ${to} (5xxxxxxxxx), ${to_intl}
 *               (905xxxxxxxxx), ${text}, ${sender}, ${user}, ${password}
 *               default: {"to":"${to_intl}","text":"${text}","sender":"${sender}"}
 *   ca_file, tls_verify, timeout_ms, connect_timeout_ms
 * A gateway answer counts as success only when it is 2xx, a JSON object, and
 * does not say it is an error (see nl_http_post_json). */
#ifndef NL_DRIVERS_SMS_H
#define NL_DRIVERS_SMS_H

#include <stdint.h>

#include "drivers/driver.h"
#include "drivers/http.h"

struct nl_sms_msg {
	const char *to;     /* national mobile number, 10 digits "5xxxxxxxxx" */
	const char *text;   /* UTF-8 */
};

typedef struct nl_sms {
	const char *name;
	void *self;
	nl_err (*send)(void *self, const struct nl_sms_msg *m, struct nl_drv_error *e);
	void (*destroy)(void *self);
} nl_sms;

struct nl_sms_config {
	char driver[32];
	struct nl_http_endpoint ep;
	char sender[32];
	char template_json[2048];
};

void nl_sms_config_defaults(struct nl_sms_config *c);
/* NL_ERR_NOT_FOUND for an unknown key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_sms_config_set(struct nl_sms_config *c, const char *key, const char *value);

/* Caller frees with nl_sms_free. The HTTP driver checks the template once here
 * (every placeholder known, the result valid JSON): NL_ERR_CONFIG if not. */
NL_MUST_USE nl_err nl_sms_open(const struct nl_sms_config *c, nl_sms **out);
NL_MUST_USE nl_err nl_sms_http_new(const struct nl_sms_config *c, nl_sms **out);
NL_MUST_USE nl_err nl_sms_sim_new(nl_sms **out);
void nl_sms_free(nl_sms *s);   /* NULL is fine */

uint64_t nl_sms_sim_count(const nl_sms *s);

/* Expands the request template; the caller frees *out with free(). Exposed for
 * tests. NL_ERR_CONFIG for an unknown or unterminated placeholder. */
NL_MUST_USE nl_err nl_sms_render_template(const struct nl_sms_config *c, const struct nl_sms_msg *m,
	char **out);

#endif
