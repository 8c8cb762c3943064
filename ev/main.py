"""``python -m ev.main``: the evolution's command line, kept where the article's readers expect it
(the same as ``ev evolve``; the code lives in ev.cli.evolve)."""
from ev.cli.evolve import main

if __name__ == "__main__":
    main()
