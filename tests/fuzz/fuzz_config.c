/* libFuzzer target for the configuration parser (src/core/config.c): any bytes
 * are parsed over the defaults; a success must leave NUL-terminated strings and
 * values that validate or fail cleanly.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_config
 * Run:   build-fuzz/tests/fuzz/fuzz_config tests/fuzz/corpus/config */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nl_config cfg;
	char err[256];
	nl_config_defaults(&cfg, "/web");
	err[0] = '\0';
	if (nl_config_parse(&cfg, (const char *)data, size, err, sizeof err) == NL_OK) {
		/* every string field stays terminated inside its array */
		if (memchr(cfg.listen, 0, sizeof cfg.listen) == NULL ||
		    memchr(cfg.database, 0, sizeof cfg.database) == NULL ||
		    memchr(cfg.log_file, 0, sizeof cfg.log_file) == NULL)
			abort();
		nl_config_resolve(&cfg);
		nl_err_ignore(nl_config_validate(&cfg, err, sizeof err));
	} else if (!err[0]) {
		abort(); /* an error always says why */
	}
	return 0;
}
