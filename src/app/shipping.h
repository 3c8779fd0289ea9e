/* Shipping (SPEC §9; docs/production.md): produced cards are handed to the
 * courier (Üretildi -> Kargoya Verildi), the courier's reports are recorded
 * (in transit; Teslim Edildi), each order change audited and the holder told
 * by his information channel. Gönderi Sorgulama and the holder's "track my
 * shipments" page read through the functions at the end.
 *
 * Ownership: arrays returned through **out are malloc'd; free() them. */
#ifndef NL_APP_SHIPPING_H
#define NL_APP_SHIPPING_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "store/store_production.h"

/* Hands every produced, unshipped card to the courier. *shipped (may be
 * NULL) gets how many. */
NL_MUST_USE nl_err nl_shipping_ship_produced(struct nl_app *app, int64_t now, const char *actor,
                                 size_t *shipped);

/* Asks the courier about every open shipment and records what changed.
 * *changed (may be NULL) gets how many status changes were recorded. */
NL_MUST_USE nl_err nl_shipping_poll(struct nl_app *app, int64_t now, const char *actor, size_t *changed);

/* The periodic job (workers.c): nl_shipping_poll as "worker:shipping". */
NL_MUST_USE nl_err nl_shipping_job(struct nl_app *app, int64_t now);

/* Demo action: moves one shipment a step on (accepted -> in_transit ->
 * delivered) as if the courier had reported it. NL_ERR_NOT_FOUND for an
 * unknown number, NL_ERR_TRANSITION when delivered already. */
NL_MUST_USE nl_err nl_shipping_advance(struct nl_app *app, const char *tracking_no, int64_t now,
                           const char *actor);

/* Gönderi Sorgulama: q is a tracking number ("NK...") or an order number
 * ("SD-123" or "123"). Fills *s and its status history (oldest first; the
 * caller frees *events). NL_ERR_NOT_FOUND when nothing matches (also for a
 * malformed q). No personal data is returned. */
NL_MUST_USE nl_err nl_shipping_lookup(struct nl_app *app, const char *q, struct nl_shipment *s,
                          struct nl_shipment_event **events, size_t *n_events);

/* The holder's shipments ("track my shipments", selfservice): every
 * shipment of the person's orders, newest first. */
NL_MUST_USE nl_err nl_shipping_list_person(struct nl_app *app, int64_t person_id, struct nl_shipment **out,
                               size_t *n);

/* Turkish label of a shipment status code: "Kargoya Verildi", "Yolda",
 * "Teslim Edildi"; "" for an unknown code. */
const char *nl_shipping_status_label_tr(const char *code);
/* English label, same codes. */
const char *nl_shipping_status_label_en(const char *code);

#endif
