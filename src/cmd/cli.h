/* Subcommands of the operator's command line `nitelik`. Each returns a process
 * exit status: 0 success, 1 failure, 2 usage error. argv[0] is the subcommand. */
#ifndef NL_CMD_CLI_H
#define NL_CMD_CLI_H

struct nl_cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int nl_cli_migrate(int argc, char **argv);   /* cli_migrate.c */
int nl_cli_audit(int argc, char **argv);     /* cli_audit.c */
int nl_cli_institution(int argc, char **argv); /* cli_institution.c */
int nl_cli_user(int argc, char **argv);        /* cli_user.c */
int nl_cli_token(int argc, char **argv);       /* cli_token.c */
int nl_cli_price(int argc, char **argv);       /* cli_payment.c */
int nl_cli_payments(int argc, char **argv);    /* cli_payment.c */
int nl_cli_backup(int argc, char **argv);      /* cli_backup.c */
int nl_cli_restore(int argc, char **argv);     /* cli_backup.c */
int nl_cli_preapply(int argc, char **argv);    /* cli_preapply.c */

#endif
