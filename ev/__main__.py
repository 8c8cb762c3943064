"""``python -m ev``: the ev command (see ev.cli)."""
from ev.cli.main import main

if __name__ == "__main__":
    main()
