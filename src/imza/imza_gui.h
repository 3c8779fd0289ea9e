/* The window of nitelik-imza (imza.h), shared between the screens
 * (imza_gui.c), what they show as work goes on (imza_gui_state.c) and the
 * work done off the main loop (imza_gui_work.c).
 *
 * Every network and card call runs on a GTask thread; the main loop only
 * draws. While a task runs, the screen's buttons are insensitive (one task at
 * a time, so the card handle is never used by two threads).
 *
 * NITELIK_IMZA_TRACE=FILE appends one line per screen shown and message
 * given ("page sign", "message …", "result ok …"): the window test
 * (tests/imza/test_window.py) reads it, as a person reads the screen. */
#ifndef NL_IMZA_GUI_H
#define NL_IMZA_GUI_H

#include <gtk/gtk.h>

#include "imza/imza.h"
#include "imza/imza_http.h"
#include "pki/esign.h"

struct gui {
	const struct nl_imza_opts *o;
	GMainLoop *loop;
	GtkWidget *win, *stack;
	int status;                       /* the exit status */
	bool busy;
	/* code */
	GtkWidget *code, *code_next, *code_msg;
	char code_digits[NL_IMZA_CODE_DIGITS + 1];
	/* sign */
	GtkWidget *text, *created, *signed_at, *left, *certs, *cert_info, *pin, *sign_btn, *sign_msg;
	GtkStringList *cert_names;
	struct nl_imza_task task;
	int64_t deadline;                 /* in this computer's clock */
	guint tick;
	nl_card *card;
	/* result */
	GtkWidget *result_title, *result_text, *result_again, *result_close;
	const char *again_page;
	/* unblock */
	GtkWidget *ub_code, *ub_puk, *ub_pin, *ub_pin2, *ub_btn, *ub_msg;
};

/* What the window shows (imza_gui_state.c). */
void nl_gui_trace(const char *what, const char *text);
void nl_gui_show(struct gui *g, const char *page);
void nl_gui_message(struct gui *g, GtkWidget *label, const char *text, bool error);
void nl_gui_result(struct gui *g, bool ok, const char *title, const char *text,
                   const char *again_page);
void nl_gui_set_busy(struct gui *g, bool busy);
/* Fills the sign screen from g->task and g->card (after the fetch). */
void nl_gui_sign_ready(struct gui *g, const char *card_problem);
/* The chosen certificate's holder, issuer and end date under the list. */
void nl_gui_cert_info(struct gui *g);

/* Work (imza_gui_work.c), each started on the main loop. */
void nl_gui_fetch(struct gui *g);
void nl_gui_sign(struct gui *g);
void nl_gui_unblock(struct gui *g);

#endif
