/* What `issue` and `worker` hold while issuing from a home (cli.h cli_issuing): the template
 * and its renderer loaded the same way, everything freed in one place. */
#include "cli/cli.h"

#include <limits.h>

int cli_issuing_template(cli_issuing *is, const char *name, bool no_pdf, const char *origin,
                         sc_error *err) {
  char dir[PATH_MAX];
  int rc = sc_template_find(&is->home, name, dir, sizeof dir, err);
  if (rc != SC_OK && origin) /* say where the name came from */
    sc_error_prefix(err, "%s", origin);
  if (rc == SC_OK)
    rc = sc_template_load(dir, &is->tpl, err);
  if (rc == SC_OK && !no_pdf && !(is->renderer = sc_pdf_renderer_new(err)))
    rc = err->code;
  return rc;
}

void cli_issuing_ready(cli_issuing *is, bool no_pdf, sc_qr_mode qr_mode) {
  is->ctx = (sc_issue_context){.home = &is->home,
                               .key = is->key,
                               .tpl = is->tpl,
                               .renderer = is->renderer,
                               .no_pdf = no_pdf,
                               .qr_mode = qr_mode};
}

void cli_issuing_close(cli_issuing *is) {
  sc_registry_close(is->reg);
  sc_pdf_renderer_free(is->renderer);
  EVP_PKEY_free(is->key);
  sc_template_free(is->tpl);
  sc_home_close(&is->home);
}
