#!/usr/bin/python3
"""A tiny HTTP server for status-list tests: serves FOLDER on 127.0.0.1 at a free port and
prints the port on its first line. Extra paths: /redirect-loop (redirects to itself) and
/big (2 MiB of JSON-ish bytes), to exercise the fetcher's limits. Files are served with a
strong ETag (their SHA-256) and answered 304 when If-None-Match names it; with
$STATUS_SERVER_LOG set, every request appends "PATH IF-NONE-MATCH" (or "-") to that file."""
import functools
import hashlib
import http.server
import os
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
        elif not self.serve_file_with_etag():
            super().do_GET()

    def serve_file_with_etag(self):
        log = os.environ.get("STATUS_SERVER_LOG")
        if log:
            with open(log, "a") as f:
                f.write(f"{self.path} {self.headers.get('If-None-Match', '-')}\n")
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            return False
        body = open(path, "rb").read()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        asked = [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]
        if etag in asked:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)
        return True

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
