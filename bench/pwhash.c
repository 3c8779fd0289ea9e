/* The ceiling of bench/journey.sh: argon2id hashes per second on every core
 * with the configured limits (libsodium, as nitelikd hashes).
 * Usage: pwhash MEMORY_KIB PASSES THREADS SECONDS -> prints hashes/s */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static size_t mem;
static unsigned long long ops;
static double until;
static atomic_long done;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	char out[crypto_pwhash_STRBYTES];
	(void)arg;
	while (now() < until) {
		if (crypto_pwhash_argon2id_str(out, "Gizli2026ş", 11, ops, mem) != 0)
			abort();
		atomic_fetch_add(&done, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5 || sodium_init() < 0)
		return 2;
	mem = (size_t)atol(argv[1]) * 1024;
	ops = (unsigned long long)atol(argv[2]);
	int n = atoi(argv[3]);
	double secs = atof(argv[4]), t0 = now();
	pthread_t th[256];
	until = t0 + secs;
	for (int i = 0; i < n && i < 256; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < n && i < 256; i++)
		pthread_join(th[i], NULL);
	printf("%.1f\n", (double)atomic_load(&done) / (now() - t0));
	return 0;
}
