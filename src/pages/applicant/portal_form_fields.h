/* The step-1 page's fields (portal_form_fields.c): one line per field says
 * where the field's text goes in the use case's input (struct nl_form_input,
 * app/form.h), its spec limits, and how the page shows it (section, label,
 * hint, choices). From that one table come the field spec the POST is parsed
 * with and the template data of web/templates/form/step1.html. */
#ifndef NL_PAGES_APPLICANT_PORTAL_FORM_FIELDS_H
#define NL_PAGES_APPLICANT_PORTAL_FORM_FIELDS_H

#include <jansson.h>

#include "app/form.h"
#include "http/http.h"
#include "view/spec.h"

/* What POST /basvuru/{no}/form parses into: the use case's input itself, and
 * the page's own fields (which button, the version the page showed). */
struct nl_form_post {
	struct nl_form_input in;
	const char *action;            /* submit | draft | districts | identity */
	int64_t base_version;
};

/* The field spec of struct nl_form_post, built once from the field table:
 * the form's fields in page order, then action and base_version. */
const struct nl_spec *nl_form_post_spec(void);

/* The values a stored version or draft shows in the fields: {"field": "text"},
 * empty entries left out, never the security word. New reference; NULL on OOM. */
json_t *nl_form_stored_values(const struct nl_form *f);

/* [{title, fields:[{name, label, hint, required, value, field_error, is_text|
 *   is_email|is_tel|is_password|is_textarea|is_select|is_radio, options:[{value,
 *   label, selected}], maxlength, autocomplete, is_province, is_district}]}].
 * (field_error, not "error": a key missing from a field is looked up in the
 * page data too, which has a page-level "error".)
 * values: {"field": "typed"}; errors: {"field": "translated message"}.
 * New reference (NULL on OOM); values and errors are only read. */
json_t *nl_form_sections_json(struct nl_req *r, json_t *values, json_t *errors);

/* The read-only identity block, masked as in the guides:
 * {id, given_name, surname, birth_place, birth_date} (all masked). */
json_t *nl_form_identity_json(struct nl_req *r, const struct nl_form_view *v);

#endif
