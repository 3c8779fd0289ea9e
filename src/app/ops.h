/* What the operations endpoints and the demo's switches ask of the
 * application: whether the database answers (/healthz, /readyz), the demo's
 * database fault switch (POST /demo/database) and the demo outbox
 * (/demo/outbox). */
#ifndef NL_APP_OPS_H
#define NL_APP_OPS_H

#include <stdbool.h>

#include "app/app.h"
#include "core/err.h"
#include "store/store_outbox.h"

/* Whether the database answers a trivial query now. */
bool nl_ops_db_answers(const struct nl_app *app);

/* Demo/test only: while offline every use case finds the database down
 * (NL_ERR_UNAVAILABLE), as when it is stopped. */
void nl_ops_db_set_offline(const struct nl_app *app, bool offline);

/* The outbox's messages by f (newest first); nl_outbox_list_free it. */
NL_MUST_USE nl_err nl_ops_outbox(const struct nl_app *app, const struct nl_outbox_filter *f,
                     struct nl_outbox_list *out);

#endif
