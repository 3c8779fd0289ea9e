/* The production queue as the operator's page shows it (production.h). */
#include <stdlib.h>

#include "app/production.h"

nl_err nl_production_queue(const struct nl_app *app, int limit, struct nl_production_row **out,
                           size_t *n)
{
	nl_conn *c;
	struct nl_production *list = NULL;
	size_t count = 0;
	*out = NULL;
	*n = 0;
	nl_err e = nl_db_conn(app->db, &c);
	if (e == NL_OK)
		e = nl_store_production_list(c, limit, &list, &count);
	if (e)
		return e;
	struct nl_production_row *rows = calloc(count ? count : 1, sizeof *rows);
	if (!rows) {
		free(list);
		return NL_ERR_NOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		rows[i].p = list[i];
		rows[i].shipped = nl_store_shipment_by_order(c, list[i].order_id, &rows[i].shipment) == NL_OK;
		/* A letter that cannot be looked up shows as none waiting; the page
		 * still lists the row. */
		nl_err_ignore(nl_store_pin_letter_waiting(c, list[i].order_id, &rows[i].letter));
	}
	free(list);
	*out = rows;
	*n = count;
	return NL_OK;
}
