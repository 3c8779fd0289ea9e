/* The notifications' templates on view/tmpl (notify_template.h). */
#include "app/notify_template.h"

#include <stdio.h>

#include "core/file.h"

#define TEMPLATE_MAX (64 * 1024)   /* a notification is a few hundred bytes */

nl_err nl_notify_template_load(nl_tmpl_set *set, const char *web_dir, const char *name)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/templates/%s", web_dir, name);
	nl_buf src = NL_BUF_INIT;
	nl_err rc = nl_read_file(path, TEMPLATE_MAX, &src);
	if (rc == NL_OK)
		rc = nl_tmpl_add(set, name, src.data ? src.data : "", src.len, NULL);
	else if (rc != NL_ERR_NOMEM)
		rc = NL_ERR_IO;
	nl_buf_free(&src);
	return rc;
}

nl_err nl_notify_render(const nl_tmpl_set *set, const char *name, bool html,
                        const struct nl_notify_var *vars, size_t n, nl_buf *out)
{
	json_t *data = json_object();
	nl_err rc = data ? NL_OK : NL_ERR_NOMEM;
	/* The first value of a name wins; bytes go as they are (nocheck), as the
	 * values are the person's stored data, not JSON for anyone else. */
	for (size_t i = 0; rc == NL_OK && i < n; i++)
		if (!json_object_get(data, vars[i].name) &&
		    json_object_set_new(data, vars[i].name,
		                        json_string_nocheck(vars[i].value ? vars[i].value : "")))
			rc = NL_ERR_NOMEM;
	/* The notifications are Turkish and use no {{t}}. */
	if (rc == NL_OK)
		rc = nl_tmpl_render_message(set, name, data, "tr", html, out);
	json_decref(data);
	return rc;
}
