#!/usr/bin/env python3
"""The numpy peer: the same planning rounds as parecon's tatonnement board, on the same economy file.

    python3 Benchmarks/peer/numpy_rounds.py ECONOMY.{peb,json} --rounds N [--prices-out FILE] [--compare FILE]

Reads an economy file (the compact parecon-economy-binary/1 through np.frombuffer, or
parecon-economy/1 JSON), builds the dense W x n technology matrix V and the W x m resource matrix
Bm as parecon does (Sources/Parecon/PlanningProblem.swift), and runs exactly N rounds with the
default settings (PlanningSettings.Defaults), the last round's proposals made at the prices it
reports, as `parecon plan --max-rounds N` does:

    councils propose   surplus = V p - Bm q                          (dgemv, numpy's OpenBLAS)
                       x = clamp(k surplus, 0, cap), or the proximal revision of a
                       constant-returns council (WorkersCouncils+Proposals.swift)
                       Cobb-Douglas and CES demand (ConsumersCouncils+Proposals.swift)
    board sums         V^T x, Bm^T x, gross supply, excess demand, throughput  (dgemv)
    board moves        tatonnement with per-price adaptive steps, the price floor, the 90 %
                       bound on a wanted good's fall, and the trend extrapolation when some
                       council has constant returns (FacilitationBoard.swift)

It prints one JSON line: rounds, seconds per round (rounds 2..N, by time.perf_counter), the time
to load and to build the matrices, numpy's BLAS, and the last prices. `--compare FILE` reads the
prices parecon wrote (`scale-run --rounds N --prices-out FILE`) and adds the largest relative
difference. Only the tatonnement board is implemented here.
"""

import argparse
import json
import sys
import time

import numpy as np

# PlanningSettings.Defaults (Sources/Parecon/PlanningSettings.swift).
PRICE_STEP = 0.1
MAX_PRICE_STEP = 16.0  # PlanningSettings.Defaults.maxPriceStep
STEP_GROWTH = 1.2
STEP_SHRINK = 0.5
REVISION_RATE = 0.2
MAX_REVISION_RATE = 100.0
REVISION_GROWTH = 1.1
PRICE_FLOOR_FRACTION = 1e-3
INITIAL_PRICE = 1.0
MAX_PRICE_FALL = 0.9  # PlanningProblem.maxPriceFall

MAGIC = b"parecon-economy-binary/1"


class Economy:
    """The economy in compressed-row arrays, as in the compact file."""


def align(offset):
    return (offset + 7) & ~7


def read_compact(buffer):
    e = Economy()
    counts = np.frombuffer(buffer, "<u8", 8, len(MAGIC))
    n, m, w, c, p, u, q, s = (int(x) for x in counts)
    e.n, e.m, e.w, e.c = n, m, w, c
    offset = len(MAGIC) + 64

    def take(dtype, count, size):
        nonlocal offset
        array = np.frombuffer(buffer, dtype, count, offset)
        offset = align(offset + count * size)
        return array

    strings = take("<u8", 1 + 2 * n + 2 * m + w + c + 1, 8)
    take("u1", s, 1)
    take("u1", n + m, 1)
    e.available = take("<f8", m, 8).copy()
    e.capacity = take("<f8", w, 8).copy()
    e.elasticity = take("<f8", w, 8).copy()
    e.produces = (take("<u8", w + 1, 8).astype(np.int64), take("<u4", p, 4).astype(np.int64), take("<f8", p, 8))
    e.uses = (take("<u8", w + 1, 8).astype(np.int64), take("<u4", u, 4).astype(np.int64), take("<f8", u, 8))
    e.allowance = take("<f8", c, 8).copy()
    e.sigma = take("<f8", c, 8).copy()
    e.weights = (take("<u8", c + 1, 8).astype(np.int64), take("<u4", q, 4).astype(np.int64), take("<f8", q, 8))
    assert offset == len(buffer), f"layout mismatch: {offset} != {len(buffer)}"
    del strings
    return e


def read_json(text):
    document = json.loads(text)
    e = Economy()
    goods = [g["id"] for g in document["goods"]]
    resources = document.get("resources", [])
    column = {g: i for i, g in enumerate(goods)}
    column.update({r["id"]: len(goods) + k for k, r in enumerate(resources)})
    e.n, e.m = len(goods), len(resources)
    workers, consumers = document["workersCouncils"], document["consumersCouncils"]
    e.w, e.c = len(workers), len(consumers)
    e.available = np.array([r["available"] for r in resources], dtype=float)
    e.capacity = np.array([x["capacity"] for x in workers], dtype=float)
    e.elasticity = np.array([x.get("elasticity", np.inf) for x in workers], dtype=float)

    def compressed(rows, entries):
        start, index, amount = [0], [], []
        for row in rows:
            for key, value in entries(row).items():
                index.append(column[key])
                amount.append(value)
            start.append(len(index))
        return np.array(start, dtype=np.int64), np.array(index, dtype=np.int64), np.array(amount, dtype=float)

    e.produces = compressed(workers, lambda x: x["produces"])
    e.uses = compressed(workers, lambda x: x.get("uses", {}))
    e.allowance = np.array([x["allowance"] for x in consumers], dtype=float)
    preferences = [x["preferences"] for x in consumers]
    e.sigma = np.array([pr["ces"]["sigma"] if "ces" in pr else 1.0 for pr in preferences], dtype=float)
    e.weights = compressed(preferences, lambda pr: pr["ces"]["weights"] if "ces" in pr else pr["cobbDouglas"])
    return e


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(MAGIC):
        return read_compact(data)
    return read_json(data.decode("utf-8"))


class Rounds:
    """PlanningProblem and PlanningWorkspace in numpy."""

    def __init__(self, e):
        n, m, w = e.n, e.m, e.w
        self.n, self.m, self.w = n, m, w
        start, index, amount = e.produces
        rows = np.repeat(np.arange(w), np.diff(start))
        self.netOutput = np.zeros((w, n))
        self.netOutput[rows, index] = amount  # 0 + a, as v[w, i] += amount
        positive = amount > 0
        self.outputRow, self.outputGood, self.outputAmount = rows[positive], index[positive], amount[positive]
        start, index, amount = e.uses
        rows = np.repeat(np.arange(w), np.diff(start))
        goods = index < n
        self.netOutput[rows[goods], index[goods]] -= amount[goods]
        self.resourceUse = np.zeros((w, m))
        self.resourceUse[rows[~goods], index[~goods] - n] += amount[~goods]
        self.available = e.available
        self.capacity = e.capacity
        constant = ~np.isfinite(e.elasticity)
        self.constantReturns = constant
        self.inverseElasticity = np.where(constant, 0.0, 1.0 / np.where(constant, 1.0, e.elasticity))
        self.hasConstantReturns = bool(constant.any())

        # Consumers: dense weights scaled to sum to 1 (sequential sums, as in Swift).
        start, index, amount = e.weights
        weights = np.zeros((e.c, n))
        rows = np.repeat(np.arange(e.c), np.diff(start))
        np.add.at(weights, (rows, index), amount)
        totals = np.cumsum(weights, axis=1)[:, -1] if n > 0 else np.ones(e.c)
        weights = weights / totals[:, None]
        cobb = e.sigma == 1
        self.spending = np.cumsum(e.allowance[cobb, None] * weights[cobb], axis=0)[-1] if cobb.any() else np.zeros(n)
        self.cesGroups = []
        for sigma in sorted(set(e.sigma[~cobb].tolist())):
            members = e.sigma == sigma
            a = np.where(weights[members] > 0, np.power(weights[members], sigma), 0.0)
            self.cesGroups.append((sigma, np.ascontiguousarray(a), e.allowance[members]))
        wanted = self.spending > 0
        for _, a, _ in self.cesGroups:
            wanted |= (a > 0).any(axis=0)
        self.wanted = wanted

        self.prices = np.full(n, INITIAL_PRICE)
        self.resourcePrices = np.full(m, INITIAL_PRICE)
        self.step = np.full(n + m, PRICE_STEP)
        self.lastRelativeExcess = np.zeros(n + m)
        self.revisionRate = np.full(w, REVISION_RATE)
        self.lastRelativeSurplus = np.zeros(w)
        self.activity = np.zeros(w)
        self.previousActivity = np.zeros(w)
        self.netSupply = np.zeros(n)
        self.previousNetSupply = np.zeros(n)
        self.resourceTotals = np.zeros(m)
        self.previousResourceTotals = np.zeros(m)
        self.round = 0

    def collect_proposals(self):
        self.round += 1
        if self.round > 1:
            self.previousActivity = self.activity
            self.previousNetSupply = self.netSupply
            self.previousResourceTotals = self.resourceTotals
        p, q = self.prices, self.resourcePrices
        surplus = self.netOutput @ p
        if self.m > 0:
            surplus = surplus - self.resourceUse @ q
        x = surplus / np.where(self.inverseElasticity > 0, self.inverseElasticity, 1.0)
        if self.hasConstantReturns:
            value = np.bincount(self.outputRow, weights=self.outputAmount * p[self.outputGood], minlength=self.w)
            c = self.constantReturns
            relative = np.where(value > 0, surplus / np.where(value > 0, value, 1.0), 0.0)
            last = self.lastRelativeSurplus
            eta = self.revisionRate
            inside = (self.previousActivity > 0) & (self.previousActivity < self.capacity)
            product = relative * last
            eta = np.where(product < 0, eta * STEP_SHRINK,
                           np.where((product > 0) & inside, np.minimum(eta * REVISION_GROWTH, MAX_REVISION_RATE), eta))
            update = c & (value > 0)
            self.revisionRate = np.where(update, eta, self.revisionRate)
            self.lastRelativeSurplus = np.where(update, relative, self.lastRelativeSurplus)
            revised = self.previousActivity + eta * self.capacity * relative
            cut = np.where(surplus < 0, 0.0, self.previousActivity)
            x = np.where(c, np.where(value > 0, revised, cut), x)
        self.activity = np.minimum(np.maximum(x, 0.0), self.capacity)

        demand = np.where(self.spending > 0, self.spending / np.where(self.spending > 0, p, 1.0), 0.0)
        for sigma, a, allowance in self.cesGroups:
            power = np.where(p > 0, np.power(np.where(p > 0, p, 1.0), 1 - sigma), 0.0)
            shares = allowance / (a @ power)
            total = a.T @ shares
            demand = demand + np.where(total != 0, total * np.power(p, -sigma), 0.0)

        # The board sums the proposals.
        x = self.activity
        self.netSupply = self.netOutput.T @ x
        self.resourceTotals = self.resourceUse.T @ x if self.m > 0 else np.zeros(0)
        gross = np.bincount(self.outputGood, weights=x[self.outputRow] * self.outputAmount, minlength=self.n)
        self.excessDemand = demand - self.netSupply
        use = gross - self.netSupply + demand
        self.throughput = np.maximum(gross, use)
        self.resourceExcess = self.resourceTotals - self.available
        if self.round == 1:
            self.previousNetSupply = self.netSupply
            self.previousResourceTotals = self.resourceTotals

    def max_imbalance(self):
        p = self.prices
        level = p[p > 0].mean() if (p > 0).any() else 1.0
        s = self.throughput
        relative = np.where(s > 0, np.abs(self.excessDemand) / np.where(s > 0, s, 1.0), 0.0)
        relative = np.where(self.excessDemand < 0, np.minimum(relative, p / level), relative)
        goods = relative.max() if self.n else 0.0
        largest = max(1.0, self.resourcePrices.max()) if self.m else 1.0
        r = self.resourceExcess / self.available if self.m else np.zeros(0)
        resources = np.where(r >= 0, r, np.minimum(-r, self.resourcePrices / largest))
        return max(goods, resources.max() if self.m else 0.0)

    def move_prices(self):
        n, m = self.n, self.m
        p, q = self.prices, self.resourcePrices
        level = p[p > 0].mean() if (p > 0).any() else 1.0
        goods_floor = PRICE_FLOOR_FRACTION * level
        largest = q.max() if m else 0.0
        resource_floor = PRICE_FLOOR_FRACTION * max(max(largest, 0.0), level)
        extrapolation = 1.0 if self.hasConstantReturns else 0.0

        s = self.throughput
        trend = extrapolation * (self.netSupply - self.previousNetSupply)
        e_goods = np.where(s > 0, np.clip((self.excessDemand - trend) / np.where(s > 0, s, 1.0), -1, 1), 0.0)
        trend_r = extrapolation * (self.resourceTotals - self.previousResourceTotals)
        e_resources = np.clip((self.resourceExcess + trend_r) / self.available, -1, 1) if m else np.zeros(0)
        e = np.concatenate([e_goods, e_resources])
        last = self.lastRelativeExcess
        step = np.where(e * last < 0, self.step * STEP_SHRINK,
                        np.where(e != 0, np.minimum(self.step * STEP_GROWTH, MAX_PRICE_STEP), self.step))
        self.step = step
        self.lastRelativeExcess = e
        price = np.concatenate([p, q])
        floor = np.concatenate([np.full(n, goods_floor), np.full(m, resource_floor)])
        scale = np.maximum(price, floor)
        proposed = price + step * e * scale
        wanted = np.concatenate([self.wanted, np.zeros(m, dtype=bool)])
        new = np.where(wanted, np.maximum(proposed, (1 - MAX_PRICE_FALL) * price), np.maximum(0.0, proposed))
        self.prices, self.resourcePrices = new[:n], new[n:]


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f'{blas.get("name")} {blas.get("version")}'
    except Exception:  # older numpy
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("economy")
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--prices-out")
    parser.add_argument("--compare")
    arguments = parser.parse_args()

    t0 = time.perf_counter()
    economy = load(arguments.economy)
    t1 = time.perf_counter()
    rounds = Rounds(economy)
    del economy
    t2 = time.perf_counter()
    stamps = []
    for r in range(1, arguments.rounds + 1):
        rounds.collect_proposals()
        stamps.append(time.perf_counter())
        if r < arguments.rounds:
            rounds.move_prices()
    per_round = (stamps[-1] - stamps[0]) / (len(stamps) - 1) if len(stamps) > 1 else stamps[0] - t2
    report = {
        "economy": arguments.economy,
        "numpy": np.__version__,
        "blas": blas_name(),
        "goods": rounds.n,
        "workersCouncils": rounds.w,
        "rounds": arguments.rounds,
        "loadSeconds": t1 - t0,
        "setupSeconds": t2 - t1,
        "secondsPerRound": per_round,
        "maxRelativeImbalance": rounds.max_imbalance(),
    }
    prices = {"rounds": arguments.rounds, "prices": rounds.prices.tolist(), "resourcePrices": rounds.resourcePrices.tolist()}
    if arguments.prices_out:
        with open(arguments.prices_out, "w") as f:
            json.dump(prices, f)
    if arguments.compare:
        with open(arguments.compare) as f:
            theirs = json.load(f)
        ours = np.concatenate([rounds.prices, rounds.resourcePrices])
        other = np.array(theirs["prices"] + theirs["resourcePrices"])
        report["largestRelativePriceDifference"] = float(np.max(np.abs(ours - other) / np.maximum(np.abs(other), 1e-300)))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
