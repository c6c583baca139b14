#!/usr/bin/python3
"""Serves FOLDER over HTTPS on 127.0.0.1 with CERT and KEY at a free port (or PORT) and prints
the port on its first line: a real TLS peer for the did:web and status-list tests. With
SLOW_SECONDS set, every GET waits that long before answering (a hanging issuer server)."""
import functools
import http.server
import os
import ssl
import sys
import time


class Quiet(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        time.sleep(float(os.environ.get("SLOW_SECONDS", "0")))
        super().do_GET()

    def log_message(self, *args):
        pass


def main():
    folder, cert, key = sys.argv[1:4]
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=folder))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    sys.stdout.write(f"{server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
