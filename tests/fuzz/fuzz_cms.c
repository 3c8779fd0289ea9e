/* libFuzzer target for the CMS / CAdES-BES check of the e-signature endpoint
 * (POST /api/v1/imza/{code}, open to anyone): the bytes are the posted CMS,
 * verified by src/pki/cms_verify.c against the text below and a trust list of
 * one test root, as nl_esign_submit does.
 * Checked: every input gets a verdict of the enum and the call never fails; an
 * OK verdict names the signer, its issuer and a signing time, and turns into
 * TEXT_MISMATCH when the text differs by one byte; the describing strings are
 * terminated; the same input gets the same verdict twice. NL_FUZZ_VERBOSE=1
 * prints each verdict (enum nl_cms_result) to stderr.
 * The seeds (corpus/cms) are made by cms_seeds.sh, which prints the root below.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_cms
 * Run:   build-fuzz/tests/fuzz/fuzz_cms tests/fuzz/corpus/cms  (or `make fuzz`) */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pki/esign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char text[] =
	"Aşağıda yazılı bütün bilgilerin doğru olduğunu beyan ederim. ğüşıöç ĞÜŞİÖÇ\n";

/* cms_seeds.sh's root (20 years from December 2026). */
static const char root_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBfTCCASKgAwIBAgIUDCJdbqM3qWjLR3e94xECcP6rJmowCgYIKoZIzj0EAwIw\n"
	"HDENMAsGA1UEAwwEcm9vdDELMAkGA1UEBhMCVFIwHhcNMjYxMjA3MTQ1MDM0WhcN\n"
	"NDYxMjAyMTQ1MDM0WjAcMQ0wCwYDVQQDDARyb290MQswCQYDVQQGEwJUUjBZMBMG\n"
	"ByqGSM49AgEGCCqGSM49AwEHA0IABP5rlNXEcHrCeDJW5zYTiazuBXHk2owiNY5o\n"
	"wy05dXFCpxS6CMlRWr6rAmQuC7GvN+0F209ijPF5pOZfFBayiWOjQjBAMA8GA1Ud\n"
	"EwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBTu5D8kXsz1mo8F\n"
	"vZLx7oO1A0G4wTAKBggqhkjOPQQDAgNJADBGAiEAqBwIagtwH5ptCTA8OenOGuJv\n"
	"7xuS6MIpKMBxDW3LbPECIQDPK5zDIGsemusp2HHS+G56aGso52hokvu6WF0aNjrP\n"
	"cQ==\n"
	"-----END CERTIFICATE-----\n"
	;

static nl_pki_trust *trust;

/* The trust list reads files: the root goes through a temporary one. */
static void open_trust(void)
{
	char path[] = "/tmp/fuzz-cms-root-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, root_pem, sizeof root_pem - 1) != (ssize_t)(sizeof root_pem - 1))
		abort();
	close(fd);
	if (nl_pki_trust_new(&trust) != NL_OK || nl_pki_trust_add_file(trust, path) != NL_OK)
		abort();
	unlink(path);
}

static void terminated(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		abort();
}

static enum nl_cms_result verdict(const uint8_t *data, size_t size, const char *t, size_t tlen,
                                  struct nl_cms_signed *sd)
{
	if (nl_pki_cms_verify(data, size, t, tlen, trust, sd) != NL_OK)
		abort();   /* NL_ERR_NOMEM only; the verdict is in sd */
	if ((unsigned)sd->result > NL_CMS_NO_NONREPUDIATION)
		abort();
	terminated(sd->serial_attr, sizeof sd->serial_attr);
	terminated(sd->serial_hex, sizeof sd->serial_hex);
	terminated(sd->issuer_name, sizeof sd->issuer_name);
	terminated(sd->detail, sizeof sd->detail);
	return sd->result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_cms_signed sd, again;
	if (!trust)
		open_trust();
	enum nl_cms_result r = verdict(data, size, text, sizeof text - 1, &sd);
	if (getenv("NL_FUZZ_VERBOSE"))   /* to see how deep a seed goes */
		fprintf(stderr, "# verdict %d (%s)\n", (int)r, sd.detail);
	if (r == NL_CMS_OK && (!sd.signer || !sd.issuer || sd.signing_time <= 0))
		abort();
	if (r == NL_CMS_OK) {
		char other[sizeof text];
		memcpy(other, text, sizeof text);
		other[0] ^= 1;
		if (verdict(data, size, other, sizeof text - 1, &again) != NL_CMS_TEXT_MISMATCH)
			abort();
		nl_cms_signed_clear(&again);
	}
	if (verdict(data, size, text, sizeof text - 1, &again) != r)
		abort();
	nl_cms_signed_clear(&again);
	nl_cms_signed_clear(&sd);
	return 0;
}
