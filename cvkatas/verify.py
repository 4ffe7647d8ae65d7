"""`nox -s verify`: the suite's own test. Every proof of KATA_STANDARD.md, mechanically, per kata:
stubs fail every test, the reference passes on every available device, each wrong answer is caught,
slow variants fail no correctness test and at least one speed test, stub and reference signatures
match, metadata is complete, and no reference source appears in the output of a failing run."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field

from . import catalog, verdict
from . import impl as impl_mod


@dataclass
class Row:
    kata: catalog.Kata
    problems: list = field(default_factory=list)
    tests: int = 0
    groups: str = "-"  # correctness/convention/contract/perf test counts
    stub: str = "-"
    reference: str = "-"
    wrong: str = "-"  # defects caught
    conv: str = "-"  # convention misses proven nearly solved
    canonical: str = "-"  # canonical-style variants ending as declared
    slow: str = "-"
    devices: str = "-"
    seconds: float = 0.0
    verdicts: list = field(default_factory=list)


def _api_signature(obj) -> str:
    """Names, kinds and defaults of a function's parameters (classes: constructor and public methods)."""
    def sig(fn):
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            return "?"
        return "(" + ", ".join(f"{p.kind.name}:{p.name}={p.default!r}" for p in params) + ")"

    if inspect.isclass(obj):
        methods = sorted(n for n, v in vars(obj).items() if callable(v) and not n.startswith("_"))
        return sig(obj) + "; " + "; ".join(f"{m}{sig(getattr(obj, m))}" for m in methods)
    return sig(obj)


def static_checks(kata: catalog.Kata) -> list[str]:
    """What can be checked without running a test."""
    out = list(kata.problems())
    for f in (kata.stub_file, kata.folder / "test_kata.py", kata.folder / "__init__.py",
              kata.reference_file, kata.variants_file):
        if not f.exists():
            out.append(f"missing file {f.relative_to(catalog.ROOT)}")
    if out:
        return out
    stub = importlib.import_module(f"{impl_mod.DEFAULT}.{kata.module}")
    try:
        ref = impl_mod.load(impl_mod.REFERENCE, kata)
    except impl_mod.ImplError as exc:
        return [str(exc)]
    for name in kata.api:
        if not hasattr(stub, name):
            out.append(f"stub lacks `{name}`")
        elif name not in ref._names:
            out.append(f"reference lacks `{name}`")
        elif _api_signature(getattr(stub, name)) != _api_signature(ref._names[name]):
            out.append(f"signature of `{name}` differs: stub {_api_signature(getattr(stub, name))} "
                       f"vs reference {_api_signature(ref._names[name])}")
        elif not (inspect.getdoc(getattr(stub, name)) or "").strip():
            out.append(f"stub `{name}` has no docstring: the docstring is the statement")
    variants = importlib.import_module(f"{impl_mod.REFERENCE}.{kata.module}_variants")
    wrong, slow = getattr(variants, "WRONG", {}), getattr(variants, "SLOW", {})
    canonical = getattr(variants, "CANONICAL", {})
    if set(canonical) != set(kata.canonical):
        out.append(f"kata.toml canonical {sorted(kata.canonical)} and CANONICAL variants {sorted(canonical)} differ")
    mistakes = {m.get("id") for m in kata.meta.get("mistakes", []) if isinstance(m, dict)}
    if len(wrong) < 3:
        out.append(f"only {len(wrong)} wrong answer(s); KATA_STANDARD.md asks for at least three")
    if set(wrong) != mistakes:
        out.append(f"kata.toml mistakes {sorted(mistakes)} and WRONG variants {sorted(wrong)} differ")
    if (kata.max_ratio is not None) != bool(slow):
        out.append("a kata with a [speed] limit needs a SLOW variant, and only such a kata has one")
    return out


def _distinctive_lines(kata: catalog.Kata) -> set[str]:
    """Lines of the reference and its variants that appear nowhere in the stub or the tests."""
    public = set()
    for f in (kata.stub_file, kata.folder / "test_kata.py"):
        public |= {ln.strip() for ln in f.read_text().splitlines()}
    lines = set()
    for f in (kata.reference_file, kata.variants_file):
        for ln in f.read_text().splitlines():
            ln = ln.strip()
            if len(ln) >= 16 and ln not in public and not ln.startswith(("#", '"""', "def ", "return ", "import ")):
                lines.add(ln)
    return lines


def judge(row: Row, results: list[dict], cuda: bool) -> None:
    kata = row.kata
    by_impl = defaultdict(list)
    for r in results:
        by_impl[r["impl"]].append(r)
    ref = by_impl.get("reference", [])
    row.tests = len(ref)
    counts = defaultdict(int)
    for r in ref:
        counts[r.get("group", "correctness")] += 1
    row.groups = "/".join(str(counts[g]) for g in verdict.GROUPS)
    group_of_test = {r["test"]: r.get("group", "correctness") for r in ref}
    if not ref:
        row.problems.append("no test ran against the reference")
        return

    def ran(rs):
        return [r for r in rs if r["outcome"] != "skipped"]

    stub = ran(by_impl.get("stub", []))
    stub_failed = [r for r in stub if r["outcome"] == "failed"]
    row.stub = f"{len(stub_failed)}/{len(stub)}"
    for r in stub:
        if r["outcome"] != "failed":
            row.problems.append(f"passes on the untouched stub (asserts nothing?): {r['nodeid']}")
        elif r["category"] != "not started":
            row.problems.append(f"stub failure not reported as *not started*: {r['nodeid']}")

    ref_ran = ran(ref)
    ref_ok = [r for r in ref_ran if r["outcome"] == "passed"]
    row.reference = f"{len(ref_ok)}/{len(ref_ran)}"
    for r in ref_ran:
        if r["outcome"] != "passed":
            row.problems.append(f"reference fails {r['nodeid']}: {r['message'].splitlines()[-1][:200]}")
    for r in ref:
        optional = "could not import" in r["message"]  # an extra oracle that is not installed here
        if r["outcome"] == "skipped" and not optional and not (r["device"] == "cuda" and not cuda):
            row.problems.append(f"reference skipped {r['nodeid']}: {r['message'][-120:]}")
    devices = sorted({r["device"] for r in ref_ok if r["device"]})
    row.devices = ",".join(devices) if devices else "cpu"
    if kata.uses_torch:
        undeviced = sorted({r["nodeid"] for r in ref if r["device"] is None})
        if undeviced:
            row.problems.append(f"torch kata test not parametrised over `device`: {undeviced[0]}")
        if not cuda:
            row.devices += " (cuda: no GPU here, skipped)"

    defects, misses = [], []
    for k in (k for k in by_impl if k.startswith("wrong:")):
        (misses if kata.mistake_fails(k[6:]) is not None else defects).append(k)
    caught = [k for k in defects if any(r["outcome"] == "failed" and r.get("group") == "correctness"
                                        for r in by_impl[k])]
    row.wrong = f"{len(caught)}/{len(defects)}"
    for k in defects:
        if k not in caught:
            others = sorted({r["test"] for r in by_impl[k] if r["outcome"] == "failed"})
            hint = (f"; it fails only {', '.join(others)}: declare it a convention miss (`fails`) or add a "
                    "correctness test") if others else ""
            row.problems.append(f"defect `{k[6:]}` passes every correctness test{hint}")
    proven = 0
    for k in misses:
        proven += _expect_exactly(row, f"convention miss `{k[6:]}`", by_impl[k], kata.mistake_fails(k[6:]),
                                  group_of_test, require=True)
    row.conv = f"{proven}/{len(misses)}"
    canon = [k for k in by_impl if k.startswith("canonical:")]
    good = 0
    for k in canon:
        good += _expect_exactly(row, f"canonical-style `{k[10:]}`", by_impl[k],
                                kata.canonical.get(k[10:], {}).get("fails", []), group_of_test, require=False)
    row.canonical = f"{good}/{len(canon)}"
    for k in misses + canon:
        row.verdicts.append(f"{k}: {verdict.kata_status([r for r in by_impl[k] if not r['perf']])}")

    slow = [k for k in by_impl if k.startswith("slow:")]
    rejected = 0
    for k in slow:
        rs = ran(by_impl[k])
        bad_correct = [r for r in rs if not r["perf"] and r["outcome"] != "passed"]
        perf = [r for r in rs if r["perf"]]
        for r in bad_correct:
            row.problems.append(f"slow variant `{k[5:]}` fails a correctness test: {r['nodeid']}")
        slow_in = [r for r in perf if r["outcome"] == "failed" and r["category"] == "too slow"]
        for r in perf:
            if r["outcome"] == "failed" and r not in slow_in:
                row.problems.append(f"slow variant `{k[5:]}` fails a speed test otherwise than as too slow: "
                                    f"{r['nodeid']}")
        if slow_in:  # one speed test that rejects it is enough: each may watch a different cost
            rejected += not bad_correct
        else:
            row.problems.append(f"slow variant `{k[5:]}` is not rejected by any speed test")
    if slow:
        ratios = [r["speed_ratio"] for k in slow for r in by_impl[k] if r["speed_ratio"]]
        seen = f" ({max(ratios):.0f}x)" if ratios else ""
        row.slow = f"{rejected}/{len(slow)}{seen}"

    leaks = _distinctive_lines(kata)
    for r in results:
        if r["outcome"] == "failed":
            hit = next((ln for ln in leaks if ln in r["message"]), None)
            if hit:
                row.problems.append(f"reference source shown in the output of {r['nodeid']}: {hit!r}")
                break


def _expect_exactly(row, what, rs, fails, group_of_test, require) -> bool:
    """A convention miss (or a canonical-style variant) must fail exactly its declared convention and
    contract tests, and pass every correctness test: it ends *nearly solved* (or *solved*)."""
    fails = set(fails or [])
    ok = True
    for name in sorted(fails):
        if group_of_test.get(name) not in ("convention", "contract"):
            row.problems.append(f"{what} declares `{name}`, which is not a convention or contract test")
            ok = False
    failed = {r["test"] for r in rs if r["outcome"] == "failed" and not r["perf"]}
    for name in sorted(failed - fails):
        where = group_of_test.get(name, "?")
        row.problems.append(f"{what} fails {where} test {name}, which it does not declare")
        ok = False
    for name in sorted(fails - failed):
        row.problems.append(f"{what} passes {name}, which it declares it fails")
        ok = False
    if require and not fails:
        row.problems.append(f"{what}: a convention miss must name the convention tests it fails")
        ok = False
    return ok


def _cost(kata: catalog.Kata) -> float:
    """A rough estimate of a kata's verify time, to start the longest first."""
    variants = 2 + len(kata.meta.get("mistakes", [])) + len(kata.meta.get("canonical", []))
    return (kata.folder / "test_kata.py").stat().st_size * variants * (2 if kata.uses_torch else 1)


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def run_pytest(katas, tmp, log_path, jobs: int | None = None) -> tuple[list[dict] | None, int]:
    """Every kata in a pytest process of its own, ``jobs`` at a time (default: the CPU count), the
    costliest first; the results of all, and the worst exit code. The logs are joined in kata order."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    env = {**os.environ, "CVKATAS_DB": "off"}
    if jobs > 1:  # one math thread per process: parallel katas would otherwise fight over the cores,
        for var in THREAD_VARS:  # and a speed round's ratio would measure that fight
            env.setdefault(var, "1")
    queue = sorted(katas, key=_cost, reverse=True)
    running, codes, results = {}, {}, []
    while queue or running:
        while queue and len(running) < jobs:
            k = queue.pop(0)
            out = os.path.join(tmp, k.id.replace("/", "-") + ".json")
            log = open(out + ".log", "w")  # noqa: SIM115 (closed when the process ends)
            cmd = [sys.executable, "-m", "pytest", str(k.folder), "--cvk-verify", f"--cvk-results={out}", "-q",
                   "-p", "no:randomly", "--impl=solutions",
                   # a learner's per-test limit is 10 s; verify runs several katas at once on a
                   # shared machine, where a first torch.func or DataLoader call can take longer
                   "--timeout=60"]
            running[k.id] = (subprocess.Popen(cmd, cwd=catalog.ROOT, stdout=log, stderr=subprocess.STDOUT,
                                              env=env), log, out)
        time.sleep(0.05)
        for kid, (proc, log, _out) in list(running.items()):
            if proc.poll() is not None:
                log.close()
                codes[kid] = proc.returncode
                del running[kid]
    with open(log_path, "w") as log:
        for k in katas:
            out = os.path.join(tmp, k.id.replace("/", "-") + ".json")
            with open(out + ".log") as fh:
                log.write(f"===== {k.id} =====\n{fh.read()}")
            if not os.path.exists(out):
                return None, codes.get(k.id, 1)
            with open(out) as fh:
                results += json.load(fh)
    return results, max(codes.values(), default=0)


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def main(ids=(), *, torch: bool = False, json_path: str | None = None, no_harness: bool = False,
         jobs: int | None = None) -> int:
    """``verify [IDS...] [--torch] [--json PATH] [--no-harness] [--jobs N]`` (parsed by `cli`): IDS are
    ids, tracks or bare names; --torch takes the katas that run on CUDA; --json writes every kata's
    verdict, its cuda test counts and the speed ratios seen; --jobs runs that many katas at once
    (default: the CPU count)."""
    try:
        katas = catalog.resolve(ids) if ids else list(catalog.all_katas())
        if torch:
            katas = [k for k in katas if k.uses_torch]
    except catalog.UnknownKata as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return 2
    if not katas:
        print("verify: no katas found under katas/", file=sys.stderr)
        return 1
    rows = {k.id: Row(k, static_checks(k)) for k in katas}
    runnable = [k for k in katas if not rows[k.id].problems]
    cuda = cuda_available()
    out_dir = catalog.ROOT / ".cvkatas"
    out_dir.mkdir(exist_ok=True)
    tag = "+".join(k.id.replace("/", "-") for k in katas)[:80]
    log_path = out_dir / ("verify.log" if not ids else f"verify-{tag}.log")
    start = time.perf_counter()
    if runnable:
        with tempfile.TemporaryDirectory() as tmp:
            results, code = run_pytest(runnable, tmp, log_path, jobs)
            if results is None:
                print(f"verify: pytest did not run (exit {code}); see {log_path}", file=sys.stderr)
                print(log_path.read_text()[-3000:], file=sys.stderr)
                return 1
        by_kata = defaultdict(list)
        for r in results:
            by_kata[r["kata"]].append(r)
        for k in runnable:
            judge(rows[k.id], by_kata.get(k.id, []), cuda)
    else:
        by_kata = {}
    harness_ok = True
    # the harness's own tests: what a learner sees when things go wrong
    if not ids and not (torch or no_harness):
        proc = subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:randomly"],
                              cwd=catalog.ROOT, capture_output=True, text=True,
                              env={**os.environ, "CVKATAS_DB": "off"})  # never into the learner's history
        harness_ok = proc.returncode == 0
        with open(log_path, "a") as log:
            log.write(proc.stdout + proc.stderr)
        last = (proc.stdout.strip().splitlines() or ["no output"])[-1]
        print(f"harness self-tests (tests/): {last}")
        if not harness_ok:
            print(proc.stdout[-4000:])
    elapsed = time.perf_counter() - start
    print_summary(list(rows.values()), elapsed, cuda, log_path)
    if json_path:
        write_json(json_path, rows, by_kata, cuda, elapsed, harness_ok)
    return 1 if any(r.problems for r in rows.values()) or not harness_ok else 0


def write_json(path, rows, by_kata, cuda, elapsed, harness_ok) -> None:
    """Per kata: the verdict and problems, tests run and passed per device for the reference, and
    every speed ratio measured (by implementation and device)."""
    out = {"cuda": cuda, "seconds": round(elapsed, 1), "harness_ok": harness_ok, "katas": {}}
    if cuda:
        import torch

        out["gpu"] = torch.cuda.get_device_name(0)
        out["torch"] = torch.__version__
    for kid, row in rows.items():
        rs = by_kata.get(kid, [])
        per_device = defaultdict(lambda: {"ran": 0, "passed": 0, "skipped": 0})
        for r in rs:
            if r["impl"] != "reference":
                continue
            d = per_device[r["device"] or "cpu"]
            d["skipped" if r["outcome"] == "skipped" else "ran"] += 1
            d["passed"] += r["outcome"] == "passed"
        speed = [{"impl": r["impl"], "device": r["device"] or "cpu", "test": r["test"], "ratio": r["speed_ratio"],
                  "outcome": r["outcome"]} for r in rs if r["speed_ratio"] is not None]
        out["katas"][kid] = {"verdict": "ok" if not row.problems else "FAIL", "problems": row.problems,
                             "devices": dict(per_device), "speed": speed}
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)


def print_summary(rows, elapsed, cuda, log_path):
    head = ("kata", "tests", "corr/conv/contr/perf", "stub fails", "reference", "defects caught",
            "conv. misses", "canonical", "slow rejected", "devices", "verdict")
    table = [head]
    for r in rows:
        word = "ok" if not r.problems else ("INCOMPLETE" if r.reference == "-" else "FAIL")
        table.append((r.kata.id, str(r.tests), r.groups, r.stub, r.reference, r.wrong, r.conv, r.canonical,
                      r.slow, r.devices, word))
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    print()
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    shown = [r for r in rows if r.verdicts]
    if shown:
        print("\nconvention misses and canonical-style variants, as a learner would see them:")
        for r in shown:
            print(f"  {r.kata.id}: " + "; ".join(v.split(":", 1)[1] for v in r.verdicts))
    bad = [r for r in rows if r.problems]
    for r in bad:
        print(f"\n{r.kata.id}:")
        for p in r.problems:
            print(f"  - {p}")
    gpu = "CUDA device present" if cuda else "no CUDA device: cuda tests skipped"
    print(f"\n{len(rows) - len(bad)}/{len(rows)} katas verified in {elapsed:.1f} s ({gpu}); "
          f"full pytest log: {log_path.relative_to(catalog.ROOT)}")
    print(f"katas: {len(rows) - len(bad)} passed, {len(bad)} failed")
