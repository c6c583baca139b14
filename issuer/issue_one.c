/* The sequence that makes one new credential, written once for `issue` and `serve`: reserve a
 * status slot → prepare (build, sign, render) → record → write → publish. A batch (batch.c)
 * runs the same steps as a pipeline instead: reserve on the main thread, prepare on the
 * workers, record a chunk per transaction, stage the chunk's files as one group, publish once
 * at the end; calling this per row would serialise the signing and give up the chunks. */
#include "issuer/issuer.h"

#include <time.h>

/* public/ is never behind the registry: the list the credential took a slot in goes out with
 * it, and the key document (a home may have rotated its key since the last publish). */
static int publish_slot(const sc_issue_context *ctx, sc_registry *reg, int64_t list,
                        sc_error *err) {
  sc_publish_options opts = {.now = (int64_t)time(NULL)};
  int rc = sc_publish_lists(ctx->home, ctx->key, reg, &list, 1, &opts, err);
  if (rc == SC_OK)
    rc = sc_publish_badge_image(ctx->home, ctx->tpl, err);
  return rc == SC_OK ? sc_publish_key_document(ctx->home, err) : rc;
}

int sc_issue_one(sc_registry *reg, const sc_issue_context *ctx, sc_issue_request *req, bool publish,
                 sc_prepared *out, sc_error *err) {
  int rc = sc_registry_reserve_index(reg, &req->status_list, &req->status_index, err);
  if (rc == SC_OK)
    rc = sc_issue_prepare(ctx, req, out, err);
  if (rc == SC_OK)
    rc = sc_issue_record(reg, ctx, req, out, err);
  if (rc == SC_OK)
    rc = sc_issue_write(ctx, out, err);
  if (rc == SC_OK && publish)
    rc = publish_slot(ctx, reg, req->status_list, err);
  return rc;
}
