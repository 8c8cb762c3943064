"""The Pythons ev runs on: the host's venvs, any interpreter given by path, and the newer
CPythons and PyPys that one Debian root per suite provides (``python -m ev.pythons add sid``)."""
