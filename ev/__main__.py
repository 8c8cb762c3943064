"""``python -m ev``: the ev command (``ev --help``; see ev.cli.command)."""
from ev.cli.command import main

if __name__ == "__main__":
    main()
