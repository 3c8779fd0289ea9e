/* The terminal of nitelik-imza (imza_tty.h). */
#include "imza/imza_tty.h"
#include "imza/imza_http.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

void nl_imza_chomp(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

bool nl_imza_read_line(const char *prompt, bool secret, char *out, size_t cap)
{
	FILE *tty = fopen("/dev/tty", "r+");
	FILE *in = tty ? tty : stdin, *o = tty ? tty : stderr;
	struct termios old, quiet;
	bool restore = false;
	fputs(prompt, o);
	fflush(o);
	if (secret && isatty(fileno(in)) && tcgetattr(fileno(in), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
	}
	bool ok = fgets(out, (int)cap, in) != NULL;
	if (restore) {
		tcsetattr(fileno(in), TCSAFLUSH, &old);
		fputc('\n', o);
	}
	if (tty)
		fclose(tty);
	if (ok)
		nl_imza_chomp(out);
	return ok;
}

bool nl_imza_read_code(const char *arg, const char *prompt, char *out, size_t cap)
{
	if (arg)
		snprintf(out, cap, "%s", arg);
	else if (!nl_imza_read_line(prompt, false, out, cap))
		return false;
	nl_imza_code_clean(out);
	return true;
}
