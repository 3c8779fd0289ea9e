/* What an institution officer (page or API token) sees of his institution's
 * orders: the searchable list and one order, never another institution's.
 * Plain values (no store structs), so handlers that include view/spec.h (and
 * so pages/pages.h) can use them. */
#ifndef NL_APP_OFFICER_ORDERS_H
#define NL_APP_OFFICER_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "core/order.h"
#include "store/db.h"

struct nl_officer_order {
	int64_t order_no;                 /* n of SD-<n> */
	int64_t created_at, updated_at;
	char created_date[24];            /* "21.11.2026" (Istanbul) */
	char created_time[24];            /* "21.11.2026 14:05" (Istanbul) */
	enum nl_order_status status;
	enum nl_reason reason;
	enum nl_payment_type payment_type;
	bool backup_cert;
	bool passport;                    /* id_number is a passport number */
	char id_number[24];
	char passport_country[3];
	char given_name[260];
	char surname[260];
	char email[256];                  /* detail only ("" in lists) */
	char mobile[16];                  /* detail only */
	char cancel_reason[2004];         /* "" unless cancelled */
};

struct nl_officer_order_list {
	struct nl_officer_order *items;   /* malloc'd; nl_officer_order_list_free */
	size_t n;
	int64_t total;                    /* matches, ignoring limit/offset */
};
void nl_officer_order_list_free(struct nl_officer_order_list *l);

/* The institution's orders, newest first; q (NULL/"" for all) matches the
 * order number ("SD-123" or "123"), the ID number, or part of the name. */
NL_MUST_USE nl_err nl_officer_orders(const struct nl_app *app, int64_t institution_id, const char *q, int64_t limit,
                         int64_t offset, struct nl_officer_order_list *out);

/* One order; NL_ERR_NOT_FOUND when missing or another institution's. */
NL_MUST_USE nl_err nl_officer_order(const struct nl_app *app, int64_t institution_id, int64_t order_no,
                        struct nl_officer_order *out);

#endif
