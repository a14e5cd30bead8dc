"""Console streams that never fail a batch command after its work is done.

A Windows console redirected to a file or pipe encodes with the ANSI code page (cp1258,
cp1252, cp437…), which cannot hold every Vietnamese letter; a windowed executable has no
console at all (``sys.stdout is None``); a reader may close the pipe early (``| more``).
None of that may turn a finished backup into exit code 1: text the stream cannot encode
becomes "?", and a stream that is gone is silently replaced by a sink.
"""
import os
import sys


class SafeStream:
    """Wraps a text stream; writing and flushing never raise."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except (OSError, ValueError):          # pipe closed, stream closed, no console
            self._drop()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self._drop()

    def isatty(self):
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def _drop(self):
        """Point the file descriptor at the null device too, so the buffered text Python
        flushes at exit goes nowhere instead of raising again (exit code 120)."""
        try:
            fd = self._stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, fd)
            finally:
                os.close(null)
        except (OSError, ValueError, AttributeError):
            pass
        self._stream = _sink()

    def __getattr__(self, name):             # encoding, errors, buffer, fileno, …
        return getattr(self._stream, name)


def _sink():
    return open(os.devnull, "w", encoding="utf-8")


def make_streams_safe():
    """Call first thing in main.py: replace unencodable text, survive missing streams."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, SafeStream):
            continue
        if stream is None or getattr(stream, "closed", False):
            stream = _sink()
        else:
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, ValueError, OSError):
                pass
        setattr(sys, name, SafeStream(stream))
