/* This node's name and its start-up reclaim (node.h). */
#include "app/node.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "store/store_nodes.h"
#include "store/store_outbox.h"
#include "store/store_production.h"

bool nl_node_id_valid(const char *s)
{
	size_t n = 0;
	if (!s)
		return false;
	for (; s[n]; n++) {
		char ch = s[n];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		if (!ok || n >= NL_NODE_ID_MAX - 1)
			return false;
	}
	return n > 0;
}

/* Reads the kept name; NL_ERR_NOT_FOUND when there is none yet. */
static NL_MUST_USE nl_err read_kept(const char *path, char out[NL_NODE_ID_MAX])
{
	char line[NL_NODE_ID_MAX];
	nl_err rc = nl_read_line(path, line, sizeof line);
	if (rc == NL_ERR_TOO_LARGE || (rc == NL_OK && !nl_node_id_valid(line)))
		return NL_ERR_CONFIG;
	if (rc == NL_OK)
		memcpy(out, line, strlen(line) + 1);
	return rc;
}

nl_err nl_node_id_load(const struct nl_config *cfg, char out[NL_NODE_ID_MAX], const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	out[0] = '\0';
	if (cfg->node_id[0]) {
		if (!nl_node_id_valid(cfg->node_id)) {
			*why = "[storage] node_id: letters, digits, '.', '_', '-', at most 63";
			return NL_ERR_CONFIG;
		}
		snprintf(out, NL_NODE_ID_MAX, "%s", cfg->node_id);
		return NL_OK;
	}
	char path[NL_CONFIG_STR + 16];
	snprintf(path, sizeof path, "%s/node_id", cfg->data_dir);
	nl_err rc = read_kept(path, out);
	if (rc != NL_ERR_NOT_FOUND) {
		if (rc)
			*why = "<data_dir>/node_id cannot be read or holds no valid name";
		return rc;
	}
	unsigned char rnd[8];
	char name[NL_NODE_ID_MAX] = "n-";
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(name + 2, sizeof name - 2, rnd, sizeof rnd);
	/* O_EXCL: two processes starting on one data folder agree on one name. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST && (rc = read_kept(path, out)) == NL_OK)
			return NL_OK;
		*why = "<data_dir>/node_id cannot be written";
		return NL_ERR_IO;
	}
	size_t len = strlen(name);
	bool ok = write(fd, name, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		unlink(path);
		*why = "<data_dir>/node_id cannot be written";
		return NL_ERR_IO;
	}
	snprintf(out, NL_NODE_ID_MAX, "%s", name);
	return NL_OK;
}

nl_err nl_node_reclaim(const struct nl_app *app, const char *node, int64_t now, int64_t *rows)
{
	nl_db *db = app->db;
	nl_conn *c;
	int64_t a = 0, b = 0;
	if (rows)
		*rows = 0;
	nl_err rc = nl_db_conn(db, &c);
	if (!rc) rc = nl_store_node_beat(c, node, now);
	if (!rc) rc = nl_store_production_release_node(c, node, now, &a);
	if (!rc) rc = nl_outbox_release_node(db, node, now, &b);
	if (rows)
		*rows = a + b;
	return rc;
}
