/* GET /: the home page with the doors of SPEC §2 (form login, identity login,
 * Online İşlemler) and the public services (debt look-up and payment, shipment
 * tracking), and the institution officer's door. The links lead to routes the
 * later issues add. No session is created here: the page has no form, and the
 * home page must stay cheap (bench/http.sh measures it). */
#include "pages/handlers.h"
#include "pages/pages.h"

void nl_h_home(struct nl_req *r)
{
	nl_page_respond(r, 200, "home", nl_page_data(r, NULL));
}
