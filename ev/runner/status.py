"""The terminal a person reads while a run goes on: one live status line (tqdm) above which
finished results are printed, one line each; piped or in CI, plain lines only, without
control characters, and no status line."""
import os
import shutil
import sys


def live_wanted(stream):
    """A live line only on a terminal, outside CI, and not asked off (EV_PLAIN=1)."""
    if os.environ.get("CI") or os.environ.get("EV_PLAIN") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def size():
    """(columns, lines) of the terminal; one that says 0 (as some do): 100 x 24."""
    found = shutil.get_terminal_size((100, 24))
    return found.columns or 100, found.lines or 24


class Status(object):
    """``line(text)``: a line that stays; ``show(text)``: the live line (nothing when plain)."""

    def __init__(self, stream=None, live=None):
        self.stream = stream or sys.stdout
        self.bar = None
        if live is None:
            live = live_wanted(self.stream)
        if live:
            try:
                import tqdm
            except ImportError:      # the set-up installs it; without it, plain lines
                tqdm = None
            if tqdm is not None:
                tqdm.tqdm.monitor_interval = 0     # no thread of its own while cells run
                self.bar = tqdm.tqdm(total=None, bar_format="{desc}", file=self.stream,
                                     leave=False, ncols=size()[0], nrows=size()[1])
                self._write = tqdm.tqdm.write

    @property
    def live(self):
        return self.bar is not None

    def line(self, text):
        if self.bar is not None:
            self._write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def show(self, text):
        if self.bar is not None:
            self.bar.set_description_str(text, refresh=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
