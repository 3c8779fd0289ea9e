/* The order domain: status, reason and payment-type tables and the transition
 * table of SPEC §7–§8. Pure data; no I/O. */
#include "core/order.h"

#include <string.h>

struct status_row {
	const char *code;
	const char *label_tr;
	const char *label_en;
	const char *help_tr;   /* explanation on "Başvurularım", after the guides */
	const char *help_en;
};

/* Indexed by enum value; row 0 is unused so that a zero-initialised status is invalid.
 * Help texts are plain text (the web layer escapes them); "\n" separates the
 * points, which a page shows as separate lines. */
static const struct status_row status_rows[NL_ST__LAST + 1] = {
	[NL_ST_FORM_WAIT] = {
		"form_wait", "Başvuru Formu Bekleniyor", "Application form awaited",
		"Form doldurma/onaylama işlemi tamamlanmamıştır.\n"
		"a. Daha önce e-Onay verme işlemini gerçekleştirdiyseniz başvurunuzun e-Onaylı "
		"tamamlanması için forma giriş yaparak son aşamada e-Onaylı başvuruyu seçmeniz "
		"gerekmektedir.\n"
		"b. Formu e-İmzalı/e-Onaylı onayladığınız takdirde form anında sistemlerimize "
		"yansımaktadır. Islak imzalı onaylanması halinde imzalı formun kurumunuzun e-imza "
		"sorumlusuna teslim edilmesi veya Sonuç sayfasında belirtilen adrese posta yoluyla "
		"gönderilmesi gerekmektedir.",
		"Filling in or approving the form is not complete.\n"
		"a. If you have given e-Onay consent before, log in to the form and choose the "
		"e-Onay approval at the last step to complete your application.\n"
		"b. A form approved with e-İmza or e-Onay reaches us at once. A form approved with a "
		"wet signature must be handed to your institution's e-signature officer or posted "
		"to the address shown on the result page.",
	},
	[NL_ST_FORM_PAYMENT_WAIT] = {
		"form_payment_wait", "Başvuru Formu ve Ödeme Bekleniyor",
		"Application form and payment awaited",
		"1. Form doldurma/onaylama işlemi tamamlanmamıştır.\n"
		"2. Ödemeniz tarafımıza ulaşmamıştır. Ödemenizi aşağıda belirtilen yöntemlerden "
		"biri ile yapabilirsiniz. Ödeme bilgilerinizin sisteme yansıması işlem yoğunluğuna "
		"göre değişkenlik gösterebilir.\n"
		"a. \"Borç Sorgulama ve Ödeme\" sayfasından, ilgili siparişlerinize ait borçlarınızı "
		"sorgulayarak kredi/banka kartınızla,\n"
		"b. Anlaşmalı bankaların şube, internet şubesi, mobil şube, ATM ve çağrı merkezi "
		"kanallarından.",
		"1. Filling in or approving the form is not complete.\n"
		"2. Your payment has not reached us. You can pay in one of the ways below; it may "
		"take a while, depending on load, until a payment shows in the system.\n"
		"a. On the \"Debt look-up and payment\" page, by credit or debit card,\n"
		"b. Through the branches, internet and mobile banking, ATMs and call centres of the "
		"contracted banks.",
	},
	[NL_ST_PAYMENT_WAIT] = {
		"payment_wait", "Ödeme Bekleniyor", "Payment awaited",
		"1. Nitelikli Elektronik Sertifika başvuru formunuz tarafımıza iletilmiştir.\n"
		"2. Üretim sürecinin başlatılabilmesi için ödeme yapmanız gerekmektedir. Ödeme "
		"bilgilerinizin sisteme yansıması işlem yoğunluğuna göre değişkenlik gösterebilir.\n"
		"a. Sanal POS: T.C. kimlik numaranızla \"Borç Sorgulama ve Ödeme\" sayfasından, "
		"ilgili siparişlerinize ait borçlarınızı sorgulayarak kredi/banka kartıyla "
		"ödeyebilirsiniz.\n"
		"b. Kurumsal ödeme: anlaşmalı bankaların ödeme kanallarından ödeme işlemini "
		"gerçekleştirebilirsiniz.\n"
		"3. Başvurunuzun son durumunu Başvuru İşlemleri sayfasından takip edebilirsiniz.",
		"1. Your qualified electronic certificate application form has reached us.\n"
		"2. Production starts once you have paid. It may take a while, depending on load, "
		"until a payment shows in the system.\n"
		"a. Virtual POS: with your T.C. identity number on the \"Debt look-up and payment\" "
		"page, by credit or debit card.\n"
		"b. Bank payment: through the payment channels of the contracted banks.\n"
		"3. You can follow your application on the Applications page.",
	},
	[NL_ST_PRODUCTION_WAIT] = {
		"production_wait", "Üretim Bekleniyor", "Production awaited",
		"Geçerli durumdaki başvurunuz için gerekli belgeleriniz tamamlanmış olup siparişiniz "
		"üretime hazırlanmaktadır. Başvuru türlerine göre üretim tarihleri değişkenlik "
		"gösterebilir.\n"
		"a. İlk Sertifika/Diğer: Sertifika hemen üretime alınır. Kurumlar arası geçişlerde "
		"üretim tarihi farklılık gösterebilir.\n"
		"b. Yenileme: Tarihi en güncel olan aktif sertifikanın süresinin dolmasına 2 ay kala "
		"üretime alınır. Kurumlar arası geçişlerde üretim tarihi farklılık gösterebilir.\n"
		"c. Kayıp/Çalıntı-Donanım Arızası-Kimlik Bilgisi Güncelleme-PIN/PUK Kayıp/Çalıntı: "
		"Sertifika hemen üretime alınır ve üretildiği an aktif olur. Kullanıcının aynı "
		"kurumdan alınmış tüm sertifikaları iptal edilir.",
		"The documents for your application are complete and your order is being prepared "
		"for production. Production dates differ by application reason.\n"
		"a. First certificate/Other: produced at once. Moves between institutions may "
		"change the date.\n"
		"b. Renewal: produced when your most recent active certificate has 2 months left. "
		"Moves between institutions may change the date.\n"
		"c. Lost/stolen, hardware failure, identity update, PIN/PUK lost/stolen: produced at "
		"once and active as soon as it is produced. All your certificates from the same "
		"institution are revoked.",
	},
	[NL_ST_PRODUCED] = {
		"produced", "Üretildi", "Produced",
		"Sertifikanız üretilmiştir ve kargoya verilmek üzere hazırlanmaktadır. PIN ve PUK "
		"bilgileriniz seçtiğiniz bilgi kanalından tarafınıza iletilecektir.",
		"Your certificate has been produced and is being prepared for shipping. Your PIN "
		"and PUK will be sent to you through the information channel you chose.",
	},
	[NL_ST_SHIPPED] = {
		"shipped", "Kargoya Verildi", "Shipped",
		"Sertifikanız kargoya verilmiştir. Gönderinizin durumunu Gönderi Sorgulama "
		"sayfasından takip numarası ile takip edebilirsiniz.",
		"Your certificate has been handed to the courier. You can follow it with the "
		"tracking number on the Shipment tracking page.",
	},
	[NL_ST_DELIVERED] = {
		"delivered", "Teslim Edildi", "Delivered",
		"Sertifikanız tarafınıza teslim edilmiştir. Sertifikanızı kullanabilmek için "
		"\"Sertifika Aldım Ne Yapmalıyım?\" sayfasındaki adımları dikkatlice takip ediniz.",
		"Your certificate has been delivered to you. To use it, follow the steps on the "
		"\"I received my certificate, what now?\" page carefully.",
	},
	[NL_ST_CANCELLED] = {
		"cancelled", "İptal Edildi", "Cancelled",
		"Ön başvurunuz iptal edilmiştir. (Kurum/Kişi talebi ya da zaman aşımına istinaden) "
		"Yeniden ön başvuru açtırmak istiyorsanız kurumunuzun e-imza sorumlusuna "
		"başvurabilirsiniz.",
		"Your pre-application has been cancelled (at the request of the institution or the "
		"person, or because it timed out). To open a new pre-application, contact your "
		"institution's e-signature officer.",
	},
};

/* allowed[from][to]. Written out in full rather than derived, so that a reader
 * (and the unit test's independent copy) can check each cell against SPEC §7–§8. */
static const bool allowed[NL_ST__LAST + 1][NL_ST__LAST + 1] = {
	[NL_ST_FORM_PAYMENT_WAIT] = {
		[NL_ST_PAYMENT_WAIT] = true,     /* form approved, still unpaid */
		[NL_ST_FORM_WAIT] = true,        /* paid, form still missing */
		[NL_ST_CANCELLED] = true,
	},
	[NL_ST_FORM_WAIT] = {
		[NL_ST_PRODUCTION_WAIT] = true,  /* form approved (paid or institution-paid) */
		[NL_ST_CANCELLED] = true,
	},
	[NL_ST_PAYMENT_WAIT] = {
		[NL_ST_PRODUCTION_WAIT] = true,  /* paid */
		[NL_ST_CANCELLED] = true,
	},
	[NL_ST_PRODUCTION_WAIT] = {
		[NL_ST_PRODUCED] = true,
		[NL_ST_CANCELLED] = true,
	},
	[NL_ST_PRODUCED] = { [NL_ST_SHIPPED] = true },
	[NL_ST_SHIPPED] = { [NL_ST_DELIVERED] = true },
	/* delivered and cancelled are final: no row */
};

static bool status_valid(enum nl_order_status s)
{
	return (int)s >= NL_ST__FIRST && (int)s <= NL_ST__LAST;
}

const char *nl_order_status_code(enum nl_order_status s)
{
	return status_valid(s) ? status_rows[s].code : NULL;
}

const char *nl_order_status_label_tr(enum nl_order_status s)
{
	return status_valid(s) ? status_rows[s].label_tr : NULL;
}

const char *nl_order_status_label_en(enum nl_order_status s)
{
	return status_valid(s) ? status_rows[s].label_en : NULL;
}

const char *nl_order_status_help_tr(enum nl_order_status s)
{
	return status_valid(s) ? status_rows[s].help_tr : NULL;
}

const char *nl_order_status_help_en(enum nl_order_status s)
{
	return status_valid(s) ? status_rows[s].help_en : NULL;
}

bool nl_order_status_parse(const char *code, enum nl_order_status *out)
{
	if (!code)
		return false;
	for (int s = NL_ST__FIRST; s <= NL_ST__LAST; s++) {
		if (strcmp(code, status_rows[s].code) == 0) {
			*out = (enum nl_order_status)s;
			return true;
		}
	}
	return false;
}

bool nl_order_transition_allowed(enum nl_order_status from, enum nl_order_status to)
{
	if (!status_valid(from) || !status_valid(to))
		return false;
	return allowed[from][to];
}

enum nl_order_status nl_order_initial_status(enum nl_payment_type p)
{
	/* An institution-paid order only needs the form; a person-paid one needs both. */
	return p == NL_PAY_PERSON ? NL_ST_FORM_PAYMENT_WAIT : NL_ST_FORM_WAIT;
}

bool nl_order_status_is_open(enum nl_order_status s)
{
	return status_valid(s) && s != NL_ST_DELIVERED && s != NL_ST_CANCELLED;
}

/* ---- application reasons ---- */

struct label_row {
	const char *code;
	const char *label_tr;
	const char *label_en;
};

static const struct label_row reason_rows[NL_REASON__LAST + 1] = {
	[NL_REASON_FIRST] = { "first", "İlk Sertifika", "First certificate" },
	[NL_REASON_RENEWAL] = { "renewal", "Yenileme", "Renewal" },
	[NL_REASON_LOST] = { "lost", "Kayıp/Çalıntı", "Lost/stolen" },
	[NL_REASON_HW_FAILURE] = { "hardware_failure", "Donanım Arızası", "Hardware failure" },
	[NL_REASON_ID_UPDATE] = { "identity_update", "Kimlik Bilgisi Güncelleme",
	                          "Identity update" },
	[NL_REASON_PIN_LOST] = { "pin_lost", "PIN/PUK Kayıp/Çalıntı", "PIN/PUK lost/stolen" },
	[NL_REASON_OTHER] = { "other", "Diğer", "Other" },
};

static bool reason_valid(enum nl_reason r)
{
	return (int)r >= NL_REASON__FIRST && (int)r <= NL_REASON__LAST;
}

const char *nl_reason_code(enum nl_reason r)
{
	return reason_valid(r) ? reason_rows[r].code : NULL;
}

const char *nl_reason_label_tr(enum nl_reason r)
{
	return reason_valid(r) ? reason_rows[r].label_tr : NULL;
}

const char *nl_reason_label_en(enum nl_reason r)
{
	return reason_valid(r) ? reason_rows[r].label_en : NULL;
}

bool nl_reason_parse(const char *code, enum nl_reason *out)
{
	if (!code)
		return false;
	for (int r = NL_REASON__FIRST; r <= NL_REASON__LAST; r++) {
		if (strcmp(code, reason_rows[r].code) == 0) {
			*out = (enum nl_reason)r;
			return true;
		}
	}
	return false;
}

/* ---- payment types ---- */

static const struct label_row pay_rows[NL_PAY_PERSON + 1] = {
	[NL_PAY_INSTITUTION] = { "institution", "Kurum Ödemeli", "Paid by the institution" },
	[NL_PAY_PERSON] = { "person", "Kişi Ödemeli", "Paid by the person" },
};

static bool pay_valid(enum nl_payment_type p)
{
	return p == NL_PAY_INSTITUTION || p == NL_PAY_PERSON;
}

const char *nl_payment_type_code(enum nl_payment_type p)
{
	return pay_valid(p) ? pay_rows[p].code : NULL;
}

const char *nl_payment_type_label_tr(enum nl_payment_type p)
{
	return pay_valid(p) ? pay_rows[p].label_tr : NULL;
}

const char *nl_payment_type_label_en(enum nl_payment_type p)
{
	return pay_valid(p) ? pay_rows[p].label_en : NULL;
}

bool nl_payment_type_parse(const char *code, enum nl_payment_type *out)
{
	if (!code)
		return false;
	for (int p = NL_PAY_INSTITUTION; p <= NL_PAY_PERSON; p++) {
		if (strcmp(code, pay_rows[p].code) == 0) {
			*out = (enum nl_payment_type)p;
			return true;
		}
	}
	return false;
}
