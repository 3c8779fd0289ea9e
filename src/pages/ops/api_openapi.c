/* GET /api/v1/openapi.yaml and /api/v1/openapi.json: the API's contract
 * (docs/openapi.yaml, compiled in by scripts/gen-openapi.py, so it always
 * describes the server that answers). Public: no token. */
#include "pages/handlers.h"

extern const unsigned char nl_openapi_yaml[], nl_openapi_json[];
extern const unsigned long nl_openapi_yaml_len, nl_openapi_json_len;

void nl_h_openapi_yaml(struct nl_req *r)
{
	nl_resp_cacheable(r, 300);
	nl_resp_bytes(r, 200, "application/yaml; charset=utf-8", nl_openapi_yaml,
	              (size_t)nl_openapi_yaml_len);
}

void nl_h_openapi_json(struct nl_req *r)
{
	nl_resp_cacheable(r, 300);
	nl_resp_bytes(r, 200, "application/json", nl_openapi_json, (size_t)nl_openapi_json_len);
}
