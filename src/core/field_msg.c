/* The per-field message table (field_msg.h). The msgids are English and
 * translated via po/. */
#include "core/field_msg.h"

#include <string.h>

static const struct {
	const char *code;
	const char *msgid;
} messages[] = {
	/* any field */
	{"required", "This field is required."},
	{"too_short", "This is too short."},
	{"too_long", "This is too long."},
	{"invalid_utf8", "This contains characters that are not valid text."},
	{"utf8", "This contains characters that are not valid text."},   /* core/validate.h's name */
	{"control_char", "This contains control characters that are not allowed."},
	{"not_integer", "Enter a whole number."},
	{"out_of_range", "This value is out of range."},
	{"not_allowed", "Choose one of the offered values."},
	{"not_boolean", "This must be yes or no."},
	{"date_format", "Enter the date as DD.MM.YYYY."},
	{"invalid_date", "This date does not exist."},
	/* identity, names, contact (core/validate.h) */
	{"tckn_length", "A T.C. identity number has 11 digits."},
	{"tckn_digits", "A T.C. identity number has digits only."},
	{"tckn_leading_zero", "A T.C. identity number does not start with 0."},
	{"tckn_checksum", "This T.C. identity number is not valid."},
	{"passport_length", "A passport number has 5 to 20 letters and digits."},
	{"passport_chars", "A passport number has letters and digits only."},
	{"country_unknown", "This country is not known."},
	{"mobile_format", "Enter a Turkish mobile number as 5xxxxxxxxx."},
	{"phone_format", "Enter a Turkish phone number with its area code."},
	{"postal_format", "A postal code has 5 digits."},
	{"postal_province", "This postal code does not belong to a province."},
	{"email_format", "This e-mail address is not valid."},
	{"email_length", "This e-mail address is too long."},
	{"name_chars", "Use letters only, with single spaces, hyphens, apostrophes or dots."},
	/* the application form's own rules (app/form.c) */
	{"security_word_rules",
	 "The security word has 8 to 32 characters with at least one letter and one digit."},
	{"security_word_mismatch", "The two security words are not the same."},
	{"district_province", "This district is not in the chosen province."},
	{"postal_other_province", "This postal code belongs to another province."},
	{"extension_format", "An extension has 1 to 6 digits."},
	{"province_unknown", "Choose a province from the list."},
	/* the request as a whole (view/spec.h) */
	{"unknown_field", "This field is not expected."},
	{"bad_field_name", "A field name is not valid."},
	{"duplicate_field", "This field was sent more than once."},
	{"invalid_type", "This value has the wrong type."},
	{"file_expected", "Choose a file to upload."},
	{"file_too_large", "The file is too large."},
	{"file_type", "This type of file is not accepted."},
	{"malformed_body", "The form could not be read. Please try again."},
	{"bad_encoding", "The form could not be read. Please try again."},
	{"too_many_fields", "The form has too many fields."},
	{"unsupported_media_type", "This content type is not supported."},
	{"invalid_json", "The request body is not valid JSON."},
	{"not_object", "The request body must be a JSON object."},
};

#define N_MESSAGES (sizeof messages / sizeof messages[0])

const char *nl_field_msgid(const char *code)
{
	for (size_t i = 0; code && i < N_MESSAGES; i++)
		if (strcmp(messages[i].code, code) == 0)
			return messages[i].msgid;
	return "This value is not valid.";
}

const char *nl_field_code_at(size_t i)
{
	return i < N_MESSAGES ? messages[i].code : NULL;
}
