/* Nodes and their heartbeat (store_nodes.h). */
#include "store/store_nodes.h"

#include "store/store_util.h"

nl_err nl_store_node_beat(nl_conn *c, const char *node, int64_t now)
{
	nl_stmt *s;
	if (!node || !*node)
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO nodes (node_id, started_at, seen_at) VALUES ($1, $2, $2)"
		" ON CONFLICT (node_id) DO UPDATE SET seen_at = $2",
		NL_PARAMS(NL_P_TEXT(node), NL_P_INT(now)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_node_gone(nl_conn *c, const char *node)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "DELETE FROM nodes WHERE node_id = $1",
		NL_PARAMS(NL_P_TEXT(node)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}
