/* Audit checkpoints: make one through the signer, the periodic job, read and
 * authenticate them back. */
#include "app/audit_checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pki/ca_store.h"
#include "store/store_audit.h"
#include "core/file.h"

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

/* The latest checkpoint as written (its signature is ours: not checked). */
static NL_MUST_USE nl_err read_latest(const char *dir, struct nl_audit_checkpoint *cp)
{
	char path[700];
	nl_buf b = NL_BUF_INIT;
	snprintf(path, sizeof path, "%s/" NL_AUDIT_CP_LATEST, dir);
	nl_err rc = nl_read_file(path, 4096, &b);
	if (rc == NL_OK)
		rc = nl_audit_cp_parse(b.data, b.len, cp);
	nl_buf_free(&b);
	return rc;
}

/* Appends the line to the list and syncs it before the latest file is
 * replaced: the list is the record, the latest file a convenience. */
static NL_MUST_USE nl_err append_line(const char *path, const nl_buf *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return NL_ERR_IO;
	size_t off = 0;
	nl_err rc = NL_OK;
	while (off < line->len) {
		ssize_t w = write(fd, line->data + off, line->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = NL_ERR_IO;
			break;
		}
		off += (size_t)w;
	}
	if (rc == NL_OK && fsync(fd) != 0)
		rc = NL_ERR_IO;
	if (close(fd) != 0 && rc == NL_OK)
		rc = NL_ERR_IO;
	return rc;
}

nl_err nl_audit_checkpoint_make(const struct nl_app *app, nl_signer *sg, const char *dir, int64_t now,
                                struct nl_audit_checkpoint *out, bool *made)
{
	nl_db *db = app->db;
	struct nl_audit_checkpoint cp = {.at = now}, latest;
	uint8_t req[NL_SIGNER_CHECKPOINT_LEN];
	nl_buf sig = NL_BUF_INIT, line = NL_BUF_INIT;
	char path[700];
	*made = false;
	nl_err rc = nl_store_audit_head(db, &cp.seq, cp.hash);
	if (rc != NL_OK || cp.seq == 0)
		goto out;
	if (read_latest(dir, &latest) == NL_OK && latest.seq == cp.seq &&
	    !memcmp(latest.hash, cp.hash, sizeof cp.hash))
		goto out;
	put_u64(req, (uint64_t)cp.seq);
	memcpy(req + 8, cp.hash, NL_AUDIT_HASH_LEN);
	put_u64(req + 8 + NL_AUDIT_HASH_LEN, (uint64_t)now);
	if ((rc = nl_signer_call(sg, NL_SIGNER_AUDIT_CHECKPOINT, req, sizeof req, &sig)) != NL_OK)
		goto out;
	if (sig.len == 0 || sig.len > sizeof cp.sig) {
		rc = NL_ERR_CRYPTO;
		goto out;
	}
	memcpy(cp.sig, sig.data, sig.len);
	cp.sig_len = sig.len;
	nl_audit_cp_line(&cp, &line);
	if (line.oom) {
		rc = NL_ERR_NOMEM;
		goto out;
	}
	snprintf(path, sizeof path, "%s/" NL_AUDIT_CP_LIST, dir);
	if ((rc = append_line(path, &line)) != NL_OK)
		goto out;
	snprintf(path, sizeof path, "%s/" NL_AUDIT_CP_LATEST, dir);
	if ((rc = nl_write_file(path, line.data, line.len, 0644)) != NL_OK)
		goto out;
	*made = true;
	if (out)
		*out = cp;
out:
	nl_buf_free(&sig);
	nl_buf_free(&line);
	return rc;
}

nl_err nl_audit_checkpoint_job(struct nl_app *app, int64_t now)
{
	const struct nl_ca *ca = nl_app_ca(app);
	struct nl_audit_checkpoint latest;
	nl_signer *sg = NULL;
	bool made;
	if (!ca)
		return NL_OK;
	int64_t seq = 0;
	uint8_t hash[NL_AUDIT_HASH_LEN];
	bool have = read_latest(ca->conf.dir, &latest) == NL_OK;
	if (have && now - latest.at < app->cfg->audit_checkpoint_interval)
		return NL_OK;
	/* Nothing new to sign: no signer connection either. */
	nl_err rc = nl_store_audit_head(app->db, &seq, hash);
	if (rc != NL_OK || seq == 0 ||
	    (have && latest.seq == seq && !memcmp(latest.hash, hash, sizeof hash)))
		return rc;
	rc = nl_signer_connect(ca->conf.socket, &sg);
	if (rc == NL_OK)
		rc = nl_audit_checkpoint_make(app, sg, ca->conf.dir, now, NULL, &made);
	nl_signer_close(sg);
	return rc;
}

nl_err nl_audit_checkpoints_read(const char *path, const nl_pki_cert *issuer,
                                 struct nl_audit_checkpoint **out, size_t *n, size_t *bad_line)
{
	nl_buf b = NL_BUF_INIT, msg = NL_BUF_INIT;
	size_t cap = 0, lineno = 0;
	*out = NULL;
	*n = 0;
	*bad_line = 0;
	nl_err rc = nl_read_file(path, (size_t)1 << 30, &b);
	for (size_t i = 0; rc == NL_OK && i < b.len;) {
		const char *nl = memchr(b.data + i, '\n', b.len - i);
		size_t len = nl ? (size_t)(nl - (b.data + i)) : b.len - i;
		const char *p = b.data + i;
		struct nl_audit_checkpoint cp;
		i += len + (nl != NULL);
		lineno++;
		if (len == 0)
			continue;
		if (nl_audit_cp_parse(p, len, &cp) != NL_OK) {
			rc = NL_ERR_INVALID;
		} else if (issuer) {
			nl_buf_reset(&msg);
			nl_audit_cp_message(cp.seq, cp.hash, cp.at, &msg);
			rc = msg.oom ? NL_ERR_NOMEM : nl_pki_verify_message(issuer, msg.data, msg.len, cp.sig,
			                                                     cp.sig_len);
		}
		if (rc == NL_ERR_INVALID || rc == NL_ERR_CRYPTO) {
			rc = NL_ERR_INVALID;
			*bad_line = lineno;
			break;
		}
		if (rc != NL_OK)
			break;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			struct nl_audit_checkpoint *nc = realloc(*out, cap * sizeof *nc);
			if (!nc) {
				rc = NL_ERR_NOMEM;
				break;
			}
			*out = nc;
		}
		(*out)[(*n)++] = cp;
	}
	nl_buf_free(&b);
	nl_buf_free(&msg);
	if (rc != NL_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
