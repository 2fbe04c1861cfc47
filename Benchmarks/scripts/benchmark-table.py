#!/usr/bin/env python3
"""Writes the scale benchmark tables of docs/benchmarks.md, from one run on this machine.

    Benchmarks/scripts/benchmark-table.py [--io ../shared/data/io] [--boards all|B,B...]
        [--economies NAME,...] [--time-limit 300] [--peer-rounds 30] [--work DIR]
        [--results results.jsonl] [--skip-build] [--quick]

For each economy (calibrated from the input–output tables in --io, and synthetic ones up to
10^6 workers' councils x 400 goods) it

  1. generates the economy once and writes it as a compact economy file (scale-run --write);
  2. plans that file to 1e-6 with every board that this build's BoardKind.allCases holds
     (`scale-run --list-boards`), one process each: rounds, time per round, total time, peak
     memory, and the bandwidth bound of a round measured in the same process (a dgemv and a
     transposed dgemv over a matrix of the technology matrix's shape);
  3. runs exactly --peer-rounds tatonnement rounds on the same file with parecon and then with the
     numpy peer (Benchmarks/peer/numpy_rounds.py), back to back, and compares their time per
     round and their prices.

It also measures how fast economy files load (load-speed, JSON and compact, at 10^5 councils),
and, for the calibrated economies, how the plan's sector outputs compare with the observed ones.
The tables go to stdout (Markdown); every measurement also goes, one JSON object a line, to
--results. Run it from the repository root or from Benchmarks/; it builds the release
executables first unless --skip-build.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

BENCHMARKS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCHMARKS)
SCRATCH = os.path.join(BENCHMARKS, ".build-scale")
BIN = os.path.join(SCRATCH, "release")
PEER = os.path.join(BENCHMARKS, "peer", "numpy_rounds.py")

# name, how to make it (scale-run arguments with {io}), the table it is calibrated from (or None)
ECONOMIES = [
    ("wiod16 55x1818", ["--from-io", "{io}/wiod16_usa_2014", "-K", "1818", "-C", "1000"], "wiod16_usa_2014"),
    ("bea-summary 71x1409", ["--from-io", "{io}/bea_summary_2017", "-K", "1409", "-C", "1000"], "bea_summary_2017"),
    ("bea-detail 402x249", ["--from-io", "{io}/bea_detail_2017", "-K", "249", "-C", "1000"], "bea_detail_2017"),
    ("wiod-world 1413x71", ["--from-io", "{io}/wiod13_world_2011", "-K", "71", "-C", "1000"], "wiod13_world_2011"),
    ("synthetic 400x10^4", ["--synthetic", "--goods", "400", "--workers-councils", "10000", "-C", "1000", "--density", "0.05"], None),
    ("synthetic 400x10^5", ["--synthetic", "--goods", "400", "--workers-councils", "100000", "-C", "1000", "--density", "0.05"], None),
    ("synthetic 400x10^6", ["--synthetic", "--goods", "400", "--workers-councils", "1000000", "-C", "1000", "--density", "0.05"], None),
]
QUICK = ["wiod16 55x1818", "synthetic 400x10^4"]


def log(text):
    print(text, file=sys.stderr, flush=True)


def run(command, results, tag):
    """Runs a command that prints one JSON line; returns it as a dict (None on failure)."""
    log("$ " + " ".join(command))
    started = time.time()
    process = subprocess.run(command, capture_output=True, text=True)
    for line in process.stderr.splitlines():
        log("  " + line)
    if process.returncode != 0:
        log(f"  exit status {process.returncode}")
        return None
    record = json.loads(process.stdout.strip().splitlines()[-1])
    record["tag"] = tag
    record["wallSeconds"] = time.time() - started
    results.write(json.dumps(record) + "\n")
    results.flush()
    return record


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            memory = int(f.readline().split()[1]) / 2**20
    except OSError:
        memory = float("nan")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return cpu, cores, memory, load, (swift[0] if swift else "swift ?")


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--io", default=os.path.join(os.path.dirname(ROOT), "shared", "data", "io"))
    parser.add_argument("--boards", default="all")
    parser.add_argument("--economies", default="all", help="comma-separated names (see ECONOMIES), or all")
    parser.add_argument("--time-limit", type=float, default=300)
    parser.add_argument("--peer-rounds", type=int, default=30)
    parser.add_argument("--work", default="/tmp/parecon-benchmarks")
    parser.add_argument("--results", default="benchmark-results.jsonl")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--quick", action="store_true", help="only " + ", ".join(QUICK))
    arguments = parser.parse_args()

    if not arguments.skip_build:
        # The Swift runtime linked in, as the project builds `parecon` (README): the peaks then
        # hold no shared Swift libraries' resident pages.
        for product in ["scale-run", "load-speed"]:
            subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", SCRATCH,
                            "--product", product], cwd=BENCHMARKS, check=True)
    scale_run = os.path.join(BIN, "scale-run")
    all_boards = subprocess.run([scale_run, "--list-boards"], capture_output=True, text=True, check=True).stdout.split()
    boards = all_boards if arguments.boards == "all" else arguments.boards.split(",")
    names = [e[0] for e in ECONOMIES] if arguments.economies == "all" else arguments.economies.split(",")
    if arguments.quick:
        names = QUICK
    have_io = os.path.isfile(os.path.join(arguments.io, "wiod16_usa_2014", "table.csv"))
    if not have_io:
        log(f"{arguments.io} is absent: the calibrated economies are left out")
    os.makedirs(arguments.work, exist_ok=True)
    cpu, cores, memory, load, swift = machine()
    started = time.time()

    plans, peers, checks, builds = [], [], [], {}
    with open(arguments.results, "a") as results:
        for name, make, table in ECONOMIES:
            if name not in names or (table and not have_io):
                continue
            spec = [a.replace("{io}", arguments.io) for a in make]
            path = os.path.join(arguments.work, name.replace(" ", "-").replace("^", "e") + ".peb")
            built = run([scale_run] + spec + ["--write", path, "--no-plan", "--no-bound"], results, f"build {name}")
            if built is None:
                continue
            builds[name] = built
            check = ["--check", os.path.join(arguments.io, table)] if table else []
            for board in boards:
                record = run([scale_run, "--file", path, "--board", board, "--time-limit", str(arguments.time_limit)] + check,
                             results, f"plan {name}")
                if record:
                    record["name"] = name
                    plans.append(record)
                    if table and board == boards[0]:
                        checks.append(record)
            prices = os.path.join(arguments.work, "prices.json")
            ours = run([scale_run, "--file", path, "--board", "tatonnement", "--rounds", str(arguments.peer_rounds),
                        "--prices-out", prices], results, f"peer-parecon {name}")
            theirs = run([sys.executable, PEER, path, "--rounds", str(arguments.peer_rounds), "--compare", prices],
                         results, f"peer-numpy {name}")
            if ours and theirs:
                peers.append((name, ours, theirs))
            os.remove(path)

        speeds = None
        if not arguments.quick:
            json_path = os.path.join(arguments.work, "load-1e5.json")
            peb_path = os.path.join(arguments.work, "load-1e5.peb")
            synthetic = ["--synthetic", "--goods", "400", "--workers-councils", "100000", "-C", "1000", "--density", "0.05"]
            run([scale_run] + synthetic + ["--write", json_path, "--no-plan", "--no-bound"], results, "build load")
            run([scale_run] + synthetic + ["--write", peb_path, "--no-plan", "--no-bound"], results, "build load")
            log("$ load-speed " + json_path + " " + peb_path)
            speeds = subprocess.run([os.path.join(BIN, "load-speed"), json_path, peb_path], capture_output=True, text=True).stdout
            for p in (json_path, peb_path):
                os.remove(p)

    # The tables.
    minutes = (time.time() - started) / 60
    print(f"Machine: {cpu}, {cores} cores, {memory:.0f} GiB; {swift}; load average {load:.1f} at the start; "
          f"OpenBLAS threads {plans[0]['blasThreads'] if plans else '?'}; {minutes:.0f} minutes in all.\n")
    print("Planning the compact file to 1e-6 (one process per row; bound = one dgemv + one transposed dgemv over a "
          "matrix of V's shape, measured in the same process after planning; plan s = building the dense matrices + "
          "the rounds; load s = reading the file):\n")
    print("| economy | goods × workers' councils | V MB | board | status | rounds | time/round ms | bound ms | round/bound "
          "| plan s | load s | peak MB | peak/V | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in plans:
        v = r["matrixBytes"] / 1e6
        print(f"| {r['name']} | {r['goods']:.0f} × {r['workersCouncils']:.0f} | {v:.0f} | {r.get('board', '-')} "
              f"| {r.get('status', '-')} | {r.get('rounds', 0):.0f} | {ms(r.get('secondsPerRound'))} | {ms(r.get('boundSeconds'))} "
              f"| {r['secondsPerRound'] / r['boundSeconds']:.2f} | {r.get('planSeconds', 0):.1f} | {r['buildSeconds']:.1f} "
              f"| {r['peakBytes'] / 1e6:.0f} | {r['peakBytes'] / r['matrixBytes']:.2f} | {r.get('loadAverage', float('nan')):.1f} |")
    if peers:
        print(f"\nTatonnement rounds, parecon and the numpy peer on the same file, back to back "
              f"({arguments.peer_rounds} rounds each; numpy {peers[0][2].get('numpy')}, {peers[0][2].get('blas')}):\n")
        print("| economy | parecon ms/round | bound ms | parecon/bound | numpy ms/round | parecon/numpy | largest price difference | load avg |")
        print("|---|---|---|---|---|---|---|---|")
        for name, ours, theirs in peers:
            print(f"| {name} | {ms(ours['secondsPerRound'])} | {ms(ours['boundSeconds'])} "
                  f"| {ours['secondsPerRound'] / ours['boundSeconds']:.2f} | {ms(theirs['secondsPerRound'])} "
                  f"| {ours['secondsPerRound'] / theirs['secondsPerRound']:.2f} | {theirs.get('largestRelativePriceDifference', float('nan')):.1e} "
                  f"| {ours.get('loadAverage', float('nan')):.1f} |")
    if checks:
        print(f"\nCalibrated plans against the observed sector outputs (board {boards[0]}; a check, not a target):\n")
        print("| economy | spectral radius of A | Σ planned / Σ observed | Σ abs(planned − observed) / Σ observed "
              "| median sector deviation | largest (sector) | labour used / observed |")
        print("|---|---|---|---|---|---|---|")
        for r in checks:
            print(f"| {r['name']} | {r['spectralRadius']:.4f} | {r['observedTotalRatio']:.3f} | {r['observedWeightedDeviation']:.3f} "
                  f"| {r['observedMedianDeviation']:.3f} | {r['observedLargestDeviation']:.2f} ({r['observedLargestSector']}) "
                  f"| {r['observedLabourRatio']:.3f} |")
    if builds:
        print("\nBuilding the economies (calibration or generation, then writing the compact file):\n")
        print("| economy | build s | write s | file MB |")
        print("|---|---|---|---|")
        for name, b in builds.items():
            print(f"| {name} | {b['buildSeconds']:.1f} | {b.get('writeSeconds', 0):.1f} | {b.get('fileBytes', 0) / 1e6:.0f} |")
    if speeds:
        print("\nLoading economy files (load-speed, medians of 3):\n")
        print("```")
        print(speeds.rstrip())
        print("```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
