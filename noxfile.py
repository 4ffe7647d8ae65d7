"""Sessions for learners and for the suite's own verification. All run in the current environment
(python=False): they never create a virtualenv or reinstall torch. Set up once with
`pip install -e .`; the work is done by `python -m cvkatas`, so nox and plain Python agree."""

import logging

import nox

# nox looks for uv even for python=False sessions and logs "uv binary not found.", which reads as
# an error; these sessions never create an environment, so the line is dropped.
logging.getLogger("nox").addFilter(lambda record: record.getMessage() != "uv binary not found.")

nox.options.sessions = ["progress"]
nox.options.reuse_existing_virtualenvs = True


def _cvkatas(session, command):
    session.run("python", "-m", "cvkatas", command, *session.posargs, external=True)


@nox.session(python=False)
def verify(session):
    """The suite's own test: every kata against its stub, reference, wrong answers and slow variants."""
    _cvkatas(session, "verify")


@nox.session(python=False)
def kata(session):
    """Katas' tests, speed included: nox -s kata -- detection/nms [more ids, a track, a name] [--impl PKG]."""
    _cvkatas(session, "kata")


@nox.session(python=False)
def watch(session):
    """Re-run a kata's tests every time you save: nox -s watch -- detection/nms [--impl PKG]."""
    _cvkatas(session, "watch")


@nox.session(python=False)
def progress(session):
    """Run the katas and show your progress: nox -s progress -- [--track T] [--impl PKG] [--lang zh] [--no-run]."""
    _cvkatas(session, "progress")


@nox.session(name="list", python=False)
def list_(session):
    """The catalogue: nox -s list -- [--track T] [--difficulty D] [--tag X] [--status S] [--lang zh]."""
    _cvkatas(session, "list")


@nox.session(python=False)
def show(session):
    """A kata's statement in the terminal (stub docstrings and signatures): nox -s show -- detection/nms."""
    _cvkatas(session, "show")


@nox.session(name="next", python=False)
def next_(session):
    """The kata to do now, and why (path, reviews): nox -s next -- [--track T] [--impl PKG]."""
    _cvkatas(session, "next")


@nox.session(python=False)
def hint(session):
    """The next hint of a kata, gentle first, per implementation: nox -s hint -- ID [--impl PKG] [--number N]."""
    _cvkatas(session, "hint")


@nox.session(python=False)
def solution(session):
    """The reference, once your implementation passes: nox -s solution -- ID [--impl PKG] [--force]."""
    _cvkatas(session, "solution")


@nox.session(python=False)
def workspace(session):
    """A fresh package of untouched stubs to practise in: nox -s workspace -- ~/practice/mine."""
    _cvkatas(session, "workspace")


@nox.session(python=False)
def reset(session):
    """Restore a kata's stub, keeping your file as a backup: nox -s reset -- ID [--impl PKG]."""
    _cvkatas(session, "reset")


@nox.session(python=False)
def interview(session):
    """A mock interview: nox -s interview -- [--track T] [--minutes M] [--kata ID] | --finish ... | --cancel."""
    _cvkatas(session, "interview")


@nox.session(python=False)
def bench(session):
    """Reference timings against libraries, as ratios; `-- feedback` times each kata's own test run."""
    _cvkatas(session, "bench")


@nox.session(python=False)
def new(session):
    """Scaffold a kata: nox -s new -- track/name."""
    _cvkatas(session, "new")


@nox.session(python=False)
def lint(session):
    """ruff over the harness, katas and solutions."""
    session.run("ruff", "check", ".", *session.posargs, external=True)
