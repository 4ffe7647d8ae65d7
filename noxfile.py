"""Sessions for learners and for the suite's own verification. All run in the current environment
(python=False): they never create a virtualenv or reinstall torch. Set up once with
`pip install -e .`; the work is done by `python -m cvkatas`, so nox and plain Python agree."""

import nox

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
    """One kata's tests, speed included: nox -s kata -- detection/nms [--impl PKG]."""
    _cvkatas(session, "kata")


@nox.session(python=False)
def progress(session):
    """Every kata's status for your implementation: nox -s progress [-- --impl PKG]."""
    _cvkatas(session, "progress")


@nox.session(python=False)
def bench(session):
    """pytest-benchmark timings of the references against library implementations, as ratios."""
    _cvkatas(session, "bench")


@nox.session(python=False)
def new(session):
    """Scaffold a kata: nox -s new -- track/name."""
    _cvkatas(session, "new")


@nox.session(python=False)
def lint(session):
    """ruff over the harness, katas and solutions."""
    session.run("ruff", "check", ".", *session.posargs, external=True)
