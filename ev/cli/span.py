"""Which generations a run of ev.main evolves (``Span``), and the check of ``--profile-from``
against them, made before anything runs."""
import collections


class Span(collections.namedtuple("Span", "first count seconds minimum")):
    """Generations ``first``, ``first + 1``, ... (``count`` of them; None: until stopped), or
    fewer when a time budget of ``seconds`` is spent (after ``minimum`` generations at least)."""

    def __new__(cls, first, count, seconds=None, minimum=1):
        return super(Span, cls).__new__(cls, first, count, seconds, minimum)

    def continues(self, generation, seconds):
        """Whether to run ``generation``, given the seconds of those run so far (of the whole
        run: the time budget and the minimum are the run's, whichever part of it is asked)."""
        if self.count is not None and generation >= self.first + self.count:
            return False
        return (self.seconds is None or len(seconds) < self.minimum
                or sum(seconds) < self.seconds)

    def split(self, generation):
        """(the generations before ``generation``, the ones from it on): one run evolved in
        two parts, e.g. PyPy's warm-up unrecorded and the rest under vmprof.  Either part
        may be empty (``generation`` at or before ``first``: the first part is; past the
        last generation: the second is).  Both keep the run's time budget, counted over the
        seconds of the whole run, so the two parts stop where the whole run would."""
        before = max(0, generation - self.first)
        if self.count is not None:
            before = min(before, self.count)
        after = None if self.count is None else self.count - before
        return (self._replace(count=before),
                self._replace(first=self.first + before, count=after))

    @property
    def last(self):
        """The last generation the run may reach (a time budget may stop it sooner), or None
        when only Ctrl-C or a time budget ends it."""
        return None if self.count is None else self.first + self.count - 1


def profile_from_problem(profile, profile_from, given, first, count):
    """Why ``--profile-from`` cannot be honoured, as one line, or None.  ``first``: the run's
    first generation (after a resumed store's last); ``count``: -g (None: no cap).  A profile
    starting after the run's last generation would be empty; that is known before anything
    runs only when -g caps the run (a time budget or --until-flies may end it sooner still,
    and ev.main then says at the end that no profile was recorded)."""
    if "profile_from" in given and not profile:
        return "--profile-from goes with --profile"
    last = Span(first, count).last
    if last is not None and profile_from > last:
        return ("--profile-from %d: the run's last generation is %d (generations %d-%d), so "
                "nothing would be recorded" % (profile_from, last, first, last))
    return None
