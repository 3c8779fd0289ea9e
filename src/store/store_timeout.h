/* The pre-applications the time-out worker looks at (src/app/timeout_worker.c). */
#ifndef NL_STORE_TIMEOUT_H
#define NL_STORE_TIMEOUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/order.h"
#include "store/db.h"

struct nl_stale_order {
	int64_t id;
	enum nl_order_status status;
};

/* Up to `limit` orders with id > after_id still waiting for their form
 * (form_wait, form_payment_wait) created before `created_before`, by id. *out is
 * malloc'd (NULL when *n is 0); the caller frees it with free(). */
NL_MUST_USE nl_err nl_store_orders_form_overdue(nl_conn *c, int64_t created_before, int64_t after_id,
                                    int64_t limit,
                                    struct nl_stale_order **out, size_t *n);

#endif
