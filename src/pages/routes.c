/* THE route table: every URL nitelikd answers is one row here.
 *
 * How to add a resource:
 *   1. Write src/pages/<actor>/<resource>.c with handlers `void nl_h_<name>(struct nl_req *r)`
 *      (contract: src/http/http.h; each queues exactly one response).
 *   2. Declare them in src/pages/handlers.h in a block named after your file.
 *   3. Add rows below, in a block with a comment naming your file, and add the
 *      file to pages_sources in src/pages/meson.build.
 *
 * Rows: {method, pattern, auth, handler}.
 *   - method: one of NL_GET (also serves HEAD), NL_POST, NL_PUT, NL_PATCH, NL_DELETE.
 *   - pattern: literal segments and {name} segments ("/orders/{id}"); a {name}
 *     matches one non-empty segment; read it with nl_req_param(r, "name").
 *     Literal rows win over {param} rows for the same path, whatever their order.
 *   - pattern may end in {name...}: the rest of the path, slashes included.
 *   - auth: NL_AUTH_NONE | SESSION | PERSON | HOLDER | OFFICER | RA | ADMIN |
 *     PRODUCTION | API_TOKEN | OPEN (see http.h). OPEN rows (machine endpoints such as OCSP)
 *     load no session and need no CSRF token. Paths under /api/ are API routes: JSON errors,
 *     bearer tokens, no cookies, no CSRF. Every other POST/PUT/PATCH/DELETE must
 *     carry the session's CSRF token (form field "csrf" or X-CSRF-Token header);
 *     the server checks it before the handler runs.
 * The router answers 404 (no pattern matches) and 405 with an Allow header (the
 * path matches but not the method) itself. /static/ is served by the static file
 * handler before this table is consulted. */
#include "pages/handlers.h"
#include "http/router.h"

const struct nl_route nl_routes[] = {
	/* ocsp.c (pki): GET /ocsp/<base64 request, may contain '/'>, POST /ocsp */
	{NL_GET,  "/ocsp/{request...}", NL_AUTH_OPEN, nl_h_ocsp},
	{NL_POST, "/ocsp", NL_AUTH_OPEN, nl_h_ocsp},

	/* repo.c (pki) */
	{NL_GET,  "/repo/{name}", NL_AUTH_NONE, nl_h_repo},
	{NL_GET,  "/dizin", NL_AUTH_NONE, nl_h_directory},
	{NL_GET,  "/dizin/{file}", NL_AUTH_NONE, nl_h_directory_file},

	/* repo_docs.c (pki): the repository page and the documents certificates name */
	{NL_GET,  "/repo", NL_AUTH_NONE, nl_h_repo_index},
	{NL_GET,  "/repo/", NL_AUTH_NONE, nl_h_repo_index},
	{NL_GET,  "/cps", NL_AUTH_NONE, nl_h_cps},
	{NL_GET,  "/pds/{lang}", NL_AUTH_NONE, nl_h_pds},

	/* ops.c */
	{NL_GET,  "/healthz", NL_AUTH_NONE, nl_h_healthz},
	{NL_GET,  "/readyz", NL_AUTH_NONE, nl_h_readyz},
	{NL_GET,  "/metrics", NL_AUTH_NONE, nl_h_metrics},

	/* session_routes.c */
	{NL_GET,  "/lang", NL_AUTH_NONE, nl_h_lang_page},
	{NL_POST, "/lang", NL_AUTH_NONE, nl_h_lang_set},

	/* page_home.c (forms) */
	{NL_GET,  "/", NL_AUTH_NONE, nl_h_home},

	/* help/help.c */
	{NL_GET,  "/yardim", NL_AUTH_NONE, nl_h_help},
	{NL_GET,  "/taahhutname", NL_AUTH_NONE, nl_h_undertaking},

	/* portal_form.c, portal_sms.c, portal_approve.c, demo_clock.c (wizard):
	 * the application form wizard, its SMS code, the district list, the test clock */
	{NL_GET,  "/basvuru/{no}/form", NL_AUTH_PERSON, nl_h_wizard_form},
	{NL_POST, "/basvuru/{no}/form", NL_AUTH_PERSON, nl_h_wizard_form_post},
	{NL_GET,  "/basvuru/{no}/sms", NL_AUTH_PERSON, nl_h_wizard_sms},
	{NL_POST, "/basvuru/{no}/sms", NL_AUTH_PERSON, nl_h_wizard_sms_post},
	{NL_GET,  "/basvuru/{no}/onay", NL_AUTH_PERSON, nl_h_wizard_approve},
	{NL_POST, "/basvuru/{no}/onay", NL_AUTH_PERSON, nl_h_wizard_approve_post},
	{NL_GET,  "/basvuru/{no}/sonuc", NL_AUTH_PERSON, nl_h_wizard_result},
	{NL_GET,  "/il/{plate}/ilceler", NL_AUTH_NONE, nl_h_districts_json},
	{NL_POST, "/demo/clock", NL_AUTH_OPEN, nl_h_demo_clock},
	{NL_POST, "/demo/database", NL_AUTH_OPEN, nl_h_demo_database},

	/* kurum_login.c, kurum_orders.c, kurum_preapply.c, kurum_bulk.c (officer) */
	{NL_GET,  "/kurum/giris", NL_AUTH_NONE, nl_h_kurum_login_page},
	{NL_POST, "/kurum/giris", NL_AUTH_NONE, nl_h_kurum_login},
	{NL_POST, "/kurum/cikis", NL_AUTH_SESSION, nl_h_kurum_logout},
	{NL_GET,  "/kurum", NL_AUTH_OFFICER, nl_h_kurum_home},
	{NL_GET,  "/kurum/siparis/{no}", NL_AUTH_OFFICER, nl_h_kurum_order},
	{NL_POST, "/kurum/siparis/{no}/iptal", NL_AUTH_OFFICER, nl_h_kurum_cancel},
	{NL_GET,  "/kurum/basvuru/yeni", NL_AUTH_OFFICER, nl_h_kurum_preapply_page},
	{NL_POST, "/kurum/basvuru/yeni", NL_AUTH_OFFICER, nl_h_kurum_preapply},
	{NL_GET,  "/kurum/basvuru/toplu", NL_AUTH_OFFICER, nl_h_kurum_bulk_page},
	{NL_POST, "/kurum/basvuru/toplu", NL_AUTH_OFFICER, nl_h_kurum_bulk_preview},
	{NL_POST, "/kurum/basvuru/toplu/onay", NL_AUTH_OFFICER, nl_h_kurum_bulk_confirm},

	/* admin_staff.c (officer): institutions and staff accounts */
	{NL_GET,  "/yonetim/kurumlar", NL_AUTH_ADMIN, nl_h_admin_institutions},
	{NL_POST, "/yonetim/kurumlar", NL_AUTH_ADMIN, nl_h_admin_institution_add},
	{NL_GET,  "/yonetim/kullanicilar", NL_AUTH_ADMIN, nl_h_admin_users},
	{NL_POST, "/yonetim/kullanicilar", NL_AUTH_ADMIN, nl_h_admin_user_add},
	{NL_POST, "/yonetim/kullanicilar/{id}/durum", NL_AUTH_ADMIN, nl_h_admin_user_active},

	/* api_preapply.c, api_orders.c (officer): the institutions' JSON API (docs/api.md) */
	{NL_POST, "/api/v1/preapplications", NL_AUTH_API_TOKEN, nl_h_api_preapply},
	{NL_POST, "/api/v1/preapplications/batch", NL_AUTH_API_TOKEN, nl_h_api_preapply_batch},
	{NL_GET,  "/api/v1/preapplications", NL_AUTH_API_TOKEN, nl_h_api_orders},
	/* api_openapi.c: the contract, public */
	{NL_GET,  "/api/v1/openapi.yaml", NL_AUTH_OPEN, nl_h_openapi_yaml},
	{NL_GET,  "/api/v1/openapi.json", NL_AUTH_OPEN, nl_h_openapi_json},
	{NL_GET,  "/api/v1/orders/{no}", NL_AUTH_API_TOKEN, nl_h_api_order},
	{NL_POST, "/api/v1/orders/{no}/cancel", NL_AUTH_API_TOKEN, nl_h_api_cancel},

	/* portal_login.c, portal_orders.c (person): the applicant's doors and pages */
	{NL_GET,  "/captcha.png", NL_AUTH_NONE, nl_h_captcha_png},
	{NL_GET,  "/giris/form", NL_AUTH_NONE, nl_h_login_form_page},
	{NL_POST, "/giris/form", NL_AUTH_NONE, nl_h_login_form_post},
	{NL_GET,  "/giris/kimlik", NL_AUTH_NONE, nl_h_login_identity_page},
	{NL_POST, "/giris/kimlik", NL_AUTH_NONE, nl_h_login_identity_post},
	{NL_POST, "/cikis", NL_AUTH_NONE, nl_h_logout_person},
	/* portal_edevlet.c: the e-Devlet door (drivers/oidc.h) */
	{NL_GET,  "/giris/edevlet", NL_AUTH_NONE, nl_h_edevlet_start},
	{NL_GET,  "/giris/edevlet/donus", NL_AUTH_NONE, nl_h_edevlet_return},
	{NL_GET,  "/basvuru", NL_AUTH_PERSON, nl_h_person_choice},
	{NL_GET,  "/basvurularim", NL_AUTH_PERSON, nl_h_person_orders},
	{NL_GET,  "/basvurularim/{no}", NL_AUTH_PERSON, nl_h_person_order},
	{NL_POST, "/basvurularim/{no}/iptal", NL_AUTH_PERSON, nl_h_person_order_cancel},

	/* demo_outbox.c (person): demo mode only, 404 otherwise */
	{NL_GET,  "/demo/outbox", NL_AUTH_NONE, nl_h_demo_outbox},
	/* demo_edevlet.c: the simulator provider "e-Devlet Kapısı", demo mode only */
	{NL_GET,  "/demo/edevlet/.well-known/openid-configuration", NL_AUTH_OPEN,
	 nl_h_sim_edevlet_discovery},
	{NL_GET,  "/demo/edevlet/jwks", NL_AUTH_OPEN, nl_h_sim_edevlet_jwks},
	{NL_GET,  "/demo/edevlet/yetkilendir", NL_AUTH_NONE, nl_h_sim_edevlet_authorize},
	{NL_POST, "/demo/edevlet/yetkilendir", NL_AUTH_NONE, nl_h_sim_edevlet_authorize_post},
	{NL_POST, "/demo/edevlet/token", NL_AUTH_OPEN, nl_h_sim_edevlet_token},
	/* payment_pages.c, payment_admin.c (payment): debts, POS, prices, bank files */
	{NL_GET,  "/borc-sorgulama", NL_AUTH_NONE, nl_h_debt_page},
	{NL_POST, "/borc-sorgulama", NL_AUTH_NONE, nl_h_debt_post},
	{NL_POST, "/odeme/geri-donus", NL_AUTH_OPEN, nl_h_pay_callback},
	{NL_POST, "/odeme/{no}", NL_AUTH_NONE, nl_h_pay_start},
	{NL_GET,  "/odeme/{no}/sonuc", NL_AUTH_NONE, nl_h_pay_result},
	{NL_GET,  "/sanal-pos/sim/{session}", NL_AUTH_NONE, nl_h_pos_sim_page},
	{NL_POST, "/sanal-pos/sim/{session}", NL_AUTH_NONE, nl_h_pos_sim_post},
	{NL_GET,  "/yonetim/fiyatlar", NL_AUTH_ADMIN, nl_h_admin_prices},
	{NL_POST, "/yonetim/fiyatlar", NL_AUTH_ADMIN, nl_h_admin_prices_post},
	{NL_GET,  "/yonetim/banka-mutabakat", NL_AUTH_PRODUCTION, nl_h_admin_bank},
	{NL_POST, "/yonetim/banka-mutabakat", NL_AUTH_PRODUCTION, nl_h_admin_bank_post},

	/* production_pages.c, shipment_pages.c (production): the operator's batch,
	 * PIN letters and courier hand-over; Gönderi Sorgulama */
	{NL_GET,  "/uretim", NL_AUTH_PRODUCTION, nl_h_production},
	{NL_POST, "/uretim/parti", NL_AUTH_PRODUCTION, nl_h_production_batch},
	{NL_POST, "/uretim/kargo", NL_AUTH_PRODUCTION, nl_h_production_ship},
	{NL_POST, "/uretim/kargo-guncelle", NL_AUTH_PRODUCTION, nl_h_production_poll},
	{NL_POST, "/uretim/{no}/yeniden", NL_AUTH_PRODUCTION, nl_h_production_retry},
	{NL_POST, "/uretim/{no}/pin-zarfi", NL_AUTH_PRODUCTION, nl_h_production_letter},
	{NL_POST, "/uretim/gonderi/{tracking}/ilerlet", NL_AUTH_PRODUCTION, nl_h_production_advance},
	{NL_GET,  "/gonderi-sorgulama", NL_AUTH_NONE, nl_h_shipment_page},
	{NL_POST, "/gonderi-sorgulama", NL_AUTH_NONE, nl_h_shipment_post},

	/* portal_wet.c, ra_wet.c (wet): the wet-signature PDF, the RA's barcode pages */
	{NL_GET,  "/basvuru/{no}/form.pdf", NL_AUTH_PERSON, nl_h_wet_form_pdf},
	{NL_GET,  "/kayit", NL_AUTH_RA, nl_h_ra_scan_page},
	{NL_POST, "/kayit", NL_AUTH_RA, nl_h_ra_scan},
	{NL_GET,  "/kayit/form/{code}", NL_AUTH_RA, nl_h_ra_form},
	{NL_POST, "/kayit/form/{code}/kabul", NL_AUTH_RA, nl_h_ra_accept},
	{NL_POST, "/kayit/form/{code}/red", NL_AUTH_RA, nl_h_ra_reject},

	/* portal_esign.c, holder.c (esign): e-İmza, E-İmzalı Giriş, Online İşlemler, e-Onay */
	{NL_GET,  "/api/v1/imza/{code}", NL_AUTH_OPEN, nl_h_imza_api_get},
	{NL_POST, "/api/v1/imza/{code}", NL_AUTH_OPEN, nl_h_imza_api_post},
	{NL_GET,  "/imza-uygulamasi", NL_AUTH_NONE, nl_h_imza_app},
	{NL_GET,  "/imza-uygulamasi/{file}", NL_AUTH_NONE, nl_h_imza_app_package},
	{NL_GET,  "/imza/{id}/durum", NL_AUTH_NONE, nl_h_imza_status},
	{NL_GET,  "/imza/{id}/devam", NL_AUTH_NONE, nl_h_imza_continue},
	{NL_GET,  "/basvuru/{no}/eimza", NL_AUTH_PERSON, nl_h_wizard_esign},
	{NL_POST, "/basvuru/{no}/eimza", NL_AUTH_PERSON, nl_h_wizard_esign_new},
	{NL_POST, "/basvuru/{no}/eonay", NL_AUTH_PERSON, nl_h_wizard_eonay},
	{NL_GET,  "/online-islemler", NL_AUTH_NONE, nl_h_holder_door},
	{NL_POST, "/online-islemler", NL_AUTH_NONE, nl_h_holder_door_post},
	{NL_GET,  "/online-islemler/eimza", NL_AUTH_NONE, nl_h_holder_esign_wait},
	{NL_POST, "/online-islemler/eimza", NL_AUTH_NONE, nl_h_holder_esign_new},
	{NL_POST, "/online-islemler/cikis", NL_AUTH_NONE, nl_h_holder_logout},
	{NL_GET,  "/online-islemler/menu", NL_AUTH_EONAY, nl_h_holder_menu},
	{NL_GET,  "/online-islemler/eonay", NL_AUTH_EONAY, nl_h_holder_econsent},
	{NL_POST, "/online-islemler/eonay", NL_AUTH_EONAY, nl_h_holder_econsent_post},
	{NL_GET,  "/online-islemler/eonay/imza", NL_AUTH_EONAY, nl_h_holder_econsent_wait},
	{NL_GET,  "/online-islemler/eonay/sonuc", NL_AUTH_EONAY, nl_h_holder_econsent_result},
	/* holder_selfservice.c, holder_selfservice_more.c (selfservice): Bireysel İşlemler */
	{NL_GET,  "/online-islemler/sertifikalarim", NL_AUTH_HOLDER, nl_h_ss_certs},
	{NL_GET,  "/online-islemler/askiya-al", NL_AUTH_HOLDER, nl_h_ss_certs},
	{NL_GET,  "/online-islemler/iptal", NL_AUTH_HOLDER, nl_h_ss_certs},
	{NL_GET,  "/online-islemler/sertifika/{serial}/{action}", NL_AUTH_HOLDER, nl_h_ss_confirm},
	{NL_POST, "/online-islemler/sertifika/{serial}/{action}", NL_AUTH_HOLDER, nl_h_ss_change},
	{NL_POST, "/online-islemler/sertifika/{serial}/{action}/eimza", NL_AUTH_HOLDER, nl_h_ss_esign_start},
	{NL_GET,  "/online-islemler/sertifika/{serial}/{action}/eimza", NL_AUTH_HOLDER, nl_h_ss_esign_wait},
	{NL_POST, "/online-islemler/sertifika/{serial}/{action}/eimza/tamam", NL_AUTH_HOLDER, nl_h_ss_esign_done},
	{NL_GET,  "/online-islemler/iletisim", NL_AUTH_HOLDER, nl_h_ss_contact},
	{NL_POST, "/online-islemler/iletisim", NL_AUTH_HOLDER, nl_h_ss_contact_post},
	{NL_POST, "/online-islemler/iletisim/onay", NL_AUTH_HOLDER, nl_h_ss_contact_confirm},
	{NL_GET,  "/online-islemler/pin-puk", NL_AUTH_HOLDER, nl_h_ss_pinpuk},
	{NL_GET,  "/online-islemler/kilit-cozme", NL_AUTH_HOLDER, nl_h_ss_unblock},
	{NL_POST, "/online-islemler/kilit-cozme", NL_AUTH_HOLDER, nl_h_ss_unblock_post},
	{NL_GET,  "/api/v1/kilit/{code}", NL_AUTH_OPEN, nl_h_api_unblock_check},
	{NL_POST, "/api/v1/kilit/{code}", NL_AUTH_OPEN, nl_h_api_unblock},
	{NL_GET,  "/online-islemler/yenileme", NL_AUTH_HOLDER, nl_h_ss_renew},
	{NL_POST, "/online-islemler/yenileme", NL_AUTH_HOLDER, nl_h_ss_renew_post},
	{NL_GET,  "/online-islemler/gonderilerim", NL_AUTH_HOLDER, nl_h_ss_shipments},
};

const size_t nl_routes_count = sizeof nl_routes / sizeof nl_routes[0];
