/* libFuzzer target for the field specs: the first byte picks the encoding
 * (form, multipart with boundary "XyZ", JSON, query string), the rest is the
 * body. Every kind of field is in the spec; the error renderings run too.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_spec
 * Run:   build-fuzz/tests/fuzz/fuzz_spec tests/fuzz/corpus/spec */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct all {
	const char *text, *note, *name, *tckn, *mobile, *phone, *email, *postal, *secret, *id_text;
	struct nl_id_number id;
	int64_t count;
	int reason;
	enum { R_NONE, R_FIRST, R_RENEWAL, R_LOST } reason_value;
	bool flag;
	struct nl_date date;
	struct nl_file file;
};

static const char *const reasons[] = {"first", "renewal", "lost", NULL};
static const char *const types[] = {"application/pdf", "text/csv", NULL};

static const struct nl_spec spec[] = {
	NL_SPEC_TEXT("text", struct all, text, 1, 20, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("note", struct all, note, 0, 200, NL_SPEC_MULTILINE),
	NL_SPEC_NAME("name", struct all, name, 40, 0),
	NL_SPEC_TCKN("tckn", struct all, tckn, 0),
	NL_SPEC_ID_NUMBER("id", struct all, id, 0),
	NL_SPEC_MOBILE("mobile", struct all, mobile, 0),
	NL_SPEC_PHONE("phone", struct all, phone, 0),
	NL_SPEC_EMAIL("email", struct all, email, 0),
	NL_SPEC_POSTAL("postal", struct all, postal, 0),
	NL_SPEC_INT("count", struct all, count, -5, 1000, 0),
	NL_SPEC_ENUM("reason", struct all, reason, reasons, 0),
	NL_SPEC_BOOL("flag", struct all, flag, 0),
	NL_SPEC_DATE("date", struct all, date, 0, 0, 0),
	NL_SPEC_FILE("file", struct all, file, 4096, types, 0),
	NL_SPEC_TEXT("secret", struct all, secret, 4, 64, NL_SPEC_SECRET),
	NL_SPEC_ID_TEXT("id_text", struct all, id_text, 0),
	NL_SPEC_ENUM_VALUE("reason_value", struct all, reason_value, reasons, 0),
	NL_SPEC_END
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char *const cts[] = {
		"application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ",
		"application/json", NULL,
	};
	const char *ct = cts[data[0] % 4];
	nl_arena *a = nl_arena_new();
	if (!a)
		return 0;
	struct all out;
	struct nl_spec_result res;
	/* a copy without a terminating NUL so that reads past the end are caught */
	char *body = malloc(size - 1 ? size - 1 : 1);
	if (!body) {
		nl_arena_free(a);
		return 0;
	}
	memcpy(body, data + 1, size - 1);
	if (ct) {
		nl_err_ignore(nl_spec_parse(a, spec, ct, body, size - 1, &out, &res));
	} else {
		char *q = nl_arena_strndup(a, body, size - 1);
		if (q)
			nl_err_ignore(nl_spec_parse_query(a, spec, q, &out, &res));
		else
			res = (struct nl_spec_result){0};
	}
	json_t *j = nl_spec_errors_json(spec, &res, "tr");
	json_decref(j);
	j = nl_spec_form_json(spec, &res, "en");
	json_decref(j);
	free(body);
	nl_arena_free(a);
	return 0;
}
