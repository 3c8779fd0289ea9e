/* The one table of per-field messages: a refused field's stable code
 * ("tckn_checksum", core/validate.h's, the field specs' (view/spec.h) and the
 * application form's rules (app/form.c)) to its English message id, which
 * po/ translates. The pages, the API and the CLI all give the same words for
 * a code because they all look it up here. */
#ifndef NL_CORE_FIELD_MSG_H
#define NL_CORE_FIELD_MSG_H

#include <stddef.h>

/* English message id of a code ("tckn_checksum" → "This T.C. identity number
 * is not valid."); a generic message ("This value is not valid.") for an
 * unknown code or NULL. */
const char *nl_field_msgid(const char *code);

/* The i-th code of the table, NULL past its end (to check the catalogues). */
const char *nl_field_code_at(size_t i);

#endif
