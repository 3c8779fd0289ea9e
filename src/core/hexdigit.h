/* The value of one hexadecimal digit, for the percent-decoders of the web layer
 * (request paths and queries in request.c, form bodies in spec_body.c, the
 * language switch in session_routes.c): 0..15, or -1 for anything else. */
#ifndef NL_CORE_HEXDIGIT_H
#define NL_CORE_HEXDIGIT_H

static inline int nl_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
