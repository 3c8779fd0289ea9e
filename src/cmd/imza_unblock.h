/* nitelik-imza --unblock: Kilit Çözme (docs/selfservice.md). */
#ifndef NL_CMD_IMZA_UNBLOCK_H
#define NL_CMD_IMZA_UNBLOCK_H

/* Resets a blocked card's user PIN with its PUK after the server accepted the
 * one-time unblock code from Online İşlemler. code may be NULL (asked).
 * Returns the exit status: 0 done, 1 refused by the server, 2 usage or I/O,
 * 3 PUK or card problem. */
int nl_imza_unblock(const char *server, const char *module, const char *token, const char *code);

#endif
