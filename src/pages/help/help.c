/* GET /yardim: the questions of the seed guides (Sertifikam ne zaman sona
 * eriyor?, PIN kodumu nasıl öğrenebilirim?, Kodum kilitlendi ne yapabilirim?,
 * Sertifika Aldım Ne Yapmalıyım?). GET /taahhutname: the holder's undertaking,
 * the text printed on the wet-signature form, readable from the approval step
 * before anyone approves it. Both public, no session. */
#include <string.h>

#include "app/wet.h"
#include "pages/handlers.h"
#include "pages/pages.h"

void nl_h_help(struct nl_req *r)
{
	nl_page_respond(r, 200, "help/help", nl_page_data(r, "Help"));
}

void nl_h_undertaking(struct nl_req *r)
{
	json_t *d = nl_page_data(r, "Certificate Holder's Undertaking");
	json_t *paras = json_array();
	/* The text's points are separated by newlines: one paragraph each. */
	for (const char *p = nl_undertaking_tr; paras && *p;) {
		size_t n = strcspn(p, "\n");
		if (n)
			json_array_append_new(paras, json_pack("{s:s%}", "line", p, n));
		p += n + (p[n] == '\n');
	}
	if (d) {
		json_object_set_new(d, "title_tr", json_string(nl_undertaking_title_tr));
		json_object_set_new(d, "paragraphs", paras ? paras : json_array());
	} else {
		json_decref(paras);
	}
	nl_page_respond(r, 200, "help/undertaking", d);
}
