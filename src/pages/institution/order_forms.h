/* The institutions' writes, one definition for both doors: the officer's HTML
 * form (kurum_preapply.c) and the JSON API (api_preapply.c) take the same
 * fields by the same specs, so a field cannot be accepted by one and refused
 * by the other. */
#ifndef NL_PAGES_INSTITUTION_ORDER_FORMS_H
#define NL_PAGES_INSTITUTION_ORDER_FORMS_H

#include <stdbool.h>

#include "app/preapply.h"
#include "view/spec.h"

/* One pre-application as parsed by nl_preapply_spec. */
struct nl_preapply_fields {
	struct nl_id_number id;
	const char *country;
	const char *given_name;
	const char *surname;
	const char *email;
	const char *mobile;
	int reason;       /* index into the reason codes (first, renewal, ...) */
	int payment;      /* index into the payment codes (institution, person) */
	bool backup;
};

/* Fields NL_PA_* (app/preapply.h); NL_SPEC_END-terminated. */
extern const struct nl_spec nl_preapply_spec[];

/* The use case's input from the parsed fields; its strings point into f. */
void nl_preapply_fields_input(const struct nl_preapply_fields *f, struct nl_preapply_input *in);

/* Cancelling an order: {"reason": 3..NL_CANCEL_REASON_MAX characters}. */
struct nl_cancel_fields {
	const char *reason;
};
extern const struct nl_spec nl_cancel_spec[];

#endif
