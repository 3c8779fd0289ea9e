#!/bin/sh
# The typed query parameters of src/store/db.h are checked by the compiler:
# each of these calls must fail to compile (under -Werror, as the build does)
# while the well-typed control compiles. TAP.
# Usage: bind_types_check.sh CC SRC_DIR
cc=${1:?usage: bind_types_check.sh CC SRC_DIR}
src=${2:?usage: bind_types_check.sh CC SRC_DIR}
tmp=$(mktemp -d /tmp/nl-bind-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# name|the query's parameters
cases='well-typed control|NL_PARAMS(NL_P_TEXT(name), NL_P_INT(id), NL_P_BLOB(der, n), NL_P_BOOL(on), NL_P_REF(id), NL_P_NULL)
a number passed as text|NL_PARAMS(NL_P_TEXT(id))
text passed as a number|NL_PARAMS(NL_P_INT(name))
a pointer passed as an optional id|NL_PARAMS(NL_P_REF(der))
a blob without its length|NL_PARAMS(NL_P_BLOB(der))
a bare value instead of a parameter|NL_PARAMS(NL_P_INT(id), name)
a bool passed as text|NL_PARAMS(NL_P_TEXT(on))'

n=$(printf '%s\n' "$cases" | wc -l)
echo "1..$n"
i=0
printf '%s\n' "$cases" | while IFS='|' read -r name params; do
  i=$((i + 1))
  cat > "$tmp/t$i.c" <<C
#include "store/db.h"
nl_err probe(nl_conn *c, const char *name, int64_t id, const void *der, size_t n, bool on);
nl_err probe(nl_conn *c, const char *name, int64_t id, const void *der, size_t n, bool on)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT \$1", $params);
	if (rc == NL_OK)
		nl_db_finalize(s);
	return rc;
}
C
  if "$cc" -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$src" -fsyntax-only "$tmp/t$i.c" \
       >"$tmp/t$i.log" 2>&1; then compiled=1; else compiled=0; fi
  if [ "$i" -eq 1 ]; then want=1; else want=0; fi
  if [ "$compiled" -eq "$want" ]; then
    echo "ok $i - $name"
  else
    echo "not ok $i - $name (compiled=$compiled)"
    sed 's/^/# /' "$tmp/t$i.log"
  fi
done | tee "$tmp/out"
! grep -q '^not ok' "$tmp/out"
