/* A small in-memory cache of OCSP answers in front of nl_ca_ocsp_answer, keyed
 * by the exact request bytes (RFC 5019 clients send the same bytes for the same
 * certificate). A hit costs a hash and a copy: no ASN.1 parsing, no database.
 *
 * Entries live `ttl` seconds (and never past the response's nextUpdate), so a
 * revocation made on another node reaches this node's answers within ttl; one
 * made on this node clears the cache at once. Direct-mapped: a colliding
 * request replaces the slot. Thread-safe (a mutex per slot).
 *
 * A clear and an answer computed before it: the caller reads the cache's
 * generation before it computes an answer (before it reads the status) and
 * gives it to put; a clear moves the generation on, so an answer computed
 * before the clear is dropped instead of installed, and entries installed
 * before it are not served (docs/ca.md, "No stale good").
 * nl_ocsp_cache_new -> nl_ocsp_cache_free. */
#ifndef NL_PAGES_PKI_OCSP_CACHE_H
#define NL_PAGES_PKI_OCSP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct nl_ocsp_cache nl_ocsp_cache;

/* What the HTTP layer sends with a cached answer, made once at put time. */
struct nl_ocsp_meta {
	int64_t this_update, next_update;
	char etag[48];            /* quoted */
	char last_modified[40];   /* HTTP dates of this/next update */
	char expires[40];
	char cache_control[96];
};

nl_ocsp_cache *nl_ocsp_cache_new(size_t slots, int64_t ttl);
void nl_ocsp_cache_free(nl_ocsp_cache *c);
/* On a hit appends the response to resp and fills meta. */
bool nl_ocsp_cache_get(nl_ocsp_cache *c, const void *req, size_t len, int64_t now, nl_buf *resp,
                       struct nl_ocsp_meta *meta);
/* Forgets every entry (a certificate's status changed and its answer must not
 * wait out the ttl on this node): the generation moves on. O(1). */
void nl_ocsp_cache_clear(nl_ocsp_cache *c);
/* The generation to pass to put: read it before computing the answer. */
uint64_t nl_ocsp_cache_generation(nl_ocsp_cache *c);
/* Installs an answer computed in `generation`; dropped if the cache was
 * cleared since. */
void nl_ocsp_cache_put(nl_ocsp_cache *c, uint64_t generation, const void *req, size_t len,
                       int64_t now, const void *resp, size_t resp_len,
                       const struct nl_ocsp_meta *meta);

#endif
