"""Time the book's set-up, builds and tests on this machine and write BENCHMARKS.md (`make bench`).

Honest by construction:
- the tree measured is a commit: the script refuses to run with uncommitted changes
  (--allow-dirty runs anyway and the report says "dirty", listing the changed files);
- every build runs in a throw-away copy of that tree (never in the repository's own
  _build/), with PYTHONPATH pointing at the copy so its package is the one imported;
  the build command is the Makefile's (`make -s print-build-command`);
- every scenario starts from the unmodified tree: before each edit run the edited files
  are put back and the book rebuilt (not timed), so one run's edit never leaks into the
  next scenario, and the tests run on the real chapters and data;
- every run's exit status is recorded; a scenario with a failed run shows FAILED, not a time;
- medians of --runs runs (time.perf_counter, wall clock, whole command), with the ratio
  to Jupyter Book's template book (`jupyter-book create`, switched from
  `execute_notebooks: force` to `cache` so that it is built the same way), built in the
  same run as a yardstick.

Scenarios:
  set-up      `make env` in a fresh `git clone` of the commit: uv bootstrapped, .venv
              created and requirements.lock installed, with uv's cache as this machine has it
  cold        empty _build (every cache included: execution, data validation, lite site;
              only what `make vendor` and `make wheel` made stays: the vendored files, and the
              wheel, which records that `make wheel` validated these data with this code, a
              verdict the build takes instead of validating again): every chapter executed
  no-op       nothing changed: the build command run anyway (Sphinx finds nothing to do),
              as the template is measured
  no-op, `make book`
              nothing changed, the README's command: Make finds every input as the last
              successful build left it and runs nothing (the copy is made a git checkout
              for this, as a clone is)
  prose edit  a sentence appended to one chapter (no code changed)
  code edit   a code cell appended to one chapter (that chapter re-executed)
  CSV edit    an amount in data/aid_flows.csv changed (a new value every run): only the
              chapters that load aid_flows re-execute
then once: the test suite (fast tests, then the slow ones), and the PDF (`make pdf`) where TeX is.
The cold builds come first, the template's and the book's in turn (template, book, template, ...):
the machine's speed drifts over the minutes of a run (the template's cold build measured 3.3 s in
one run and 4.4 s in the next), and a drift then falls on both sides of the ratio. The template's
other scenarios follow, then the book's.

Usage: python tools/bench.py [--runs N] [--out BENCHMARKS.md] [--skip-tests] [--skip-template]
                             [--skip-setup] [--skip-pdf] [--allow-dirty] [--keep]
       BENCH_RUNS=1 (or `make bench RUNS=1`) for a quick check of the script itself.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The copy, its environment and the build command are the tests' too (tests/repository.py), so
# the benchmark builds exactly what tests/test_rebuild.py builds.
sys.path.insert(0, str(ROOT / "tests"))
from repository import build_command, copy_tree, env_for  # noqa: E402

BUILD = build_command()  # jupyter-book from this environment
EXECUTED = re.compile(r"/([^/\s]+)\.(?:md|ipynb): Executed notebook in ([\d.]+) seconds")

PROSE_CHAPTER = "chapters/07-treaty-counts.md"
CODE_CHAPTER = "chapters/07-treaty-counts.md"
CSV_FILE = "data/aid_flows.csv"
CSV_ROW = "AF004"  # Soviet aid 1954-1978, "more than $1 billion": in a figure and a glued total
MAKE_NOOP = "no-op, `make book`"
SCENARIOS = ("set-up", "cold", "no-op", MAKE_NOOP, "prose edit", "code edit", "CSV edit")
# Targets (issue 13): seconds, or a ratio to the template book built in the same run.
TARGETS = {
    "set-up": ("s", 10),
    "cold": ("ratio", 3),
    "no-op": ("s", 2),
    MAKE_NOOP: ("s", 2),
    "prose edit": ("s", 15),
    "code edit": ("s", 15),
    "CSV edit": ("s", 12),
}


def children_cpu():
    """CPU seconds (user + system) used so far by this process's finished children and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command, **kwargs):
    """(wall seconds, CPU seconds of the command and every process it started, CompletedProcess)."""
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, children_cpu() - cpu, proc


# What a failed build's log says went wrong: Sphinx's error and warning lines (jupyter-book ends
# every failed build with the same message box, which says only to look above).
PROBLEM = re.compile(r"^(?:.*(?:WARNING|ERROR):.*|.*Extension error.*|\w+(?:Error|Exception): .*)$", re.M)


def failure(log):
    """The first few lines of a failed build's log that name its problem (else its last lines), for the notes."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", log)  # colours
    lines = [line.strip() for line in PROBLEM.findall(log) if "Look above for the cause" not in line]
    return " | ".join(lines[:3] or log.strip().splitlines()[-3:])[:400]


def build(folder, env, extra=()):
    """(seconds, exit status, log, {chapter: execution seconds} of the notebooks executed, CPU seconds)."""
    seconds, cpu, proc = run(BUILD + list(extra), cwd=folder, env=env)
    log = proc.stdout + proc.stderr
    executed = {name: float(s) for name, s in EXECUTED.findall(log)}
    return seconds, proc.returncode, log, executed, cpu


def make_in(copy, target):
    """A function running `make <target>` in the copy with this environment (its VENV, and a stamp
    standing for the copy's installed environment), returning what build() returns."""
    stamp = copy / "_build" / ".installed-bench"
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    command = ["make", "--no-print-directory", target, f"VENV={BIN.parent}", f"INSTALLED={stamp}"]

    def make(env):
        seconds, cpu, proc = run(command, cwd=copy, env=env)
        log = proc.stdout + proc.stderr
        return seconds, proc.returncode, log, {name: float(s) for name, s in EXECUTED.findall(log)}, cpu

    return make


def as_a_clone(copy):
    """Make the copy a git checkout of its files (as a clone is: `make book` keys its no-op check on git)."""
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for command in (["git", "init", "--quiet"], [*git, "add", "-A"], [*git, "commit", "--quiet", "-m", "bench"]):
        subprocess.run(command, cwd=copy, check=True, capture_output=True)


# What a cold build keeps of _build/: what `make vendor` and `make wheel` made before the build command
# runs (the vendored JavaScript, boundaries and Pyodide; the wheel and its validation stamp). Everything
# else, the build's own outputs and every cache it keeps (execution, data validation, lite site), goes.
KEPT_FOR_COLD = ("vendor", "wheel", "wheel-data-validated.txt", ".installed-bench")


def clean(folder):
    """Empty _build/ but for what the build command does not make (KEPT_FOR_COLD)."""
    for path in (folder / "_build").iterdir():
        if path.name not in KEPT_FOR_COLD:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def cache_execution_times(folder):
    """{notebook: execution_seconds} as jupyter-cache recorded them."""
    from jupyter_cache import get_cache

    cache = get_cache(str(folder / "_build" / ".jupyter_cache"))
    return {Path(r.uri).stem: r.data.get("execution_seconds") for r in cache.list_cache_records()}


def median(values):
    return statistics.median(values) if values else float("nan")


def git_state(root=ROOT):
    """(full commit hash, [paths with uncommitted changes])."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, capture_output=True, text=True
    ).stdout
    return commit, [line[3:] for line in status.splitlines() if line.strip()]


class Bench:
    def __init__(self, runs):
        self.runs = runs
        self.results = {}  # scenario: [seconds]
        self.status = {}  # scenario: [exit status]
        self.executed = {}  # scenario: [{chapter: seconds}]
        self.cpu = {}  # scenario: [CPU seconds of the whole process tree]
        self.notes = []

    def record(self, scenario, result):
        seconds, rc, log, executed, cpu = result
        self.cpu.setdefault(scenario, []).append(cpu)
        self.results.setdefault(scenario, []).append(seconds)
        self.status.setdefault(scenario, []).append(rc)
        self.executed.setdefault(scenario, []).append(executed)
        print(
            f"  {scenario}: {seconds:.2f} s ({cpu:.1f} s CPU), exit {rc}, executed {sorted(executed) or 'none'}",
            flush=True,
        )
        if rc:
            tail = failure(log)
            self.notes.append(f"{scenario}: a run failed (exit {rc}): {tail}")
        return log

    def failed(self, scenario):
        return any(self.status.get(scenario, []))


class Tree:
    """The book's copy, with the files the scenarios edit put back (and the book rebuilt, untimed) on demand."""

    def __init__(self, copy, env, bench, original=ROOT, edited=(PROSE_CHAPTER, CODE_CHAPTER, CSV_FILE)):
        self.copy, self.env, self.bench = copy, env, bench
        self.original, self.edited = original, edited
        self.pristine = {name: (copy / name).read_bytes() for name in edited}

    def restore(self):
        """Put back every edited file and rebuild (untimed); returns the build's exit status."""
        changed = False
        for name, data in self.pristine.items():
            if (self.copy / name).read_bytes() != data:
                (self.copy / name).write_bytes(data)
                changed = True
        if not changed:
            return 0
        rc, log = build(self.copy, self.env)[1:3]
        if rc:
            self.bench.notes.append("rebuilding the unmodified tree between runs failed: " + failure(log))
        return rc


def bench_setup(work, runs, bench, commit):
    """`make env` in fresh clones of the commit (uv's and pip's caches as this machine has them)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL")}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not p.startswith(str(ROOT / ".venv")))
    for i in range(runs):
        clone = work / f"clone-{i}"
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", commit], cwd=clone, check=True)
        seconds, cpu, proc = run(["make", "env"], cwd=clone, env=env)
        log = proc.stdout + proc.stderr
        if proc.returncode == 0:  # installed means importable, from the clone
            check = subprocess.run(
                [
                    str(clone / ".venv/bin/python"),
                    "-c",
                    "import afghan_relations, myst_nb, pandas; print(afghan_relations.__file__)",
                ],
                cwd="/",
                capture_output=True,
                text=True,
                env=env,
            )
            if check.returncode or not check.stdout.startswith(str(clone)):
                proc.returncode, log = 1, log + check.stdout + check.stderr
        bench.record("set-up", (seconds, proc.returncode, log, {}, cpu))
        if i == 0 and proc.returncode == 0:
            # what a new clone's first `make book` costs on top: widget JavaScript, Python writing the
            # bytecode of the modules it imports (uv installs none), every chapter executed
            start = time.perf_counter()
            first = subprocess.run(["make", "book"], cwd=clone, env=env, capture_output=True, text=True)
            label = "fresh clone: first `make book` after set-up (n = 1)"
            bench.results.setdefault(label, []).append(time.perf_counter() - start)
            bench.status.setdefault(label, []).append(first.returncode)
            print(f"  {label}: {bench.results[label][-1]:.1f} s, exit {first.returncode}", flush=True)
        shutil.rmtree(clone, ignore_errors=True)


def check_copy_is_imported(copy):
    imported = subprocess.run(
        [sys.executable, "-c", "import afghan_relations; print(afghan_relations.__file__)"],
        env=env_for(copy),
        cwd="/",
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert imported.startswith(str(copy)), f"the copy's package is not the one imported: {imported}"


def bench_cold(copy, template, runs, bench):
    """The cold builds, the template's (when there is one) and the book's in turn."""
    env = env_for(copy)
    for i in range(runs):
        if template is not None:
            shutil.rmtree(template / "_build", ignore_errors=True)
            bench.record("template: cold", build(template, template_env()))
        clean(copy)
        log = bench.record("cold", build(copy, env))
        if i == 0:
            (copy / "_build" / "cold.log").write_text(log)
    bench.cache_times = cache_execution_times(copy)


def bench_book(copy, runs, bench):
    """The book's scenarios after the cold builds (bench_cold), which leave the copy built."""
    env = env_for(copy)
    tree = Tree(copy, env, bench)
    for _ in range(runs):
        bench.record("no-op", build(copy, env))
    make_book = make_in(copy, "book")
    make_book(env)  # untimed: the wheel for this environment's stamp, and the inputs' state recorded
    for _ in range(runs):
        bench.record(MAKE_NOOP, make_book(env))
    for i in range(runs):
        tree.restore()
        with (copy / PROSE_CHAPTER).open("a") as f:
            f.write(f"\nA sentence added by the benchmark, run {i}.\n")
        bench.record("prose edit", build(copy, env))
    for i in range(runs):
        tree.restore()
        with (copy / CODE_CHAPTER).open("a") as f:
            f.write(f"\n```{{code-cell}} ipython3\n_benchmark_run = {i}\n```\n")
        bench.record("code edit", build(copy, env))
    for i in range(runs):
        tree.restore()
        csv = copy / CSV_FILE
        amount = 1_000_000_000 + (i + 1) * 100_000_000
        text, n = re.subn(
            rf"^({CSV_ROW},(?:[^,\n]*,){{12}})(\d+),(\d+),",
            lambda m, amount=amount: f"{m.group(1)}{amount},{amount},",
            csv.read_text(),
            flags=re.M,
        )
        assert n == 1, f"{CSV_ROW} not found in {CSV_FILE}"
        csv.write_text(text)
        bench.record("CSV edit", build(copy, env))
    tree.restore()
    readers = sorted(
        p.stem
        for p in (copy / "chapters").glob("*.md")
        if re.search(r"\bload\.aid_flows\(|\bload\.DATASETS\b|getattr\(\s*load\b", p.read_text())
    )
    bench.csv_readers = readers
    return tree


def bench_pdf(copy, bench):
    if not (shutil.which("xelatex") and shutil.which("latexmk")):
        bench.notes.append("PDF: not measured: no TeX here (`make pdf` would install it first).")
        return
    stamp = copy / "_build" / ".installed-bench"
    stamp.touch()
    start = time.perf_counter()
    proc = subprocess.run(
        ["make", "pdf", f"VENV={BIN.parent}", f"INSTALLED={stamp}"],
        cwd=copy,
        env=env_for(copy),
        capture_output=True,
        text=True,
    )
    label = "PDF (`make pdf` after a successful HTML build; n = 1)"
    bench.results.setdefault(label, []).append(time.perf_counter() - start)
    bench.status.setdefault(label, []).append(proc.returncode)
    print(f"  {label}: {bench.results[label][-1]:.1f} s, exit {proc.returncode}", flush=True)
    if proc.returncode:
        bench.notes.append(
            f"PDF: `make pdf` failed (exit {proc.returncode}): "
            + (proc.stdout + proc.stderr).strip().splitlines()[-1][:200]
        )


def bench_tests(copy, tree, bench):
    """The test suite against the copy's build of the unmodified tree: fast tests, then the slow ones."""
    env = env_for(copy)
    tree.restore()
    # what `make book` leaves behind for tests/test_build.py
    rc, log = build(copy, env)[1:3]
    (copy / "_build" / "build.log").write_text(log)
    if rc == 0:
        (copy / "_build" / "build-ok").write_text(" ".join([Path(BUILD[0]).name, *BUILD[1:]]) + "\n")
    for label, marker in (
        ("tests, not slow (`pytest -m 'not slow'`; n = 1)", "not slow"),
        ("tests, slow only (`pytest -m slow`; n = 1)", "slow"),
    ):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-m", marker, "-p", "no:cacheprovider", "--durations=6"],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
        )
        bench.results.setdefault(label, []).append(time.perf_counter() - start)
        bench.status.setdefault(label, []).append(proc.returncode)
        summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        failed = [line.split(" - ")[0] for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        bench.notes.append(f"{label}: {summary}" + (f" ({'; '.join(failed)})" if failed else ""))
        slowest = re.findall(r"^([\d.]+)s (setup|call|teardown) +(\S+)$", proc.stdout, re.M)
        if slowest:
            steps = "; ".join(f"{test} ({step}) {float(s):.0f} s" for s, step, test in slowest)
            bench.notes.append(f"{label}, slowest steps: {steps}")
        print(f"  {label}: {bench.results[label][-1]:.1f} s, exit {proc.returncode}: {summary}", flush=True)


def make_template(folder):
    """Jupyter Book's template book in `folder`, executed through the cache as this book is."""
    subprocess.run([str(BIN / "jupyter-book"), "create", str(folder)], check=True, capture_output=True)
    config = folder / "_config.yml"
    config.write_text(config.read_text().replace("execute_notebooks: force", "execute_notebooks: cache"))
    return folder


def template_env():
    return dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")


def bench_template(folder, runs, bench):
    """The template's scenarios after the cold builds (bench_cold), which leave it built."""
    env = template_env()
    prose, code = folder / "markdown.md", folder / "markdown-notebooks.md"
    pristine = {prose: prose.read_bytes(), code: code.read_bytes()}

    def restore():
        if any(path.read_bytes() != data for path, data in pristine.items()):
            for path, data in pristine.items():
                path.write_bytes(data)
            build(folder, env)

    for _ in range(runs):
        bench.record("template: no-op", build(folder, env))
    for i in range(runs):
        restore()
        with prose.open("a") as f:
            f.write(f"\nA sentence added by the benchmark, run {i}.\n")
        bench.record("template: prose edit", build(folder, env))
    for i in range(runs):
        restore()
        with code.open("a") as f:
            f.write(f"\n```{{code-cell}}\n_benchmark_run = {i}\n```\n")
        bench.record("template: code edit", build(folder, env))


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "nproc": os.cpu_count(),
        "ram": f"{mem_kb / 1024**2:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load": os.getloadavg(),
    }


def cell(bench, scenario):
    """A scenario's median, or FAILED if any run failed, or – if not measured."""
    if bench.failed(scenario):
        return "FAILED"
    values = bench.results.get(scenario, [])
    return f"{median(values):.1f}" if values else "–"


def cpu_cell(bench, scenario):
    """Median CPU seconds of the scenario's process trees, ours / the template's: steadier than wall
    time on a busy machine (it counts work, not waiting for a core)."""

    def one(name):
        values = bench.cpu.get(name, [])
        return f"{median(values):.1f}" if values else "–"

    return f"{one(scenario)} / {one(f'template: {scenario}')}"


def goal(bench, scenario):
    """The target and whether the median meets it (✔/✘); a failed scenario never does."""
    if scenario not in TARGETS:
        return "–"
    kind, value = TARGETS[scenario]
    ours, theirs = bench.results.get(scenario), bench.results.get(f"template: {scenario}")
    text = f"≤ {value} s" if kind == "s" else f"≤ {value}× template"
    if not ours:
        return text
    if kind == "ratio" and not theirs:
        return text  # the template was not built: no ratio to judge
    if bench.failed(scenario) or (kind == "ratio" and bench.failed(f"template: {scenario}")):
        return text + " ✘"
    measured = median(ours) if kind == "s" else median(ours) / median(theirs)
    return text + (" ✔" if measured <= value else " ✘")


def report(bench, runs, args, commit, dirty):
    m = machine()
    state = f"commit {commit}" + (
        f", dirty ({len(dirty)} uncommitted: {', '.join(dirty[:8])}{' ...' if len(dirty) > 8 else ''})"
        if dirty
        else ", clean"
    )
    lines = [
        "# Build benchmarks",
        "",
        "Written by `make bench` (`tools/bench.py`); do not edit by hand. Rerun it after a change",
        "that could affect build time and commit the result.",
        "",
        f"- date: {datetime.date.today().isoformat()}; {state}",
        f"- machine: {m['nproc']} cores (nproc), {m['ram']} RAM, {m['cpu']}; {m['os']};"
        f" load average (1 min) at the start {bench.load_at_start:.1f}, at the end {m['load'][0]:.1f}"
        " (above 2, other work shared the cores and the wall times are too long)",
        f"- Python {m['python']}; build command `{' '.join(['jupyter-book', *BUILD[1:]])}` in a copy of the tree",
        f"- n = {runs} runs per scenario, median shown (time.perf_counter, wall clock, whole command);"
        " the one-off rows (PDF, tests) are n = 1. Each edit run starts from the unmodified tree.",
        "",
        "## Set-up, builds: this book and the Jupyter Book template",
        "",
        "| scenario | this book (s) | template book (s) | ratio ours/template | target | exit status (ours)"
        " | runs (ours, s) | CPU, ours / template (s) |",
        "|---|---:|---:|---:|---|---|---|---|",
    ]
    for scenario in SCENARIOS:
        ours, theirs = bench.results.get(scenario, []), bench.results.get(f"template: {scenario}", [])
        ok = ours and theirs and not bench.failed(scenario) and not bench.failed(f"template: {scenario}")
        ratio = f"{median(ours) / median(theirs):.1f}" if ok else "–"
        lines.append(
            f"| {scenario} | {cell(bench, scenario)} | {cell(bench, f'template: {scenario}')} | {ratio} | "
            f"{goal(bench, scenario)} | {', '.join(map(str, bench.status.get(scenario, []))) or '–'} | "
            f"{', '.join(f'{s:.1f}' for s in ours)} | {cpu_cell(bench, scenario)} |"
        )
    for scenario in bench.results:
        if scenario.startswith(("PDF", "tests", "fresh clone")):
            lines.append(
                f"| {scenario} | {cell(bench, scenario)} | – | – | – | "
                f"{', '.join(map(str, bench.status[scenario]))} | | |"
            )
    lines += [
        "",
        "Set-up: `make env` in a fresh `git clone` of the commit (bootstrapping uv with pip, creating"
        " `.venv`, installing `requirements.lock`, then the book's package; no bytecode compiled),"
        " with uv's download cache warm. "
        f"Edits: prose and code in `{PROSE_CHAPTER}`; the CSV edit changes the amount of row {CSV_ROW}"
        f" in `{CSV_FILE}` (a new value every run). The template has no CSV data and no environment"
        " of its own, hence no ratio there; its `_config.yml` is switched from `execute_notebooks: force`"
        " to `cache` so it is built like this book. CPU: user + system seconds of the command and every"
        " process it started (kernels included), from getrusage. Cold: `_build` emptied but for what"
        " `make vendor` and `make wheel` made before the build command (the vendored files; the wheel,"
        " whose record that `make wheel` validated these data with this code the build takes, instead of"
        " validating them a second time); the CSV edit, whose data the wheel did not validate, validates.",
        "",
        "## What re-executed",
        "",
        "| scenario | notebooks executed (every run) |",
        "|---|---|",
    ]
    for scenario in SCENARIOS[1:]:
        runs_executed = bench.executed.get(scenario, [])
        sets = sorted({", ".join(sorted(e)) or "none" for e in runs_executed})
        lines.append(f"| {scenario} | {'; '.join(sets) or '–'} |")
    lines += [
        "",
        f"Chapters that load `aid_flows` (`load.aid_flows()` or `load.DATASETS`): "
        f"{', '.join(getattr(bench, 'csv_readers', []))}.",
        "",
    ]
    lines += [
        "## Execution time per notebook (cold builds)",
        "",
        "| notebook | median of the cold builds' logs (s) | jupyter-cache `execution_seconds`, last cold build (s) |",
        "|---|---:|---:|",
    ]
    per = {}
    for executed in bench.executed.get("cold", []):
        for name, s in executed.items():
            per.setdefault(name, []).append(s)
    cache_times = getattr(bench, "cache_times", {})
    for name in sorted(per):
        ct = cache_times.get(name)
        lines.append(f"| {name} | {median(per[name]):.2f} | {f'{ct:.2f}' if ct is not None else '–'} |")
    total = sum(median(v) for v in per.values())
    lines += [
        "",
        f"Sum of the medians: {total:.1f} s, in a cold build of {cell(bench, 'cold')} s: the notebooks run"
        " in parallel, one kernel per core, while Sphinx reads (book_extensions/parallel_execution.py),"
        " so each one's time includes waiting for the core it shares.",
        "",
    ]
    if bench.notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in bench.notes] + [""]
    out = Path(args.out)
    out.write_text("\n".join(lines))
    if args.json:
        out.with_suffix(".json").write_text(
            json.dumps(
                {
                    "machine": m,
                    "commit": commit,
                    "dirty": dirty,
                    "runs": runs,
                    "results": bench.results,
                    "status": bench.status,
                    "executed": bench.executed,
                    "cpu": bench.cpu,
                },
                indent=1,
            )
        )
    print(f"wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--json", action="store_true", help="also write the raw timings next to --out")
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-template", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument(
        "--allow-dirty", action="store_true", help="measure a tree with uncommitted changes (the report says dirty)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args()
    commit, dirty = git_state()
    if dirty and not args.allow_dirty:
        sys.exit(
            "bench: uncommitted changes (" + ", ".join(dirty[:8]) + "): commit first, so that the"
            " report names what it measured, or pass --allow-dirty (the report then says dirty)"
        )
    bench = Bench(args.runs)
    bench.load_at_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # The book's copy now, as the commit checked above has it: an edit made while the bench runs
        # (the template's and the set-up's rows take a minute) is not measured under that commit's name.
        copy = work / "book"
        copy.mkdir()
        copy_tree(copy)
        as_a_clone(copy)
        print(f"book copy: {copy}", flush=True)
        check_copy_is_imported(copy)
        # The yardsticks first, on the machine as idle as it will be (built last, after the tests, the
        # template's cold build once took 6.8 s, 3.2 s of CPU, against 3.1 s alone), in turn with the book's.
        template = None if args.skip_template else make_template(work / "template")
        bench_cold(copy, template, args.runs, bench)
        if template is not None:
            bench_template(template, args.runs, bench)
        if not args.skip_setup:
            bench_setup(work, args.runs, bench, commit)
        tree = bench_book(copy, args.runs, bench)
        if not args.skip_tests:
            bench_tests(copy, tree, bench)  # leaves _build/build-ok, so `make pdf` does not rebuild all pages
        if not args.skip_pdf:
            bench_pdf(copy, bench)
        report(bench, args.runs, args, commit, dirty)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
