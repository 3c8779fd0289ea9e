/* Nodes and their heartbeat (migration 0018; docs/production.md "Nodes and
 * leases"). Every nitelikd node has a name (app/node.h) that it records on
 * the job rows it claims (productions.claimed_by, outbox.claimed_by). A node
 * beats (seen_at = now) every NL_NODE_BEAT_S while it runs; a node not seen
 * for NL_NODE_DEAD_S is taken for dead, and the rows it claimed may be taken
 * over at once instead of after their lease (store_production.h,
 * store_outbox.h). */
#ifndef NL_STORE_NODES_H
#define NL_STORE_NODES_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_NODE_BEAT_S 30    /* how often a running node beats */
#define NL_NODE_DEAD_S 180   /* silent this long: dead (six missed beats) */

/* Records that node is alive at now (inserts it at its first beat). */
NL_MUST_USE nl_err nl_store_node_beat(nl_conn *c, const char *node, int64_t now);

/* A node that stops on purpose says so: its row goes, so nothing of it is
 * ever taken for dead work (its rows were finished or released). */
NL_MUST_USE nl_err nl_store_node_gone(nl_conn *c, const char *node);

#endif
