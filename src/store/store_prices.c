/* Prices (see store_prices.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "store/store_audit.h"
#include "store/store_prices.h"
#include "store/store_util.h"

bool nl_price_reader_valid(const char *reader)
{
	return reader && (!strcmp(reader, "none") || !strcmp(reader, "standard") ||
	                  !strcmp(reader, "mini"));
}

nl_err nl_store_price_set(nl_conn *c, struct nl_price *p, int64_t now)
{
	if (strcmp(p->product, NL_PRODUCT_NES) != 0 || p->period_years < 1 || p->period_years > 3 ||
	    !nl_price_reader_valid(p->card_reader) || p->amount_kurus < 1 ||
	    p->amount_kurus > NL_MONEY_MAX || p->vat_bp < 0 || p->vat_bp > 10000 || !p->set_by[0])
		return NL_ERR_INVALID;
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO prices (product, period_years, card_reader, amount_kurus, vat_bp,"
		" valid_from, set_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
		NL_PARAMS(NL_P_TEXT(p->product), NL_P_INT(p->period_years),
		NL_P_TEXT(p->card_reader), NL_P_INT(p->amount_kurus), NL_P_INT(p->vat_bp),
		NL_P_INT(p->valid_from), NL_P_TEXT(p->set_by), NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(s, &p->id);
	if (rc != NL_OK)
		return rc;
	/* The audit line names the combination and the amount: prices are public. */
	char what[160];
	snprintf(what, sizeof what, "%s %" PRId64 "y %s %" PRId64 " kurus vat %" PRId64 "bp",
	         p->product, p->period_years, p->card_reader, p->amount_kurus, p->vat_bp);
	struct nl_audit_rec rec = {
		.at = now, .actor = p->set_by, .entity = "price", .entity_id = p->id,
		.action = "set", .from = "", .to = what, .reason = "",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_store_price_at(nl_conn *c, const char *product, int64_t period_years,
                         const char *card_reader, int64_t at, struct nl_price *out)
{
	memset(out, 0, sizeof *out);
	nl_stmt *s;
	/* Newest first; id breaks a tie of two rows set in the same second. */
	enum { PR_ID, PR_PRODUCT, PR_PERIOD_YEARS, PR_CARD_READER, PR_AMOUNT_KURUS, PR_VAT_BP,
		PR_VALID_FROM, PR_SET_BY };
	nl_err rc = nl_db_query(c, &s,
		"SELECT id, product, period_years, card_reader, amount_kurus, vat_bp, valid_from,"
		" set_by FROM prices WHERE product = $1 AND period_years = $2 AND card_reader = $3"
		" AND valid_from <= $4 ORDER BY valid_from DESC, id DESC LIMIT 1",
		NL_PARAMS(NL_P_TEXT(product), NL_P_INT(period_years), NL_P_TEXT(card_reader),
		NL_P_INT(at)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		out->id = nl_db_col_int64(s, PR_ID);
		nl_store_col_copy(s, PR_PRODUCT, out->product, sizeof out->product);
		out->period_years = nl_db_col_int64(s, PR_PERIOD_YEARS);
		nl_store_col_copy(s, PR_CARD_READER, out->card_reader, sizeof out->card_reader);
		out->amount_kurus = nl_db_col_int64(s, PR_AMOUNT_KURUS);
		out->vat_bp = nl_db_col_int64(s, PR_VAT_BP);
		out->valid_from = nl_db_col_int64(s, PR_VALID_FROM);
		nl_store_col_copy(s, PR_SET_BY, out->set_by, sizeof out->set_by);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_price_count(nl_conn *c, int64_t *n)
{
	nl_stmt *s;
	*n = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT COUNT(*) FROM prices", NL_NO_PARAMS);
	return rc ? rc : nl_store_one_int64(s, n);
}
