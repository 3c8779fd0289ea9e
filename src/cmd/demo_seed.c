/* The demo data hook. The team lead fills this in (an institution, an officer
 * with a printed password, a few persons); until then it seeds nothing. */
#include "cmd/demo.h"

nl_err nl_demo_seed(nl_db *db, const struct nl_config *cfg)
{
	(void)db;
	(void)cfg;
	return NL_OK;
}
