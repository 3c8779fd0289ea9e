/* The field specs of the institutions' writes (pages/institution/order_forms.h). */
#include "pages/institution/order_forms.h"

#include "app/cancel.h"

/* In the order of enum nl_reason / nl_payment_type (index + 1 = value). */
static const char *const reason_codes[] = {
	"first", "renewal", "lost", "hardware_failure", "identity_update", "pin_lost", "other", NULL,
};
static const char *const payment_codes[] = {"institution", "person", NULL};

const struct nl_spec nl_preapply_spec[] = {
	NL_SPEC_ID_NUMBER(NL_PA_ID_NUMBER, struct nl_preapply_fields, id, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT(NL_PA_COUNTRY, struct nl_preapply_fields, country, 2, 3, 0),
	NL_SPEC_NAME(NL_PA_GIVEN, struct nl_preapply_fields, given_name, NL_PA_NAME_MAX,
	             NL_SPEC_REQUIRED),
	NL_SPEC_NAME(NL_PA_SURNAME, struct nl_preapply_fields, surname, NL_PA_NAME_MAX,
	             NL_SPEC_REQUIRED),
	NL_SPEC_EMAIL(NL_PA_EMAIL, struct nl_preapply_fields, email, NL_SPEC_REQUIRED),
	NL_SPEC_MOBILE(NL_PA_MOBILE, struct nl_preapply_fields, mobile, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM(NL_PA_REASON, struct nl_preapply_fields, reason, reason_codes,
	             NL_SPEC_REQUIRED),
	NL_SPEC_ENUM(NL_PA_PAYMENT, struct nl_preapply_fields, payment, payment_codes,
	             NL_SPEC_REQUIRED),
	NL_SPEC_BOOL(NL_PA_BACKUP, struct nl_preapply_fields, backup, 0),
	NL_SPEC_END,
};

void nl_preapply_fields_input(const struct nl_preapply_fields *f, struct nl_preapply_input *in)
{
	*in = (struct nl_preapply_input){
		.id_number = f->id.number, .passport_country = f->country,
		.given_name = f->given_name, .surname = f->surname, .email = f->email,
		.mobile = f->mobile, .backup_cert = f->backup,
		.reason = (enum nl_reason)(f->reason + 1),
		.payment_type = (enum nl_payment_type)(f->payment + 1),
	};
}

const struct nl_spec nl_cancel_spec[] = {
	NL_SPEC_TEXT("reason", struct nl_cancel_fields, reason, 3, NL_CANCEL_REASON_MAX,
	             NL_SPEC_REQUIRED | NL_SPEC_MULTILINE),
	NL_SPEC_END,
};
