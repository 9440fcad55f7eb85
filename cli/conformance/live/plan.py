#!/usr/bin/env python3
"""`version-sets plan` on a real Temporal server: its commands run, and they reach the target.

For each case, in a fresh task queue of a live server (Temporal Server 1.32.0): the start is
built with the Temporal CLI's `task-queue update-build-ids` (1.9.1), read back with
`get-build-ids -o json`, and given to `version-sets plan START TARGET --namespace default
--task-queue Q -o json`. Every step is then sent as the plan says: its `command` run as
printed (the Temporal CLI), and merge-sets, which the CLI lacks, as its `request` through
the Python SDK (temporalio 1.35.0). The queue's listing afterwards must need no more steps
(`version-sets plan END TARGET` plans none), and when the plan says the order is reached
too (`sameOrder`), must be TARGET's listing exactly:

    python plan.py --version-sets PATH_TO_BINARY [--address HOST:PORT]

Exit status: 0 every case reached its target, 1 one did not (or a command failed), 2 the
script cannot run (no binary, the server does not start).
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from guide import arguments, exit_with  # noqa: E402
from server import DevServer, temporal_binary  # noqa: E402


def listed(*sets):
    """A get-build-ids listing: each set's build IDs, the default last; the last set the
    queue's default."""
    return [{"buildIds": list(ids), "defaultForSet": ids[-1], "isDefaultSet": i == len(sets) - 1}
            for i, ids in enumerate(sets)]


def add_default(build_id):
    return ["add-new-default", "--build-id", build_id]


def add_compatible(build_id, existing):
    return ["add-new-compatible", "--build-id", build_id, "--existing-compatible-build-id", existing]


# (name, the start's commands, the target's listing): each step kind, each reason for one.
CASES = [
    ("merge, add, new default",
     [add_default("1.0"), add_compatible("1.1", "1.0"), add_default("2.0")],
     listed(["1.0", "1.1", "2.0", "2.1"], ["3.0"])),
    ("rollback within a set, promote-set",
     [add_default("1.0"), add_compatible("1.1", "1.0"), add_default("2.0")],
     listed(["2.0"], ["1.1", "1.0"])),
    ("a new set, then adds made the queue's default by --set-as-default",
     [add_default("1.0"), add_compatible("1.1", "1.0"), add_default("2.0"), ["promote-set", "--build-id", "1.0"]],
     listed(["1.0", "1.1"], ["3.0"], ["2.0", "2.1", "2.2"])),
    ("new build IDs merged in under an old default",
     [add_default("a"), add_default("b")],
     listed(["a", "c", "b"])),
    ("the queue's default moved to a set that gains nothing",
     [add_default("a"), add_default("b")],
     listed(["b", "c"], ["a"])),
]


class Failed(Exception):
    pass


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def temporal(address, *args):
    result = run([temporal_binary(), *args, "--address", address])
    if result.returncode != 0:
        raise Failed(f"temporal {' '.join(args)}: exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def listing(address, queue):
    return json.loads(temporal(address, "task-queue", "get-build-ids", "--namespace", "default",
                               "--task-queue", queue, "-o", "json"))


async def merge(address, queue, request):
    from temporalio.client import BuildIdOpMergeSets, Client
    client = await Client.connect(address, namespace="default")
    merge_sets = request["mergeSets"]
    await client.update_worker_build_id_compatibility(
        queue, BuildIdOpMergeSets(primary_build_id=merge_sets["primarySetBuildId"],
                                  secondary_build_id=merge_sets["secondarySetBuildId"]))


def plan(binary, start, target, *extra):
    """`version-sets plan` on two listings written to files; its exit status and output."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, value in (("start.json", start), ("target.json", target)):
            path = os.path.join(folder, name)
            with open(path, "w") as file:
                json.dump(value, file)
            paths.append(path)
        result = run([binary, "plan", *paths, *extra])
    return result


def case(binary, address, queue, start_commands, target):
    for command in start_commands:
        temporal(address, "task-queue", "update-build-ids", *command, "--namespace", "default",
                 "--task-queue", queue)
    start = listing(address, queue)
    result = plan(binary, start, target, "--namespace", "default", "--task-queue", queue, "-o", "json")
    if result.returncode != 0:
        raise Failed(f"plan exited {result.returncode}: {result.stderr.strip()}")
    document = json.loads(result.stdout)
    for step in document["steps"]:
        if step["command"] is None:
            asyncio.run(merge(address, queue, step["request"]))
            continue
        words = step["command"].split()
        if words[0] != "temporal":
            raise Failed(f"not a Temporal CLI command: {step['command']}")
        temporal(address, *words[1:])
    end = listing(address, queue)
    again = plan(binary, end, target)
    if again.returncode != 0 or not again.stdout.endswith("no steps\n"):
        raise Failed(f"after the steps, the queue lists {json.dumps(end)}; plan still says: "
                     f"{again.stdout.strip()} {again.stderr.strip()}")
    if document["sameOrder"] and end != target:
        raise Failed(f"the plan said the order is reached, but the queue lists {json.dumps(end)}")
    return len(document["steps"])


def main():
    args = arguments("plan", "unused: each case takes about a second")
    if args is None:
        return 2
    server = None
    address = args.address
    if address is None:
        server = DevServer()
        try:
            server.start()
        except Exception as error:  # noqa: BLE001 - say why, exit 2
            print(f"plan: cannot run: the server did not start: {error}", flush=True)
            return 2
        address = server.address
    prefix = f"plan-{int(time.time() * 1000)}"
    failed = 0
    try:
        for number, (name, start_commands, target) in enumerate(CASES, 1):
            queue = f"{prefix}-{number}"
            try:
                steps = case(args.version_sets, address, queue, start_commands, target)
                print(f"plan: {name}: {steps} steps, target reached", flush=True)
            except Failed as error:
                failed += 1
                print(f"plan: {name}: DISAGREES: {error}", flush=True)
    finally:
        if server is not None:
            server.stop()
    print(f"plan: {len(CASES)} cases, {len(CASES) - failed} reached, {failed} not", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    exit_with(main)
