/* The JSON renderings of field errors for the API and for templates. The
 * codes' messages are core/field_msg.h's one table. */
#include "view/spec.h"

#include <string.h>

#include "view/i18n.h"

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
