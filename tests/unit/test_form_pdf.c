/* The application form PDF (src/docs/form_pdf.c) without a database: codes
 * that cannot be a Code 128 barcode are refused, a form with long values and
 * a long undertaking flows onto more pages (each page shows the code), and
 * plain-text values are never read as pango markup. The text itself is
 * checked with pdftotext by tests/http/test_wet.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "docs/fonts.h"
#include "docs/form_pdf.h"

static const struct nl_pdf_field fields[] = {
	{"Adı", "ŞÜKRÜ <b>ĞÖKÇE</b> & İĞNE"}, {"Soyadı", "ÖZIŞIK"}, {"Boş", ""}, {"Yok", NULL},
};
static const struct nl_pdf_section sections[] = {{"Kimlik Bilgileri", fields, 4}};

static struct nl_form_pdf doc(const char *code)
{
	return (struct nl_form_pdf){
		.issuer = "Nitelik Sertifikasyon Merkezi", .title = "BAŞVURU FORMU", .code = code,
		.order_no = "SD-100001", .version = 2, .created = "21.11.2026 13:15",
		.sections = sections, .n_sections = 1, .undertaking_title = "TAAHHÜTNAME",
		.undertaking = "Birinci paragraf.\nİkinci paragraf.", .holder_name = "ŞÜKRÜ ÖZIŞIK",
		.sign_guidance = "Düzeltme yapmadan imzalayınız.", .delivery_note = "Gönderiniz:",
		.postal_address = "Adres 1\nAdres 2",
	};
}

/* Number of pages: "/Type /Page" objects that are not "/Type /Pages". */
static int pages(const nl_buf *b)
{
	int n = 0;
	for (const char *p = b->data; (p = memmem(p, b->len - (size_t)(p - b->data), "/Type /Page", 11));
	     p += 11)
		if (p[11] != 's')
			n++;
	return n;
}

static void refuses_bad_codes(void **state)
{
	(void)state;
	const char *bad[] = {"", "NF ABC", "NFÇ", "NF\x01", NULL};
	char longer[80];
	memset(longer, 'A', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nl_buf b = NL_BUF_INIT;
		struct nl_form_pdf d = doc(bad[i]);
		assert_int_equal(nl_form_pdf_render(&d, &b), NL_ERR_INVALID);
		assert_int_equal(b.len, 0);
		nl_buf_free(&b);
	}
	nl_buf b = NL_BUF_INIT;
	struct nl_form_pdf d = doc(longer);
	assert_int_equal(nl_form_pdf_render(&d, &b), NL_ERR_INVALID);
	nl_buf_free(&b);
}

static void renders_one_page(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	struct nl_form_pdf d = doc("NFABCDEFGH2345");
	assert_int_equal(nl_form_pdf_render(&d, &b), NL_OK);
	assert_true(b.len > 3000);
	assert_memory_equal(b.data, "%PDF-", 5);
	assert_int_equal(pages(&b), 1);
	nl_buf_free(&b);
}

static void flows_onto_more_pages(void **state)
{
	(void)state;
	static char undertaking[40000];
	size_t o = 0;
	for (int i = 0; i < 120 && o + 400 < sizeof undertaking; i++)
		o += (size_t)snprintf(undertaking + o, sizeof undertaking - o,
		                      "%d. Sertifikamı yalnızca elektronik imza oluşturmak için ve "
		                      "sertifikada belirtilen kullanım sınırları içinde kullanacağımı "
		                      "kabul ve taahhüt ederim.\n", i + 1);
	nl_buf b = NL_BUF_INIT;
	struct nl_form_pdf d = doc("NFABCDEFGH2345");
	d.undertaking = undertaking;
	assert_int_equal(nl_form_pdf_render(&d, &b), NL_OK);
	assert_true(pages(&b) >= 3);
	nl_buf_free(&b);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_bad_codes),
		cmocka_unit_test(renders_one_page),
		cmocka_unit_test(flows_onto_more_pages),
	};
	int status = cmocka_run_group_tests(tests, NULL, NULL);
	nl_docs_shutdown();
	return status;
}
