/* Shared by the payment store tests (test_payment_app.c, test_payment_race.c):
 * a world of two orders (institution-paid and person-paid) with the demo
 * prices, and small helpers. */
#ifndef NL_TESTS_STORE_PAYMENT_WORLD_H
#define NL_TESTS_STORE_PAYMENT_WORLD_H

#include <stdint.h>

#include "app/app.h"
#include "core/order.h"
#include "fixture.h"

#define T0 1763600000   /* 2025-11-20: the tests' clock */
#define SECRET "store-test-pos-secret-123456"

struct world {
	int64_t inst_order, pay_order;     /* order ids */
	int64_t inst_no, pay_no;           /* order numbers */
	int64_t person;                    /* the person-paid order's person */
};

/* A person (T.C. tckn, e-mail) and one order of payment type pt. */
void person_order(struct fx *f, const char *tckn, const char *email,
                  enum nl_payment_type pt, int64_t *id, int64_t *no, int64_t *pid);
/* The two orders and the demo prices. */
void setup(struct fx *f, struct world *w);
/* "Ödemeniz alındı" mails to `to` in the outbox. */
int64_t count_mail(struct fx *f, const char *to);
enum nl_order_status status_of(struct fx *f, int64_t id);
/* An app with the POS simulator keyed by SECRET (free app->drivers.pos). */
void pos_app(struct fx *f, struct nl_app *app);
/* A submitted and SMS-confirmed version of order id; returns its number. */
int64_t confirmed_version(struct fx *f, int64_t order_id);
/* Approves it (wet signature) through nl_approve_form. */
void approve(struct nl_app *app, int64_t order_no, int64_t version);

#endif
