/* The window's work off the main loop (imza_gui.h): fetching the text and
 * opening the card, signing, unblocking. Each runs in a GTask thread with a
 * copy of what it needs, and hands back a small result that the main loop
 * turns into a screen. Secrets (PIN, PUK) are wiped when the task is freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/datetime.h"
#include "imza/imza_gui.h"
#include "imza/imza_i18n.h"
#include "imza/imza_unblock.h"

enum outcome { DONE, REFUSED, WRONG_PIN, BLOCKED, CARD, EXPIRED, INPUT };

struct job {
	struct gui *g;
	/* in */
	char code[64], pin[64], puk[128];
	size_t cert;
	int64_t deadline;
	nl_card *card;          /* the sign job's card, handed back */
	/* out */
	enum outcome outcome;
	struct nl_imza_task task;
	bool fetched;
	char msg[512], card_problem[256];
	int64_t signed_at;
};

static void job_free(gpointer p)
{
	struct job *j = p;
	memset(j->pin, 0, sizeof j->pin);
	memset(j->puk, 0, sizeof j->puk);
	nl_imza_task_clear(&j->task);
	g_free(j);
}

static struct job *job_new(struct gui *g)
{
	struct job *j = g_new0(struct job, 1);
	j->g = g;
	return j;
}

static void start(struct gui *g, struct job *j, GTaskThreadFunc fn, GAsyncReadyCallback done)
{
	nl_gui_set_busy(g, true);
	GTask *t = g_task_new(NULL, NULL, done, g);
	g_task_set_task_data(t, j, job_free);
	g_task_run_in_thread(t, fn);
	g_object_unref(t);
}

/* Opens the card; on failure card_problem says why. */
static nl_card *open_card(const struct nl_imza_opts *o, char *why, size_t cap)
{
	nl_card *card = NULL;
	nl_err e = nl_card_open(o->module, o->token, &card);
	if (e == NL_ERR_CONFIG)
		snprintf(why, cap, T("The PKCS#11 module could not be loaded: %s"), o->module);
	else if (e)
		snprintf(why, cap, "%s", T("No card found: make sure your card is inserted."));
	return e ? NULL : card;
}

/* ---- fetch ---- */

static void fetch_thread(GTask *t, gpointer src, gpointer data, GCancellable *c)
{
	struct job *j = data;
	const struct nl_imza_opts *o = j->g->o;
	if (nl_imza_fetch(o->server, j->code, &j->task, j->msg, sizeof j->msg) != NL_OK)
		return;
	j->fetched = true;
	j->card = open_card(o, j->card_problem, sizeof j->card_problem);
}

static void fetch_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct gui *g = data;
	struct job *j = g_task_get_task_data(G_TASK(res));
	nl_gui_set_busy(g, false);
	if (!j->fetched) {
		nl_gui_message(g, g->code_msg, j->msg, true);
		gtk_widget_grab_focus(g->code);
		return;
	}
	nl_imza_task_clear(&g->task);
	g->task = j->task;
	memset(&j->task, 0, sizeof j->task);
	g->card = j->card;
	nl_gui_sign_ready(g, j->card ? NULL : j->card_problem);
}

void nl_gui_fetch(struct gui *g)
{
	/* The card is opened afresh with the new text (it may have been changed). */
	nl_card_close(g->card);
	g->card = NULL;
	struct job *j = job_new(g);
	snprintf(j->code, sizeof j->code, "%s", g->code_digits);
	start(g, j, fetch_thread, fetch_done);
}

/* ---- sign ---- */

static void pin_words(unsigned flags, char *msg, size_t cap)
{
	if (flags & NL_PIN_FINAL_TRY)
		snprintf(msg, cap, "%s", T("Wrong PIN. You have one try left: one more wrong PIN blocks "
		                           "the card."));
	else if (flags & NL_PIN_COUNT_LOW)
		snprintf(msg, cap, "%s", T("Wrong PIN. You have few tries left."));
	else
		snprintf(msg, cap, "%s", T("Wrong PIN."));
}

static void sign_thread(GTask *t, gpointer src, gpointer data, GCancellable *c)
{
	struct job *j = data;
	const struct nl_imza_opts *o = j->g->o;
	nl_buf cms = NL_BUF_INIT;
	j->outcome = CARD;
	if (!j->card && !(j->card = open_card(o, j->msg, sizeof j->msg)))
		return;
	if (j->cert >= nl_card_cert_count(j->card)) {
		snprintf(j->msg, sizeof j->msg, "%s", T("No certificate was found on the card."));
		return;
	}
	if (!nl_card_cert_at(j->card, j->cert)->qualified) {
		j->outcome = INPUT;
		snprintf(j->msg, sizeof j->msg, "%s", T("This certificate is not a qualified electronic "
		                                        "certificate: choose your qualified certificate."));
		return;
	}
	if (nl_card_pin_flags(j->card) & NL_PIN_LOCKED) {
		j->outcome = BLOCKED;
		goto out;
	}
	nl_err e = nl_card_login(j->card, j->pin);
	memset(j->pin, 0, sizeof j->pin);
	if (e == NL_ERR_LOCKED) {
		j->outcome = BLOCKED;
		goto out;
	}
	if (e == NL_ERR_UNAUTHORIZED) {
		unsigned f = nl_card_pin_flags(j->card);
		j->outcome = f & NL_PIN_LOCKED ? BLOCKED : WRONG_PIN;
		pin_words(f, j->msg, sizeof j->msg);
		goto out;
	}
	if (e) {
		snprintf(j->msg, sizeof j->msg, "%s", T("The card did not answer: make sure it is "
		                                        "inserted and try again."));
		goto out;
	}
	if ((int64_t)time(NULL) >= j->deadline) {
		j->outcome = EXPIRED;
		goto out;
	}
	if (nl_card_sign_cms(j->card, j->cert, j->task.text, strlen(j->task.text), &cms) != NL_OK) {
		snprintf(j->msg, sizeof j->msg, "%s", T("Signing failed: the card could not make the "
		                                        "signature. Make sure your card is inserted. "
		                                        "Nothing was signed."));
		goto out;
	}
	j->signed_at = (int64_t)time(NULL);
	if (nl_imza_send(o->server, j->code, cms.data, cms.len, j->msg, sizeof j->msg) == NL_OK)
		j->outcome = DONE;
	else
		j->outcome = REFUSED;
out:
	if (j->outcome == BLOCKED)
		snprintf(j->msg, sizeof j->msg, "%s", T("Your card is blocked: the PIN is locked. You can "
		                                        "open it with Kilit Çözme (Online İşlemler) and "
		                                        "the card's PUK."));
	if (j->outcome == EXPIRED)
		snprintf(j->msg, sizeof j->msg, "%s", T("The verification code has expired. Get a new code "
		                                        "in your browser."));
	nl_buf_free(&cms);
}

static void sign_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct gui *g = data;
	struct job *j = g_task_get_task_data(G_TASK(res));
	g->card = j->card;   /* opened again if it was missing */
	j->card = NULL;
	nl_gui_set_busy(g, false);
	gtk_editable_set_text(GTK_EDITABLE(g->pin), "");
	if (j->signed_at) {
		char when[NL_DATETIME_FMT_MAX], line[128];
		nl_time_format_tr_seconds(j->signed_at, when);
		snprintf(line, sizeof line, "%s: %s", T("Signed"), when);
		gtk_label_set_text(GTK_LABEL(g->signed_at), line);
	}
	switch (j->outcome) {
	case DONE:
		if (g->tick)
			g_source_remove(g->tick);
		g->tick = 0;
		nl_gui_result(g, true, T("Operation Successful"), T("Go back to the page in your browser: "
		              "it shows İşlem Başarılı and goes on."), NULL);
		break;
	case WRONG_PIN:
	case INPUT:
	case CARD:
		nl_gui_message(g, g->sign_msg, j->msg, true);
		gtk_widget_grab_focus(g->pin);
		break;
	case BLOCKED:
		nl_gui_result(g, false, T("Card blocked"), j->msg, "unblock");
		break;
	default:
		nl_gui_result(g, false, T("The signature was not accepted"), j->msg, "code");
	}
}

void nl_gui_sign(struct gui *g)
{
	guint sel = gtk_drop_down_get_selected(GTK_DROP_DOWN(g->certs));
	const char *pin = gtk_editable_get_text(GTK_EDITABLE(g->pin));
	if (sel == GTK_INVALID_LIST_POSITION && g->card && nl_card_cert_count(g->card)) {
		nl_gui_message(g, g->sign_msg, T("Choose a certificate."), true);
		return;
	}
	if (!*pin) {
		nl_gui_message(g, g->sign_msg, T("Enter your PIN."), true);
		gtk_widget_grab_focus(g->pin);
		return;
	}
	struct job *j = job_new(g);
	snprintf(j->code, sizeof j->code, "%s", g->code_digits);
	snprintf(j->pin, sizeof j->pin, "%s", pin);
	j->cert = sel == GTK_INVALID_LIST_POSITION ? 0 : sel;
	j->deadline = g->deadline;
	j->task.text = strdup(g->task.text ? g->task.text : "");
	j->card = g->card;   /* the job owns it until sign_done */
	g->card = NULL;
	gtk_editable_set_text(GTK_EDITABLE(g->pin), "");
	nl_gui_message(g, g->sign_msg, T("Signing…"), false);
	start(g, j, sign_thread, sign_done);
}

/* ---- unblock ---- */

static void unblock_thread(GTask *t, gpointer src, gpointer data, GCancellable *c)
{
	struct job *j = data;
	const struct nl_imza_opts *o = j->g->o;
	struct nl_unblock_target tg = {0};
	nl_unblock_card *card = NULL;
	int st = nl_unblock_open(o->module, o->token, &card, j->msg, sizeof j->msg);
	j->outcome = CARD;
	if (st)
		goto out;
	if (nl_unblock_puk(card, j->puk, j->msg, sizeof j->msg) != 0) {
		j->outcome = WRONG_PIN;
		goto out;
	}
	j->outcome = REFUSED;
	if (nl_unblock_check(o->server, j->code, &tg, j->msg, sizeof j->msg) != 0 ||
	    nl_unblock_match(card, &tg, j->msg, sizeof j->msg) != 0)
		goto out;
	j->outcome = CARD;
	if (nl_unblock_set_pin(card, j->pin, j->msg, sizeof j->msg) != 0)
		goto out;
	j->outcome = DONE;
	char spent[256];   /* the card is open; the code is spent only now */
	if (nl_unblock_spend(o->server, j->code, spent, sizeof spent) != 0)
		fprintf(stderr, "nitelik-imza: the code could not be marked used: %s\n", spent);
out:
	nl_unblock_target_clear(&tg);
	nl_unblock_close(card);
}

static void unblock_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct gui *g = data;
	struct job *j = g_task_get_task_data(G_TASK(res));
	nl_gui_set_busy(g, false);
	gtk_editable_set_text(GTK_EDITABLE(g->ub_puk), "");
	gtk_editable_set_text(GTK_EDITABLE(g->ub_pin), "");
	gtk_editable_set_text(GTK_EDITABLE(g->ub_pin2), "");
	if (j->outcome == DONE)
		nl_gui_result(g, true, T("Card unblocked"), j->msg, NULL);
	else if (j->outcome == WRONG_PIN) {
		nl_gui_message(g, g->ub_msg, j->msg, true);
		gtk_widget_grab_focus(g->ub_puk);
	} else
		nl_gui_result(g, false, T("The card could not be unblocked"), j->msg, "unblock");
}

void nl_gui_unblock(struct gui *g)
{
	char code[64];
	const char *pin = gtk_editable_get_text(GTK_EDITABLE(g->ub_pin));
	snprintf(code, sizeof code, "%s", gtk_editable_get_text(GTK_EDITABLE(g->ub_code)));
	nl_imza_code_clean(code);
	const char *bad = NULL;
	GtkWidget *at = NULL;
	if (!g->o->server)
		bad = T("No server address was given (--server or NITELIK_IMZA_SERVER).");
	else if (!nl_unblock_code_ok(code))
		bad = T("The unblock code is 12 digits."), at = g->ub_code;
	else if (!*gtk_editable_get_text(GTK_EDITABLE(g->ub_puk)))
		bad = T("Enter the card's PUK."), at = g->ub_puk;
	else if (!nl_unblock_pin_ok(pin))
		bad = T("The PIN must be 4 to 16 digits."), at = g->ub_pin;
	else if (strcmp(pin, gtk_editable_get_text(GTK_EDITABLE(g->ub_pin2))))
		bad = T("The PINs are not the same."), at = g->ub_pin2;
	if (bad) {
		nl_gui_message(g, g->ub_msg, bad, true);
		if (at)
			gtk_widget_grab_focus(at);
		return;
	}
	/* The signing screen's card session would stand in the way of the PUK
	 * login; it is opened again when needed. */
	nl_card_close(g->card);
	g->card = NULL;
	struct job *j = job_new(g);
	snprintf(j->code, sizeof j->code, "%s", code);
	snprintf(j->puk, sizeof j->puk, "%s", gtk_editable_get_text(GTK_EDITABLE(g->ub_puk)));
	snprintf(j->pin, sizeof j->pin, "%s", pin);
	nl_gui_message(g, g->ub_msg, T("Unblocking…"), false);
	start(g, j, unblock_thread, unblock_done);
}
