/* The baseline of bench/http.sh: the smallest libmicrohttpd server that answers
 * every request with a short text, set up like nitelikd (internal epoll threads,
 * a pool of one thread per core) and, like nitelikd, queuing its response on the
 * second call of the access handler so keep-alive works.
 * usage: hello PORT (0 = any free port; the port is printed on stdout) */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state)
{
	static int first_call_marker;
	(void)cls; (void)url; (void)method; (void)version; (void)upload;
	if (!*state) {
		*state = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	static const char body[] = "Hello, world!\n";
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
	                                                         MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	enum MHD_Result ok = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, (uint16_t)port, NULL,
		NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)(cores > 0 ? cores : 1), MHD_OPTION_CONNECTION_LIMIT, 1024u,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "hello: cannot listen\n");
		return 1;
	}
	printf("%u\n", (unsigned)MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
	fflush(stdout);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int sig;
	sigwait(&s, &sig);
	MHD_stop_daemon(d);
	return 0;
}
