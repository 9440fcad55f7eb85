#!/usr/bin/env python3
"""Plays deployment traces through the live adapter (deployments_server.py) and compares.

    python deployments_check.py [--poller-ttl-s S] [--json OUT] FILE...

The adapter's own logic, in this process: for each trace a reset, then each step without its
`expect` (with the step's true line, for `{"line": N}` tokens), and the answer compared with
`expect` as `version-sets replay` compares (deployments/docs/trace-format.md): exact JSON
equality, numbers by value, an object answer on the keys `expect` gives, `"changed"` or
`"noop"` short for `{"outcome": ...}`. A kind the adapter declares `none` is not compared,
and a trace stops at the first such kind that changes state (every kind but `route`,
`describe`, `describeDeployment`, `query`), as `version-sets conform` does; but
`describeDeployment`, which the adapter declares none for conform because of one field, is
compared here on every field except `updateState` (semantics.md `propagation.event`: the
server confirms propagation by itself), whose differences are counted apart. Unlike conform it
plays on after a disagreement, and lists every one: FILE:LINE, the step, the server's answer
and the model's.

Exit 0 when every compared step agrees, 1 on a disagreement, 2 when it cannot run.
"""

import argparse
import asyncio
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from deployments_server import Adapter, Servers, check_draw_zero  # noqa: E402

QUESTIONS = {"route", "describe", "describeDeployment", "query"}


def read_trace(path):
    """(line, step) pairs after the header; comments and blank lines skipped."""
    steps, header = [], False
    with open(path, encoding="utf-8-sig") as f:
        for number, text in enumerate(f, 1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            value = json.loads(text)
            if not header:
                if value != {"format": "deployments"}:
                    raise ValueError(f"{path}:{number}: not a deployments trace (no header)")
                header = True
                continue
            steps.append((number, value))
    return steps


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def agrees(expect, got):
    if isinstance(expect, dict) and "error" in expect:
        return same(expect, got)
    if isinstance(expect, str) and isinstance(got, dict) and "outcome" in got:
        expect = {"outcome": expect}
    if isinstance(expect, dict) and isinstance(got, dict) and "error" not in got:
        return all(k in got and same(v, got[k]) for k, v in expect.items())
    return same(expect, got)


async def play(adapter, path, tally, disagreements):
    steps = read_trace(path)
    reply = await adapter.reset()
    observes = reply["observes"]
    file_tally = tally.setdefault(path, {"steps": len(steps), "compared": 0, "agree": 0, "not compared": 0,
                                         "stopped at": None})
    for line, step in steps:
        kind = next(k for k in step if k not in ("now", "expect"))
        if observes.get(kind, "exact") == "none" and kind not in QUESTIONS:
            file_tally["stopped at"] = f"line {line} ({kind})"
            break
        sent = {k: v for k, v in step.items() if k != "expect"}
        began = time.monotonic()
        got = await adapter.answer(sent, line)
        took = time.monotonic() - began
        k = tally.setdefault("kinds", {}).setdefault(kind, {"agree": 0, "disagree": 0, "not compared": 0, "s": 0.0})
        k["s"] += took
        expect = step.get("expect")
        if kind == "describeDeployment" and "expect" in step:
            # Declared none for conform (deployments_server.py), compared here without the
            # one field the server cannot show as the model does; that one counted apart.
            if isinstance(expect, dict) and "updateState" in expect and isinstance(got, dict) \
                    and "error" not in got:
                expect = dict(expect)
                state = expect.pop("updateState")
                u = tally.setdefault("updateState", {"agree": 0, "differ": 0})
                u["agree" if state == got.get("updateState") else "differ"] += 1
        elif "expect" not in step or observes.get(kind, "exact") == "none":
            k["not compared"] += 1
            file_tally["not compared"] += 1
            continue
        file_tally["compared"] += 1
        if agrees(expect, got):
            k["agree"] += 1
            file_tally["agree"] += 1
        else:
            k["disagree"] += 1
            disagreements.append({"file": path, "line": line, "step": sent, "server": got, "model": step["expect"]})
            print(f"{path}:{line}: {json.dumps(sent)}\n  server: {json.dumps(got)}\n  model:  "
                  f"{json.dumps(expect)}", flush=True)


async def run(args):
    servers = Servers(args.poller_ttl_s)
    adapter = Adapter(servers, args.poller_ttl_s)
    tally, disagreements = {}, []
    try:
        for path in args.files:
            began = time.monotonic()
            await play(adapter, path, tally, disagreements)
            t = tally[path]
            print(f"{path}: {t['agree']} of {t['compared']} agree, {t['not compared']} not compared, "
                  f"{t['steps']} steps, stopped at {t['stopped at'] or 'the end'}; "
                  f"{time.monotonic() - began:.1f} s", flush=True)
        await adapter.end_trace()
    finally:
        await asyncio.get_running_loop().run_in_executor(None, servers.close)
    for kind, k in sorted(tally.get("kinds", {}).items()):
        print(f"  {kind}: {k['agree']} agree, {k['disagree']} disagree, {k['not compared']} not compared; "
              f"{k['s']:.1f} s")
    u = tally.get("updateState", {"agree": 0, "differ": 0})
    print(f"  describeDeployment's updateState (propagation.event, not compared): {u['agree']} alike, "
          f"{u['differ']} differ")
    total = sum(k["disagree"] for k in tally.get("kinds", {}).values())
    agree = sum(k["agree"] for k in tally.get("kinds", {}).values())
    print(f"deployments_check: {agree} agree, {total} disagree")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"tally": tally, "disagreements": disagreements}, f, indent=1)
    return 1 if total else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--poller-ttl-s", type=float, default=2.0)
    parser.add_argument("--json", help="write the tallies and disagreements here")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    check_draw_zero()
    try:
        return asyncio.run(run(args))
    except (OSError, ValueError, RuntimeError) as error:
        print(f"deployments_check: cannot run: {error!r}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)
