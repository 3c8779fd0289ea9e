/* What the site tells every visitor (the [site] keys of the configuration):
 * the contact block and the payment channels table of the seed guides.
 * Parsing only, no I/O (core). */
#ifndef NL_CORE_SITE_H
#define NL_CORE_SITE_H

#include <stddef.h>

#include "core/err.h"

/* The payment channels of a bank, as the guides' table has its columns. */
enum {
	NL_PAY_CH_BRANCH = 1,   /* sube: Banka Şubesi */
	NL_PAY_CH_INTERNET = 2, /* internet: İnternet Şubesi */
	NL_PAY_CH_MOBILE = 4,   /* mobil: Mobil Şube */
	NL_PAY_CH_ATM = 8,      /* atm: ATM */
	NL_PAY_CH_CALL = 16,    /* cagri: Çağrı Merkezi */
};

#define NL_PAY_BANKS_MAX 16
#define NL_PAY_BANK_NAME 96

struct nl_pay_bank {
	char name[NL_PAY_BANK_NAME];
	unsigned channels;      /* NL_PAY_CH_* bits */
};

/* Reads site.payment_channels: rows separated by '|', each "BANK: channel ...",
 * channels among sube, internet, mobil, atm, cagri (space- or comma-separated).
 * "" is no table. out holds up to NL_PAY_BANKS_MAX rows. On a malformed table
 * returns NL_ERR_CONFIG with "site.payment_channels: why" in err. */
NL_MUST_USE nl_err nl_site_payment_channels(const char *spec, struct nl_pay_bank *out,
                                            size_t *n, char *err, size_t err_size);

/* The shapes of site.contact_phone (digits, spaces, + ( ) -) and
 * site.contact_email (one '@', no spaces); "" hides the line. NL_ERR_CONFIG +
 * message naming the key. */
NL_MUST_USE nl_err nl_site_validate_contact(const char *phone, const char *email, char *err,
                                            size_t err_size);

#endif
