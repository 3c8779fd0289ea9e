/* Prototypes of every route handler, grouped by the file that defines them.
 * Add a block for your resource file (e.g. portal_orders.c) and the rows in
 * routes.c. Handlers take the request and queue exactly one response
 * (src/http/http.h). */
#ifndef NL_PAGES_HANDLERS_H
#define NL_PAGES_HANDLERS_H

#include <stddef.h>

#include "http/http.h"

/* routes.c: the route table nl_pages_init hands the server. */
extern const struct nl_route nl_routes[];
extern const size_t nl_routes_count;

/* ops.c: health and metrics (server) */
void nl_h_healthz(struct nl_req *r);
void nl_h_readyz(struct nl_req *r);
/* api_openapi.c: the API's OpenAPI document (docs/openapi.yaml) */
void nl_h_openapi_yaml(struct nl_req *r);
void nl_h_openapi_json(struct nl_req *r);
void nl_h_metrics(struct nl_req *r);

/* session_routes.c: language switch (server) */
void nl_h_lang_page(struct nl_req *r);
void nl_h_lang_set(struct nl_req *r);

/* page_home.c: the home page with the doors of SPEC §2 (forms) */
void nl_h_home(struct nl_req *r);

/* help/help.c: Yardım (the seed guides' questions) and the holder's undertaking */
void nl_h_help(struct nl_req *r);
void nl_h_undertaking(struct nl_req *r);

/* portal_form.c, portal_sms.c, portal_approve.c, demo_clock.c: the application
 * form wizard (wizard) */
void nl_h_wizard_form(struct nl_req *r);
void nl_h_wizard_form_post(struct nl_req *r);
void nl_h_wizard_sms(struct nl_req *r);
void nl_h_wizard_sms_post(struct nl_req *r);
void nl_h_wizard_approve(struct nl_req *r);
void nl_h_wizard_approve_post(struct nl_req *r);
void nl_h_wizard_result(struct nl_req *r);
void nl_h_districts_json(struct nl_req *r);
void nl_h_demo_clock(struct nl_req *r);
void nl_h_demo_database(struct nl_req *r);

/* kurum_*.c: the institution officer's pages and the staff login (officer) */
void nl_h_kurum_login_page(struct nl_req *r);
void nl_h_kurum_login(struct nl_req *r);
void nl_h_kurum_logout(struct nl_req *r);
void nl_h_kurum_home(struct nl_req *r);
void nl_h_kurum_order(struct nl_req *r);
void nl_h_kurum_cancel(struct nl_req *r);
void nl_h_kurum_preapply_page(struct nl_req *r);
void nl_h_kurum_preapply(struct nl_req *r);
void nl_h_kurum_bulk_page(struct nl_req *r);
void nl_h_kurum_bulk_preview(struct nl_req *r);
void nl_h_kurum_bulk_confirm(struct nl_req *r);

/* admin_staff.c: institutions and staff accounts (officer) */
void nl_h_admin_institutions(struct nl_req *r);
void nl_h_admin_institution_add(struct nl_req *r);
void nl_h_admin_users(struct nl_req *r);
void nl_h_admin_user_add(struct nl_req *r);
void nl_h_admin_user_active(struct nl_req *r);

/* api_preapply.c, api_orders.c: /api/v1 for institutions (officer) */
void nl_h_api_preapply(struct nl_req *r);
void nl_h_api_preapply_batch(struct nl_req *r);   /* api_preapply_batch.c */
void nl_h_api_orders(struct nl_req *r);
void nl_h_api_order(struct nl_req *r);
void nl_h_api_cancel(struct nl_req *r);
/* srv->api_token_check: institution API tokens (api_orders.c) */
NL_MUST_USE nl_err nl_api_token_check(struct nl_server *srv, const char *token, int64_t *subject_id,
                          unsigned *roles);

/* ocsp.c, repo.c: the CA's OCSP responder, repository and public directory (pki) */
void nl_h_ocsp(struct nl_req *r);            /* GET /ocsp/{request...}, POST /ocsp */
void nl_h_repo(struct nl_req *r);
void nl_h_directory(struct nl_req *r);
void nl_h_directory_file(struct nl_req *r);
/* holder/imza_app.c: getting nitelik-imza */
void nl_h_imza_app(struct nl_req *r);
void nl_h_imza_app_package(struct nl_req *r);
/* repo_docs.c */
void nl_h_repo_index(struct nl_req *r);
void nl_h_cps(struct nl_req *r);
void nl_h_pds(struct nl_req *r);

/* portal_login.c: the applicant's login doors and the captcha (person) */
void nl_h_captcha_png(struct nl_req *r);
void nl_h_login_form_page(struct nl_req *r);
void nl_h_login_form_post(struct nl_req *r);
void nl_h_login_identity_page(struct nl_req *r);
void nl_h_login_identity_post(struct nl_req *r);
void nl_h_logout_person(struct nl_req *r);

/* portal_orders.c: the applicant's pages after login (person) */
void nl_h_person_choice(struct nl_req *r);
void nl_h_person_orders(struct nl_req *r);
void nl_h_person_order(struct nl_req *r);
void nl_h_person_order_cancel(struct nl_req *r);

/* demo_outbox.c: the outbox in demo mode (person) */
void nl_h_demo_outbox(struct nl_req *r);

/* portal_edevlet.c: the e-Devlet door; demo_edevlet.c: its simulator provider */
void nl_h_edevlet_start(struct nl_req *r);
void nl_h_edevlet_return(struct nl_req *r);
void nl_h_sim_edevlet_discovery(struct nl_req *r);
void nl_h_sim_edevlet_jwks(struct nl_req *r);
void nl_h_sim_edevlet_authorize(struct nl_req *r);
void nl_h_sim_edevlet_authorize_post(struct nl_req *r);
void nl_h_sim_edevlet_token(struct nl_req *r);

/* payment_pages.c, payment_admin.c: Borç Sorgulama, the virtual POS and its
 * simulator, prices, bank reconciliation (payment) */
void nl_h_debt_page(struct nl_req *r);
void nl_h_debt_post(struct nl_req *r);
void nl_h_pay_start(struct nl_req *r);
void nl_h_pos_sim_page(struct nl_req *r);
void nl_h_pos_sim_post(struct nl_req *r);
void nl_h_pay_callback(struct nl_req *r);
void nl_h_pay_result(struct nl_req *r);
void nl_h_admin_prices(struct nl_req *r);
void nl_h_admin_prices_post(struct nl_req *r);
void nl_h_admin_bank(struct nl_req *r);
void nl_h_admin_bank_post(struct nl_req *r);

/* production_pages.c, shipment_pages.c (production) */
void nl_h_production(struct nl_req *r);
void nl_h_production_batch(struct nl_req *r);
void nl_h_production_ship(struct nl_req *r);
void nl_h_production_poll(struct nl_req *r);
void nl_h_production_retry(struct nl_req *r);
void nl_h_production_letter(struct nl_req *r);
void nl_h_production_advance(struct nl_req *r);
void nl_h_shipment_page(struct nl_req *r);
void nl_h_shipment_post(struct nl_req *r);

/* portal_wet.c, ra_wet.c: the wet-signature PDF and the registration officer's
 * barcode pages (wet) */
void nl_h_wet_form_pdf(struct nl_req *r);
void nl_h_ra_scan_page(struct nl_req *r);
void nl_h_ra_scan(struct nl_req *r);
void nl_h_ra_form(struct nl_req *r);
void nl_h_ra_accept(struct nl_req *r);
void nl_h_ra_reject(struct nl_req *r);

/* portal_esign.c: e-İmza: the signing application's API, the waiting page's
 * poll, step 2 by e-İmza and e-Onay (esign) */
void nl_h_imza_api_get(struct nl_req *r);
void nl_h_imza_api_post(struct nl_req *r);
void nl_h_imza_status(struct nl_req *r);
void nl_h_imza_continue(struct nl_req *r);
void nl_h_wizard_esign(struct nl_req *r);
void nl_h_wizard_esign_new(struct nl_req *r);
void nl_h_wizard_eonay(struct nl_req *r);

/* holder.c: Online İşlemler: the holder's doors, home menu, e-Onay (esign) */
void nl_h_holder_door(struct nl_req *r);
void nl_h_holder_door_post(struct nl_req *r);
void nl_h_holder_esign_wait(struct nl_req *r);
void nl_h_holder_esign_new(struct nl_req *r);
void nl_h_holder_logout(struct nl_req *r);
void nl_h_holder_menu(struct nl_req *r);
void nl_h_holder_econsent(struct nl_req *r);
void nl_h_holder_econsent_post(struct nl_req *r);
void nl_h_holder_econsent_wait(struct nl_req *r);
void nl_h_holder_econsent_result(struct nl_req *r);

/* holder_selfservice.c, holder_selfservice_more.c: Online İşlemler →
 * Bireysel İşlemler (selfservice) */
void nl_h_ss_certs(struct nl_req *r);
void nl_h_ss_confirm(struct nl_req *r);
void nl_h_ss_change(struct nl_req *r);
void nl_h_ss_contact(struct nl_req *r);
void nl_h_ss_contact_post(struct nl_req *r);
void nl_h_ss_contact_confirm(struct nl_req *r);
void nl_h_ss_pinpuk(struct nl_req *r);
void nl_h_ss_unblock(struct nl_req *r);
void nl_h_ss_unblock_post(struct nl_req *r);
void nl_h_api_unblock(struct nl_req *r);
void nl_h_api_unblock_check(struct nl_req *r);
void nl_h_ss_renew(struct nl_req *r);
void nl_h_ss_renew_post(struct nl_req *r);
void nl_h_ss_shipments(struct nl_req *r);
void nl_h_ss_esign_start(struct nl_req *r);
void nl_h_ss_esign_wait(struct nl_req *r);
void nl_h_ss_esign_done(struct nl_req *r);

#endif
