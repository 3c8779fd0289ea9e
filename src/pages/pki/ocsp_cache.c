#include "pages/pki/ocsp_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	pthread_mutex_t lock;
	uint8_t *req, *resp;
	size_t req_len, resp_len;
	int64_t expires;
	uint64_t generation;     /* the cache's when the answer was computed */
	struct nl_ocsp_meta meta;
};

struct nl_ocsp_cache {
	size_t n;
	int64_t ttl;
	_Atomic uint64_t generation;   /* moved on by every clear */
	uint8_t key[crypto_shorthash_KEYBYTES];
	struct slot *slots;
};

nl_ocsp_cache *nl_ocsp_cache_new(size_t slots, int64_t ttl)
{
	nl_ocsp_cache *c = calloc(1, sizeof *c);
	if (!c) return NULL;
	c->slots = calloc(slots, sizeof *c->slots);
	if (!c->slots) { free(c); return NULL; }
	c->n = slots;
	c->ttl = ttl;
	/* A keyed hash: a client cannot aim its requests at one slot. */
	randombytes_buf(c->key, sizeof c->key);
	for (size_t i = 0; i < slots; i++) pthread_mutex_init(&c->slots[i].lock, NULL);
	return c;
}

void nl_ocsp_cache_free(nl_ocsp_cache *c)
{
	if (!c) return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->slots[i].req);
		free(c->slots[i].resp);
		pthread_mutex_destroy(&c->slots[i].lock);
	}
	free(c->slots);
	free(c);
}

static struct slot *slot_of(nl_ocsp_cache *c, const void *req, size_t len)
{
	uint64_t h;
	crypto_shorthash((unsigned char *)&h, req, len, c->key);
	return &c->slots[h % c->n];
}

bool nl_ocsp_cache_get(nl_ocsp_cache *c, const void *req, size_t len, int64_t now, nl_buf *resp,
                       struct nl_ocsp_meta *meta)
{
	struct slot *s = slot_of(c, req, len);
	bool hit = false;
	pthread_mutex_lock(&s->lock);
	if (s->req && s->req_len == len && now < s->expires &&
	    s->generation == atomic_load(&c->generation) && !memcmp(s->req, req, len)) {
		nl_buf_append(resp, s->resp, s->resp_len);
		*meta = s->meta;
		hit = !resp->oom;
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

uint64_t nl_ocsp_cache_generation(nl_ocsp_cache *c)
{
	return atomic_load(&c->generation);
}

void nl_ocsp_cache_put(nl_ocsp_cache *c, uint64_t generation, const void *req, size_t len,
                       int64_t now, const void *resp, size_t resp_len,
                       const struct nl_ocsp_meta *meta)
{
	/* Early out; the check that counts is the one under the slot's lock. */
	if (generation != atomic_load(&c->generation)) return;
	uint8_t *rq = malloc(len ? len : 1), *rs = malloc(resp_len ? resp_len : 1);
	if (!rq || !rs) { free(rq); free(rs); return; }
	memcpy(rq, req, len);
	memcpy(rs, resp, resp_len);
	struct slot *s = slot_of(c, req, len);
	pthread_mutex_lock(&s->lock);
	/* A clear that moved the generation on after this check hides the entry
	 * in get; one before it drops the answer here. */
	if (generation != atomic_load(&c->generation)) {
		pthread_mutex_unlock(&s->lock);
		free(rq);
		free(rs);
		return;
	}
	free(s->req);
	free(s->resp);
	s->req = rq; s->req_len = len;
	s->resp = rs; s->resp_len = resp_len;
	s->meta = *meta;
	s->generation = generation;
	s->expires = now + c->ttl < meta->next_update ? now + c->ttl : meta->next_update;
	pthread_mutex_unlock(&s->lock);
}

void nl_ocsp_cache_clear(nl_ocsp_cache *c)
{
	if (c) atomic_fetch_add(&c->generation, 1);
}
