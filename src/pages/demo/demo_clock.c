/* POST /demo/clock: moves the server's notion of now forward (or back) by
 * `seconds`, so HTTP and browser tests can expire SMS codes and pass the
 * 15-minute window without sleeping. Demo/test mode only: without [demo]
 * enabled it answers 404 like any unknown URL. Answers JSON
 * {"offset": <total seconds>, "now": <the server's now>}.
 *
 * POST /demo/database: available=false makes every database access fail as
 * for a database that is down (nl_ops_db_set_offline), available=true ends it; so
 * the doors' 503 answers can be tested on SQLite too. Demo/test mode only. */
#include "app/ops.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "http/server.h"
#include "view/spec.h"

struct clock_post {
	int64_t seconds;
};

static const struct nl_spec clock_spec[] = {
	/* at most a year either way: enough for any time-out, not an overflow */
	NL_SPEC_INT("seconds", struct clock_post, seconds, -31536000, 31536000, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

void nl_h_demo_clock(struct nl_req *r)
{
	struct clock_post p;
	struct nl_spec_result res;
	if (!nl_app_of(r)->cfg->demo) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_req_parse_body(r, clock_spec, &p, &res);
	if (e != NL_OK) {
		nl_resp_error(r, e, "%s", "Send seconds=<whole number>.");
		return;
	}
	int64_t offset = nl_server_clock_advance(r->srv, p.seconds);
	nl_resp_json(r, 200, json_pack("{s:I, s:I}", "offset", (json_int_t)offset, "now",
	                               (json_int_t)(r->now + p.seconds)));
}

struct database_post {
	int available;   /* index in availability[] */
};

static const char *const availability[] = {"false", "true", NULL};
static const struct nl_spec database_spec[] = {
	NL_SPEC_ENUM("available", struct database_post, available, availability, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

void nl_h_demo_database(struct nl_req *r)
{
	struct database_post p;
	struct nl_spec_result res;
	if (!nl_app_of(r)->cfg->demo) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_req_parse_body(r, database_spec, &p, &res);
	if (e != NL_OK) {
		nl_resp_error(r, e, "%s", "Send available=true or available=false.");
		return;
	}
	nl_ops_db_set_offline(nl_app_of(r), !p.available);
	nl_resp_json(r, 200, json_pack("{s:b}", "available", p.available == 1));
}
