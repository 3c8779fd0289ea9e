#!/bin/sh
# The layers of docs/DESIGN.md "Layers" that the meson libraries alone do not
# enforce (a header is found whatever library includes it):
#  1. the pages reach the database and configuration only through the
#     application context: no file in src/pages includes store/ (or the
#     framework's private http/server_internal.h), touches srv->db / srv->cfg
#     or hands a database handle (->db) anywhere (nl_app_of(r), pages/pages.h);
#     nor calls a store or database function (nl_store_*, nl_db_*): what a
#     page needs from the database is a use case in src/app;
#  2. the framework (src/http) and the view machinery (src/view) sit below app:
#     they include nothing from app/ or pages/, nor from each other (two
#     layers side by side that do not know each other);
#  3. a use case takes the application context, never a bare database handle:
#     no header of src/app but app.h (which builds the context) names nl_db *.
# TAP, one test per rule; each offending line is listed.
src=${1:?usage: layer_check.sh SRC_DIR}
echo "1..6"
fail=0
check() {   # check N DESCRIPTION OFFENDING_LINES
  if [ -z "$3" ]; then
    echo "ok $1 - $2"
  else
    echo "not ok $1 - $2"
    printf '%s\n' "$3" | sed 's/^/# /'
    fail=1
  fi
}
check 1 "src/pages includes nothing from store/ nor http/server_internal.h" \
  "$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(store/|http/server_internal\.h)' "$src/pages")"
check 2 "src/pages uses neither srv->db nor srv->cfg nor any ->db" \
  "$(grep -rnE 'srv->(db|cfg)\b|->db\b' "$src/pages")"
check 3 "src/http and src/view include nothing from app/ or pages/" \
  "$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(app|pages)/' "$src/http" "$src/view")"
check 4 "src/pages calls no store or database function" \
  "$(grep -rnE '\bnl_(store|db)_[a-z0-9_]+[[:space:]]*\(' "$src/pages" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')"
check 5 "no use case in src/app takes nl_db * (only app.h builds the context)" \
  "$(grep -nE '\bnl_db[[:space:]]*\*' "$src"/app/*.h | grep -v '^[^:]*/app/app\.h:')"
check 6 "src/http and src/view include nothing from each other" \
  "$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"view/' "$src/http"; \
     grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"http/' "$src/view")"
exit $fail
