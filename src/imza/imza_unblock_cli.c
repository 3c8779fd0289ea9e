/* nitelik-imza --unblock on a terminal (imza_unblock.h): asks the code, the
 * PUK and the new PIN twice, then does the steps in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imza/imza_http.h"
#include "imza/imza_i18n.h"
#include "imza/imza_tty.h"
#include "imza/imza_unblock.h"

static bool secret_input(const char *env, const char *prompt, char *out, size_t cap)
{
	const char *v = getenv(env);
	if (v) {
		snprintf(out, cap, "%s", v);
		return true;
	}
	return nl_imza_read_line(prompt, true, out, cap);
}

/* The new PIN twice; up to three times from the terminal. 0 with pin set. */
static int new_pin(char *pin, char *pin2, size_t cap)
{
	bool given = getenv("NITELIK_IMZA_NEW_PIN") != NULL;
	for (int attempt = 0; attempt < (given ? 1 : 3); attempt++) {
		if (!secret_input("NITELIK_IMZA_NEW_PIN", T("New PIN: "), pin, cap) ||
		    !secret_input("NITELIK_IMZA_NEW_PIN", T("New PIN (again): "), pin2, cap))
			return 2;
		if (strcmp(pin, pin2))
			fprintf(stderr, "%s\n", T("The PINs are not the same."));
		else if (!nl_unblock_pin_ok(pin))
			fprintf(stderr, "%s\n", T("The PIN must be 4 to 16 digits."));
		else
			return 0;
	}
	return 2;
}

int nl_imza_unblock(const char *server, const char *module, const char *token, const char *code_arg)
{
	char code[64], puk[128], pin[64], pin2[64], msg[512];
	struct nl_unblock_target t = {0};
	nl_unblock_card *c = NULL;
	int st;
	if (!server) {
		fprintf(stderr, "--unblock needs --server URL\n");
		return 2;
	}
	if (!nl_imza_read_code(code_arg, T("Unblock code: "), code, sizeof code))
		return 2;
	nl_imza_code_clean(code);
	if (!nl_unblock_code_ok(code)) {
		fprintf(stderr, "%s\n", T("The unblock code is 12 digits."));
		return 2;
	}
	if ((st = nl_unblock_open(module, token, &c, msg, sizeof msg)) != 0) {
		fprintf(stderr, "%s\n", msg);
		return st;
	}
	fprintf(stderr, "%s: %s%s\n", T("Card"), nl_unblock_label(c),
	        nl_unblock_pin_locked(c) ? T(" (PIN blocked)") : "");
	st = 3;
	if (!secret_input("NITELIK_IMZA_PUK", T("PUK code: "), puk, sizeof puk))
		goto out;
	st = nl_unblock_puk(c, puk, msg, sizeof msg);
	memset(puk, 0, sizeof puk);
	if (st != 0)
		goto fail;
	if ((st = nl_unblock_check(server, code, &t, msg, sizeof msg)) != 0)
		goto fail;
	if ((st = nl_unblock_match(c, &t, msg, sizeof msg)) != 0)
		goto fail;
	if ((st = new_pin(pin, pin2, sizeof pin)) != 0)
		goto out;
	if ((st = nl_unblock_set_pin(c, pin, msg, sizeof msg)) != 0)
		goto fail;
	printf("%s\n", msg);
	/* The card is open now; the code is spent only after that. */
	if (nl_unblock_spend(server, code, msg, sizeof msg) != 0)
		fprintf(stderr, "%s %s\n", T("The server could not be told that the code was used:"), msg);
	goto out;
fail:
	fprintf(stderr, "%s\n", msg);
out:
	memset(pin, 0, sizeof pin);
	memset(pin2, 0, sizeof pin2);
	nl_unblock_target_clear(&t);
	nl_unblock_close(c);
	return st;
}
