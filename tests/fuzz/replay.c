/* Replays a fuzz target's seed corpus without libFuzzer, so every build (gcc,
 * and the ASan+UBSan build of `make test`) runs the targets on their seeds.
 * Usage: replay_<target> CORPUS_DIR; prints TAP, one test per file. A crash or
 * a sanitizer report fails the test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	DIR *d = opendir(argv[1]);
	if (!d) {
		printf("1..1\nnot ok 1 - cannot open %s\n", argv[1]);
		return 1;
	}
	char *names[512];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < sizeof names / sizeof names[0])
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	printf("1..%zu\n", n);
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
		FILE *f = fopen(path, "rb");
		unsigned char *buf = malloc(1 << 20);
		size_t len = f && buf ? fread(buf, 1, 1 << 20, f) : 0;
		if (!f || !buf) {
			printf("not ok %zu - %s: cannot read\n", i + 1, names[i]);
			status = 1;
		} else {
			/* A crash must name its seed: what came before is out already. */
			fflush(stdout);
			fprintf(stderr, "# %s\n", names[i]);
			LLVMFuzzerTestOneInput(buf, len);
			printf("ok %zu - %s\n", i + 1, names[i]);
		}
		if (f)
			fclose(f);
		free(buf);
		free(names[i]);
	}
	return status;
}
