/* The description of the step-1 page (portal_form_fields.c): its sections and
 * fields with labels, hints, choices, the typed values and the messages next
 * to each field, as template data for web/templates/form/step1.html. */
#ifndef NL_PAGES_APPLICANT_PORTAL_FORM_FIELDS_H
#define NL_PAGES_APPLICANT_PORTAL_FORM_FIELDS_H

#include <jansson.h>

#include "app/form.h"
#include "http/http.h"

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
