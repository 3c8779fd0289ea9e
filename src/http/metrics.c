/* Prometheus metrics: requests by route pattern, method and status; one latency
 * histogram; time spent in the database. Counters are atomics so recording
 * costs a few relaxed increments per request and no lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "http/server_internal.h"

static const int tracked_status[NL_METRIC_STATUSES - 1] = {
	200, 201, 204, 206, 301, 302, 303, 304, 307, 400, 401, 403,
	404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503,
};
/* Upper bounds in microseconds; the last bucket is +Inf. */
static const uint64_t bucket_us[NL_METRIC_BUCKETS - 1] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,
	2500000, 5000000,
};

nl_err nl_metrics_init(struct nl_metrics *m, size_t n_table_rows)
{
	memset(m, 0, sizeof *m);
	m->n_routes = n_table_rows + NL_METRIC_EXTRA;
	m->routes = calloc(m->n_routes, sizeof *m->routes);
	return m->routes ? NL_OK : NL_ERR_NOMEM;
}

void nl_metrics_free(struct nl_metrics *m)
{
	free(m->routes);
	m->routes = NULL;
}

void nl_metrics_record(struct nl_metrics *m, size_t slot, int status, uint64_t dur_us)
{
	if (slot >= m->n_routes)
		return;
	size_t s = NL_METRIC_STATUSES - 1;
	for (size_t i = 0; i < NL_METRIC_STATUSES - 1; i++)
		if (tracked_status[i] == status) {
			s = i;
			break;
		}
	atomic_fetch_add_explicit(&m->routes[slot].by_status[s], 1, memory_order_relaxed);
	size_t b = NL_METRIC_BUCKETS - 1;
	for (size_t i = 0; i < NL_METRIC_BUCKETS - 1; i++)
		if (dur_us <= bucket_us[i]) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us, dur_us, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
}

static const char *method_label(unsigned m)
{
	switch (m) {
	case NL_GET: return "GET";
	case NL_POST: return "POST";
	case NL_PUT: return "PUT";
	case NL_PATCH: return "PATCH";
	case NL_DELETE: return "DELETE";
	case NL_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}

void nl_metrics_render(struct nl_server *srv, nl_buf *out)
{
	struct nl_metrics *m = &srv->priv->metrics;
	nl_buf_puts(out, "# HELP nitelik_http_requests_total HTTP requests by route pattern, "
	            "method and status.\n# TYPE nitelik_http_requests_total counter\n");
	for (size_t slot = 0; slot < m->n_routes; slot++) {
		const char *route, *method;
		if (slot < srv->n_routes) {
			route = srv->routes[slot].pattern;
			method = method_label(srv->routes[slot].method);
		} else {
			route = slot - srv->n_routes == NL_METRIC_STATIC ? "/static/*" : "unmatched";
			method = "ANY";
		}
		for (size_t s = 0; s < NL_METRIC_STATUSES; s++) {
			uint64_t v = atomic_load_explicit(&m->routes[slot].by_status[s],
			                                  memory_order_relaxed);
			if (!v)
				continue;
			/* patterns contain no quote, backslash or newline (nl_routes_check) */
			if (s < NL_METRIC_STATUSES - 1)
				nl_buf_printf(out, "nitelik_http_requests_total{route=\"%s\",method=\"%s\","
				              "status=\"%d\"} %llu\n", route, method, tracked_status[s],
				              (unsigned long long)v);
			else
				nl_buf_printf(out, "nitelik_http_requests_total{route=\"%s\",method=\"%s\","
				              "status=\"other\"} %llu\n", route, method,
				              (unsigned long long)v);
		}
	}
	nl_buf_puts(out, "# HELP nitelik_http_request_duration_seconds Time from the first byte "
	            "of a request to the end of its response.\n"
	            "# TYPE nitelik_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < NL_METRIC_BUCKETS; i++) {
		cum += atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
		if (i < NL_METRIC_BUCKETS - 1)
			nl_buf_printf(out, "nitelik_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			              (double)bucket_us[i] / 1e6, (unsigned long long)cum);
		else
			nl_buf_printf(out, "nitelik_http_request_duration_seconds_bucket{le=\"+Inf\"} "
			              "%llu\n", (unsigned long long)cum);
	}
	nl_buf_printf(out, "nitelik_http_request_duration_seconds_sum %.6f\n"
	              "nitelik_http_request_duration_seconds_count %llu\n",
	              (double)atomic_load(&m->latency_sum_us) / 1e6,
	              (unsigned long long)atomic_load(&m->latency_count));
	nl_buf_printf(out, "# HELP nitelik_http_requests_in_flight Requests being served.\n"
	              "# TYPE nitelik_http_requests_in_flight gauge\n"
	              "nitelik_http_requests_in_flight %lld\n",
	              (long long)atomic_load(&m->in_flight));
	nl_buf_printf(out, "# HELP nitelik_http_request_timeouts_total Connections ended because "
	              "a request was not all in within server.request_timeout.\n"
	              "# TYPE nitelik_http_request_timeouts_total counter\n"
	              "nitelik_http_request_timeouts_total %llu\n",
	              (unsigned long long)atomic_load(&srv->priv->request_timeouts));
	nl_buf_printf(out, "# HELP nitelik_db_time_seconds_total Time spent in the database.\n"
	              "# TYPE nitelik_db_time_seconds_total counter\n"
	              "nitelik_db_time_seconds_total %.6f\n",
	              srv->priv->db ? (double)nl_db_time_us(srv->priv->db) / 1e6 : 0.0);
	if (srv->metrics_extra)
		srv->metrics_extra(srv, out);
}
