/* RFC 5322 + MIME message text: headers with RFC 2047 encoded words, a
 * multipart/alternative body with quoted-printable UTF-8 parts. */
#include "drivers/mail_mime.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/utf8.h"

static bool utf8_valid(const char *s)
{
	return nl_utf8_valid(s, strlen(s));
}

/* An address we put in a header and hand to SMTP: printable ASCII, one '@',
 * nothing that could end the header or the angle brackets. */
static bool address_ok(const char *a)
{
	const char *at = NULL;
	if (!a || !*a || strlen(a) > 254)
		return false;
	for (const char *p = a; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 32 || c >= 127 || c == '<' || c == '>' || c == ',' || c == ';'
		    || c == '"' || c == '\\' || c == '(' || c == ')')
			return false;
		if (c == '@') {
			if (at)
				return false;
			at = p;
		}
	}
	return at && at != a && at[1] != '\0';
}

static bool is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 127 || (unsigned char)*s < 32)
			return false;
	return true;
}

/* Length of the UTF-8 sequence that starts with byte c. */
static size_t utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	return 2;
}

/* Encoded words are at most 75 columns and a folded line should stay within 76,
 * so each word carries as many whole characters as fit; a character is never
 * split between two words (RFC 2047 §5). */
static void encode_words(nl_buf *out, const char *utf8, size_t prefix_len)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t len = strlen(utf8);
	size_t col = prefix_len;
	size_t pos = 0;

	while (pos < len) {
		size_t room = col + 12 < 76 ? (76 - col - 12) / 4 * 3 : 3;
		size_t take = 0;
		while (pos + take < len) {
			size_t n = utf8_seq_len(s[pos + take]);
			if (take + n > room && take > 0)
				break;
			take += n;
		}
		if (pos + take > len)
			take = len - pos;
		char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof b64, s + pos, take, sodium_base64_VARIANT_ORIGINAL);
		if (pos > 0) {
			nl_buf_puts(out, "\r\n ");
			col = 1;
		}
		nl_buf_printf(out, "=?UTF-8?B?%s?=", b64);
		col += 12 + strlen(b64);
		pos += take;
	}
}

void nl_mime_encode_header(nl_buf *out, const char *utf8, size_t prefix_len)
{
	if (is_plain_ascii(utf8) && prefix_len + strlen(utf8) <= 76)
		nl_buf_puts(out, utf8);
	else
		encode_words(out, utf8, prefix_len);
}

/* A display name goes out as it is only when it needs no quoting (letters,
 * digits, spaces, dots and dashes); anything else becomes encoded words, which
 * also keeps quotes and commas from changing the header's meaning. */
static bool phrase_is_atoms(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		      || c == ' ' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

void nl_mime_qp(nl_buf *out, const char *utf8)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *line = utf8;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		size_t col = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];
			bool enc = c == '=' || (c < 32 && c != '\t') || c > 126
				|| ((c == ' ' || c == '\t') && i + 1 == n);
			size_t tok = enc ? 3 : 1;
			if (col + tok > 75) {
				nl_buf_puts(out, "=\r\n");
				col = 0;
			}
			/* A dot opening a line is escaped too, so no SMTP layer ever
			 * mistakes it for the end of the data. */
			if (col == 0 && c == '.' && !enc) {
				enc = true;
				tok = 3;
			}
			if (enc) {
				char t[3] = {'=', hex[c >> 4], hex[c & 15]};
				nl_buf_append(out, t, 3);
			} else {
				nl_buf_putc(out, (char)c);
			}
			col += tok;
		}
		if (!nl)
			break;
		nl_buf_puts(out, "\r\n");
		line = nl + 1;
	}
}

static void put_date(nl_buf *out, int64_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	nl_buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
		tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void put_part(nl_buf *out, const char *boundary, const char *type, const char *body)
{
	nl_buf_printf(out, "--%s\r\n", boundary);
	nl_buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n", type);
	nl_buf_puts(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	nl_mime_qp(out, body);
	nl_buf_puts(out, "\r\n");
}

nl_err nl_mime_build(nl_buf *out, const struct nl_mime_input *in)
{
	if (!address_ok(in->from) || !address_ok(in->to))
		return NL_ERR_INVALID;
	if (!in->subject || !in->body_text || !in->message_id || !in->boundary)
		return NL_ERR_INVALID;
	if (strpbrk(in->message_id, "\r\n") || strpbrk(in->boundary, "\r\n\""))
		return NL_ERR_INVALID;
	if (!utf8_valid(in->subject)
	    || !utf8_valid(in->body_text)
	    || (in->body_html && !utf8_valid(in->body_html))
	    || (in->from_name && !utf8_valid(in->from_name)))
		return NL_ERR_INVALID;
	/* The boundary must not appear inside a part. Quoted-printable output
	 * never holds "=_" (the SMTP driver's boundaries start so), but a caller
	 * may choose another boundary: check the raw text too, it is cheap. */
	if (strstr(in->body_text, in->boundary)
	    || (in->body_html && strstr(in->body_html, in->boundary)))
		return NL_ERR_INVALID;

	put_date(out, in->date);
	nl_buf_puts(out, "From: ");
	if (in->from_name && *in->from_name) {
		size_t start = out->len;
		if (phrase_is_atoms(in->from_name) && strlen(in->from_name) < 64)
			nl_buf_puts(out, in->from_name);
		else
			encode_words(out, in->from_name, 6);
		/* The address goes on a folded line when it would pass column 78. */
		const char *last_nl = NULL;
		for (size_t i = start; i + 1 < out->len; i++)
			if (out->data[i] == '\r' && out->data[i + 1] == '\n')
				last_nl = out->data + i + 2;
		size_t col = last_nl ? (size_t)(out->data + out->len - last_nl)
			: 6 + (out->len - start);
		nl_buf_puts(out, col + 3 + strlen(in->from) > 78 ? "\r\n " : " ");
	}
	nl_buf_printf(out, "<%s>\r\n", in->from);
	nl_buf_printf(out, "To: <%s>\r\n", in->to);
	nl_buf_puts(out, "Subject: ");
	/* Subject lines are folded encoded words; CR and LF in a subject would
	 * start a new header, so a subject is always encoded when it has them. */
	nl_mime_encode_header(out, in->subject, 9);
	nl_buf_puts(out, "\r\n");
	nl_buf_printf(out, "Message-ID: %s\r\n", in->message_id);
	nl_buf_puts(out, "MIME-Version: 1.0\r\n");
	nl_buf_puts(out, "Auto-Submitted: auto-generated\r\n");
	if (in->body_html) {
		nl_buf_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
			in->boundary);
		nl_buf_puts(out, "This is a message in MIME format.\r\n\r\n");
		put_part(out, in->boundary, "text/plain", in->body_text);
		put_part(out, in->boundary, "text/html", in->body_html);
		nl_buf_printf(out, "--%s--\r\n", in->boundary);
	} else {
		nl_buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n");
		nl_buf_puts(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		nl_mime_qp(out, in->body_text);
		nl_buf_puts(out, "\r\n");
	}
	return out->oom ? NL_ERR_NOMEM : NL_OK;
}
