# SPDX-License-Identifier: GPL-3.0-or-later
"""The raw floor of the IMAP benchmark: the least a client can do.

A minimal IMAP client over the same TLS as Tidings (Python's ssl is
OpenSSL, as is GIO's TLS backend): it logs in, sends one command and reads
the reply while only splitting it into responses (literal-aware) and
counting them.  It keeps nothing: whatever Tidings does beyond this
(parsing, storing, threading) is what the ratio measures.
"""

import re
import socket
import ssl
import time
import zlib

_LITERAL = re.compile(rb'\{(\d+)\+?\}$')
_RECV = 1 << 20


class ImapError(Exception):
    pass


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


class RawImap:
    """One connection.  bytes_in / bytes_out count what crossed the wire
    (TLS payload, before any decompression), as a client would report."""

    def __init__(self, host, port, cafile, timeout=600.0):
        ctx = ssl.create_default_context(cafile=cafile)
        raw = socket.create_connection((host, port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = ctx.wrap_socket(raw, server_hostname=host)
        self.buf = bytearray()
        self.pos = 0
        self.bytes_in = 0
        self.bytes_out = 0
        self.inflate = None
        self.deflate = None
        self.tag = 0
        self.greeting = self.read_response()[0]
        if not self.greeting.startswith(b'* OK'):
            raise ImapError(f'bad greeting: {self.greeting[:200]!r}')

    # ----------------------------------------------------------- transport

    def _fill(self):
        data = self.sock.recv(_RECV)
        if not data:
            raise ImapError('connection closed by the server')
        self.bytes_in += len(data)
        if self.inflate is not None:
            data = self.inflate.decompress(data)
        if self.pos > (1 << 20):
            del self.buf[:self.pos]
            self.pos = 0
        self.buf += data

    def send(self, data):
        if self.deflate is not None:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)
        self.bytes_out += len(data)

    def _skip(self, n):
        """Drop n bytes of a literal without keeping them."""
        while n > 0:
            avail = len(self.buf) - self.pos
            if avail == 0:
                self._fill()
                continue
            take = min(n, avail)
            self.pos += take
            n -= take

    def read_response(self):
        """One response: (its first line up to any literal, literal count,
        literal bytes).  Literal contents are skipped, never stored."""
        first = None
        literals = 0
        literal_bytes = 0
        while True:
            end = self.buf.find(b'\r\n', self.pos)
            while end < 0:
                # _fill may move the buffer: search again from the same
                # offset relative to pos (a CR may end the old data).
                seen = max(0, len(self.buf) - self.pos - 1)
                self._fill()
                end = self.buf.find(b'\r\n', self.pos + seen)
            line = bytes(self.buf[self.pos:end])
            self.pos = end + 2
            if first is None:
                first = line
            if line.endswith(b'}'):
                m = _LITERAL.search(line)
                if m:
                    n = int(m.group(1))
                    literals += 1
                    literal_bytes += n
                    self._skip(n)
                    continue
            return first, literals, literal_bytes

    def command(self, text, on_untagged=None):
        """Send a command, read until its tagged reply; return that reply."""
        self.tag += 1
        tag = b'F%d' % self.tag
        self.send(tag + b' ' + text.encode() + b'\r\n')
        return self.wait_tagged(tag, on_untagged)

    def wait_tagged(self, tag, on_untagged=None):
        while True:
            first, nlit, nbytes = self.read_response()
            if first.startswith(tag + b' '):
                if not first[len(tag) + 1:].startswith(b'OK'):
                    raise ImapError(first.decode(errors='replace'))
                return first
            if on_untagged is not None:
                on_untagged(first, nlit, nbytes)

    # ------------------------------------------------------------ commands

    def login(self, user, password):
        self.command(f'LOGIN {quote(user)} {quote(password)}')

    def enable(self, what):
        self.command(f'ENABLE {what}')

    def compress(self):
        self.command('COMPRESS DEFLATE')
        # Anything buffered after the tagged OK is already compressed; the
        # server sends nothing unasked here, so the buffer is empty.
        self.inflate = zlib.decompressobj(-15)
        self.deflate = zlib.compressobj(6, zlib.DEFLATED, -15)

    def select(self, mailbox, extra=''):
        info = {}

        def untagged(first, _n, _b):
            m = re.match(rb'\* (\d+) EXISTS', first)
            if m:
                info['exists'] = int(m.group(1))
            for key in (b'UIDVALIDITY', b'HIGHESTMODSEQ', b'UIDNEXT'):
                m = re.search(rb'\[' + key + rb' (\d+)\]', first)
                if m:
                    info[key.decode().lower()] = int(m.group(1))
        extra = f' ({extra})' if extra else ''
        self.command(f'SELECT {quote(mailbox)}{extra}', untagged)
        return info

    def uid_fetch(self, uidset, items):
        """UID FETCH, discarding everything; returns (FETCH responses,
        literal bytes)."""
        count = [0, 0]

        def untagged(first, _n, nbytes):
            if b' FETCH ' in first:
                count[0] += 1
                count[1] += nbytes
        self.command(f'UID FETCH {uidset} ({items})', untagged)
        return count[0], count[1]

    def idle_start(self):
        self.tag += 1
        self.idle_tag = b'F%d' % self.tag
        self.send(self.idle_tag + b' IDLE\r\n')
        first = self.read_response()[0]
        if not first.startswith(b'+'):
            raise ImapError(f'IDLE refused: {first!r}')

    def idle_wait_exists(self, deadline):
        """Block until an untagged EXISTS arrives; its count, or None after
        the deadline (time.monotonic())."""
        while True:
            if self.pos >= len(self.buf):
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.sock.settimeout(left)
            try:
                first = self.read_response()[0]
            except (socket.timeout, TimeoutError):
                return None
            m = re.match(rb'\* (\d+) EXISTS', first)
            if m:
                return int(m.group(1))

    def idle_done(self):
        self.sock.settimeout(60)
        self.send(b'DONE\r\n')
        self.wait_tagged(self.idle_tag)

    def logout(self):
        try:
            self.sock.settimeout(10)
            self.command('LOGOUT')
        except (ImapError, OSError):
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
