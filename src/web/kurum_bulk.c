#include "web/handlers.h"
void nl_h_kurum_bulk_page(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
void nl_h_kurum_bulk_preview(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
void nl_h_kurum_bulk_confirm(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
