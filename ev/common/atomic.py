"""Writing a file the user asked to keep: complete, or not at all (traces.atomic, shared: traces
stands alone beneath ev, and ev writes through the same code)."""
from traces.atomic import (DEFERRED_SIGNALS, check_writable, current_umask,  # noqa: F401
                           describe, is_special_file, signals_deferred, temporary_beside,
                           write_atomically, write_text)
