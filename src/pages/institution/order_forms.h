/* The institutions' writes, one definition for both doors: the officer's HTML
 * form (kurum_preapply.c) and the JSON API (api_preapply.c) take the same
 * fields by the same specs, so a field cannot be accepted by one and refused
 * by the other. */
#ifndef NL_PAGES_INSTITUTION_ORDER_FORMS_H
#define NL_PAGES_INSTITUTION_ORDER_FORMS_H

#include <stdbool.h>

#include "app/preapply.h"
#include "view/spec.h"

/* One pre-application: fields NL_PA_* (app/preapply.h), parsed straight into
 * struct nl_preapply_input; NL_SPEC_END-terminated. */
extern const struct nl_spec nl_preapply_spec[];

/* Cancelling an order: {"reason": 3..NL_CANCEL_REASON_MAX characters}. */
struct nl_cancel_fields {
	const char *reason;
};
extern const struct nl_spec nl_cancel_spec[];

#endif
