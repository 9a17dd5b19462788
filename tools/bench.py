"""Time the book's builds on this machine and write BENCHMARKS.md (`make bench`).

Every build runs in a throw-away copy of the working tree (tracked and untracked,
not ignored, files; the vendored widget JavaScript is copied from _build/vendor),
never in the repository's own _build/, with PYTHONPATH pointing at the copy so
its package is the one imported. The build command is the Makefile's
(`make -s print-build-command`), timed with time.perf_counter.

Scenarios, each repeated --runs times (median reported):
  cold        empty _build (execution cache included): every chapter executed
  no-op       nothing changed
  prose edit  a sentence appended to one chapter (no code changed)
  code edit   a code cell appended to one chapter (that chapter re-executed)
  CSV edit    an amount in data/aid_flows.csv changed (a new value every run):
              only the chapters that load aid_flows may re-execute; reported
then once: the PDF build (when `make pdf` exists), the test suite, and the same
cold/no-op/prose/code scenarios for Jupyter Book's template book
(`jupyter-book create`, switched from `execute_notebooks: force` to `cache` so
that it is built the same way) as a yardstick.

Usage: python tools/bench.py [--runs 3] [--out BENCHMARKS.md] [--skip-tests] [--skip-template]
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# The copy of the tree, its environment and the build command are the tests' (tests/test_rebuild.py).
from repository import BIN, build_command, copy_tree, env_for  # noqa: E402

BUILD = build_command()
BUILD_TEXT = " ".join([Path(BUILD[0]).name, *BUILD[1:]])  # as the Makefile prints it
EXECUTED = re.compile(r"/([^/\s]+)\.(?:md|ipynb): Executed notebook in ([\d.]+) seconds")

PROSE_CHAPTER = "chapters/07-treaty-counts.md"
CODE_CHAPTER = "chapters/07-treaty-counts.md"
CSV_FILE = "data/aid_flows.csv"
CSV_ROW = "AF004"  # Soviet aid 1954-1978, "more than $1 billion": in a figure and a glued total
TARGETS = {"cold": 90, "no-op": 5, "prose edit": 15, "code edit": 15}  # one-chapter edits < 15 s


def build(folder, env, extra=()):
    """(seconds, exit status, log, {chapter: execution seconds} of the notebooks executed)."""
    start = time.perf_counter()
    proc = subprocess.run(BUILD + list(extra), cwd=folder, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    executed = {name: float(s) for name, s in EXECUTED.findall(log)}
    return seconds, proc.returncode, log, executed


def clean(folder):
    """Remove the build outputs and the execution cache, keep the vendored JavaScript."""
    for name in ("html", "jupyter_execute", ".jupyter_cache", ".doctrees", "latex"):
        shutil.rmtree(folder / "_build" / name, ignore_errors=True)


def cache_execution_times(folder):
    """{notebook: execution_seconds} as jupyter-cache recorded them."""
    from jupyter_cache import get_cache
    cache = get_cache(str(folder / "_build" / ".jupyter_cache"))
    return {Path(r.uri).stem: r.data.get("execution_seconds") for r in cache.list_cache_records()}


def median(values):
    return statistics.median(values) if values else float("nan")


class Bench:
    def __init__(self, runs):
        self.runs = runs
        self.results = {}   # scenario: [seconds]
        self.status = {}    # scenario: [exit status]
        self.executed = {}  # scenario: [{chapter: seconds}]
        self.notes = []

    def record(self, scenario, result):
        seconds, rc, log, executed = result
        self.results.setdefault(scenario, []).append(seconds)
        self.status.setdefault(scenario, []).append(rc)
        self.executed.setdefault(scenario, []).append(executed)
        print(f"  {scenario}: {seconds:.2f} s, exit {rc}, executed {sorted(executed) or 'none'}", flush=True)
        return log


def bench_book(copy, runs, bench):
    env = env_for(copy)
    imported = subprocess.run([sys.executable, "-c", "import afghan_relations; print(afghan_relations.__file__)"],
                              env=env, cwd="/", capture_output=True, text=True).stdout.strip()
    assert imported.startswith(str(copy)), f"the copy's package is not the one imported: {imported}"
    for i in range(runs):
        clean(copy)
        log = bench.record("cold", build(copy, env))
        if i == 0:
            (copy / "_build" / "cold.log").write_text(log)
    bench.cache_times = cache_execution_times(copy)
    for _ in range(runs):
        bench.record("no-op", build(copy, env))
    prose = copy / PROSE_CHAPTER
    for i in range(runs):
        with prose.open("a") as f:
            f.write(f"\nA sentence added by the benchmark, run {i}.\n")
        bench.record("prose edit", build(copy, env))
    code = copy / CODE_CHAPTER
    for i in range(runs):
        with code.open("a") as f:
            f.write(f"\n```{{code-cell}} ipython3\n_benchmark_run = {i}\n```\n")
        bench.record("code edit", build(copy, env))
    csv = copy / CSV_FILE
    for i in range(runs):
        text = csv.read_text()
        amount = 1_000_000_000 + (i + 1) * 100_000_000
        text, n = re.subn(rf"^({CSV_ROW},(?:[^,\n]*,){{12}})(\d+),(\d+),",
                          lambda m, amount=amount: f"{m.group(1)}{amount},{amount},", text, flags=re.M)
        assert n == 1, f"{CSV_ROW} not found in {CSV_FILE}"
        csv.write_text(text)
        bench.record("CSV edit", build(copy, env))
    readers = sorted(p.stem for p in (copy / "chapters").glob("*.md")
                     if re.search(r"\bload\.aid_flows\(|\bload\.DATASETS\b|getattr\(\s*load\b", p.read_text()))
    bench.csv_readers = readers


def bench_pdf(copy, bench):
    makefile = (copy / "Makefile").read_text()
    dry = subprocess.run(["make", "-n", "pdf"], cwd=copy, capture_output=True, text=True)
    if "not yet" in dry.stdout + makefile.split("\npdf:", 1)[-1][:300]:
        bench.notes.append("PDF: not measured: `make pdf` is not implemented yet (issue 4).")
        return
    if not (shutil.which("xelatex") and shutil.which("latexmk")):
        bench.notes.append("PDF: not measured: no TeX here (`make pdf` would install it first).")
        return
    stamp = copy / "_build" / ".installed-bench"
    stamp.touch()
    start = time.perf_counter()
    proc = subprocess.run(["make", "pdf", f"VENV={BIN.parent}", f"INSTALLED={stamp}"], cwd=copy,
                          env=env_for(copy), capture_output=True, text=True)
    label = "PDF (`make pdf` after a successful HTML build; n = 1)"
    bench.results.setdefault(label, []).append(time.perf_counter() - start)
    bench.status.setdefault(label, []).append(proc.returncode)
    print(f"  {label}: {bench.results[label][-1]:.1f} s, exit {proc.returncode}", flush=True)
    if proc.returncode:
        bench.notes.append(f"PDF: `make pdf` failed (exit {proc.returncode}): "
                           + (proc.stdout + proc.stderr).strip().splitlines()[-1][:200])


def bench_tests(copy, bench):
    """The test suite against the copy's build: fast tests, then the slow (full-build) ones."""
    env = env_for(copy)
    # undo the scenarios' edits: the tests check the real data and chapters
    for name in {PROSE_CHAPTER, CODE_CHAPTER, CSV_FILE}:
        shutil.copy2(ROOT / name, copy / name)  # old mtimes: execution_inputs must notice by content
    # what `make book` leaves behind for tests/test_build.py
    seconds, rc, log, _ = build(copy, env)
    (copy / "_build" / "build.log").write_text(log)
    if rc == 0:
        (copy / "_build" / "build-ok").write_text(BUILD_TEXT + "\n")
    for label, marker in (("tests, not slow (`pytest -m 'not slow'`; n = 1)", "not slow"),
                          ("tests, slow only (`pytest -m slow`; n = 1)", "slow")):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", marker, "-p", "no:cacheprovider"],
                              cwd=copy, env=env, capture_output=True, text=True)
        bench.results.setdefault(label, []).append(time.perf_counter() - start)
        bench.status.setdefault(label, []).append(proc.returncode)
        summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        failed = [line.split(" - ")[0] for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        bench.notes.append(f"{label}: {summary}" + (f" ({'; '.join(failed)})" if failed else ""))
        print(f"  {label}: {bench.results[label][-1]:.1f} s, exit {proc.returncode}: {summary}", flush=True)


def bench_template(folder, runs, bench):
    subprocess.run([str(BIN / "jupyter-book"), "create", str(folder)], check=True, capture_output=True)
    config = folder / "_config.yml"
    config.write_text(config.read_text().replace("execute_notebooks: force", "execute_notebooks: cache"))
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")
    for _ in range(runs):
        shutil.rmtree(folder / "_build", ignore_errors=True)
        bench.record("template: cold", build(folder, env))
    for _ in range(runs):
        bench.record("template: no-op", build(folder, env))
    for i in range(runs):
        with (folder / "markdown.md").open("a") as f:
            f.write(f"\nA sentence added by the benchmark, run {i}.\n")
        bench.record("template: prose edit", build(folder, env))
    for i in range(runs):
        with (folder / "markdown-notebooks.md").open("a") as f:
            f.write(f"\n```{{code-cell}}\n_benchmark_run = {i}\n```\n")
        bench.record("template: code edit", build(folder, env))


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {"nproc": os.cpu_count(), "ram": f"{mem_kb / 1024 ** 2:.1f} GiB", "cpu": cpu,
            "python": platform.python_version(), "os": platform.platform()}


def fmt(values):
    return f"{median(values):.1f}" if values else "–"


def report(bench, runs, args):
    m = machine()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        "# Build benchmarks",
        "",
        "Written by `make bench` (`tools/bench.py`); do not edit by hand. Rerun it after a change",
        "that could affect build time and commit the result.",
        "",
        f"- date: {datetime.date.today().isoformat()}; commit {commit}{' + uncommitted changes' if dirty else ''}",
        f"- machine: {m['nproc']} cores (nproc), {m['ram']} RAM, {m['cpu']}; {m['os']}",
        f"- Python {m['python']}; build command `{BUILD_TEXT}` in a copy of the tree",
        f"- n = {runs} runs per scenario, median shown (time.perf_counter, wall clock, whole command);"
        " the one-off rows (PDF, tests) are n = 1",
        "",
        "## Builds: this book and the Jupyter Book template",
        "",
        "| scenario | this book (s) | template book (s) | ratio ours/template | target (s) | exit status (ours) "
        "| runs (ours, s) |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for scenario in ("cold", "no-op", "prose edit", "code edit", "CSV edit"):
        ours, theirs = bench.results.get(scenario, []), bench.results.get(f"template: {scenario}", [])
        ratio = f"{median(ours) / median(theirs):.1f}" if ours and theirs else "–"
        target = TARGETS.get(scenario)
        if target is None:
            goal = "–"
        else:
            goal = f"< {target}" + ("" if not ours else (" ✔" if median(ours) < target else " ✘"))
        lines.append(f"| {scenario} | {fmt(ours)} | {fmt(theirs)} | {ratio} | {goal} | "
                     f"{', '.join(map(str, bench.status.get(scenario, [])))} | "
                     f"{', '.join(f'{s:.1f}' for s in ours)} |")
    for scenario in bench.results:
        if scenario.startswith(("PDF", "tests")):
            lines.append(f"| {scenario} | {fmt(bench.results[scenario])} | – | – | – | "
                         f"{', '.join(map(str, bench.status[scenario]))} | |")
    lines += [
        "",
        f"Edits: prose and code in `{PROSE_CHAPTER}`; the CSV edit changes the amount of row {CSV_ROW}"
        f" in `{CSV_FILE}` (a new value every run). The template has no CSV data, hence no CSV row;"
        " its `_config.yml` is switched from `execute_notebooks: force` to `cache` so it is built"
        " like this book.",
        "",
        "## What re-executed",
        "",
        "| scenario | notebooks executed (every run) |",
        "|---|---|",
    ]
    for scenario in ("cold", "no-op", "prose edit", "code edit", "CSV edit"):
        runs_executed = bench.executed.get(scenario, [])
        sets = sorted({", ".join(sorted(e)) or "none" for e in runs_executed})
        lines.append(f"| {scenario} | {'; '.join(sets)} |")
    lines += ["", f"Chapters that load `aid_flows` (`load.aid_flows()` or `load.DATASETS`): "
              f"{', '.join(getattr(bench, 'csv_readers', []))}.", ""]
    lines += ["## Execution time per notebook (cold builds)", "",
              "| notebook | median of the cold builds' logs (s) "
              "| jupyter-cache `execution_seconds`, last cold build (s) | target < 10 s |",
              "|---|---:|---:|---|"]
    per = {}
    for executed in bench.executed.get("cold", []):
        for name, s in executed.items():
            per.setdefault(name, []).append(s)
    cache_times = getattr(bench, "cache_times", {})
    for name in sorted(per):
        ct = cache_times.get(name)
        lines.append(f"| {name} | {median(per[name]):.2f} | {f'{ct:.2f}' if ct is not None else '–'} | "
                     f"{'✔' if median(per[name]) < 10 else '✘'} |")
    total = sum(median(v) for v in per.values())
    lines += ["", f"Sum of the medians: {total:.1f} s of the cold build's {fmt(bench.results.get('cold', []))} s;"
              " the rest is Sphinx (reading, writing HTML, copying the 3.6 MB widget bundle) and"
              " starting one kernel per notebook (serially: myst-nb executes one notebook at a time).", ""]
    if bench.notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in bench.notes] + [""]
    out = Path(args.out)
    out.write_text("\n".join(lines))
    (out.with_suffix(".json")).write_text(json.dumps(
        {"machine": m, "runs": runs, "results": bench.results, "status": bench.status,
         "executed": bench.executed}, indent=1)) if args.json else None
    print(f"wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--json", action="store_true", help="also write the raw timings next to --out")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-template", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args()
    bench = Bench(args.runs)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        copy = work / "book"
        copy.mkdir()
        copy_tree(copy)
        print(f"book copy: {copy}", flush=True)
        bench_book(copy, args.runs, bench)
        if not args.skip_tests:
            bench_tests(copy, bench)  # leaves _build/build-ok, so `make pdf` does not rebuild all pages
        bench_pdf(copy, bench)
        if not args.skip_template:
            bench_template(work / "template", args.runs, bench)
        report(bench, args.runs, args)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
