/* Helpers shared by `nitelik ca` and `nitelik cert` (cli_ca.c). */
#ifndef NL_CMD_CLI_PKI_H
#define NL_CMD_CLI_PKI_H

#include <signal.h>

#include "app/ca_ops.h"

struct nl_cli_ca_opts {
	const char *dir;   /* the data folder */
	const char *db;    /* the database URL */
	const struct nl_config *cfg;   /* the configuration (cli_conf.h): its [ca]
	                                 keys shape what `cert issue` issues */
};

/* Fills o from the common options and configuration (cli_conf.h), which must
 * name a data folder. 0 or the exit status after saying why. */
int nl_cli_ca_config(const char *cmd, struct nl_cli_ca_opts *o);
/* Opens (and migrates) the database. */
NL_MUST_USE nl_err nl_cli_pki_open_db(const char *url, nl_db **db);
/* Opens database, CA certificates and a signer connection; prints why not. */
NL_MUST_USE nl_err nl_cli_open_ca(const struct nl_cli_ca_opts *o, nl_db **db, struct nl_ca **ca, nl_signer **sg);
void nl_cli_close_ca(nl_db *db, struct nl_ca *ca, nl_signer *sg);

int nl_cli_ca(int argc, char **argv);
/* ca backup / ca restore (cli_ca_backup.c). */
int nl_cli_ca_backup(int argc, char **argv);
int nl_cli_ca_restore(int argc, char **argv);
/* SIGTERM, SIGINT, SIGHUP: blocked while a command writes the CA token. */
void nl_cli_term_signals(sigset_t *set);
int nl_cli_cert(int argc, char **argv);

#endif
