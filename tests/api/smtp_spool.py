# An aiosmtpd handler for the mail tests: writes each message it accepts to
# SPOOL/NNNN.json, with the envelope, the raw bytes, and the headers and body
# as Python's email package decodes them (RFC 2047 subjects, quoted-printable
# bodies), so a test in JavaScript reads plain text.
#   /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_spool.Spool SPOOL
# (with PYTHONPATH=tests/api). Debian's python3-aiosmtpd.
import email
import email.policy
import json
import os
import threading


class Spool:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_spool.Spool takes one argument: the spool directory")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw": raw.decode("utf-8", "replace"),
            "headers": {k: str(v) for k, v in msg.items()},
            "raw_headers": [[k, v] for k, v in msg.raw_items()],
            "body": msg.get_content(),
        }
        with self.lock:
            self.count += 1
            name = os.path.join(self.directory, "%04d.json" % self.count)
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 Ok: queued as %04d" % self.count
