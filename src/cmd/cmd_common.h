/* What the four programs share: their version, where their installed files
 * are, and reading nitelik.conf.
 *
 * A program runs either installed (its files under NL_PKGDATADIR, e.g.
 * /usr/share/nitelik/{web,po,demo-citizens.json}, and the configuration
 * /etc/nitelik/nitelik.conf) or uninstalled, straight from the build folder
 * (tests, `make run`): then it takes web/, po/ and data/ from the source tree
 * and reads no configuration it is not given. Which one is decided by where the
 * executable lies, never by what exists on disk, so an installed nitelikd can
 * never fall back on a source tree. */
#ifndef NL_CMD_COMMON_H
#define NL_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "core/config.h"

/* "0.1.0". */
const char *nl_cmd_version(void);
/* Prints "<prog> (Nitelik) <version>" to standard output. */
void nl_cmd_print_version(const char *prog);

/* True when this program runs from the build folder (see above). */
bool nl_cmd_uninstalled(void);
/* The folder with templates/ and static/ (po/ is its ../po). */
const char *nl_cmd_web_dir(void);
/* The registry simulator's demo citizens (data/demo-citizens.json). */
const char *nl_cmd_demo_citizens(void);
/* The configuration file read when no --config is given: $NITELIK_CONFIG when
 * set, else NL_CONFIG_FILE when installed, else NULL (none). */
const char *nl_cmd_default_config(void);

/* Reads the configuration file path over the values already in cfg; ext and
 * ext_ctx take the sections of other layers (nl_config_parse_ext). Prints
 * "<prog>: <path>: <why>" and returns false on any error. */
bool nl_cmd_load_config(const char *prog, const char *path, struct nl_config *cfg,
                        const struct nl_config_ext *ext, void *ext_ctx);

/* Points standard error at path (appending; created 0640), so every message
 * of the program goes there; called again on SIGHUP after logrotate moved the
 * file. "" or NULL keeps standard error (under systemd: the journal). */
bool nl_cmd_open_error_log(const char *prog, const char *path);

/* Tells systemd how the service is (Type=notify units): "READY=1",
 * "RELOADING=1", "STOPPING=1". Nothing when $NOTIFY_SOCKET is not set. */
void nl_cmd_sd_notify(const char *state);

#endif
