/* The courier (SPEC §9, §13; docs/production.md): a card handed over gets a
 * tracking number; the courier reports accepted -> in_transit -> delivered.
 *
 * Driver "simulator" (the only one today; a real courier's HTTP JSON driver
 * goes behind the same two calls): tracking numbers "NK" + 10 random digits +
 * a check digit; a parcel's status follows from the time since it was handed
 * over (in transit after step_s seconds, delivered after 2 * step_s), so any
 * node answers the same without shared state. The demo's "advance" action
 * moves a parcel one step at once (nl_courier_advance).
 *
 * Configuration section [courier]:
 *   driver = simulator
 *   step_s = 3600        seconds per simulated step (>= 1)
 *
 * Ownership: nl_courier_open -> nl_courier_free (NULL is fine). Thread-safe. */
#ifndef NL_DRIVERS_COURIER_H
#define NL_DRIVERS_COURIER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

enum nl_parcel_status {
	NL_PARCEL_ACCEPTED = 1,   /* Kargoya Verildi */
	NL_PARCEL_IN_TRANSIT,     /* Kargoya Verildi, on the way */
	NL_PARCEL_DELIVERED,      /* Teslim Edildi */
};
const char *nl_parcel_status_code(enum nl_parcel_status s);   /* "accepted", ... */
bool nl_parcel_status_parse(const char *code, enum nl_parcel_status *out);

struct nl_courier_config {
	char driver[32];
	int64_t step_s;
};
void nl_courier_config_defaults(struct nl_courier_config *c);
NL_MUST_USE nl_err nl_courier_config_set(struct nl_courier_config *c, const char *key, const char *value);

typedef struct nl_courier nl_courier;
NL_MUST_USE nl_err nl_courier_open(const struct nl_courier_config *c, nl_courier **out);
void nl_courier_free(nl_courier *c);
const char *nl_courier_name(const nl_courier *c);

/* What is handed over: the order number and the delivery address. */
struct nl_parcel {
	int64_t order_no;
	const char *name;
	const char *address;
	const char *district;
	const char *province;
	const char *postal_code;
};

/* Hands a parcel to the courier: its tracking number (NUL-terminated). */
NL_MUST_USE nl_err nl_courier_ship(nl_courier *c, const struct nl_parcel *p, int64_t now, char tracking[32]);
/* The courier's status of a parcel handed over at shipped_at. */
NL_MUST_USE nl_err nl_courier_status(nl_courier *c, const char *tracking, int64_t shipped_at, int64_t now,
                         enum nl_parcel_status *out);
/* True when s is a tracking number this courier could have issued. */
bool nl_courier_tracking_valid(const char *s);

#endif
