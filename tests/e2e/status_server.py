#!/usr/bin/python3
"""A tiny HTTP server for status-list tests: serves FOLDER on 127.0.0.1 at a free port and
prints the port on its first line. Extra paths: /redirect-loop (redirects to itself) and
/big (2 MiB of JSON-ish bytes), to exercise the fetcher's limits."""
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/redirect-loop"):
            self.send_response(302)
            self.send_header("Location", "/redirect-loop")
            self.end_headers()
        elif self.path == "/big":
            body = b" " * (2 << 20)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its size limit, as it should
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


def main():
    handler = functools.partial(Handler, directory=sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    sys.stdout.write(f"{server.server_address[1]}\n")  # one write: the reader wants the line
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
