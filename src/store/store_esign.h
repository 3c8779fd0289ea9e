/* Electronic signing (migration 0007): verification codes, accepted
 * signatures with their evidence, e-Onay consent texts and choices.
 *
 * Every function takes this thread's connection and works inside the caller's
 * transaction when there is one (nl_store_run_tx).
 *
 * Ownership: the malloc'd strings and blobs of the structs filled by getters
 * are freed by the matching _clear. Structs passed in are only read. */
#ifndef NL_STORE_ESIGN_H
#define NL_STORE_ESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_ESIGN_HASH_LEN 65        /* = NL_KEYED_HEX_LEN */
#define NL_ESIGN_SESSION_LEN 32     /* = NL_SESSION_ID_HASH_LEN */

struct nl_esign_code {
	int64_t id;
	char code_hash[NL_ESIGN_HASH_LEN];
	uint8_t session_hash[NL_ESIGN_SESSION_LEN];
	char purpose[16];               /* "approve" | "login" | "econsent" */
	char id_number[64];             /* the ID number the signer's certificate must carry */
	int64_t person_id;              /* 0 = not known (login by a typed ID number) */
	int64_t order_id, form_version_id, consent_text_id;   /* 0 = none */
	char consent_choice[16];        /* "accept" | "decline" | "" */
	char *text;                     /* exactly the text to sign */
	int64_t created_at, expires_at, tries;
	char status[8];                 /* "active" | "used" | "burnt" */
	char *last_error;               /* reason of the last refusal, "" if none */
	int64_t used_at, signature_id;  /* 0 = not yet */
	char addr_hash[NL_ESIGN_HASH_LEN]; /* keyed hash of the asking client's address; insert
	                                      only ("" = not recorded) */
};
void nl_esign_code_clear(struct nl_esign_code *c);

/* Inserts code (status active, tries 0); sets code->id. NL_ERR_CONFLICT when
 * the hash exists (draw another code). */
NL_MUST_USE nl_err nl_store_esign_code_insert(nl_conn *c, struct nl_esign_code *code);
/* NL_ERR_NOT_FOUND when there is no such code. */
NL_MUST_USE nl_err nl_store_esign_code_by_hash(nl_conn *c, const char *code_hash, struct nl_esign_code *out);
NL_MUST_USE nl_err nl_store_esign_code_get(nl_conn *c, int64_t id, struct nl_esign_code *out);
/* The newest code of a session for a purpose (and order, 0 = any). */
NL_MUST_USE nl_err nl_store_esign_code_latest(nl_conn *c, const uint8_t session_hash[NL_ESIGN_SESSION_LEN],
                                  const char *purpose, int64_t order_id,
                                  struct nl_esign_code *out);
/* Counts a refused signature: tries = expected_tries + 1, last_error = why,
 * status burnt when burn. NL_ERR_CONFLICT if the code is no longer active with
 * expected_tries tries (a concurrent post came first). */
NL_MUST_USE nl_err nl_store_esign_code_refuse(nl_conn *c, int64_t id, int64_t expected_tries,
                                  const char *why, bool burn);
/* Active, unexpired codes of a purpose asked for from the address with this
 * hash (migration 0017): the bound per address. */
NL_MUST_USE nl_err nl_store_esign_code_count_addr(nl_conn *c, const char *addr_hash, const char *purpose,
                                      int64_t now, int64_t *n);
/* Deletes the codes that expired before `before` and were never used (used
 * ones stay: their signature row points at them). *purged may be NULL. */
NL_MUST_USE nl_err nl_store_esign_code_purge(nl_conn *c, int64_t before, int64_t *purged);
/* Marks an active code used by signature_id. NL_ERR_CONFLICT if not active. */
NL_MUST_USE nl_err nl_store_esign_code_use(nl_conn *c, int64_t id, int64_t signature_id, int64_t now);

struct nl_esign_signature {
	int64_t id, code_id;
	const char *purpose;
	int64_t person_id, order_id, form_version_id;   /* 0 = none */
	const void *cms; size_t cms_len;
	const void *cert_der; size_t cert_len;
	const char *cert_serial, *cert_issuer;
	const char *evidence_kind;                      /* "ocsp" | "crl" | "store" */
	const void *evidence; size_t evidence_len;
	int64_t signing_time, verified_at;
};
/* Inserts the evidence; sets s->id. */
NL_MUST_USE nl_err nl_store_esign_signature_insert(nl_conn *c, struct nl_esign_signature *s);
/* Number of signatures kept for an order (tests, the RA's detail page). */
NL_MUST_USE nl_err nl_store_esign_signature_count(nl_conn *c, int64_t order_id, int64_t *n);

/* The person a signature was accepted for. */
NL_MUST_USE nl_err nl_store_esign_signature_person(nl_conn *c, int64_t signature_id, int64_t *person_id);

/* ---- e-Onay consent ---- */
struct nl_econsent_text {
	int64_t id, version, valid_from;
	char *intro, *accept_text, *decline_text;
};
void nl_econsent_text_clear(struct nl_econsent_text *t);
/* The text in force at `at` (greatest valid_from <= at). */
NL_MUST_USE nl_err nl_store_econsent_text_in_force(nl_conn *c, int64_t at, struct nl_econsent_text *out);
/* Adds a new version valid from valid_from; sets *version. */
NL_MUST_USE nl_err nl_store_econsent_text_add(nl_conn *c, int64_t valid_from, const char *intro,
                                  const char *accept_text, const char *decline_text,
                                  int64_t *version);

/* Records a signed choice ("accept" | "decline"); sets *id (may be NULL). */
NL_MUST_USE nl_err nl_store_econsent_add(nl_conn *c, int64_t person_id, int64_t text_id,
                             const char *choice, int64_t signature_id, int64_t now,
                             int64_t *id);
/* The person's newest choice: choice "" when he never chose; *at and
 * *text_version (may be NULL) of that choice. */
NL_MUST_USE nl_err nl_store_econsent_current(nl_conn *c, int64_t person_id, char choice[16], int64_t *at,
                                 int64_t *text_version);

/* The id of the person's consent in force (his newest choice, an "accept");
 * NL_ERR_NOT_FOUND when none is in force. For the approval's evidence. */
NL_MUST_USE nl_err nl_store_econsent_in_force_id(nl_conn *c, int64_t person_id, int64_t *id);

/* ---- Online İşlemler, Şifreli Giriş ---- */
/* The argon2id hash of the security word the person chose on his newest
 * APPROVED form version (e-İmza, e-Onay or a wet signature the RA accepted:
 * the person himself stands behind it), else on his newest numbered form
 * version (any order); NL_ERR_NOT_FOUND when he never chose one. Approved
 * first: anyone holding an access password (which another institution may
 * have had mailed to itself) can submit a form with a word of his choice,
 * and it must not replace the word of a person who has an approved form
 * (docs/applicant.md, "Doors and entitlement"). *hash is malloc'd: the caller
 * frees it. */
NL_MUST_USE nl_err nl_store_holder_secword_hash(nl_conn *c, int64_t person_id, char **hash);

/* The same word for the holder's door, with what it may open: *approved when
 * it is of an approved form version (the person stood behind it: Online
 * İşlemler and all his orders), else only *order_no, the order of the form
 * it was typed on (docs/applicant.md, "Doors and entitlement"). */
NL_MUST_USE nl_err nl_store_holder_secword_door(nl_conn *c, int64_t person_id, char **hash,
                                    bool *approved, int64_t *order_no);

#endif
