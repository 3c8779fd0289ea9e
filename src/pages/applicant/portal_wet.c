/* The wet-signature form for its owner (wet):
 *   GET /basvuru/{no}/form.pdf   the PDF of the current, SMS-confirmed version
 *                                with its barcode; an attachment. 404 for anyone
 *                                but the order's person (never 403), 409 when
 *                                the current version cannot be printed (not
 *                                confirmed yet, or approved electronically),
 *                                403 when the RA rejected its paper form. */
#include <stdio.h>

#include "app/wet.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "pages/pages.h"

void nl_h_wet_form_pdf(struct nl_req *r)
{
	int64_t no;
	nl_err e = nl_req_param_id(r, "no", &no);
	if (e != NL_OK) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, "%s", "This application was not found.");
		return;
	}
	nl_buf pdf = NL_BUF_INIT;
	char code[NL_BARCODE_LEN + 1];
	e = nl_wet_form_pdf(nl_app_of(r), r->session.s.subject_id, no, nl_entitled_identity(r, no),
	                    r->now,
	                    &pdf, code);
	if (e == NL_OK) {
		char disposition[96];
		snprintf(disposition, sizeof disposition,
		         "attachment; filename=\"basvuru-formu-SD-%lld-%s.pdf\"", (long long)no, code);
		nl_resp_add_header(r, "Content-Disposition", disposition);
		nl_resp_buf(r, 200, "application/pdf", &pdf);
	} else if (e == NL_ERR_NOT_FOUND) {
		nl_resp_error(r, e, "%s", "This application was not found.");
	} else if (e == NL_ERR_FORBIDDEN) {
		nl_resp_error(r, e, "%s", nl_approve_refusal_msgid(NL_APPROVE_REFUSED_REJECTED));
	} else if (e == NL_ERR_CONFLICT) {
		nl_resp_error(r, e, "%s",
		              "The form can be printed once it is filled in and confirmed with the SMS "
		              "code, and only while it awaits a wet signature.");
	} else {
		nl_resp_error(r, e, NULL);
	}
	nl_buf_free(&pdf);
}
