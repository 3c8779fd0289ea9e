/* The terminal of nitelik-imza (imza_cli.c, imza_unblock_cli.c): PINs, PUKs
 * and codes are typed by the holder, never passed on the command line. */
#ifndef NL_IMZA_TTY_H
#define NL_IMZA_TTY_H

#include <stdbool.h>
#include <stddef.h>

/* Cuts trailing newlines, carriage returns and spaces. */
void nl_imza_chomp(char *s);

/* A line from the terminal (or stdin when there is none), chomped; echo off
 * when secret (PINs, PUKs). false at end of input. */
bool nl_imza_read_line(const char *prompt, bool secret, char *out, size_t cap);
/* A code shown by the web site: arg when given, else typed after prompt; the
 * spaces and dashes people paste with it are dropped. false at end of input. */
bool nl_imza_read_code(const char *arg, const char *prompt, char *out, size_t cap);

#endif
