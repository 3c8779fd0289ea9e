/* nitelik-imza — the holder's signing application (E-İmza Uygulaması, SPEC §5.2;
 * docs/esign.md). Only main(): the program itself is in src/imza/ (imza.h).
 *
 *   nitelik-imza [--server URL] [--module PATH] [--token LABEL] [--lang tr|en]
 *                (on a desktop: the window "Nitelik e-İmza")
 *   nitelik-imza [--cli] --server URL [--module PATH] [--token LABEL] [--cert N]
 *                [--pin-file FILE] [CODE]
 *   nitelik-imza --module PATH [--token LABEL] [--pin-file FILE] --csr OUT [--cn NAME]
 *   nitelik-imza --unblock [--cli] --server URL [--module PATH] [--token LABEL] [CODE]
 *
 * The server may also come from NITELIK_IMZA_SERVER (a desktop launcher).
 * Exit status: 0 success, 1 refused by the server, 2 usage or I/O, 3 PIN or
 * card problem. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd_common.h"
#include "imza/imza.h"
#include "imza/imza_i18n.h"
#include "imza/imza_unblock.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: nitelik-imza [--server URL] [--module PATH] [--token LABEL] [--lang tr|en]\n"
	        "                    (the window, on a desktop)\n"
	        "       nitelik-imza [--cli] --server URL [--module PATH] [--token LABEL] [--cert N]\n"
	        "                    [--pin-file FILE] [CODE]\n"
	        "       nitelik-imza [--module PATH] [--token LABEL] [--pin-file FILE] --csr OUT [--cn NAME]\n"
	        "       nitelik-imza --unblock [--cli] --server URL [--module PATH] [--token LABEL] [CODE]\n"
	        "  --server URL    the CA's web site (its e-İmza pages gave the code;\n"
	        "                  also NITELIK_IMZA_SERVER)\n"
	        "  --module PATH   PKCS#11 module (default " NL_IMZA_DEFAULT_MODULE ")\n"
	        "  --token LABEL   the card's token label (default: the first card)\n"
	        "  --cert N        sign with the N-th certificate on the card (default: ask)\n"
	        "  --pin-file F    read the PIN from a file (tests only; also NITELIK_IMZA_PIN)\n"
	        "  --csr OUT       write a certificate request for the card's key to OUT\n"
	        "  --cn NAME       the request's common name (with --csr)\n"
	        "  --unblock       Kilit Çözme: unblock the card's PIN with the PUK\n"
	        "  --cli           the command line even on a desktop (no window)\n"
	        "  --lang tr|en    the language (the window also follows the locale)\n"
	        "  CODE            the 15-digit Doğrulama Kodu (asked when not given)\n"
	        "  --version       print the version and exit\n"
	        "  --help, -h      print this help and exit\n"
	        "Without CODE, --csr or --cli on a desktop: the window \"Nitelik e-İmza\".\n"
	        "Exit status: 0 success, 1 refused by the server, 2 usage or I/O, 3 PIN or card.\n");
}

int main(int argc, char **argv)
{
	struct nl_imza_opts o = {.module = NL_IMZA_DEFAULT_MODULE,
	                         .server = getenv("NITELIK_IMZA_SERVER")};
	static const struct option longopts[] = {
		{"server", required_argument, NULL, 's'}, {"module", required_argument, NULL, 'm'},
		{"token", required_argument, NULL, 't'},  {"cert", required_argument, NULL, 'c'},
		{"pin-file", required_argument, NULL, 'p'}, {"csr", required_argument, NULL, 'r'},
		{"cn", required_argument, NULL, 'n'},     {"help", no_argument, NULL, 'h'},
		{"unblock", no_argument, NULL, 'u'},      {"cli", no_argument, NULL, 'C'},
		{"lang", required_argument, NULL, 'l'},   {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o.server = optarg; break;
		case 'm': o.module = optarg; break;
		case 't': o.token = optarg; break;
		case 'c': o.cert = atoi(optarg); break;
		case 'p': o.pin_file = optarg; break;
		case 'r': o.csr = optarg; break;
		case 'n': o.cn = optarg; break;
		case 'u': o.unblock = true; break;
		case 'C': o.cli = true; break;
		case 'l': o.lang = optarg; break;
		case 'V': nl_cmd_print_version("nitelik-imza"); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		o.code = argv[optind];
	if (o.csr) {
		nl_imza_lang_init(o.lang, false);
		return nl_imza_cli_csr(&o);
	}
	if (nl_imza_wants_window(&o)) {
		int st = nl_imza_gui_run(&o);
		if (st >= 0)
			return st;   /* else no display: the command line */
	}
	nl_imza_lang_init(o.lang, false);   /* scripts read Turkish whatever the locale */
	if (o.unblock)
		return nl_imza_unblock(o.server, o.module, o.token, o.code);
	if (!o.server) {
		usage(stderr);
		return 2;
	}
	return nl_imza_cli_sign(&o);
}
