/* skillcert wallet offer: the links that put one credential into a learner's wallet
 * (docs/wallets.md): a Learner Credential Wallet request and an OpenID4VCI credential offer,
 * optionally with a PIN, and their QR codes as PNG files. `skillcert serve --wallets` answers
 * the wallets that follow them. */
#include "cli/cli.h"

#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

static const char wallet_description[] =
    "Creates, for the credential ID (urn:uuid:… or the bare UUID), a Learner Credential\n"
    "Wallet request (VC-API exchange) and an OpenID4VCI credential offer (pre-authorized code)\n"
    "and prints their links. Each link works once and expires (--ttl); anyone holding one\n"
    "can claim the credential, so send it to the learner only. With --pin the OpenID4VCI\n"
    "offer needs a PIN as well, printed here: send it by another channel. The links point\n"
    "at `skillcert serve --wallets` running at --base-url.\n";

static const char wallet_epilogue[] =
    "Output: lines \"lcw: URL\", \"lcw-deep-link: URL\", \"openid4vci: URI\", \"pin: DIGITS\"\n"
    "(with --pin) and \"expires: DATE\". Exit codes: 0 done, 64 usage, 65 unknown or\n"
    "inactive credential.\n";

#define QR_SCALE 8
#define QR_QUIET 4

/* The QR code of text as a grey-scale PNG (8 pixels a module, a 4-module quiet zone). */
static int write_qr_png(const char *text, const char *path, sc_error *err) {
  sc_qr_code qr = {0};
  int rc = sc_qr_make(text, SC_QR_MAX_VERSION, &qr, err);
  if (rc != SC_OK)
    return rc;
  FILE *f = fopen(path, "wb");
  if (!f) {
    sc_qr_free(&qr);
    return sc_fail(err, SC_ECANTCREAT, "%s: %s", path, strerror(errno));
  }
  int side = (qr.width + 2 * QR_QUIET) * QR_SCALE;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_bytep row = malloc((size_t)side);
  rc = png && info && row ? SC_OK : sc_oom(err);
  if (rc == SC_OK && setjmp(png_jmpbuf(png)))
    rc = sc_fail(err, SC_EIO, "%s: cannot write the PNG", path);
  if (rc == SC_OK) {
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < side; y++) {
      int my = y / QR_SCALE - QR_QUIET;
      for (int x = 0; x < side; x++) {
        int mx = x / QR_SCALE - QR_QUIET;
        bool dark =
            mx >= 0 && my >= 0 && mx < qr.width && my < qr.width && qr.modules[my * qr.width + mx];
        row[x] = dark ? 0 : 255;
      }
      png_write_row(png, row);
    }
    png_write_end(png, NULL);
  }
  png_destroy_write_struct(&png, &info);
  free(row);
  sc_qr_free(&qr);
  if (fclose(f) != 0 && rc == SC_OK)
    rc = sc_fail(err, SC_EIO, "%s: %s", path, strerror(errno));
  if (rc != SC_OK)
    remove(path);
  return rc;
}

static int write_codes(const char *dir, const sc_wallet_offer *offer, sc_error *err) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/lcw.png", dir);
  int rc = write_qr_png(offer->lcw_link, path, err);
  snprintf(path, sizeof path, "%s/openid4vci.png", dir);
  return rc == SC_OK ? write_qr_png(offer->offer_uri, path, err) : rc;
}

typedef struct wallet_args {
  const char *home, *base_url, *qr_dir;
  bool pin;
  int64_t ttl;
} wallet_args;

static int offer(const wallet_args *a, const char *id) {
  sc_error err = {0};
  sc_home home = {0};
  sc_registry *reg = NULL;
  sc_wallet_offer out = {0};
  int rc = cli_home_open(a->home, &home, &err);
  sc_wallet_offer_options o = {.base_url = a->base_url ? a->base_url : home.verify_url,
                               .issuer_name = home.issuer_name,
                               .pin = a->pin,
                               .now = (int64_t)time(NULL),
                               .ttl = a->ttl};
  if (rc == SC_OK)
    rc = sc_registry_open(&home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_wallet_offer_create(reg, id, &o, &out, &err);
  if (rc == SC_OK && a->qr_dir)
    rc = write_codes(a->qr_dir, &out, &err);
  if (rc == SC_OK) {
    char expires[21];
    sc_time_format(out.expires_at, expires);
    printf("lcw: %s\nlcw-deep-link: %s\nopenid4vci: %s\n", out.lcw_link, out.lcw_deep_link,
           out.offer_uri);
    if (out.pin[0])
      printf("pin: %s\n", out.pin);
    printf("expires: %s\n", expires);
  }
  sc_wallet_offer_free(&out);
  sc_registry_close(reg);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

int cmd_wallet(int argc, char **argv) {
  wallet_args a = {0};
  const cli_option options[] = {
      CLI_OPT_FLAG("pin", 0, &a.pin,
                   "the OpenID4VCI offer needs a 6-digit PIN (tx_code), printed too"),
      CLI_OPT_STRING("base-url", 0, &a.base_url, "URL",
                     "where `skillcert serve --wallets` is reached (default: the\n"
                     "home's verifyUrl)"),
      CLI_OPT_DURATION("ttl", 0, &a.ttl, "DURATION", "how long the links stay valid (default 15m)"),
      CLI_OPT_STRING("qr-dir", 0, &a.qr_dir, "DIR",
                     "write the QR codes as DIR/lcw.png and DIR/openid4vci.png"),
      CLI_OPT_HOME(&a.home),
      CLI_OPT_REGISTRY(),
  };
  const cli_command command = {"wallet",
                               "skillcert wallet offer ID [--pin] [--base-url URL] [--ttl "
                               "DURATION]\n                        [--qr-dir DIR] [--home DIR]",
                               wallet_description, CLI_ROWS(options), wallet_epilogue};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first >= argc || strcmp(argv[first], "offer") != 0)
    return cli_usage_error("wallet", "expected 'offer ID'");
  if (argc - first != 2)
    return cli_usage_error("wallet", "offer: expected one credential ID");
  return offer(&a, argv[first + 1]);
}
