"""The original article's measurements, which every report shows beside its own."""

# The original article's figures (population 500, seconds per generation), with the cell of
# this project that stands for each, and the figure as the article gave it (it gave a range
# for PyPy + unrolled, of which the middle is used, and "about 34" for PyPy + numpy).
ARTICLE = (
    ("CPython + numpy", "cpython-numpy", 6.15, "6.15"),
    ("CPython + unrolled", "cpython-specialized", 3.7, "3.7"),
    ("PyPy + numpy (cpyext)", "pypy-numpy", 34.0, "~34"),
    ("PyPy + unrolled", "pypy-specialized", 0.075, "0.07-0.08"),
)
ARTICLE_POPULATION = 500
ARTICLE_SPEEDUPS = dict((cell, ARTICLE[0][2] / seconds) for _, cell, seconds, _ in ARTICLE)
