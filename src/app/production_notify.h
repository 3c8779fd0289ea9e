/* Notifications of production, shipping and expiry (production_notify.c),
 * shared by the batch, the card, shipping and the expiry notices. */
#ifndef NL_APP_PRODUCTION_NOTIFY_H
#define NL_APP_PRODUCTION_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "store/db.h"

/* Tells the order's person by the information channel of its current form
 * version, inside the caller's transaction. kind names
 * web/templates/{mail,sms}/<kind>.*; vars given_name, surname, order_no and
 * base_url are set here, extra ones added. */
struct nl_notify_var;
NL_MUST_USE nl_err nl_production_notify(nl_conn *c, const struct nl_config *cfg, int64_t order_id,
                            const char *kind, const char *subject,
                            const struct nl_notify_var *extra, size_t n_extra, int64_t now);

#endif
