/* The production line's settings, section [production] (docs/production.md):
 * the card reader/printer (a PKCS#11 module; SoftHSM2 tokens in demo and
 * tests), the key type, how PINs reach the holder and the scheduler's policy.
 *
 *   card_module        = /usr/lib/softhsm/libsofthsm2.so
 *   softhsm_dir        = DIR      blank cards are SoftHSM2 tokens under DIR
 *                                  (default: <data_dir>/cards); "" = a real
 *                                  module that finds its own cards
 *   key_type           = p256 | rsa2048
 *   pin_delivery       = letter | channel | both
 *   renewal_lead_days  = 61       a renewal is produced this long before the
 *                                  old certificate ends (about 2 months)
 *   expiry_notice_days = 61       "ends in 2 months" notices
 *   max_attempts       = 3        a card failing this often is marked failed
 *   batch              = 20       orders per batch
 *   auto               = true     the worker runs batches by itself; false:
 *                                  only the operator's button does */
#ifndef NL_DRIVERS_PRODUCTION_LINE_H
#define NL_DRIVERS_PRODUCTION_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct nl_production_config {
	char card_module[512];
	char softhsm_dir[512];
	bool softhsm_dir_set;
	char key_type[16];
	char pin_delivery[16];
	int64_t renewal_lead_days;
	int64_t expiry_notice_days;
	int64_t max_attempts;
	int64_t batch;
	bool auto_run;
};
void nl_production_config_defaults(struct nl_production_config *c);
NL_MUST_USE nl_err nl_production_config_set(struct nl_production_config *c, const char *key,
                                const char *value);

#endif
