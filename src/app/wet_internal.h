/* Shared by wet.c and wet_ra.c (not a public API). */
#ifndef NL_APP_WET_INTERNAL_H
#define NL_APP_WET_INTERNAL_H

#include "app/wet.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_wet.h"

/* Fills v from the order, its form version and barcode, loading the person
 * and the institution on c: every value in Turkish, as printed on the PDF. */
NL_MUST_USE nl_err nl_wet_fill_view(nl_conn *c, const struct nl_order *o, const struct nl_form *f,
                        const struct nl_barcode *b, struct nl_wet_view *v);

#endif
