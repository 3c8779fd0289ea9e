/* What the window shows as work goes on (imza_gui.h): the trace, the
 * screen switch, messages, the busy state, the result screen, and the sign
 * screen filled once the text and the card are read. Both the screens
 * (imza_gui.c) and the work (imza_gui_work.c) call these; this file calls
 * neither, so the two never call each other. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datetime.h"
#include "imza/imza_gui.h"
#include "imza/imza_i18n.h"

void nl_gui_trace(const char *what, const char *text)
{
	const char *path = getenv("NITELIK_IMZA_TRACE");
	FILE *f = path ? fopen(path, "a") : NULL;
	if (!f)
		return;
	fprintf(f, "%s %s\n", what, text ? text : "");
	fclose(f);
}

void nl_gui_show(struct gui *g, const char *page)
{
	gtk_stack_set_visible_child_name(GTK_STACK(g->stack), page);
	GtkWidget *focus = NULL, *def = NULL;
	if (!strcmp(page, "code"))
		focus = g->code, def = g->code_next;
	else if (!strcmp(page, "sign"))
		focus = g->pin, def = g->sign_btn;
	else if (!strcmp(page, "unblock"))
		focus = g->ub_code, def = g->ub_btn;
	else if (!strcmp(page, "result"))
		focus = def = gtk_widget_get_visible(g->result_again) ? g->result_again : g->result_close;
	gtk_window_set_default_widget(GTK_WINDOW(g->win), def);
	if (focus)
		gtk_widget_grab_focus(focus);
	nl_gui_trace("page", page);
}

void nl_gui_message(struct gui *g, GtkWidget *label, const char *text, bool error)
{
	gtk_label_set_text(GTK_LABEL(label), text);
	if (error)
		gtk_widget_add_css_class(label, "error");
	else
		gtk_widget_remove_css_class(label, "error");
	nl_gui_trace("message", text);
}

void nl_gui_set_busy(struct gui *g, bool busy)
{
	g->busy = busy;
	gtk_widget_set_sensitive(g->code_next, !busy);
	gtk_widget_set_sensitive(g->sign_btn, !busy && g->deadline > time(NULL));
	gtk_widget_set_sensitive(g->ub_btn, !busy);
}

void nl_gui_result(struct gui *g, bool ok, const char *title, const char *text,
                   const char *again_page)
{
	gtk_label_set_text(GTK_LABEL(g->result_title), title);
	gtk_label_set_text(GTK_LABEL(g->result_text), text ? text : "");
	if (ok)
		gtk_widget_remove_css_class(g->result_title, "error");
	else
		gtk_widget_add_css_class(g->result_title, "error");
	g->again_page = again_page;
	gtk_widget_set_visible(g->result_again, again_page != NULL);
	g->status = ok ? 0 : 1;
	char line[1024];
	snprintf(line, sizeof line, "%s %s %s", ok ? "ok" : "fail", title, text ? text : "");
	nl_gui_trace("result", line);
	nl_gui_show(g, "result");
}

static gboolean on_tick(gpointer data)
{
	struct gui *g = data;
	char s[96];
	int64_t left = g->deadline - (int64_t)time(NULL);
	if (left < 0)
		left = 0;
	snprintf(s, sizeof s, T("Time left: %lld s"), (long long)left);
	gtk_label_set_text(GTK_LABEL(g->left), s);
	if (left == 0) {
		g->tick = 0;
		gtk_widget_set_sensitive(g->sign_btn, false);
		if (!g->busy)
			nl_gui_message(g, g->sign_msg, T("The verification code has expired. Get a new code in "
			                                 "your browser."), true);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* The chosen certificate's holder, issuer and end date under the list. */
void nl_gui_cert_info(struct gui *g)
{
	guint sel = gtk_drop_down_get_selected(GTK_DROP_DOWN(g->certs));
	char info[512] = "", until[NL_DATETIME_FMT_MAX];
	if (g->card && sel != GTK_INVALID_LIST_POSITION && sel < nl_card_cert_count(g->card)) {
		const struct nl_card_cert *c = nl_card_cert_at(g->card, sel);
		nl_date_format_tr(c->not_after, until);
		snprintf(info, sizeof info, "%s: %s\n%s: %s\n%s: %s%s", T("Holder"), c->common_name,
		         T("Issuer"), c->issuer_cn, T("Valid until"), until,
		         c->qualified ? "" : T(" (NOT QUALIFIED)"));
	}
	gtk_label_set_text(GTK_LABEL(g->cert_info), info);
}

void nl_gui_sign_ready(struct gui *g, const char *card_problem)
{
	char when[NL_DATETIME_FMT_MAX], line[128];
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(g->text)), g->task.text, -1);
	nl_time_format_tr_seconds(g->task.created_at, when);
	snprintf(line, sizeof line, "%s: %s", T("Created"), when);
	gtk_label_set_text(GTK_LABEL(g->created), line);
	snprintf(line, sizeof line, "%s: —", T("Signed"));
	gtk_label_set_text(GTK_LABEL(g->signed_at), line);
	/* The deadline in this computer's clock, from the server's own "now". */
	g->deadline = (int64_t)time(NULL) + (g->task.expires_at - g->task.server_now);
	guint n = g_list_model_get_n_items(G_LIST_MODEL(g->cert_names));
	gtk_string_list_splice(g->cert_names, 0, n, NULL);
	size_t certs = g->card ? nl_card_cert_count(g->card) : 0;
	for (size_t i = 0; i < certs; i++) {
		const struct nl_card_cert *c = nl_card_cert_at(g->card, i);
		char until[NL_DATETIME_FMT_MAX], item[512];
		nl_date_format_tr(c->not_after, until);
		snprintf(item, sizeof item, "%zu) %s — %s%s", i + 1, c->common_name, until,
		         c->qualified ? "" : T(" (NOT QUALIFIED)"));
		gtk_string_list_append(g->cert_names, item);
	}
	if (!certs)   /* not GTK's own "(None)": say it in the window's language */
		gtk_string_list_append(g->cert_names, T("No certificate on a card"));
	gtk_drop_down_set_selected(GTK_DROP_DOWN(g->certs), 0);
	nl_gui_cert_info(g);
	gtk_editable_set_text(GTK_EDITABLE(g->pin), "");
	if (card_problem)
		nl_gui_message(g, g->sign_msg, card_problem, true);
	else if (!certs)
		nl_gui_message(g, g->sign_msg, T("No certificate was found on the card."), true);
	else
		nl_gui_message(g, g->sign_msg, T("Choose the certificate on your card, enter your PIN and "
		                                 "press SIGN."), false);
	if (g->tick)
		g_source_remove(g->tick);
	g->tick = g_timeout_add_seconds(1, on_tick, g);
	on_tick(g);
	nl_gui_set_busy(g, false);   /* İMZALA follows the new deadline */
	nl_gui_show(g, "sign");
}
