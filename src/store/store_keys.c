/* Shared server keys (store_keys.h). */
#include "store/store_keys.h"

#include <string.h>

#include <sodium.h>

#include "store/store_util.h"

static NL_MUST_USE nl_err read_key(nl_conn *c, const char *name, uint8_t key[NL_SERVER_KEY_LEN])
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT key_hex FROM server_keys WHERE name = $1",
		NL_PARAMS(NL_P_TEXT(name)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		const char *hex = nl_db_col_text(s, 0);
		size_t n = 0;
		if (strlen(hex) != 2 * NL_SERVER_KEY_LEN ||
		    sodium_hex2bin(key, NL_SERVER_KEY_LEN, hex, strlen(hex), NULL, &n, NULL) != 0 ||
		    n != NL_SERVER_KEY_LEN)
			rc = NL_ERR_DB;   /* a damaged row: refuse rather than use a weak key */
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_server_key(nl_conn *c, const char *name, uint8_t key[NL_SERVER_KEY_LEN])
{
	if (!name || !*name)
		return NL_ERR_INVALID;
	nl_err rc = read_key(c, name, key);
	if (rc != NL_ERR_NOT_FOUND)
		return rc;
	uint8_t fresh[NL_SERVER_KEY_LEN];
	char hex[2 * NL_SERVER_KEY_LEN + 1];
	randombytes_buf(fresh, sizeof fresh);
	sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
	sodium_memzero(fresh, sizeof fresh);
	nl_stmt *s;
	/* ON CONFLICT DO NOTHING: whoever inserted first wins; read it back. */
	rc = nl_db_query(c, &s,
		"INSERT INTO server_keys (name, key_hex, created_at) VALUES ($1, $2, $3)"
		" ON CONFLICT (name) DO NOTHING",
		NL_PARAMS(NL_P_TEXT(name), NL_P_TEXT(hex), NL_P_INT(nl_store_now())));
	sodium_memzero(hex, sizeof hex);
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	return rc ? rc : read_key(c, name, key);
}
