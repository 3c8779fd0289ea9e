/* This node's name (docs/production.md "Nodes and leases",
 * docs/configuration.md [storage] node_id). Recorded on the job rows a node
 * claims (production rows, outbox messages), so a node that restarts after a
 * crash takes its own unfinished work back at once (nl_node_reclaim) rather
 * than after the rows' leases; a heartbeat (store_nodes.h) lets other nodes
 * take over a dead node's rows early. */
#ifndef NL_APP_NODE_H
#define NL_APP_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/config.h"
#include "core/err.h"
#include "store/db.h"

#define NL_NODE_ID_MAX 64   /* bytes with the NUL */

/* Letters, digits, '.', '_', '-'; 1..63 bytes. */
bool nl_node_id_valid(const char *s);

/* The configured [storage] node_id, or the name kept in <data_dir>/node_id,
 * or a new random one ("n-" + 16 hex digits) written there (0600) so it
 * survives restarts. *why (may be NULL) names the problem on failure:
 * NL_ERR_CONFIG for a bad configured or stored name, NL_ERR_IO when the
 * file cannot be read or written. */
NL_MUST_USE nl_err nl_node_id_load(const struct nl_config *cfg, char out[NL_NODE_ID_MAX], const char **why);

/* At start (nl_app_open, before the server and the workers, so nothing of
 * this run is claimed yet): beats once and releases every production row and
 * outbox message still claimed by node (the previous run of this node
 * stopped mid-job). *rows (may be NULL) gets how many were released. */
NL_MUST_USE nl_err nl_node_reclaim(const struct nl_app *app, const char *node, int64_t now, int64_t *rows);

#endif
