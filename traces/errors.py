"""The one error the readers raise for bad input: its message is one line naming the file."""


class InputError(Exception):
    def __init__(self, path, problem):
        Exception.__init__(self, "%s: %s" % (path, problem))
        self.path = path
        self.problem = problem
