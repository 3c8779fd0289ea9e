/* The screens of the window "Nitelik e-İmza" (imza_gui.h), after the seeds'
 * E-İmza Uygulaması: Doğrulama Kodu (paste, the arrow to go on); Sözleşme
 * (İmzalanacak Metin, Oluşturma and İmzalama Tarihi) beside Sertifika Seçimi
 * (Sertifika Seçiniz, PIN Kodu with show/hide and a keypad, İMZALA, Kalan
 * Süre); the result with Uygulamayı Kapat; Kilit Çözme.
 *
 * Keyboard only: Tab walks every control, each screen has a default button
 * (Enter), mnemonics (Alt+letter) reach the fields. At GDK_SCALE=2 the
 * window still fits: its content scrolls. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datetime.h"
#include "imza/imza_gui.h"
#include "imza/imza_i18n.h"

/* ---- small builders ---- */

static GtkWidget *label(const char *text, const char *css)
{
	GtkWidget *l = gtk_label_new(text);
	gtk_label_set_wrap(GTK_LABEL(l), true);
	gtk_label_set_xalign(GTK_LABEL(l), 0);
	if (css)
		gtk_widget_add_css_class(l, css);
	return l;
}

/* A label that names (and focuses by Alt+letter) its field. */
static GtkWidget *field_label(const char *mnemonic, GtkWidget *field)
{
	GtkWidget *l = gtk_label_new_with_mnemonic(mnemonic);
	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), field);
	gtk_widget_add_css_class(l, "heading");
	return l;
}

static GtkWidget *vbox(int spacing)
{
	GtkWidget *b = gtk_box_new(GTK_ORIENTATION_VERTICAL, spacing);
	return b;
}

static GtkWidget *frame(const char *title, GtkWidget *child)
{
	GtkWidget *f = gtk_frame_new(title);
	gtk_widget_set_margin_start(child, 12);
	gtk_widget_set_margin_end(child, 12);
	gtk_widget_set_margin_top(child, 8);
	gtk_widget_set_margin_bottom(child, 12);
	gtk_frame_set_child(GTK_FRAME(f), child);
	return f;
}

/* ---- the code screen ---- */

static void on_paste_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct gui *g = data;
	char *text = gdk_clipboard_read_text_finish(GDK_CLIPBOARD(src), res, NULL);
	if (text) {
		nl_imza_code_clean(text);
		gtk_editable_set_text(GTK_EDITABLE(g->code), text);
		gtk_editable_set_position(GTK_EDITABLE(g->code), -1);
		g_free(text);
	}
	gtk_widget_grab_focus(g->code);
}

static void on_paste(GtkButton *b, gpointer data)
{
	struct gui *g = data;
	GdkClipboard *cb = gtk_widget_get_clipboard(g->win);
	gdk_clipboard_read_text_async(cb, NULL, on_paste_done, g);
}

static void on_code_next(GtkWidget *w, gpointer data)
{
	struct gui *g = data;
	char code[128];
	if (g->busy)
		return;
	snprintf(code, sizeof code, "%s", gtk_editable_get_text(GTK_EDITABLE(g->code)));
	nl_imza_code_clean(code);
	if (!nl_imza_code_ok(code)) {
		nl_gui_message(g, g->code_msg, T("The verification code is 15 digits. Copy it from the page "
		                                "in your browser."), true);
		gtk_widget_grab_focus(g->code);
		return;
	}
	if (!g->o->server) {
		nl_gui_message(g, g->code_msg, T("No server address was given (--server or "
		                                "NITELIK_IMZA_SERVER)."), true);
		return;
	}
	memcpy(g->code_digits, code, NL_IMZA_CODE_DIGITS + 1);   /* checked: 15 digits */
	nl_gui_message(g, g->code_msg, T("Fetching the text to sign…"), false);
	nl_gui_fetch(g);
}

static void on_to_unblock(GtkButton *b, gpointer data)
{
	nl_gui_show(data, "unblock");
}

static GtkWidget *code_page(struct gui *g)
{
	GtkWidget *box = vbox(12);
	gtk_box_append(GTK_BOX(box), label(T("Enter the verification code shown in your browser in "
	                                     "this box and press Next."), NULL));
	g->code = gtk_entry_new();
	gtk_entry_set_max_length(GTK_ENTRY(g->code), 64);
	gtk_entry_set_input_purpose(GTK_ENTRY(g->code), GTK_INPUT_PURPOSE_DIGITS);
	gtk_entry_set_placeholder_text(GTK_ENTRY(g->code), "000000000000000");
	gtk_entry_set_activates_default(GTK_ENTRY(g->code), true);
	gtk_widget_set_hexpand(g->code, true);
	gtk_box_append(GTK_BOX(box), field_label(T("_Verification Code"), g->code));
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	gtk_box_append(GTK_BOX(row), g->code);
	GtkWidget *paste = gtk_button_new_with_mnemonic(T("_Paste"));
	gtk_widget_set_tooltip_text(paste, T("Paste the code you copied in the browser"));
	g_signal_connect(paste, "clicked", G_CALLBACK(on_paste), g);
	gtk_box_append(GTK_BOX(row), paste);
	g->code_next = gtk_button_new_with_mnemonic(T("_Next →"));
	gtk_widget_add_css_class(g->code_next, "suggested-action");
	g_signal_connect(g->code_next, "clicked", G_CALLBACK(on_code_next), g);
	gtk_box_append(GTK_BOX(row), g->code_next);
	gtk_box_append(GTK_BOX(box), row);
	g->code_msg = label("", NULL);
	gtk_box_append(GTK_BOX(box), g->code_msg);
	GtkWidget *ub = gtk_button_new_with_mnemonic(T("_Unblock card (Kilit Çözme)…"));
	gtk_widget_set_halign(ub, GTK_ALIGN_START);
	g_signal_connect(ub, "clicked", G_CALLBACK(on_to_unblock), g);
	gtk_box_append(GTK_BOX(box), ub);
	return frame(T("Verification Code"), box);
}

/* ---- the sign screen ---- */

static void on_cert_chosen(GObject *o, GParamSpec *ps, gpointer data)
{
	nl_gui_cert_info(data);
}

static void on_key(GtkButton *b, gpointer data)
{
	struct gui *g = data;
	const char *k = g_object_get_data(G_OBJECT(b), "key");
	GtkEditable *e = GTK_EDITABLE(g->pin);
	char pin[64];
	snprintf(pin, sizeof pin, "%s", gtk_editable_get_text(e));
	size_t n = strlen(pin);
	if (!strcmp(k, "back")) {
		if (n)
			pin[n - 1] = '\0';
	} else if (n + 1 < sizeof pin) {
		pin[n] = k[0];
		pin[n + 1] = '\0';
	}
	gtk_editable_set_text(e, pin);
	memset(pin, 0, sizeof pin);
}

static GtkWidget *keypad(struct gui *g)
{
	static const char *keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "back"};
	GtkWidget *grid = gtk_grid_new();
	gtk_grid_set_row_spacing(GTK_GRID(grid), 4);
	gtk_grid_set_column_spacing(GTK_GRID(grid), 4);
	for (int i = 0; i < 11; i++) {
		bool back = !strcmp(keys[i], "back");
		GtkWidget *b = gtk_button_new_with_label(back ? "⌫" : keys[i]);
		if (back)
			gtk_widget_set_tooltip_text(b, T("Delete the last digit"));
		gtk_accessible_update_property(GTK_ACCESSIBLE(b), GTK_ACCESSIBLE_PROPERTY_LABEL,
		                               back ? T("Delete the last digit") : keys[i], -1);
		g_object_set_data(G_OBJECT(b), "key", (gpointer)(uintptr_t)keys[i]);
		g_signal_connect(b, "clicked", G_CALLBACK(on_key), g);
		gtk_grid_attach(GTK_GRID(grid), b, i == 9 ? 1 : i == 10 ? 2 : i % 3, i / 3, 1, 1);
	}
	return grid;
}

static void on_sign(GtkWidget *w, gpointer data)
{
	struct gui *g = data;
	if (!g->busy && gtk_widget_get_sensitive(g->sign_btn))
		nl_gui_sign(g);
}

static GtkWidget *sign_page(struct gui *g)
{
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	gtk_box_set_homogeneous(GTK_BOX(row), true);
	/* Sözleşme */
	GtkWidget *left = vbox(8);
	gtk_box_append(GTK_BOX(left), label(T("Text to sign:"), "heading"));
	g->text = gtk_text_view_new();
	gtk_text_view_set_editable(GTK_TEXT_VIEW(g->text), false);
	gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(g->text), GTK_WRAP_WORD_CHAR);
	gtk_accessible_update_property(GTK_ACCESSIBLE(g->text), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                               T("Text to sign:"), -1);
	GtkWidget *sc = gtk_scrolled_window_new();
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sc), g->text);
	gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(sc), 180);
	gtk_widget_set_vexpand(sc, true);
	gtk_box_append(GTK_BOX(left), sc);
	g->created = label("", NULL);
	g->signed_at = label("", NULL);
	gtk_box_append(GTK_BOX(left), g->created);
	gtk_box_append(GTK_BOX(left), g->signed_at);
	GtkWidget *fl = frame(T("Agreement"), left);
	gtk_widget_set_hexpand(fl, true);
	gtk_box_append(GTK_BOX(row), fl);
	/* Sertifika Seçimi */
	GtkWidget *right = vbox(8);
	g->cert_names = gtk_string_list_new(NULL);
	g->certs = gtk_drop_down_new(G_LIST_MODEL(g->cert_names), NULL);
	gtk_box_append(GTK_BOX(right), field_label(T("_Choose a Certificate"), g->certs));
	gtk_box_append(GTK_BOX(right), g->certs);
	g_signal_connect(g->certs, "notify::selected", G_CALLBACK(on_cert_chosen), g);
	g->cert_info = label("", NULL);
	gtk_box_append(GTK_BOX(right), g->cert_info);
	g->pin = gtk_password_entry_new();
	gtk_password_entry_set_show_peek_icon(GTK_PASSWORD_ENTRY(g->pin), true);
	g_object_set(g->pin, "activates-default", TRUE, NULL);
	gtk_box_append(GTK_BOX(right), field_label(T("_PIN Code"), g->pin));
	gtk_box_append(GTK_BOX(right), g->pin);
	gtk_box_append(GTK_BOX(right), keypad(g));
	g->sign_btn = gtk_button_new_with_mnemonic(T("_SIGN"));
	gtk_widget_add_css_class(g->sign_btn, "suggested-action");
	gtk_widget_add_css_class(g->sign_btn, "sign");
	g_signal_connect(g->sign_btn, "clicked", G_CALLBACK(on_sign), g);
	gtk_box_append(GTK_BOX(right), g->sign_btn);
	g->left = label("", "heading");
	gtk_box_append(GTK_BOX(right), g->left);
	g->sign_msg = label("", NULL);
	gtk_label_set_max_width_chars(GTK_LABEL(g->sign_msg), 40);
	gtk_box_append(GTK_BOX(right), g->sign_msg);
	gtk_box_append(GTK_BOX(row), frame(T("Certificate Selection"), right));
	return row;
}

/* ---- the result screen ---- */

static void on_close(GtkButton *b, gpointer data)
{
	struct gui *g = data;
	g_main_loop_quit(g->loop);
}

static void on_again(GtkButton *b, gpointer data)
{
	struct gui *g = data;
	nl_gui_show(g, g->again_page ? g->again_page : "code");
}

static GtkWidget *result_page(struct gui *g)
{
	GtkWidget *box = vbox(16);
	g->result_title = label("", "title-1");
	g->result_text = label("", NULL);
	gtk_box_append(GTK_BOX(box), g->result_title);
	gtk_box_append(GTK_BOX(box), g->result_text);
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	g->result_again = gtk_button_new_with_mnemonic(T("_Try Again"));
	g_signal_connect(g->result_again, "clicked", G_CALLBACK(on_again), g);
	gtk_box_append(GTK_BOX(row), g->result_again);
	g->result_close = gtk_button_new_with_mnemonic(T("_Close the Application"));
	g_signal_connect(g->result_close, "clicked", G_CALLBACK(on_close), g);
	gtk_box_append(GTK_BOX(row), g->result_close);
	gtk_box_append(GTK_BOX(box), row);
	return frame(T("Result"), box);
}

/* ---- the unblock screen ---- */

static void on_unblock(GtkWidget *w, gpointer data)
{
	struct gui *g = data;
	if (!g->busy)
		nl_gui_unblock(g);
}

static GtkWidget *secret_field(GtkWidget *box, const char *mnemonic, GtkWidget **out)
{
	*out = gtk_password_entry_new();
	gtk_password_entry_set_show_peek_icon(GTK_PASSWORD_ENTRY(*out), true);
	g_object_set(*out, "activates-default", TRUE, NULL);
	gtk_box_append(GTK_BOX(box), field_label(mnemonic, *out));
	gtk_box_append(GTK_BOX(box), *out);
	return *out;
}

static GtkWidget *unblock_page(struct gui *g)
{
	GtkWidget *box = vbox(8);
	gtk_box_append(GTK_BOX(box), label(T("Get a one-time unblock code in Online İşlemler → Kilit "
	                                     "Çözme, insert the blocked card, and enter the code, the "
	                                     "card's PUK and a new PIN twice. The PUK and the PIN never "
	                                     "leave this computer."), NULL));
	g->ub_code = gtk_entry_new();
	gtk_entry_set_activates_default(GTK_ENTRY(g->ub_code), true);
	gtk_entry_set_input_purpose(GTK_ENTRY(g->ub_code), GTK_INPUT_PURPOSE_DIGITS);
	gtk_box_append(GTK_BOX(box), field_label(T("_Unblock Code (12 digits)"), g->ub_code));
	gtk_box_append(GTK_BOX(box), g->ub_code);
	secret_field(box, T("P_UK Code"), &g->ub_puk);
	secret_field(box, T("_New PIN"), &g->ub_pin);
	secret_field(box, T("New PIN (_again)"), &g->ub_pin2);
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	g->ub_btn = gtk_button_new_with_mnemonic(T("_Unblock"));
	gtk_widget_add_css_class(g->ub_btn, "suggested-action");
	g_signal_connect(g->ub_btn, "clicked", G_CALLBACK(on_unblock), g);
	gtk_box_append(GTK_BOX(row), g->ub_btn);
	GtkWidget *back = gtk_button_new_with_mnemonic(T("_Back"));
	g_signal_connect_swapped(back, "clicked", G_CALLBACK(on_again), g);
	gtk_box_append(GTK_BOX(row), back);
	gtk_box_append(GTK_BOX(box), row);
	g->ub_msg = label("", NULL);
	gtk_box_append(GTK_BOX(box), g->ub_msg);
	return frame(T("Unblock Card (Kilit Çözme)"), box);
}

/* ---- the window ---- */

static const char css[] =
	"label.error { color: #b00020; font-weight: bold; }\n"
	"label.banner { font-size: 140%; font-weight: bold; }\n"
	"button.sign { font-size: 130%; font-weight: bold; padding: 8px 24px; }\n";

static gboolean on_close_request(GtkWindow *w, gpointer data)
{
	struct gui *g = data;
	g_main_loop_quit(g->loop);
	return FALSE;
}

bool nl_imza_wants_window(const struct nl_imza_opts *o)
{
	return !o->cli && !o->code && !o->csr && !o->pin_file && !getenv("NITELIK_IMZA_PIN");
}

int nl_imza_gui_run(const struct nl_imza_opts *o)
{
	if ((!getenv("DISPLAY") || !*getenv("DISPLAY")) &&
	    (!getenv("WAYLAND_DISPLAY") || !*getenv("WAYLAND_DISPLAY")))
		return -1;
	if (!gtk_init_check())
		return -1;
	nl_imza_lang_init(o->lang, true);
	struct gui *g = g_new0(struct gui, 1);
	g->o = o;
	g->status = 2;
	g->loop = g_main_loop_new(NULL, FALSE);
	GtkCssProvider *p = gtk_css_provider_new();
	gtk_css_provider_load_from_data(p, css, -1);
	gtk_style_context_add_provider_for_display(gdk_display_get_default(), GTK_STYLE_PROVIDER(p),
	                                           GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
	g->win = gtk_window_new();
	gtk_window_set_title(GTK_WINDOW(g->win), "Nitelik e-İmza");
	gtk_window_set_default_size(GTK_WINDOW(g->win), 880, 600);
	g_signal_connect(g->win, "close-request", G_CALLBACK(on_close_request), g);
	GtkWidget *outer = vbox(12);
	gtk_widget_set_margin_start(outer, 16);
	gtk_widget_set_margin_end(outer, 16);
	gtk_widget_set_margin_top(outer, 12);
	gtk_widget_set_margin_bottom(outer, 16);
	gtk_box_append(GTK_BOX(outer), label(T("Nitelik e-SIGNATURE APPLICATION"), "banner"));
	g->stack = gtk_stack_new();
	gtk_stack_add_named(GTK_STACK(g->stack), code_page(g), "code");
	gtk_stack_add_named(GTK_STACK(g->stack), sign_page(g), "sign");
	gtk_stack_add_named(GTK_STACK(g->stack), result_page(g), "result");
	gtk_stack_add_named(GTK_STACK(g->stack), unblock_page(g), "unblock");
	gtk_box_append(GTK_BOX(outer), g->stack);
	GtkWidget *sc = gtk_scrolled_window_new();
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sc), outer);
	gtk_window_set_child(GTK_WINDOW(g->win), sc);
	gtk_window_present(GTK_WINDOW(g->win));
	nl_gui_show(g, o->unblock ? "unblock" : "code");
	g_main_loop_run(g->loop);
	int st = g->status;
	/* A task still running holds g: leave it to the process's end. */
	if (!g->busy) {
		if (g->tick)
			g_source_remove(g->tick);
		nl_card_close(g->card);
		nl_imza_task_clear(&g->task);
		gtk_window_destroy(GTK_WINDOW(g->win));
		g_main_loop_unref(g->loop);
		g_free(g);
	}
	g_object_unref(p);
	return st;
}
