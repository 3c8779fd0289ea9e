#!/bin/sh
# Every function that returns nl_err is declared NL_MUST_USE (src/core/err.h):
# a prototype in a header, or a static function in a .c file, that returns
# nl_err without it is listed and fails. Function pointer types are not
# functions and are left alone. TAP, one test.
src=${1:?usage: must_use_check.sh SRC_DIR}
echo "1..1"
bad=$( { grep -rnE '^(static inline )?nl_err [a-z_0-9]+\(' "$src" --include='*.h';
         grep -rnE '^static (inline )?nl_err [a-z_0-9]+\(' "$src" --include='*.c'; } )
if [ -z "$bad" ]; then
  echo "ok 1 - every function returning nl_err is NL_MUST_USE"
else
  echo "not ok 1 - functions returning nl_err without NL_MUST_USE"
  printf '%s\n' "$bad" | sed 's/^/# /'
  exit 1
fi
