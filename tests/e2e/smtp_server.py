#!/usr/bin/python3
"""A test SMTP server (aiosmtpd, Debian python3-aiosmtpd) for tests/e2e/mail.bats.

    smtp_server.py DIR [--tls smtps|starttls --cert PEM --key PEM] [--auth USER:PASSWORD]
Listens on 127.0.0.1 (a free port, written to DIR/port), saves each accepted message as
DIR/<n>.eml and its envelope recipients in DIR/<n>.rcpt. Files in DIR steer it, one address a
line, read at each command:
    DIR/refuse   answer RCPT TO with 550 (permanent)
    DIR/busy     answer RCPT TO with 451 the first time (temporary), then accept
    DIR/drop     drop the connection after the data the first time, then accept
    DIR/drop-always   drop the connection after the data every time
--tls smtps speaks TLS from the first byte (implicit TLS); --tls starttls offers STARTTLS and
requires it before MAIL. --auth makes it require AUTH (PLAIN or LOGIN) with that user and
password, over TLS only; a failed login is answered 535.
"""
import argparse
import os
import signal
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--tls", choices=["smtps", "starttls"])
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--auth")
ARGS = parser.parse_args()
DIR = ARGS.dir


def listed(name, address):
    try:
        with open(os.path.join(DIR, name)) as f:
            return address.lower() in (line.strip().lower() for line in f)
    except FileNotFoundError:
        return False


class Handler:
    def __init__(self):
        self.count = 0
        self.seen = set()  # (kind, address) already answered once

    def once(self, kind, address):
        if (kind, address) in self.seen:
            return False
        self.seen.add((kind, address))
        return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if listed("refuse", address):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if listed("busy", address) and self.once("busy", address):
            return "451 4.7.1 <%s>: greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            if listed("drop-always", address) or (
                    listed("drop", address) and self.once("drop", address)):
                server.transport.close()
                return "421 closing"
        self.count += 1
        base = os.path.join(DIR, "%03d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK queued"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = ARGS.auth.split(":", 1)
    ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
    return AuthResult(success=ok)


options = {}
if ARGS.tls:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ARGS.cert, ARGS.key)
    if ARGS.tls == "smtps":
        options["ssl_context"] = context
    else:
        options.update(tls_context=context, require_starttls=True)
if ARGS.auth:
    # aiosmtpd 1.4 counts only STARTTLS as TLS: with implicit TLS, the whole session is.
    options.update(authenticator=authenticator, auth_required=True,
                   auth_require_tls=ARGS.tls != "smtps")


class TLSController(Controller):
    """The ready check of aiosmtpd 1.4 connects with the server's own context; a client one
    that trusts nothing in particular is what it needs."""

    def _trigger_server(self):
        if ARGS.tls != "smtps":
            return super()._trigger_server()
        client = ssl.create_default_context()
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
        with socket.create_connection((self.hostname, self.port), 1.0) as raw:
            with client.wrap_socket(raw) as s:
                s.recv(1024)


controller = TLSController(Handler(), hostname="127.0.0.1", port=free_port(), **options)
controller.start()
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(controller.port))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
while True:
    time.sleep(3600)
