/* The officer's preview of a bulk pre-application (preapply_csv.h): the good
 * rows of a checked file kept under a random id until he confirms them, then
 * imported in the transaction that uses the preview up. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app/preapply_csv.h"
#include "core/secret.h"
#include "store/store_staff_api.h"

nl_err nl_pa_preview_put(const struct nl_app *app, int64_t user_id, int64_t institution_id,
                         const struct nl_pa_csv *c, int64_t now,
                         char id_out[NL_PA_PREVIEW_ID_HEX + 1])
{
	uint8_t hash[NL_TOKEN_HASH_LEN];
	nl_conn *conn;
	char *payload = nl_pa_rows_to_json(c->good, c->n_good);
	if (!payload)
		return NL_ERR_NOMEM;
	nl_random_hex(NL_PA_PREVIEW_ID_HEX / 2, id_out);
	crypto_hash_sha256(hash, (const unsigned char *)id_out, NL_PA_PREVIEW_ID_HEX);
	nl_err e = nl_db_conn(app->db, &conn);
	if (e == NL_OK) {
		/* Old previews are of no use after their time; drop them now and then. */
		nl_err_ignore(nl_store_batch_purge(conn, now - NL_PA_PREVIEW_TTL, NULL));   /* old previews go next time */
		e = nl_store_batch_put(conn, hash, user_id, institution_id, payload, now);
	}
	free(payload);
	return e;
}

struct consume_arg {
	uint8_t hash[NL_TOKEN_HASH_LEN];
	int64_t user_id, not_before, now;
};

/* Runs inside the import's transaction: the preview is used up exactly when
 * its rows are imported. */
static NL_MUST_USE nl_err consume_preview(nl_conn *c, void *arg)
{
	struct consume_arg *a = arg;
	char *payload = NULL;
	nl_err e = nl_store_batch_take(c, a->hash, a->user_id, a->not_before, a->now, &payload);
	free(payload);
	return e;
}

nl_err nl_pa_preview_import(const struct nl_preapply_ctx *ctx, const char *id, int64_t user_id,
                            struct nl_preapply_clean **rows, size_t **lines,
                            struct nl_preapply_result **results, size_t *n)
{
	struct consume_arg arg;
	char *payload = NULL;
	nl_conn *conn;
	*rows = NULL;
	*lines = NULL;
	*results = NULL;
	*n = 0;
	crypto_hash_sha256(arg.hash, (const unsigned char *)id, strlen(id));
	arg.user_id = user_id;
	arg.not_before = ctx->now - NL_PA_PREVIEW_TTL;
	arg.now = ctx->now;
	nl_err e = nl_db_conn(ctx->app->db, &conn);
	if (e == NL_OK)
		e = nl_store_batch_get(conn, arg.hash, user_id, arg.not_before, &payload);
	if (e == NL_OK)
		e = nl_pa_rows_from_json(payload, rows, lines, n);
	if (e == NL_OK && !(*results = calloc(*n ? *n : 1, sizeof **results)))
		e = NL_ERR_NOMEM;
	if (e == NL_OK) {
		struct nl_preapply_ctx in_tx = *ctx;
		in_tx.in_tx = consume_preview;
		in_tx.in_tx_arg = &arg;
		e = nl_preapply_batch(&in_tx, *rows, *n, *results);
	}
	free(payload);
	return e;
}
