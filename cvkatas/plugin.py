"""The pytest plugin: implementation loading, fixtures, and learner-readable reports."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest
from _pytest.reports import TestReport

from . import asserts, catalog, db, guard, results
from . import impl as impl_mod
from .speed import TooSlow, measure
from .verdict import CORRECTNESS, FAILED, NOT_STARTED, TIMED_OUT, TOO_SLOW, group_of, kata_status, summary_line

TIMEOUT_PREFIX = "Timeout (>"


def pytest_addoption(parser):
    group = parser.getgroup("cvkatas", "CV Katas")
    group.addoption("--impl", default=None, metavar="PKG",
                    help=f"package (or folder) whose track/name modules are tested; default "
                         f"${impl_mod.ENV_VAR} or `{impl_mod.DEFAULT}`")
    group.addoption("--cvk-verify", action="store_true",
                    help="(nox -s verify) run every test against the stub, the reference and its variants")
    group.addoption("--cvk-results", default=None, metavar="PATH", help="write every test's result as JSON")
    group.addoption("--full", action="store_true",
                    help="also run the full-size speed tests (marker `full`): the sizes an interviewer names, "
                         "a few seconds each, left out of the default run to keep feedback under a second")


def pytest_configure(config):
    try:
        config._cvk_package = impl_mod.resolve_package(config.getoption("--impl"))
    except impl_mod.ImplError as exc:
        raise pytest.UsageError(str(exc)) from None
    config._cvk_results = []
    out = config.getoption("--cvk-results")
    config._cvk_writer = results.Writer(out) if out else None
    config._cvk_store = config._cvk_run = None
    config._cvk_partial = defaultdict(set)  # kata id -> groups some of whose tests were deselected
    config._cvk_interrupted = set()  # katas whose run was stopped by Ctrl-C
    guard.watch_sigint()
    config._cvk_caught = set()  # verify: (kata, wrong answer) pairs a test has failed already
    if not config.getoption("--cvk-verify") and db.path() is not None:
        try:
            config._cvk_store = db.Store()
            config._cvk_run = config._cvk_store.start_run(config._cvk_package, sys.argv)
        except Exception as exc:  # the history is a convenience: never let it stop a test run
            config._cvk_store = None
            print(f"cvkatas: not recording progress: {exc}", file=sys.stderr)


PERF_TIMEOUT = 60  # seconds; speed tests time two implementations for several rounds


def pytest_collection_modifyitems(config, items):
    full = config.getoption("--full") or config.getoption("--cvk-verify")
    for item in items:
        if item.get_closest_marker("perf") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(PERF_TIMEOUT))
        if item.get_closest_marker("full") and not full:
            kata = getattr(item, "_cvk_kata", None)  # set by pytest_itemcollected
            where = catalog.display_path(kata.folder) if kata else item.path
            item.add_marker(pytest.mark.skip(reason=f"full-size speed test, left out for fast feedback: "
                                                    f"pytest {where} --full"))


def pytest_deselected(items):
    for item in items:
        kata = catalog.kata_for_path(item.path)
        if kata is not None:
            item.config._cvk_partial[kata.id].add(group_of(item)[0])


def missing_groups(config, kata_id: str) -> set:
    """Groups of this kata some of whose tests this run left out ({"?"}: a test id was selected)."""
    out = set(config._cvk_partial.get(kata_id, ()))
    if any("::" in a for a in config.args):
        out.add("?")
    return out


def pytest_unconfigure(config):
    store = getattr(config, "_cvk_store", None)
    if store is not None:
        store.close()


def _labels(kata: catalog.Kata) -> list[str]:
    """verify mode: the stub, the reference and every variant (wrong, slow, canonical) of the kata."""
    return ["stub", *impl_mod.variants(kata)]


def pytest_generate_tests(metafunc):
    if "device" in metafunc.fixturenames:
        metafunc.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)], indirect=True)
    if metafunc.config.getoption("--cvk-verify") and "impl" in metafunc.fixturenames:
        kata = catalog.kata_for_path(metafunc.definition.path)
        if kata is not None:
            labels = _labels(kata)
            metafunc.parametrize("impl", labels, indirect=True, ids=labels)


class _Missing:
    """Stands in for an implementation that cannot be loaded: every use fails as *not started*."""

    def __init__(self, message):
        self.message = message

    def __getattr__(self, name):
        raise impl_mod.ImplError(self.message)


@pytest.fixture
def kata(request) -> catalog.Kata:
    """The kata whose folder holds the test file."""
    found = catalog.kata_for_path(request.path)
    if found is None:
        pytest.fail(f"{request.path} is not inside a kata folder katas/<track>/<name>/", pytrace=False)
    return found


@pytest.fixture
def impl(request, kata):
    """The implementation under test: ``impl.<public name>(...)``."""
    label = getattr(request, "param", None)
    if label is None:
        package = request.config._cvk_package
    elif label == "stub":
        package = impl_mod.DEFAULT
    else:
        if label.startswith(("wrong:", "canonical:")) and request.node.get_closest_marker("perf"):
            pytest.skip("verify judges wrong and canonical-style answers on the non-speed tests")
        if (kata.id, label) in request.config._cvk_caught:
            pytest.skip("verify: this wrong answer is caught already")
        return impl_mod.variants(kata)[label]
    try:
        return impl_mod.load(package, kata)
    except impl_mod.ImplError as exc:
        return _Missing(str(exc))


@pytest.fixture
def impl_of(request):
    """``impl_of("nn/linear")``: another kata's implementation from the package under test, for a kata
    built on the learner's earlier answers (nn/mlp_train). Under verify, the stub label takes the
    stubs and every variant of this kata takes the references, so only this kata's variant differs."""
    label = getattr(getattr(request.node, "callspec", None), "params", {}).get("impl")
    if label is None:
        package = request.config._cvk_package
    else:
        package = impl_mod.DEFAULT if label == "stub" else impl_mod.REFERENCE

    def load(kata_id: str):
        try:
            return impl_mod.load(package, catalog.get(kata_id))
        except impl_mod.ImplError as exc:
            return _Missing(str(exc))

    return load


@pytest.fixture
def reference(kata):
    """The reference implementation, for timing only: tests compare against oracles, not against it."""
    return impl_mod.load(impl_mod.REFERENCE, kata)


@pytest.fixture
def device(request):
    """``"cpu"``, and ``"cuda"`` where a GPU is present (skipped cleanly where none is).

    On CUDA, TF32 is switched off for the test (and restored after): Ampere and later GPUs run
    float32 matmuls and convolutions in TF32 by default, which float32 tolerances do not allow for."""
    if request.param != "cuda":
        yield request.param
        return
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    flags = [(torch.backends.cuda.matmul, "allow_tf32"), (torch.backends.cudnn, "allow_tf32")]
    old = [getattr(obj, name) for obj, name in flags]
    for obj, name in flags:
        setattr(obj, name, False)
    try:
        yield request.param
    finally:
        for (obj, name), value in zip(flags, old):
            setattr(obj, name, value)


@pytest.fixture
def speed(request, kata):
    """``speed(candidate, reference, *args, max_ratio=None, **kwargs)``: fail as *too slow* when the
    candidate's median time ratio to the reference exceeds ``max_ratio`` (default: kata.toml [speed])."""

    def check(candidate, reference, *args, max_ratio=None, **kwargs):
        __tracebackhide__ = True
        limit = max_ratio if max_ratio is not None else kata.max_ratio
        if limit is None:
            pytest.fail(f"{kata.id}: kata.toml has no [speed] max_ratio", pytrace=False)
        sync = _cuda_sync(args, kwargs)
        before = [asserts._snapshot(a) for a in (*args, *kwargs.values())]

        def mutated():
            names = [f"argument {i}" for i in range(len(args))] + [f"`{k}`" for k in kwargs]
            return [f"{n} ({c})" for n, b, a in zip(names, before, (*args, *kwargs.values()))
                    if (c := asserts._changed(b, a))]

        try:
            result = measure(candidate, reference, args, kwargs, max_ratio=limit, sync=sync)
        except Exception as exc:
            changed = mutated()
            if changed:
                pytest.fail(f"the inputs were modified during the speed rounds: {'; '.join(changed)}. Your code "
                            f"changes its inputs, so the next call saw different ones and raised "
                            f"{type(exc).__name__}: {exc}. Inputs must be left as they were.", pytrace=False)
            raise
        changed = mutated()
        if changed:
            pytest.fail(f"the inputs were modified during the speed rounds: {'; '.join(changed)}; "
                        "inputs must be left as they were", pytrace=False)
        request.node.user_properties.append(("speed_ratio", round(result.ratio, 4)))
        request.node.user_properties.append(("max_ratio", limit))
        if not result.passed:
            raise TooSlow(f"too slow: {result.describe()}")
        return result

    return check


def _cuda_sync(args, kwargs):
    for a in (*args, *kwargs.values()):
        if getattr(getattr(a, "device", None), "type", None) == "cuda":
            import torch

            return torch.cuda.synchronize
    return None


def _scrub(exc, seen) -> None:
    """Cut every traceback in the exception chain at its first frame inside the reference package."""
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    tb, prev = exc.__traceback__, None
    while tb is not None:
        if tb.tb_lineno is None:  # an alarm that landed on a loop's back-edge: pytest cannot render it
            if prev is None:
                exc.__traceback__ = tb.tb_next
            else:
                prev.tb_next = tb.tb_next
            tb = tb.tb_next
            continue
        if impl_mod.is_reference_path(tb.tb_frame.f_code.co_filename):
            if prev is None:
                exc.__traceback__ = None
            else:
                prev.tb_next = None
            break
        prev, tb = tb, tb.tb_next
    _scrub(exc.__cause__, seen)
    _scrub(exc.__context__, seen)


def _category(excinfo) -> str:
    if excinfo.errisinstance((NotImplementedError, impl_mod.ImplError)):
        return NOT_STARTED
    if excinfo.errisinstance(TooSlow):
        return TOO_SLOW
    if excinfo.errisinstance(pytest.fail.Exception) and str(excinfo.value).startswith(TIMEOUT_PREFIX):
        return TIMED_OUT
    return FAILED


OUTPUT_CAP = 4000  # characters of a test's captured output shown; a print in a loop must not flood


@pytest.hookimpl(tryfirst=True, specname="pytest_runtest_makereport")
def pytest_runtest_makereport_not_started(item, call):
    """A not-started test gets its one-line report without pytest building (and reading the source
    for) a full traceback that would be thrown away: most of a stub run's time went there."""
    if call.when != "call" or call.excinfo is None or _category(call.excinfo) != NOT_STARTED:
        return None
    sections = [(f"Captured {key} {when}", content) for when, key, content in item._report_sections]
    return TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1), "failed",
                      "not started", "call", sections, call.duration, call.start, call.stop,
                      user_properties=item.user_properties)


def _cap(text: str) -> str:
    if len(text) <= OUTPUT_CAP:
        return text
    cut = len(text) - OUTPUT_CAP
    return (f"{text[:OUTPUT_CAP // 2]}\n... [{cut} characters of output left out: print less inside loops] ...\n"
            f"{text[-OUTPUT_CAP // 2:]}")


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_makereport(item, call):
    category = None
    if call.excinfo is not None and call.when == "call":
        # The reference and its variants are never shown: cut their frames before pytest renders.
        _scrub(call.excinfo.value, set())
        call.excinfo.traceback = type(call.excinfo.traceback)(call.excinfo.value.__traceback__)
        category = _category(call.excinfo)
    outcome = yield
    report = outcome.get_result()
    report.sections = [(name, _cap(content)) for name, content in report.sections]
    getattr(item, "_cvk_reports", []).append(report)
    if category is None:
        return
    report.cvk_category = category
    if category == NOT_STARTED:
        if call.excinfo.errisinstance(impl_mod.ImplError):
            report.longrepr = f"not started: {call.excinfo.value}"
        else:
            last = call.excinfo.traceback[-1]
            report.longrepr = (f"not started: {last.name}() in {catalog.display_path(last.path)} "
                               "still raises NotImplementedError")
    elif category == FAILED and _compact(item, call):
        report.longrepr = _compact(item, call)
    elif category == TIMED_OUT:
        _shorten_timeouts_after(item)
        report.longrepr = (
            f"timed out: the test ran past its per-test limit ({call.excinfo.value}); an endless loop? "
            f"The kata's other tests still run.\n\n{report.longreprtext}"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Put back any global switch the code under test changed (numpy's error state, torch's default
    dtype, grad mode...), and fail the test that changed it, so no kata's code can change another
    test's verdict. A KeyboardInterrupt the code raised itself (no Ctrl-C came) is that test's failure."""
    before = guard.snapshot()
    try:
        result = yield
    except KeyboardInterrupt:
        guard.restore(before)
        if guard.sigint_seen():
            raise
        raise AssertionError("the code raised KeyboardInterrupt itself (no Ctrl-C was pressed); "
                             "the run goes on, but this test fails") from None
    except BaseException:
        guard.restore(before)
        raise
    changed = guard.restore(before)
    if changed:
        raise AssertionError(
            f"the code under test changed global settings: {'; '.join(changed)}. They have been put back "
            "for the other tests. Change such settings only inside a context manager (np.errstate, "
            "torch.no_grad) that restores them before returning.")
    return result


def _compact(item, call) -> str | None:
    """The default failure report for a harness assertion: the test's line, then the call / got /
    expected / why block; nothing more (``--tb=long`` or ``--tb=short`` still give pytest's own)."""
    if item.config.getoption("tbstyle", "auto") != "auto" or not call.excinfo.errisinstance(AssertionError):
        return None
    if not (call.excinfo.errisinstance(TooSlow) or "\n  " in str(call.excinfo.value)):
        return None  # a bare `assert` of the learner's or an unexpected one: pytest's report explains it better
    name = getattr(item, "originalname", item.name)
    here = [e for e in call.excinfo.traceback if Path(e.path) == Path(item.path)]
    entry = next((e for e in here if e.name == name), here[0] if here else None)
    where = ""
    if entry is not None:
        try:
            line = str(entry.statement).strip()
        except Exception:
            line = ""
        where = f"{catalog.display_path(entry.path)}:{entry.lineno + 1}: {line}\n"
    return f"{where}{call.excinfo.value}"


AFTER_TIMEOUT = 2  # seconds: the per-test limit for the rest of a kata once one of its tests hung


def _shorten_timeouts_after(item):
    """One test of this implementation hung: give the kata's remaining tests a short limit, so a
    candidate with an endless loop is reported test by test without waiting the full limit each time."""
    items = item.session.items
    label = _param(item, "impl")
    for later in items[items.index(item) + 1:]:
        if getattr(later, "_cvk_kata", None) == item._cvk_kata and _param(later, "impl") == label:
            later.add_marker(pytest.mark.timeout(AFTER_TIMEOUT), append=False)




def _param(item, name):
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(name) if callspec else None


def pytest_itemcollected(item):
    item._cvk_kata = catalog.kata_for_path(item.path)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    reports = []
    item._cvk_reports = reports
    writer = item.config._cvk_writer
    if writer is not None and getattr(item, "_cvk_kata", None) is not None:
        writer.started(item.nodeid, item._cvk_kata.id)
    yield
    kata = getattr(item, "_cvk_kata", None)
    if kata is None:
        return
    if not any(r.failed or r.skipped for r in reports) and not any(r.when == "call" for r in reports):
        item.config._cvk_interrupted.add(kata.id)  # Ctrl-C: this test never finished; it did not pass
        return
    failed = [r for r in reports if r.failed]
    skipped = [r for r in reports if r.skipped]
    if failed:
        outcome, category = "failed", getattr(failed[0], "cvk_category", FAILED)
    elif skipped:
        outcome, category = "skipped", None
    else:
        outcome, category = "passed", None
    message = failed[0].longreprtext if failed else (skipped[0].longreprtext if skipped else "")
    props = dict(item.user_properties)
    label = _param(item, "impl")
    group, name = group_of(item)
    record = results.record(
        item.nodeid, kata.id, label or item.config._cvk_package, outcome,
        test=item.originalname if hasattr(item, "originalname") else item.name, device=_param(item, "device"),
        group=group, name=name, category=category, speed_ratio=props.get("speed_ratio"),
        max_ratio=props.get("max_ratio"), message=message, full=item.get_closest_marker("full") is not None)
    config = item.config
    config._cvk_results.append(record)
    if config._cvk_writer is not None:
        config._cvk_writer.record(record)
    if outcome == "failed" and group == CORRECTNESS and record["impl"].startswith("wrong:") \
            and kata.mistake_fails(record["impl"][6:]) is None:
        config._cvk_caught.add((kata.id, record["impl"]))  # a defect: verify needs one failure only
    if config._cvk_store is not None:
        try:
            config._cvk_store.add_result(config._cvk_run, record)
            if nextitem is None or getattr(nextitem, "_cvk_kata", None) != kata:
                _record_attempt(config, kata)
        except Exception as exc:  # disk full, file removed: stop recording, keep testing
            config._cvk_store = None
            print(f"\ncvkatas: stopped recording progress ({exc})", file=sys.stderr)


def _record_attempt(config, kata):
    """A kata's tests are done: store its status now, so a run killed later keeps it."""
    rs = [r for r in config._cvk_results if r["kata"] == kata.id]
    ratios = [r["speed_ratio"] for r in rs if r["speed_ratio"] is not None]
    missing = missing_groups(config, kata.id)
    config._cvk_store.add_attempt(
        config._cvk_run, kata.id, config._cvk_package, kata_status(rs, missing),
        passed=sum(r["outcome"] == "passed" for r in rs), ran=sum(r["outcome"] != "skipped" for r in rs),
        complete=not missing, speed_ratio=max(ratios) if ratios else None,
        devices=",".join(sorted({r["device"] or "cpu" for r in rs if r["outcome"] == "passed"})),
        fingerprint=impl_mod.fingerprint(config._cvk_package, kata) if not missing else None)


def pytest_report_teststatus(report, config):
    if report.when == "call" and getattr(report, "cvk_category", None) in (NOT_STARTED, TOO_SLOW, TIMED_OUT):
        word = {NOT_STARTED: "NOT STARTED", TOO_SLOW: "TOO SLOW", TIMED_OUT: "TIMED OUT"}[report.cvk_category]
        letter = {NOT_STARTED: "n", TOO_SLOW: "s", TIMED_OUT: "t"}[report.cvk_category]
        return "failed", letter, word
    return None


def pytest_terminal_summary(terminalreporter, config):
    results = config._cvk_results
    if not (results or config._cvk_interrupted) or config.getoption("--cvk-verify"):
        return
    by_kata = defaultdict(list)
    for r in results:
        by_kata[r["kata"]].append(r)
    for kid in config._cvk_interrupted:
        by_kata.setdefault(kid, [])
    tr = terminalreporter
    tr.section(f"CV Katas: --impl={config._cvk_package}")
    for kid, rs in by_kata.items():
        missing = missing_groups(config, kid)
        status = "interrupted" if kid in config._cvk_interrupted else kata_status(rs, missing)
        tr.write_line(f"  {kid:<30} {status:<14} {summary_line(rs, missing)}")
    if config._cvk_interrupted:
        tr.write_line("  the run was interrupted (Ctrl-C): the katas it stopped in are not judged")


def pytest_sessionfinish(session, exitstatus):
    writer = session.config._cvk_writer
    if writer is not None:
        writer.finish(session.config._cvk_results)
