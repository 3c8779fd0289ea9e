/* nitelik-imza, the holder's signing application (docs/esign.md): what main()
 * (src/cmd/nitelik-imza.c) hands to the two faces of the program.
 *
 *   the window (imza_gui*.c, GTK 4): started without a code on a desktop;
 *   the command line (imza_cli.c, imza_unblock.c): --cli, a code given on the
 *     command line, --csr, a PIN from a file or the environment, or no
 *     display. Scripts and tests use this face.
 *
 * Both do the same steps through the same calls (imza_http.h for the server,
 * pki/esign.h for the card, imza_unblock.h for Kilit Çözme). */
#ifndef NL_IMZA_H
#define NL_IMZA_H

#include <stdbool.h>

#define NL_IMZA_DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"

struct nl_imza_opts {
	const char *server, *module, *token, *pin_file, *csr, *cn, *code, *lang;
	int cert;       /* 1-based; 0 = ask (or the only one) */
	bool unblock;   /* Kilit Çözme */
	bool cli;       /* --cli: never the window */
};

/* Whether these options ask for the window: not --cli, no code, no --csr, no
 * PIN from a file or the environment. (A display is still needed.) */
bool nl_imza_wants_window(const struct nl_imza_opts *o);

/* The window. Returns the exit status, or -1 when no display can be opened
 * (the caller then falls back to the command line). */
int nl_imza_gui_run(const struct nl_imza_opts *o);

/* The command line: sign a code's text, or write a CSR for the card's key.
 * Exit status 0 success, 1 refused by the server, 2 usage or I/O, 3 PIN or
 * card problem. */
int nl_imza_cli_sign(const struct nl_imza_opts *o);
int nl_imza_cli_csr(const struct nl_imza_opts *o);

#endif
