"""A real SMTP server for the notification tests: loopback only, STARTTLS and AUTH required.

Stores every accepted message as <maildir>/<n>.eml (plus <n>.envelope with MAIL FROM / RCPT TO) and
appends one line per session event (quit, closed) to <maildir>/../events.log. Prints READY when listening,
and stops when its standard input closes. Run with Debian's /usr/bin/python3 (python3-aiosmtpd).
"""
import argparse
import itertools
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
parser.add_argument("--maildir", required=True)
parser.add_argument("--events", required=True)
args = parser.parse_args()

os.makedirs(args.maildir, exist_ok=True)
counter = itertools.count(len([n for n in os.listdir(args.maildir) if n.endswith(".eml")]) + 1)


def event(text):
    with open(args.events, "a", encoding="utf-8") as f:
        f.write(text + "\n")


class Store:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A mailbox that does not exist: a message-level refusal, the connection stays usable.
        if address.startswith("refused"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        base = os.path.join(args.maildir, f"{n:04d}")
        with open(base + ".envelope.tmp", "w", encoding="utf-8") as f:
            f.write("MAIL FROM: " + envelope.mail_from + "\n")
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO: " + rcpt + "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.replace(base + ".envelope.tmp", base + ".envelope")
        os.replace(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        event("quit")
        return "221 Bye"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == args.user
          and auth_data.password.decode() == args.password)
    event("auth ok" if ok else "auth refused")
    # handled=False: let aiosmtpd answer "535 Authentication credentials invalid" itself.
    return AuthResult(success=ok, handled=False)


class RecordingSMTP(SMTP):
    def connection_lost(self, error):
        event("closed")
        super().connection_lost(error)


tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(args.cert, args.key)


class TestController(Controller):
    def factory(self):
        return RecordingSMTP(self.handler, **self.SMTP_kwargs)


controller = TestController(
    Store(), hostname="127.0.0.1", port=args.port,
    tls_context=tls, require_starttls=True,
    authenticator=authenticator, auth_required=True, auth_require_tls=True)
controller.start()
print("READY", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
