/* nitelik-imza built without GTK 4 (imza.h): never a window. */
#include <stdlib.h>

#include "imza/imza.h"

bool nl_imza_wants_window(const struct nl_imza_opts *o)
{
	return false;
}

int nl_imza_gui_run(const struct nl_imza_opts *o)
{
	return -1;
}
