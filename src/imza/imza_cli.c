/* nitelik-imza's command line (imza.h): the steps of docs/esign.md on a
 * terminal.
 *
 * Asks for the 15-digit Doğrulama Kodu unless given, fetches the text to sign,
 * shows it with Oluşturma Tarihi and Kalan Süre, lists the certificates on the
 * card (PKCS#11: OpenSC for real cards, SoftHSM2 in tests), asks the PIN
 * without echo, signs a CMS / CAdES-BES with the key on the card, sends it and
 * prints "İşlem Başarılı" or the server's reason.
 *
 * --pin-file and the environment variable NITELIK_IMZA_PIN are for tests and
 * scripts only: a PIN in a file or the environment can be read by others.
 * --csr writes a certificate request for the card's key (the demo token, see
 * scripts/demo-token.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/datetime.h"
#include "core/file.h"
#include "imza/imza.h"
#include "imza/imza_http.h"
#include "imza/imza_tty.h"
#include "pki/esign.h"

static bool pin_from_file(const char *path, char *out, size_t cap)
{
	return nl_read_line(path, out, cap) == NL_OK;
}

static void pin_words(unsigned flags)
{
	if (flags & NL_PIN_LOCKED)
		fprintf(stderr, "Kartınız bloke oldu: PIN kilitlendi. Online İşlemler'deki Kilit Çözme "
		                "ile kartınızı açabilirsiniz.\n");
	else if (flags & NL_PIN_FINAL_TRY)
		fprintf(stderr, "PIN yanlış. Son deneme hakkınız kaldı: bir kez daha yanlış girilirse kart bloke olur.\n");
	else if (flags & NL_PIN_COUNT_LOW)
		fprintf(stderr, "PIN yanlış. Az sayıda deneme hakkınız kaldı.\n");
	else
		fprintf(stderr, "PIN yanlış.\n");
}

/* Logs in: with a PIN from a file or the environment once, else up to three
 * times from the terminal. 0 on success, else the exit status. */
static int login(nl_card *card, const struct nl_imza_opts *o, int64_t deadline)
{
	char pin[128];
	const char *env = getenv("NITELIK_IMZA_PIN");
	bool given = o->pin_file || env;
	if (nl_card_pin_flags(card) & NL_PIN_LOCKED) {
		pin_words(NL_PIN_LOCKED);
		return 3;
	}
	for (int attempt = 0; attempt < (given ? 1 : 3); attempt++) {
		if (o->pin_file) {
			if (!pin_from_file(o->pin_file, pin, sizeof pin)) {
				fprintf(stderr, "PIN dosyası okunamadı: %s\n", o->pin_file);
				return 2;
			}
		} else if (env) {
			snprintf(pin, sizeof pin, "%s", env);
		} else {
			char prompt[96];
			if (deadline)
				snprintf(prompt, sizeof prompt, "PIN Kodu (Kalan Süre: %lld sn): ",
				         (long long)(deadline - time(NULL)));
			else
				snprintf(prompt, sizeof prompt, "PIN Kodu: ");
			if (!nl_imza_read_line(prompt, true, pin, sizeof pin))
				return 2;
		}
		nl_err e = nl_card_login(card, pin);
		memset(pin, 0, sizeof pin);
		if (e == NL_OK)
			return 0;
		if (e == NL_ERR_LOCKED) {
			pin_words(NL_PIN_LOCKED);
			return 3;
		}
		pin_words(nl_card_pin_flags(card));
	}
	return 3;
}

static void list_certs(const nl_card *card)
{
	char until[NL_DATETIME_FMT_MAX];
	fprintf(stderr, "Karttaki sertifikalar (%s):\n", nl_card_label(card));
	for (size_t i = 0; i < nl_card_cert_count(card); i++) {
		const struct nl_card_cert *c = nl_card_cert_at(card, i);
		nl_time_format_tr_seconds(c->not_after, until);
		fprintf(stderr, "  %zu) %s (%s), veren: %s, son geçerlilik: %s%s\n", i + 1,
		        c->common_name, c->serial_attr, c->issuer_cn, until,
		        c->qualified ? ", nitelikli" : ", NİTELİKLİ DEĞİL");
	}
}

static int choose_cert(const nl_card *card, const struct nl_imza_opts *o, size_t *idx)
{
	size_t n = nl_card_cert_count(card);
	if (n == 0) {
		fprintf(stderr, "Kartta sertifika bulunamadı.\n");
		return 3;
	}
	list_certs(card);
	if (o->cert) {
		if ((size_t)o->cert > n) {
			fprintf(stderr, "Kartta %zu sertifika var; --cert %d yok.\n", n, o->cert);
			return 2;
		}
		*idx = (size_t)o->cert - 1;
		return 0;
	}
	if (n == 1) {
		*idx = 0;
		return 0;
	}
	char line[16];
	if (!nl_imza_read_line("Sertifika Seçiniz (numara): ", false, line, sizeof line))
		return 2;
	long k = strtol(line, NULL, 10);
	if (k < 1 || (size_t)k > n) {
		fprintf(stderr, "Geçersiz seçim.\n");
		return 2;
	}
	*idx = (size_t)k - 1;
	return 0;
}

int nl_imza_cli_csr(const struct nl_imza_opts *o)
{
	nl_card *card = NULL;
	if (nl_card_open(o->module, o->token, &card) != NL_OK) {
		fprintf(stderr, "Kart bulunamadı (%s).\n", o->module);
		return 3;
	}
	nl_buf pem = NL_BUF_INIT;
	int st = login(card, o, 0);
	if (st == 0) {
		if (nl_card_make_csr(card, NULL, o->cn ? o->cn : "nitelik-imza", &pem) != NL_OK) {
			fprintf(stderr, "Kartta imza anahtarı bulunamadı.\n");
			st = 3;
		} else {
			FILE *f = fopen(o->csr, "w");
			if (!f || fwrite(pem.data, 1, pem.len, f) != pem.len)
				st = 2;
			if (f && fclose(f) != 0)
				st = 2;
		}
	}
	nl_buf_free(&pem);
	nl_card_close(card);
	return st;
}

int nl_imza_cli_sign(const struct nl_imza_opts *o)
{
	char code[64], why[512], when[NL_DATETIME_FMT_MAX];
	struct nl_imza_task task = {0};
	nl_card *card = NULL;
	nl_buf cms = NL_BUF_INIT;
	int st = 2;
	if (!o->server) {
		fprintf(stderr, "--server URL gerekli (or NITELIK_IMZA_SERVER).\n");
		return 2;
	}
	if (!nl_imza_read_code(o->code, "Doğrulama Kodu: ", code, sizeof code))
		return 2;
	if (nl_imza_fetch(o->server, code, &task, why, sizeof why) != NL_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	/* The deadline in this computer's clock, from the server's own "now". */
	int64_t left = task.expires_at - task.server_now;
	int64_t deadline = (int64_t)time(NULL) + left;
	nl_time_format_tr_seconds(task.created_at, when);
	printf("İmzalanacak Metin:\n\n%s\n\nOluşturma Tarihi: %s\nKalan Süre: %lld saniye\n\n",
	       task.text, when, (long long)left);
	fflush(stdout);
	nl_err e = nl_card_open(o->module, o->token, &card);
	if (e != NL_OK) {
		fprintf(stderr, e == NL_ERR_CONFIG ? "PKCS#11 modülü yüklenemedi: %s\n"
		                                   : "Kart bulunamadı: kartınızın takılı olduğundan emin olunuz (%s).\n",
		        o->module);
		st = 3;
		goto out;
	}
	size_t idx = 0;
	if ((st = choose_cert(card, o, &idx)) != 0)
		goto out;
	if ((st = login(card, o, deadline)) != 0)
		goto out;
	if (time(NULL) >= deadline) {
		fprintf(stderr, "Doğrulama kodunun süresi doldu. Tarayıcınızda yeni bir kod alınız.\n");
		st = 1;
		goto out;
	}
	if (nl_card_sign_cms(card, idx, task.text, strlen(task.text), &cms) != NL_OK) {
		fprintf(stderr, "İmzalama başarısız: kart imzayı oluşturamadı.\n");
		st = 3;
		goto out;
	}
	nl_time_format_tr_seconds((int64_t)time(NULL), when);
	printf("İmzalama Tarihi: %s\n", when);
	if (nl_imza_send(o->server, code, cms.data, cms.len, why, sizeof why) == NL_OK) {
		printf("%s\n", why);
		st = 0;
	} else {
		fprintf(stderr, "%s\n", why);
		st = 1;
	}
out:
	nl_buf_free(&cms);
	nl_card_close(card);
	nl_imza_task_clear(&task);
	return st;
}
