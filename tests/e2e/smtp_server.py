#!/usr/bin/python3
"""A test SMTP server (aiosmtpd, Debian python3-aiosmtpd) for tests/e2e/mail.bats.

    smtp_server.py DIR
Listens on 127.0.0.1 (a free port, written to DIR/port), saves each accepted message as
DIR/<n>.eml and its envelope recipients in DIR/<n>.rcpt. Files in DIR steer it, one address a
line, read at each command:
    DIR/refuse   answer RCPT TO with 550 (permanent)
    DIR/busy     answer RCPT TO with 451 the first time (temporary), then accept
    DIR/drop     drop the connection after the data the first time, then accept
"""
import os
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller

DIR = sys.argv[1]


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
            if listed("drop", address) and self.once("drop", address):
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


controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
controller.start()
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(controller.port))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
while True:
    time.sleep(3600)
