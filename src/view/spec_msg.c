/* Messages of the field-spec error codes, and their JSON renderings for the
 * API and for templates. The msgids are English and translated via po/. */
#include "view/spec.h"

#include <string.h>

#include "view/i18n.h"

static const struct {
	const char *code;
	const char *msgid;
} messages[] = {
	{"required", "This field is required."},
	{"too_short", "This is too short."},
	{"too_long", "This is too long."},
	{"invalid_utf8", "This contains characters that are not valid text."},
	{"control_char", "This contains control characters that are not allowed."},
	{"unknown_field", "This field is not expected."},
	{"bad_field_name", "A field name is not valid."},
	{"duplicate_field", "This field was sent more than once."},
	{"invalid_type", "This value has the wrong type."},
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
	{"not_integer", "Enter a whole number."},
	{"out_of_range", "This value is out of range."},
	{"not_allowed", "Choose one of the offered values."},
	{"not_boolean", "This must be yes or no."},
	{"date_format", "Enter the date as DD.MM.YYYY."},
	{"invalid_date", "This date does not exist."},
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

#define GENERIC_MSGID "This value is not valid."

const char *nl_spec_code_msgid(const char *code)
{
	for (size_t i = 0; code && i < sizeof messages / sizeof *messages; i++)
		if (strcmp(messages[i].code, code) == 0)
			return messages[i].msgid;
	return GENERIC_MSGID;
}

static json_t *code_json(const struct nl_field_error *e, const char *lang)
{
	return json_pack("{s:s, s:s}", "code", e->code, "message", nl_i18n_get(lang, e->msgid));
}

json_t *nl_spec_errors_json(const struct nl_spec *specs, const struct nl_spec_result *res,
                            const char *lang)
{
	(void)specs;
	json_t *fields = json_object();
	json_t *err = json_pack("{s:s, s:s}", "code", nl_err_code(NL_ERR_INVALID), "message",
	                        nl_i18n_err(lang, NL_ERR_INVALID));
	json_t *root = json_object();
	if (!fields || !err || !root)
		goto fail;
	for (size_t i = 0; i < res->n_errors; i++) {
		const struct nl_field_error *e = &res->errors[i];
		/* The first error of a field wins; body errors go under "body". */
		if (e->field && json_object_get(fields, e->field))
			continue;
		if (!e->field && json_object_get(err, "body"))
			continue;
		json_t *one = code_json(e, lang);
		if (!one || (e->field ? json_object_set_new(fields, e->field, one)
		                      : json_object_set_new(err, "body", one)) != 0)
			goto fail;
	}
	if (json_object_set_new(err, "fields", fields) != 0) {
		fields = NULL;
		goto fail;
	}
	fields = NULL;
	if (json_object_set_new(root, "error", err) != 0) {
		err = NULL;
		goto fail;
	}
	return root;
fail:
	json_decref(fields);
	json_decref(err);
	json_decref(root);
	return NULL;
}

json_t *nl_spec_form_json(const struct nl_spec *specs, const struct nl_spec_result *res,
                          const char *lang)
{
	json_t *values = json_object(), *errors = json_object(), *list = json_array();
	json_t *root = json_object();
	if (!values || !errors || !list || !root)
		goto fail;
	for (size_t i = 0; i < res->n_specs && specs[i].name; i++) {
		if (res->typed && res->typed[i] &&
		    json_object_set_new(values, specs[i].name, json_string(res->typed[i])) != 0)
			goto fail;
	}
	for (size_t i = 0; i < res->n_errors; i++) {
		const struct nl_field_error *e = &res->errors[i];
		const char *msg = nl_i18n_get(lang, e->msgid);
		if (e->field && !json_object_get(errors, e->field) &&
		    json_object_set_new(errors, e->field, code_json(e, lang)) != 0)
			goto fail;
		if (json_array_append_new(list, json_pack("{s:s?, s:s, s:s}", "field", e->field,
		                                          "code", e->code, "message", msg)) != 0)
			goto fail;
	}
	if (json_object_set_new(root, "has_errors", json_boolean(res->n_errors > 0)) != 0 ||
	    json_object_set_new(root, "values", values) != 0) {
		values = NULL;
		goto fail;
	}
	values = NULL;
	if (json_object_set_new(root, "errors", errors) != 0) {
		errors = NULL;
		goto fail;
	}
	errors = NULL;
	if (json_object_set_new(root, "error_list", list) != 0) {
		list = NULL;
		goto fail;
	}
	return root;
fail:
	json_decref(values);
	json_decref(errors);
	json_decref(list);
	json_decref(root);
	return NULL;
}
