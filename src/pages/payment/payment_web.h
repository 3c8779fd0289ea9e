/* What other pages show of payment (src/pages/payment/payment_pages.c). Includes
 * neither view/spec.h nor store_persons.h, so any handler may include it. */
#ifndef NL_PAGES_PAYMENT_PAYMENT_WEB_H
#define NL_PAGES_PAYMENT_PAYMENT_WEB_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

/* The open debt of an order for its owner's page, or NULL when it owes
 * nothing: {"amount":"600,00 TL","vat":"100,00 TL","vat_rate":"20",
 * "priced":true,"pay_url":"/odeme/SD-100002"}. The caller must have checked
 * that the order is the session's person's: a priced debt is remembered in
 * the session so that its owner may pay it (POST /odeme/{no}). New reference. */
json_t *nl_payment_debt_for_owner(struct nl_req *r, int64_t order_no);

#endif
