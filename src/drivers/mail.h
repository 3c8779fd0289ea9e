/* Mail: the interface, the SMTP driver (libcurl) and the simulator.
 *
 * Configuration, section [mail]:
 *   driver        = smtp | simulator            (default simulator)
 *   url           = smtp://host:587 or smtps://host:465
 *   starttls      = required | opportunistic | off   (smtp:// only; default required)
 *   user, password  AUTH credentials (empty = no AUTH)
 *   from          = noreply@example.org
 *   from_name     = Nitelik                     (UTF-8; encoded per RFC 2047)
 *   ca_file, tls_verify, timeout_ms, connect_timeout_ms */
#ifndef NL_DRIVERS_MAIL_H
#define NL_DRIVERS_MAIL_H

#include <stdint.h>

#include "drivers/driver.h"

/* One message to one recipient; every string is UTF-8. body_html may be NULL
 * (then the message is text/plain only). */
struct nl_mail_msg {
	const char *to;
	const char *subject;
	const char *body_text;
	const char *body_html;
};

typedef struct nl_mailer {
	const char *name;   /* "smtp", "simulator", ... */
	void *self;
	/* Hands the message to the mail system; NL_OK means it was accepted. */
	nl_err (*send)(void *self, const struct nl_mail_msg *m, struct nl_drv_error *e);
	void (*destroy)(void *self);
} nl_mailer;

enum nl_starttls { NL_STARTTLS_REQUIRED = 0, NL_STARTTLS_OPPORTUNISTIC, NL_STARTTLS_OFF };

struct nl_mail_config {
	char driver[32];
	char url[512];
	enum nl_starttls starttls;
	char user[128];
	char password[256];
	char from[256];
	char from_name[128];
	char ca_file[512];
	bool tls_verify;
	long timeout_ms;
	long connect_timeout_ms;
};

void nl_mail_config_defaults(struct nl_mail_config *c);
/* NL_ERR_NOT_FOUND for an unknown key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_mail_config_set(struct nl_mail_config *c, const char *key, const char *value);

/* Builds the driver the configuration names. Caller frees with nl_mailer_free. */
NL_MUST_USE nl_err nl_mailer_open(const struct nl_mail_config *c, nl_mailer **out);
NL_MUST_USE nl_err nl_mailer_smtp_new(const struct nl_mail_config *c, nl_mailer **out);
NL_MUST_USE nl_err nl_mailer_sim_new(nl_mailer **out);
void nl_mailer_free(nl_mailer *m);   /* NULL is fine */

/* How many messages the simulator accepted (for the demo and tests). */
uint64_t nl_mailer_sim_count(const nl_mailer *m);

#endif
