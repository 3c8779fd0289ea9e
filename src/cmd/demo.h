/* Demo mode of nitelikd (--demo DIR). */
#ifndef NL_CMD_DEMO_H
#define NL_CMD_DEMO_H

#include "core/config.h"
#include "core/err.h"
#include "store/db.h"

/* Fills a fresh demo database with an institution, an officer account and a few
 * persons. Called by `nitelikd --demo DIR` after the migrations, every start:
 * it must be idempotent (do nothing when the data are there). Defined in
 * demo_seed.c. */
NL_MUST_USE nl_err nl_demo_seed(nl_db *db, const struct nl_config *cfg);

#endif
