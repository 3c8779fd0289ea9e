#include "web/handlers.h"
void nl_h_admin_institutions(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
void nl_h_admin_institution_add(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
void nl_h_admin_users(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
void nl_h_admin_user_add(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
void nl_h_admin_user_active(struct nl_req *r) { nl_resp_error(r, NL_ERR_NOT_FOUND, NULL); }
