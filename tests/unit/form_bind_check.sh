#!/bin/sh
# One declaration per form field (issue 11 item 3, docs/applicant-form.md
# "Adding a form field"): the step-1 page's field specs bind straight into the
# use case's input, the store takes the checked entries read-only, and nothing
# copies field by field or casts const away on the way; the institutions'
# pre-application spec binds into the use case's input too. TAP, four tests.
src=${1:?usage: form_bind_check.sh SRC_DIR}
echo "1..4"
fail=0

# 1. No const cast: neither a (char *) cast (-Wcast-qual refuses those) nor the
#    union that hides one (the old W() of app/form_flow.c).
bad=$(grep -rnE 'union *\{[^}]*const char \*' "$src" --include='*.c' --include='*.h')
if [ -z "$bad" ]; then
  echo "ok 1 - no union casts const away"
else
  echo "not ok 1 - a union casts const away"; printf '%s\n' "$bad" | sed 's/^/# /'; fail=1
fi

# 2. The store's form writes take the entries read-only.
h="$src/store/store_forms.h"
n=$(grep -cE 'nl_store_form_(submit|save_draft)\(nl_conn \*c, const struct nl_form \*f' "$h")
if [ "$n" = 2 ]; then
  echo "ok 2 - nl_store_form_submit and nl_store_form_save_draft take const struct nl_form *"
else
  echo "not ok 2 - the store's form writes do not take const struct nl_form *"; fail=1
fi

# 3. The page's specs bind into the use case's input (struct nl_form_post
#    holds struct nl_form_input), with no transport struct of its own.
f="$src/pages/applicant/portal_form_fields.c"
if grep -q 'NL_SPEC_TEXT(n, struct nl_form_post, in\.typed\.m' "$f" 2>/dev/null &&
   grep -q 'struct nl_form_input in;' "$src/pages/applicant/portal_form_fields.h" &&
   ! grep -rqE 'struct form_post|input_of\(' "$src/pages/applicant"; then
  echo "ok 3 - the step-1 field specs bind into struct nl_form_input"
else
  echo "not ok 3 - the step-1 field specs do not bind into struct nl_form_input"; fail=1
fi
# 4. The pre-application spec binds into struct nl_preapply_input: no
#    transport struct nl_preapply_fields and no copy function.
if grep -q '#define PA struct nl_preapply_input' "$src/pages/institution/order_forms.c" &&
   ! grep -rqE 'nl_preapply_fields' "$src"; then
  echo "ok 4 - the pre-application spec binds into struct nl_preapply_input"
else
  echo "not ok 4 - the pre-application spec does not bind into struct nl_preapply_input"; fail=1
fi
exit $fail
