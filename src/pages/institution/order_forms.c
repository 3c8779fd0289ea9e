/* The field specs of the institutions' writes (pages/institution/order_forms.h). */
#include "pages/institution/order_forms.h"

#include "app/cancel.h"

/* In the order of enum nl_reason / nl_payment_type (index + 1 = value, as
 * NL_SPEC_ENUM_VALUE writes). */
static const char *const reason_codes[] = {
	"first", "renewal", "lost", "hardware_failure", "identity_update", "pin_lost", "other", NULL,
};
static const char *const payment_codes[] = {"institution", "person", NULL};

/* Bound straight into the use case's input: the id number as its text, the
 * reason and payment type as their enums. */
#define PA struct nl_preapply_input
const struct nl_spec nl_preapply_spec[] = {
	NL_SPEC_ID_TEXT(NL_PA_ID_NUMBER, PA, id_number, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT(NL_PA_COUNTRY, PA, passport_country, 2, 3, 0),
	NL_SPEC_NAME(NL_PA_GIVEN, PA, given_name, NL_PA_NAME_MAX, NL_SPEC_REQUIRED),
	NL_SPEC_NAME(NL_PA_SURNAME, PA, surname, NL_PA_NAME_MAX, NL_SPEC_REQUIRED),
	NL_SPEC_EMAIL(NL_PA_EMAIL, PA, email, NL_SPEC_REQUIRED),
	NL_SPEC_MOBILE(NL_PA_MOBILE, PA, mobile, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM_VALUE(NL_PA_REASON, PA, reason, reason_codes, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM_VALUE(NL_PA_PAYMENT, PA, payment_type, payment_codes, NL_SPEC_REQUIRED),
	NL_SPEC_BOOL(NL_PA_BACKUP, PA, backup_cert, 0),
	NL_SPEC_END,
};
#undef PA

const struct nl_spec nl_cancel_spec[] = {
	NL_SPEC_TEXT("reason", struct nl_cancel_fields, reason, 3, NL_CANCEL_REASON_MAX,
	             NL_SPEC_REQUIRED | NL_SPEC_MULTILINE),
	NL_SPEC_END,
};
