/* Building an Internet message (RFC 5322 + MIME) for the SMTP driver. Pure
 * functions without I/O, so they are unit-tested on their own. */
#ifndef NL_DRIVERS_MAIL_MIME_H
#define NL_DRIVERS_MAIL_MIME_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct nl_mime_input {
	const char *from;        /* bare address */
	const char *from_name;   /* may be NULL or "" */
	const char *to;          /* bare address */
	const char *subject;     /* UTF-8 */
	const char *body_text;   /* UTF-8 */
	const char *body_html;   /* UTF-8, may be NULL */
	int64_t date;            /* UTC epoch seconds for the Date header */
	const char *message_id;  /* "<...@domain>" */
	const char *boundary;    /* multipart boundary, must not occur in the bodies */
};

/* Appends the whole message, CRLF line ends, to out. NL_ERR_INVALID when an
 * address holds CR, LF or angle brackets (header injection), or a text is not
 * valid UTF-8. */
NL_MUST_USE nl_err nl_mime_build(nl_buf *out, const struct nl_mime_input *in);

/* RFC 2047 "B" encoded words for a header value (the prefix length is how many
 * columns the header name already uses); plain ASCII is left as it is. */
void nl_mime_encode_header(nl_buf *out, const char *utf8, size_t prefix_len);
/* Quoted-printable body (RFC 2045 §6.7), input line ends normalised to CRLF. */
void nl_mime_qp(nl_buf *out, const char *utf8);

#endif
