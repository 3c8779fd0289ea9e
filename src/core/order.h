/* The order domain: statuses (SPEC §8) and the only transitions allowed between
 * them, application reasons and payment types. Stable codes are what the
 * database stores and the API shows; Turkish labels are what pages show. */
#ifndef NL_CORE_ORDER_H
#define NL_CORE_ORDER_H

#include <stdbool.h>

enum nl_order_status {
	NL_ST_FORM_WAIT = 1,          /* Başvuru Formu Bekleniyor          form_wait */
	NL_ST_FORM_PAYMENT_WAIT,      /* Başvuru Formu ve Ödeme Bekleniyor form_payment_wait */
	NL_ST_PAYMENT_WAIT,           /* Ödeme Bekleniyor                  payment_wait */
	NL_ST_PRODUCTION_WAIT,        /* Üretim Bekleniyor                 production_wait */
	NL_ST_PRODUCED,               /* Üretildi                          produced */
	NL_ST_SHIPPED,                /* Kargoya Verildi                   shipped */
	NL_ST_DELIVERED,              /* Teslim Edildi                     delivered */
	NL_ST_CANCELLED,              /* İptal Edildi                      cancelled */
};
#define NL_ST__FIRST NL_ST_FORM_WAIT
#define NL_ST__LAST  NL_ST_CANCELLED

enum nl_reason {
	NL_REASON_FIRST = 1,          /* İlk Sertifika                  first */
	NL_REASON_RENEWAL,            /* Yenileme                       renewal */
	NL_REASON_LOST,               /* Kayıp/Çalıntı                  lost */
	NL_REASON_HW_FAILURE,         /* Donanım Arızası                hardware_failure */
	NL_REASON_ID_UPDATE,          /* Kimlik Bilgisi Güncelleme      identity_update */
	NL_REASON_PIN_LOST,           /* PIN/PUK Kayıp/Çalıntı          pin_lost */
	NL_REASON_OTHER,              /* Diğer                          other */
};
#define NL_REASON__FIRST NL_REASON_FIRST
#define NL_REASON__LAST  NL_REASON_OTHER

enum nl_payment_type {
	NL_PAY_INSTITUTION = 1,       /* Kurum Ödemeli   institution */
	NL_PAY_PERSON,                /* Kişi Ödemeli    person */
};

const char *nl_order_status_code(enum nl_order_status s);   /* "form_wait"; NULL if invalid */
const char *nl_order_status_label_tr(enum nl_order_status s); /* "Başvuru Formu Bekleniyor" */
const char *nl_order_status_label_en(enum nl_order_status s);
/* Explanation shown under the status on "Başvurularım" (wording of the guides). */
const char *nl_order_status_help_tr(enum nl_order_status s);
const char *nl_order_status_help_en(enum nl_order_status s);
bool nl_order_status_parse(const char *code, enum nl_order_status *out);

/* The transition table: true only for the changes SPEC §7–§8 allow. */
bool nl_order_transition_allowed(enum nl_order_status from, enum nl_order_status to);
/* The status a new order starts in, from its payment type. */
enum nl_order_status nl_order_initial_status(enum nl_payment_type p);
bool nl_order_status_is_open(enum nl_order_status s);  /* not delivered, not cancelled */

const char *nl_reason_code(enum nl_reason r);          /* "first" */
const char *nl_reason_label_tr(enum nl_reason r);      /* "İlk Sertifika" */
const char *nl_reason_label_en(enum nl_reason r);
bool nl_reason_parse(const char *code, enum nl_reason *out);

const char *nl_payment_type_code(enum nl_payment_type p);   /* "institution" */
const char *nl_payment_type_label_tr(enum nl_payment_type p);
const char *nl_payment_type_label_en(enum nl_payment_type p);
bool nl_payment_type_parse(const char *code, enum nl_payment_type *out);

/* "SD-<n>" for display; n is the order's number (not a URL key without authz). */
#define NL_ORDER_NO_PREFIX "SD-"

#endif
