/* nitelik backup / nitelik restore — the database and the data folder
 * (docs/operations.md, "Backups"). The CA's keys are not in here: they are
 * `nitelik ca backup`'s, encrypted.
 *
 * A backup folder holds database.sqlite (SQLite's online backup: nitelikd may
 * keep running), data/ (the data folder's folders and regular files with
 * their modes) and manifest.json, written last, which lists every entry with
 * its SHA-256, owner and group. A folder without a manifest is no backup.
 * Restore checks every digest before it writes anything, writes only into an
 * empty data folder and a database file that does not exist yet, and ends by
 * counting the rows and verifying the audit chain. */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/backup_files.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cmd_common.h"
#include "core/file.h"
#include "store/backup.h"
#include "store/migrate.h"
#include "store/store_audit.h"

#define FORMAT "nitelik-backup-1"
#define DB_FILE "database.sqlite"

static const char backup_usage[] =
	"usage: nitelik backup --out DIR [common options]\n"
	"  Writes a backup of the database and the data folder into DIR (new or empty):\n"
	"  DIR/database.sqlite (SQLite's online backup: nitelikd may keep running),\n"
	"  DIR/data/ (the data folder's files) and DIR/manifest.json (SHA-256 of each).\n"
	"  Left out: the CA's token, PIN and key files (`nitelik ca backup` keeps them,\n"
	"  encrypted) and the signer's socket. With PostgreSQL the data folder is\n"
	"  backed up and the pg_dump command for the database is printed (exit 1 when\n"
	"  pg_dump is not installed).\n";

static const char restore_usage[] =
	"usage: nitelik restore --from DIR [common options]\n"
	"  Restores a backup of `nitelik backup` into the data folder, which must be\n"
	"  empty or missing, and (SQLite) into the configured database file, which\n"
	"  must not exist. Every file's SHA-256 is checked before anything is written;\n"
	"  run as root, files get back their owners. Ends by counting orders,\n"
	"  payments, certificates and audit records and verifying the audit chain.\n";

/* Parses --out/--from (name) and the common options. -1 to go on, else the exit
 * status. */
static int parse(int argc, char **argv, const char *name, const char **value,
                 const char *usage)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		enum nl_cli_opt_result r = nl_cli_common_opt(argc, argv, &i);
		if (r == NL_CLI_OPT_EXIT)
			return 0;
		if (r == NL_CLI_OPT_TAKEN)
			continue;
		if (r == NL_CLI_OPT_NOT_MINE && !strcmp(a, name) && i + 1 < argc) {
			*value = argv[++i];
			continue;
		}
		if (r == NL_CLI_OPT_NOT_MINE)
			fprintf(stderr, "nitelik %s: unexpected argument '%s'\n", argv[0], a);
		nl_cli_help(stderr, usage);
		return 2;
	}
	if (!*value) {
		fprintf(stderr, "nitelik %s: %s DIR is required\n", argv[0], name);
		nl_cli_help(stderr, usage);
		return 2;
	}
	return -1;
}

/* The SQLite file of a database URL, or NULL for PostgreSQL. */
static const char *sqlite_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : NULL;
}

struct skip_ctx {
	char db_rel[PATH_MAX];   /* the database file below the data folder, or "" */
};

/* What a backup leaves out: the live database (copied by the backup API
 * instead) and the CA's secrets (demo/test layout of src/pki/ca_store.c; a
 * real HSM keeps its keys outside the data folder anyway). */
static bool skip(const char *rel, void *vctx, const char **why)
{
	const struct skip_ctx *c = vctx;
	size_t n = strlen(c->db_rel);
	if (n && !strncmp(rel, c->db_rel, n) &&
	    (!rel[n] || !strcmp(rel + n, "-wal") || !strcmp(rel + n, "-shm") ||
	     !strcmp(rel + n, "-journal"))) {
		*why = "the database (copied by SQLite's backup API)";
		return true;
	}
	const char *dot = strrchr(rel, '.');
	if (!strcmp(rel, "ca/pin") || !strcmp(rel, "softhsm") ||
	    (!strncmp(rel, "ca/", 3) && !strchr(rel + 3, '/') && dot && !strcmp(dot, ".key"))) {
		*why = "a CA secret (nitelik ca backup)";
		return true;
	}
	return false;
}

static json_t *counts_json(const struct nl_store_counts *c)
{
	return json_pack("{sI sI sI sI}", "orders", (json_int_t)c->orders,
	                 "payments", (json_int_t)c->payments,
	                 "certificates", (json_int_t)c->certificates,
	                 "audit_records", (json_int_t)c->audit_records);
}

static void print_counts(const char *what, const struct nl_store_counts *c)
{
	printf("%s: %" PRId64 " orders, %" PRId64 " payments, %" PRId64 " certificates, %" PRId64
	       " audit records\n", what, c->orders, c->payments, c->certificates, c->audit_records);
}

/* Counts the rows of the SQLite file path and verifies its audit chain. */
static NL_MUST_USE nl_err inspect(const char *path, struct nl_store_counts *c, int64_t *schema,
                      int64_t *bad_seq)
{
	char url[PATH_MAX + 8];
	nl_db *db = NULL;
	int64_t n = 0;
	snprintf(url, sizeof url, "sqlite:%s", path);
	nl_err rc = nl_db_open(&db, url);
	if (rc == NL_OK)
		rc = nl_store_schema_version(db, schema);
	if (rc == NL_OK)
		rc = nl_store_backup_counts(db, c);
	if (rc == NL_OK) {
		*bad_seq = 0;
		nl_err v = nl_store_audit_verify_n(db, bad_seq, &n);
		if (v != NL_OK && v != NL_ERR_INVALID)
			rc = v;
	}
	nl_db_close(db);
	return rc;
}

/* Looks for a program on $PATH; fills where. */
static bool on_path(const char *prog, char *where, size_t size)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n && (size_t)snprintf(where, size, "%.*s/%s", (int)n, path, prog) < size &&
		    access(where, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static json_t *entries_json(const struct nl_bk_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < l->n; i++) {
		const struct nl_bk_entry *e = &l->v[i];
		json_t *o = json_pack("{ss ss sI ss ss}", "path", e->path, "type", e->dir ? "dir" : "file",
		                      "mode", (json_int_t)e->mode, "owner", e->owner, "group", e->group);
		if (o && !e->dir) {
			json_object_set_new(o, "size", json_integer(e->size));
			json_object_set_new(o, "sha256", json_string(e->sha256));
		}
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int write_manifest(const char *out, json_t *m)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s/manifest.json.tmp", out);
	snprintf(path, sizeof path, "%s/manifest.json", out);
	if (!m || json_dump_file(m, tmp, JSON_INDENT(1) | JSON_SORT_KEYS) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "nitelik backup: cannot write %s\n", path);
		return 1;
	}
	return 0;
}

int nl_cli_backup(int argc, char **argv)
{
	const char *out = NULL;
	const struct nl_config *cfg;
	int st = parse(argc, argv, "--out", &out, backup_usage);
	if (st >= 0)
		return st;
	if ((st = nl_cli_config("backup", true, &cfg)))
		return st;
	if (!nl_bk_dir_empty(out)) {
		fprintf(stderr, "nitelik backup: %s is not empty: give a new folder\n", out);
		return 1;
	}
	if (nl_bk_mkdirs(out) != NL_OK || chmod(out, 0700) != 0) {
		fprintf(stderr, "nitelik backup: %s: %s\n", out, strerror(errno));
		return 1;
	}
	char path[PATH_MAX], why[PATH_MAX + 128] = "", real_data[PATH_MAX], real_db[PATH_MAX];
	struct nl_store_counts counts = {0};
	struct nl_bk_list list = {0};
	struct skip_ctx sc = {""};
	json_t *m = NULL, *db_json = json_null(), *top_json = NULL;
	int64_t schema = 0, bad = 0;
	const char *dbfile = sqlite_path(cfg->database);
	char pg_dump[PATH_MAX] = "";
	bool have_pg_dump = false;
	st = 1;
	char real_out[PATH_MAX];
	if (!realpath(cfg->data_dir, real_data) || !realpath(out, real_out)) {
		fprintf(stderr, "nitelik backup: data folder %s: %s\n", cfg->data_dir, strerror(errno));
		goto out;
	}
	size_t dn = strlen(real_data);
	if (!strncmp(real_out, real_data, dn) && (real_out[dn] == '/' || !real_out[dn])) {
		fprintf(stderr, "nitelik backup: %s is inside the data folder %s\n", out, real_data);
		rmdir(out);   /* made above, still empty */
		goto out;
	}
	/* The data folder's own owner and mode, for a restore as root. */
	struct stat top;
	if (stat(real_data, &top) == 0) {
		struct passwd *pw = getpwuid(top.st_uid);
		struct group *gr = getgrgid(top.st_gid);
		top_json = json_pack("{ss ss sI}", "owner", pw ? pw->pw_name : "",
		                     "group", gr ? gr->gr_name : "", "mode",
		                     (json_int_t)(top.st_mode & 07777));
	}
	if (dbfile) {
		/* The database file below the data folder is left to the backup API. */
		size_t n = strlen(real_data);
		if (realpath(dbfile, real_db) && !strncmp(real_db, real_data, n) && real_db[n] == '/')
			snprintf(sc.db_rel, sizeof sc.db_rel, "%s", real_db + n + 1);
		snprintf(path, sizeof path, "%s/" DB_FILE, out);
		nl_err e = nl_store_sqlite_copy(dbfile, path);
		if (e == NL_OK)
			e = inspect(path, &counts, &schema, &bad);
		if (e == NL_OK)
			e = nl_store_sqlite_seal(path);
		char sha[65];
		int64_t size = 0;
		if (e == NL_OK)
			e = nl_bk_hash_file(path, sha, &size);
		if (e != NL_OK) {
			fprintf(stderr, "nitelik backup: cannot copy the database %s (%s)\n", dbfile,
			        nl_err_code(e));
			goto out;
		}
		if (bad)
			fprintf(stderr, "nitelik backup: warning: the audit chain is broken at record %"
			        PRId64 " (nitelik audit verify); the backup keeps it as it is\n", bad);
		db_json = json_pack("{ss ss sI sI}", "file", DB_FILE, "sha256", sha, "size",
		                    (json_int_t)size, "schema_version", (json_int_t)schema);
	} else {
		have_pg_dump = on_path("pg_dump", pg_dump, sizeof pg_dump);
	}
	snprintf(path, sizeof path, "%s/data", out);
	if (nl_bk_copy_tree(real_data, path, skip, &sc, &list, why, sizeof why) != NL_OK) {
		fprintf(stderr, "nitelik backup: %s\n", why);
		goto out;
	}
	json_t *skipped = json_array();
	for (size_t i = 0; i < list.n_skipped; i++)
		json_array_append_new(skipped, json_string(list.skipped[i]));
	m = json_pack("{ss ss sI ss ss so* so* so* so*}", "format", FORMAT,
	              "version", nl_cmd_version(), "created_at", (json_int_t)time(NULL),
	              "data_dir", real_data, "engine", dbfile ? "sqlite" : "postgresql",
	              "database", db_json, "counts", dbfile ? counts_json(&counts) : json_null(),
	              "left_out", skipped, "entries", entries_json(&list));
	if (m && top_json) {
		json_object_set_new(m, "data_folder", top_json);
		top_json = NULL;   /* m owns it now */
	}
	db_json = NULL;
	if ((st = write_manifest(out, m)))
		goto out;
	printf("backup of %s written to %s: %zu files and folders\n", real_data, out, list.n);
	if (dbfile)
		print_counts("database", &counts);
	for (size_t i = 0; i < list.n_skipped; i++)
		printf("left out: %s\n", list.skipped[i]);
	printf("The CA's keys are not in this backup: keep them with `nitelik ca backup`.\n");
	if (!dbfile) {
		printf("The database is PostgreSQL: dump it next to this backup with\n"
		       "  pg_dump --format=custom --file=%s/database.pgdump '<database URL>'\n"
		       "and restore it into an empty database with\n"
		       "  pg_restore --dbname='<database URL>' %s/database.pgdump\n", out, out);
		if (have_pg_dump) {
			printf("(pg_dump: %s)\n", pg_dump);
		} else {
			fprintf(stderr, "nitelik backup: pg_dump is not installed (apt-get install "
			        "postgresql-client): the database is NOT backed up\n");
			st = 1;
		}
	}
out:
	json_decref(m);
	json_decref(db_json);
	json_decref(top_json);
	nl_bk_list_free(&list);
	return st;
}

/* --- restore --- */

/* Checks the manifest's entries and digests against the backup folder. */
static int verify_backup(const char *from, json_t *m)
{
	char path[PATH_MAX], sha[65];
	json_t *entries = json_object_get(m, "entries"), *e;
	size_t i;
	if (!json_is_array(entries)) {
		fprintf(stderr, "nitelik restore: %s/manifest.json lists no entries\n", from);
		return 1;
	}
	json_array_foreach(entries, i, e) {
		const char *rel = json_string_value(json_object_get(e, "path"));
		const char *type = json_string_value(json_object_get(e, "type"));
		const char *want = json_string_value(json_object_get(e, "sha256"));
		if (!nl_bk_path_ok(rel) || !type || (strcmp(type, "dir") && (strcmp(type, "file") || !want))) {
			fprintf(stderr, "nitelik restore: bad manifest entry %zu\n", i);
			return 1;
		}
		if (!strcmp(type, "dir"))
			continue;
		snprintf(path, sizeof path, "%s/data/%s", from, rel);
		if (nl_bk_hash_file(path, sha, NULL) != NL_OK || strcmp(sha, want)) {
			fprintf(stderr, "nitelik restore: %s is missing or changed since the backup "
			        "(SHA-256); nothing restored\n", path);
			return 1;
		}
	}
	json_t *db = json_object_get(m, "database");
	if (json_is_object(db)) {
		const char *want = json_string_value(json_object_get(db, "sha256"));
		snprintf(path, sizeof path, "%s/" DB_FILE, from);
		if (!want || nl_bk_hash_file(path, sha, NULL) != NL_OK || strcmp(sha, want)) {
			fprintf(stderr, "nitelik restore: %s is missing or changed since the backup "
			        "(SHA-256); nothing restored\n", path);
			return 1;
		}
	}
	return 0;
}

/* Root gives restored entries their owners back by name. */
static void give_back(const char *path, json_t *e)
{
	if (geteuid() != 0)
		return;
	const char *owner = json_string_value(json_object_get(e, "owner"));
	const char *group = json_string_value(json_object_get(e, "group"));
	struct passwd *pw = owner && *owner ? getpwnam(owner) : NULL;
	struct group *gr = group && *group ? getgrnam(group) : NULL;
	if ((pw || gr) && lchown(path, pw ? pw->pw_uid : (uid_t)-1, gr ? gr->gr_gid : (gid_t)-1) != 0)
		fprintf(stderr, "nitelik restore: warning: %s: cannot give it to %s:%s\n", path,
		        owner ? owner : "", group ? group : "");
}

/* ca/ca.conf names files below the data folder by absolute path: a backup
 * restored into another folder gets them rewritten. */
static int move_ca_conf(const char *data_dir, const char *old_dir)
{
	char path[PATH_MAX], old_prefix[PATH_MAX + 1], new_prefix[PATH_MAX + 1];
	if (!old_dir || !strcmp(old_dir, data_dir) ||
	    (size_t)snprintf(path, sizeof path, "%s/ca/ca.conf", data_dir) >= sizeof path ||
	    access(path, F_OK) != 0)
		return 0;
	snprintf(old_prefix, sizeof old_prefix, "%s/", old_dir);
	snprintf(new_prefix, sizeof new_prefix, "%s/", data_dir);
	nl_buf text = NL_BUF_INIT, out = NL_BUF_INIT;
	if (nl_read_file(path, 1u << 20, &text) != NL_OK) {
		nl_buf_free(&text);
		return 1;
	}
	size_t ol = strlen(old_prefix);
	for (const char *p = text.data ? text.data : "", *hit; *p; p = hit + ol) {
		if (!(hit = strstr(p, old_prefix))) {
			nl_buf_puts(&out, p);
			break;
		}
		nl_buf_append(&out, p, (size_t)(hit - p));
		nl_buf_puts(&out, new_prefix);
	}
	/* Rewritten in place: the file keeps its owner and mode. */
	FILE *f = out.oom ? NULL : fopen(path, "w");
	int rc = !f || fwrite(out.data ? out.data : "", 1, out.len, f) != out.len;
	if (f && fclose(f) != 0)
		rc = 1;
	nl_buf_free(&text);
	nl_buf_free(&out);
	if (!rc)
		printf("ca/ca.conf: paths moved from %s to %s\n", old_dir, data_dir);
	return rc;
}

static int restore_files(const char *from, const char *data_dir, json_t *m)
{
	char src[PATH_MAX], dst[PATH_MAX], sha[65];
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(m, "entries"), i, e) {
		const char *rel = json_string_value(json_object_get(e, "path"));
		bool dir = !strcmp(json_string_value(json_object_get(e, "type")), "dir");
		unsigned mode = (unsigned)json_integer_value(json_object_get(e, "mode")) & 07777;
		if ((size_t)snprintf(src, sizeof src, "%s/data/%s", from, rel) >= sizeof src ||
		    (size_t)snprintf(dst, sizeof dst, "%s/%s", data_dir, rel) >= sizeof dst) {
			fprintf(stderr, "nitelik restore: %s: path too long\n", rel);
			return 1;
		}
		if (dir) {
			/* Entries come parents first (the backup walked them so). */
			if (mkdir(dst, 0700) != 0 || chmod(dst, (mode_t)mode) != 0) {
				fprintf(stderr, "nitelik restore: %s: %s\n", dst, strerror(errno));
				return 1;
			}
		} else if (nl_bk_copy_file(src, dst, mode, sha, NULL) != NL_OK ||
		           strcmp(sha, json_string_value(json_object_get(e, "sha256")))) {
			fprintf(stderr, "nitelik restore: cannot restore %s\n", dst);
			return 1;
		}
		give_back(dst, e);
	}
	return 0;
}

int nl_cli_restore(int argc, char **argv)
{
	const char *from = NULL;
	const struct nl_config *cfg;
	int st = parse(argc, argv, "--from", &from, restore_usage);
	if (st >= 0)
		return st;
	if ((st = nl_cli_config("restore", true, &cfg)))
		return st;
	char path[PATH_MAX], data_dir[PATH_MAX];
	json_error_t jerr;
	snprintf(path, sizeof path, "%s/manifest.json", from);
	json_t *m = json_load_file(path, 0, &jerr);
	const char *format = json_string_value(json_object_get(m, "format"));
	const char *engine = json_string_value(json_object_get(m, "engine"));
	const char *dbfile = sqlite_path(cfg->database);
	struct nl_store_counts got = {0};
	int64_t schema = 0, bad = 0;
	st = 1;
	if (!m || !format || strcmp(format, FORMAT) || !engine) {
		fprintf(stderr, "nitelik restore: %s: not a Nitelik backup (%s)\n", path,
		        m ? "unknown format" : jerr.text);
		goto out;
	}
	if (!strcmp(engine, "sqlite") != !!dbfile) {
		fprintf(stderr, "nitelik restore: the backup holds a %s database, the configured "
		        "database is %s\n", engine, dbfile ? "SQLite" : "PostgreSQL");
		goto out;
	}
	if (!nl_bk_dir_empty(cfg->data_dir)) {
		fprintf(stderr, "nitelik restore: the data folder %s is not empty: restore only "
		        "into an empty one\n", cfg->data_dir);
		goto out;
	}
	if (dbfile && access(dbfile, F_OK) == 0) {
		fprintf(stderr, "nitelik restore: the database %s exists: restore only into a new "
		        "one\n", dbfile);
		goto out;
	}
	if (verify_backup(from, m))
		goto out;
	if (nl_bk_mkdirs(cfg->data_dir) != NL_OK || !realpath(cfg->data_dir, data_dir)) {
		fprintf(stderr, "nitelik restore: %s: %s\n", cfg->data_dir, strerror(errno));
		goto out;
	}
	json_t *top = json_object_get(m, "data_folder");
	if (json_is_object(top)) {
		json_t *mode = json_object_get(top, "mode");
		if (json_is_integer(mode) && chmod(data_dir, (mode_t)(json_integer_value(mode) & 07777)))
			fprintf(stderr, "nitelik restore: warning: %s: %s\n", data_dir, strerror(errno));
		give_back(data_dir, top);
	}
	if (restore_files(from, data_dir, m) ||
	    move_ca_conf(data_dir, json_string_value(json_object_get(m, "data_dir")))) {
		fprintf(stderr, "nitelik restore: stopped: empty %s before trying again\n", data_dir);
		goto out;
	}
	if (!dbfile) {
		printf("data folder restored into %s. The database is PostgreSQL: restore its dump "
		       "into an empty database with\n  pg_restore --dbname='<database URL>' "
		       "%s/database.pgdump\n", data_dir, from);
		st = 0;
		goto out;
	}
	snprintf(path, sizeof path, "%s/" DB_FILE, from);
	nl_err e = nl_store_sqlite_copy(path, dbfile);
	if (e == NL_OK)
		e = inspect(dbfile, &got, &schema, &bad);
	if (e != NL_OK) {
		fprintf(stderr, "nitelik restore: cannot restore the database into %s (%s)\n", dbfile,
		        nl_err_code(e));
		goto out;
	}
	struct stat ds;
	if (geteuid() == 0 && stat(data_dir, &ds) == 0) {
		/* The database belongs to whoever owns the data folder (the nitelik user). */
		char side[PATH_MAX + 8];
		if (chown(dbfile, ds.st_uid, ds.st_gid) != 0)
			fprintf(stderr, "nitelik restore: warning: cannot give %s away\n", dbfile);
		for (int k = 0; k < 2; k++) {
			snprintf(side, sizeof side, "%s%s", dbfile, k ? "-shm" : "-wal");
			if (access(side, F_OK) == 0 && chown(side, ds.st_uid, ds.st_gid) != 0)
				fprintf(stderr, "nitelik restore: warning: cannot give %s away\n", side);
		}
	}
	printf("restored %s and the database %s (schema version %" PRId64 ")\n", data_dir, dbfile,
	       schema);
	print_counts("database", &got);
	json_t *want = json_object_get(m, "counts");
	if (json_integer_value(json_object_get(want, "orders")) != got.orders ||
	    json_integer_value(json_object_get(want, "payments")) != got.payments ||
	    json_integer_value(json_object_get(want, "certificates")) != got.certificates ||
	    json_integer_value(json_object_get(want, "audit_records")) != got.audit_records) {
		fprintf(stderr, "nitelik restore: the counts differ from the backup's\n");
		goto out;
	}
	if (bad) {
		printf("audit chain BROKEN at record %" PRId64 "\n", bad);
		goto out;
	}
	printf("audit chain OK (%" PRId64 " records)\n", got.audit_records);
	st = 0;
out:
	json_decref(m);
	return st;
}
