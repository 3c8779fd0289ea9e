/* The DER reader of der.h, shared by the certificate and CRL linters. */
#include "pki/der.h"

bool nl_der_next(struct nl_der_rd *d, unsigned *tag, struct nl_der_rd *c, const uint8_t **start)
{
	if (start)
		*start = d->p;
	if (d->end - d->p < 2)
		return false;
	*tag = *d->p++;
	size_t len = *d->p++;
	if (len & 0x80) {
		int k = (int)(len & 0x7f);
		if (k < 1 || k > 4 || d->end - d->p < k || *d->p == 0)
			return false;
		len = 0;
		while (k--)
			len = (len << 8) | *d->p++;
		if (len < 0x80)
			return false;   /* DER: the shortest length form */
	}
	if ((size_t)(d->end - d->p) < len)
		return false;
	c->p = d->p;
	c->end = d->p + len;
	d->p += len;
	return true;
}
