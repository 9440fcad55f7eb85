#!/usr/bin/env python3
"""Task reachability on a real Temporal server, with real workflows, checked against the model.

The live adapter (temporal_server.py) declares the trace step `reachability` not observable:
the model's step carries the wall time and the visibility answers inline, while the server
uses its own clock and its own visibility store. This script asks the server instead, the
way guide.py checks the guide (its helpers are imported, not copied): it builds real states
with the Python SDK (temporalio 1.35.0) on a live server (Temporal Server 1.32.0), then asks
`GetWorkerTaskReachability` and compares every answer with the model's
`version-sets reachability` subcommand:

    python reachability.py --version-sets PATH_TO_BINARY [--address HOST:PORT]

What it builds, in fresh task queues and build IDs of one run (a run prefix):
- `main`: versioned workers per build ID; `a` made the default, a workflow completed and one
  left open on it; `b` made the new default, the same on it; then `a2` added to `a`'s set
  (not promoted), so `a` is unreachable and `a2` answers for the workflows `a` ran;
- `other`: `b` again (the namespace-wide path finds `b` in two queues), no workflows;
- `idle`: `p` made the default with no worker at all, a workflow started on it (never
  processed: no task run, so its `BuildIds` is null), then `q` made the new default;
- `plain`: no sets, an unversioned worker, a workflow completed and one left open on it;
- `late`: an unversioned worker's workflow completed, then `c` made the default (the queue
  became versioned a moment ago);
- `merged`: `x` made the default, a workflow completed on it; `y` made the new default, a
  workflow left open on it; then `x`'s set merged into `y`'s (`y` stays the default);
- `wide-c`, `wide-a`, `wide-b` (added in that order): `w` made the default of each, a
  workflow completed on it in `wide-c`. A server of the script's own examines only 2 queues
  per build ID (`limit.reachabilityTaskQueueScan`), so namespace-wide one queue is reported
  not examined, and which one shows the order the server walks them in; a server at
  `--address` is taken to have the default, 20.

Then, for every build ID and every reachability type (UNSPECIFIED, NEW_WORKFLOWS, EXISTING,
OPEN, CLOSED), the server is asked with the build ID's queues named and with none (the
namespace-wide path, where the server looks the build ID up in its build-ID -> task-queue
mapping), and the three request errors (no build ID, too many, unversioned without a queue)
are compared word for word.

The model is asked about the same states: each queue's state is made by replaying the
script's updates with `version-sets update --now T` (T the server's wall time of the update)
and is first checked against the server's own listing (`get_worker_build_id_compatibility`),
so the state asked about is the server's, with the set timestamps the listing leaves out;
`--now` is the server's wall time at the question (the local clock plus the offset measured
from a workflow's start time, zero when the server is local); `--open` and `--closed` are
the search-attribute values of the workflows the script made (what ran them, as the
workflows themselves report), `unprocessed` for the one never processed. `--open` and
`--closed` hold for every queue of a model run, and the server counts per queue, so the
model is run once per queue with that queue's workflows and each queue's entry is taken from
its own run.

Visibility is asynchronous: before any question, the script waits (with a deadline) until
the server's visibility store lists every workflow it made with its final status and
`BuildIds` (`count_workflows`), never a fixed sleep.

The new-workflow grace (`frontend.reachabilityQuerySetDurationSinceDefault`, 5 minutes): a
set that became the default less than 5 minutes ago still gets NEW_WORKFLOWS. Every set here
is seconds old, so the live cases check the "younger" side. The server's clock cannot be
moved, so the "older" side is checked through the model alone: the model at the set's
became-default time + 5 min - 1 ms and + 5 min is compared with the live answer with
NEW_WORKFLOWS kept or taken away, as the server does (rules `reachability.new-grace` and
`reachability.unversioned` of docs/semantics.md); the visibility part does not depend on the
clock. These are counted apart (`model only`), never as live cases.

Without `--address` it starts its own dev server (server.py, one partition per task queue).
Every wait has a deadline; the whole run has one too (`--deadline-s`).

Exit 0 when every case agrees, 1 on a disagreement (the case, the model's answer and the
server's are printed), 2 when it cannot run. The last line is
`reachability: N cases, N agree, 0 disagree`.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from guide import (  # noqa: E402
    NAMESPACE,
    STEP_TIMEOUT_S,
    Guide,
    Guidebook,
    Model,
    Stuck,
    arguments,
    deadline,
    exit_with,
    play,
    serve,
    which_build,
)
from temporalio.api.enums.v1 import TaskReachability  # noqa: E402
from temporalio.api.workflowservice.v1 import GetWorkerTaskReachabilityRequest  # noqa: E402
from temporalio.client import BuildIdOpAddNewCompatible, BuildIdOpAddNewDefault, BuildIdOpMergeSets  # noqa: E402
from temporalio.service import RPCError, RPCStatusCode  # noqa: E402
from temporalio.worker import UnsandboxedWorkflowRunner, Worker  # noqa: E402

GRACE_MS = 5 * 60 * 1000  # frontend.reachabilityQuerySetDurationSinceDefault
VISIBILITY_POLL_S = 0.2  # between two visibility checks, while waiting with a deadline
TYPES = ["UNSPECIFIED", "NEW_WORKFLOWS", "EXISTING_WORKFLOWS", "OPEN_WORKFLOWS", "CLOSED_WORKFLOWS"]
MODEL_TYPE = {"UNSPECIFIED": "unspecified", "NEW_WORKFLOWS": "new", "EXISTING_WORKFLOWS": "existing",
              "OPEN_WORKFLOWS": "open", "CLOSED_WORKFLOWS": "closed"}
NEW = "TASK_REACHABILITY_NEW_WORKFLOWS"
# limit.reachabilityTaskQueueScan: set to 2 on a server of the script's own, so that the
# build ID in three queues has one reported not examined; a server at --address is taken to
# have the default.
OWN_SCAN = 2
DEFAULT_SCAN = 20


def log(*parts):
    print("reachability:", *parts, file=sys.stderr, flush=True)


def local_ms():
    return time.time_ns() // 1_000_000


class Reach(Guidebook):
    """The run: guide.py's book (workers, listings, comparisons) with reachability's queues."""

    def __init__(self, address, model, scan):
        super().__init__(address, model)
        self.queues = {name: f"reach-{self.run}-{name}"
                       for name in ("main", "other", "idle", "plain", "late", "merged", "wide-c", "wide-a",
                                    "wide-b")}
        self.scan = scan  # the server's limit.reachabilityTaskQueueScan
        self.updates = {queue: [] for queue in self.queues.values()}  # queue -> [(server ms, op args)]
        self.workflows = []  # (queue, workflow ID, "Running" or "Completed", attribute or None)
        self.offset_ms = 0  # the server's wall clock minus the local one
        self.started_between = {}  # workflow ID -> the local clock before and after its start
        self.live = 0
        self.model_only = 0

    def short(self, text):
        return str(text).replace(f"reach-{self.run}-", "").replace(f"{self.run}-", "")

    def server_ms(self):
        return local_ms() + self.offset_ms

    # --- making the states ----------------------------------------------------------------

    async def change(self, name, op, args, workers=True):
        """An update on the server, recorded with the server's wall time for the model's
        replay. The update happens between the two readings; the replay takes the first, and
        the grace period (minutes) dwarfs the interval (milliseconds)."""
        queue = self.queues[name]
        at = self.server_ms()
        if workers:
            await self.update(queue, op)
        else:
            log(f"{name}: {self.short(op)} (no worker)")
            await deadline(self.client.update_worker_build_id_compatibility(queue, op), f"update {op}")
        self.updates[queue].append((at, args))

    async def unversioned_worker(self, name):
        client = await self.connect()
        queue = self.queues[name]
        worker = Worker(client, task_queue=queue, workflows=[Guide], activities=[which_build("")],
                        graceful_shutdown_timeout=timedelta(seconds=1),
                        workflow_runner=UnsandboxedWorkflowRunner())
        self.workers[(queue, "")] = (worker, asyncio.ensure_future(worker.run()))

    async def start_on(self, name, wid):
        return await deadline(self.client.start_workflow(
            "Guide", {"stage": "main"}, id=f"reach-{self.run}-{wid}", task_queue=self.queues[name],
            execution_timeout=timedelta(seconds=120)), f"start {wid}")

    @staticmethod
    def attribute(build_id, versioned):
        return f"versioned:{build_id}" if versioned else "unversioned"

    async def closed(self, name, wid, versioned=True):
        """A workflow that completes in its first task; the build ID that ran it is its own
        answer."""
        before = local_ms()
        handle = await deadline(self.client.start_workflow(
            "Guide", {"stage": "after", "by": "start"}, id=f"reach-{self.run}-{wid}",
            task_queue=self.queues[name], execution_timeout=timedelta(seconds=120)), f"start {wid}")
        self.started_between[handle.id] = (before, local_ms())
        result = await deadline(handle.result(), f"the result of {wid}")
        self.workflows.append((self.queues[name], handle.id, "Completed", self.attribute(result["ran"], versioned)))
        log(f"{name}: {wid} completed on {self.short(result['ran']) if versioned else 'an unversioned worker'}")
        return handle

    async def opened(self, name, wid, versioned=True):
        """A workflow left open after one task (an update it ran), on the build ID that ran it."""
        handle = await self.start_on(name, wid)
        got = await self.ran(handle, {"kind": "self"})
        if not isinstance(got, dict):
            raise Stuck(f"{wid}: its first task did not run: {got}")
        self.workflows.append((self.queues[name], handle.id, "Running", self.attribute(got["ran"], versioned)))
        log(f"{name}: {wid} open on {self.short(got['ran']) if versioned else 'an unversioned worker'}")
        return handle

    async def measure_offset(self, handle):
        """The server's wall clock against the local one, from a workflow's start time: zero
        when the server stamped it while the local clock was between the request and its
        answer (always so for a server on this machine), else its distance from the middle."""
        before, after = self.started_between[handle.id]
        description = await deadline(handle.describe(), f"describe {handle.id}")
        started = int(description.start_time.timestamp() * 1000)
        self.offset_ms = 0 if before <= started <= after else started - (before + after) // 2
        log(f"server clock offset: {self.offset_ms} ms")

    async def build(self):
        b = self.bid
        await self.change("main", BuildIdOpAddNewDefault(b("a")), ["add-new-default", "--build-id", b("a")])
        first = await self.closed("main", "a-closed")
        await self.measure_offset(first)
        await self.opened("main", "a-open")
        await self.change("main", BuildIdOpAddNewDefault(b("b")), ["add-new-default", "--build-id", b("b")])
        await self.closed("main", "b-closed")
        await self.opened("main", "b-open")
        await self.change("main", BuildIdOpAddNewCompatible(b("a2"), b("a")),
                          ["add-new-compatible", "--build-id", b("a2"), "--existing-compatible-build-id", b("a")])
        await self.change("other", BuildIdOpAddNewDefault(b("b")), ["add-new-default", "--build-id", b("b")])

        await self.change("idle", BuildIdOpAddNewDefault(b("p")), ["add-new-default", "--build-id", b("p")],
                          workers=False)
        handle = await self.start_on("idle", "never-processed")
        self.workflows.append((self.queues["idle"], handle.id, "Running", None))
        await self.change("idle", BuildIdOpAddNewDefault(b("q")), ["add-new-default", "--build-id", b("q")],
                          workers=False)

        await self.unversioned_worker("plain")
        await self.closed("plain", "plain-closed", versioned=False)
        await self.opened("plain", "plain-open", versioned=False)

        # Two sets merged: the merged set's default answers for both sets' workflows.
        await self.change("merged", BuildIdOpAddNewDefault(b("x")), ["add-new-default", "--build-id", b("x")])
        await self.closed("merged", "x-closed")
        await self.change("merged", BuildIdOpAddNewDefault(b("y")), ["add-new-default", "--build-id", b("y")])
        await self.opened("merged", "y-open")
        await self.change("merged", BuildIdOpMergeSets(primary_build_id=b("y"), secondary_build_id=b("x")),
                          ["merge-sets", "--primary-build-id", b("y"), "--secondary-build-id", b("x")])

        # One build ID in three queues, added out of name order: the namespace-wide path
        # examines the first `scan` of them in the server's order and reports the rest.
        await self.change("wide-c", BuildIdOpAddNewDefault(b("w")), ["add-new-default", "--build-id", b("w")])
        await self.closed("wide-c", "w-closed")
        for name in ("wide-a", "wide-b"):
            await self.change(name, BuildIdOpAddNewDefault(b("w")), ["add-new-default", "--build-id", b("w")],
                              workers=False)

        await self.unversioned_worker("late")
        await self.closed("late", "late-closed", versioned=False)
        await self.change("late", BuildIdOpAddNewDefault(b("c")), ["add-new-default", "--build-id", b("c")],
                          workers=False)

    async def visible(self):
        """Waits until the visibility store lists every workflow made with its status and its
        `BuildIds` (null for the one never processed): the state the server counts from."""
        async def one(wid, status, attribute):
            which = f'BuildIds = "{attribute}"' if attribute else "BuildIds IS NULL"
            query = f'WorkflowId = "{wid}" AND ExecutionStatus = "{status}" AND {which}'
            while (await self.client.count_workflows(query)).count != 1:
                await asyncio.sleep(VISIBILITY_POLL_S)
        started = time.monotonic()
        for _, wid, status, attribute in self.workflows:
            await deadline(one(wid, status, attribute), f"visibility of {self.short(wid)}")
        log(f"visibility shows all {len(self.workflows)} workflows ({time.monotonic() - started:.1f} s)")

    # --- the model's states -----------------------------------------------------------------

    def replay(self):
        """Each queue's state, replayed from the script's updates with the server's times."""
        self.states = {}
        for queue, changes in self.updates.items():
            path = os.path.join(self.model.dir.name, f"{self.short(queue)}.json")
            with open(path, "w") as f:
                json.dump({"versionSets": []}, f)
            for at, args in changes:
                done = subprocess.run([self.model.binary, "update", "-o", "json", "--now", str(at), path, *args],
                                      capture_output=True, text=True, timeout=STEP_TIMEOUT_S,
                                      stdin=subprocess.DEVNULL)
                if done.returncode != 0:
                    raise RuntimeError(f"update {args} on {path}: exit {done.returncode}: {done.stderr.strip()}")
                with open(path, "w") as f:
                    f.write(done.stdout)
            self.states[queue] = path

    def stored(self, queue):
        with open(self.states[queue]) as f:
            return json.load(f).get("versionSets", [])

    async def check_states(self):
        """The replayed states hold what the server lists: the states asked about are the
        server's."""
        for queue in self.queues.values():
            replayed = [[r["id"] for r in s.get("buildIds", []) if r.get("state") == "STATE_ACTIVE"]
                        for s in self.stored(queue)]
            self.live += 1
            self.compare(f"listing of {self.short(queue)}", replayed, await self.listing(queue))

    def flags(self, queue):
        """`--open` and `--closed` for the workflows of `queue`."""
        open_, closed = set(), set()
        for q, _, status, attribute in self.workflows:
            if q == queue:
                (open_ if status == "Running" else closed).add(attribute or "unprocessed")
        return ",".join(sorted(open_)), ",".join(sorted(closed))

    def ask_model(self, build_ids, task_queues, kind, now):
        """The model's answer for the namespace: run once per queue's workflows (queues
        without any share a run); each queue's entry comes from its own workflows' run. An
        error is `CODE: message`."""
        def run(flags):
            open_, closed = flags
            args = [self.model.binary, "reachability", "-o", "json", "--now", str(now), "--type", MODEL_TYPE[kind],
                    "--max-task-queue-scan", str(self.scan), "--open", open_, "--closed", closed]
            for q in self.queues.values():
                args += ["--queue", f"{q}={self.states[q]}"]
            for q in task_queues:
                args += ["--task-queue", q]
            done = subprocess.run([*args, "--", *build_ids], capture_output=True, text=True,
                                  timeout=STEP_TIMEOUT_S, stdin=subprocess.DEVNULL)
            if done.returncode == 2 and done.stderr.strip().startswith("INVALID_ARGUMENT: "):
                # The command names the option that lifts the limit after the server's words
                # (cli/src/reachability.rs, `lifted_by`); the server's words are compared.
                return done.stderr.strip().removesuffix(" (--max-build-ids raises the limit)")
            if done.returncode != 0:
                raise RuntimeError(f"reachability {build_ids} {task_queues}: exit {done.returncode}: "
                                   f"{done.stderr.strip()}")
            return [(r["buildId"], [(t["taskQueue"], t["reachability"]) for t in r["taskQueueReachability"]])
                    for r in json.loads(done.stdout)["buildIdReachability"]]
        flags = {queue: self.flags(queue) for queue in self.queues.values()}
        runs = {f: run(f) for f in set(flags.values())}
        skeleton = runs[flags[self.queues["main"]]]
        if isinstance(skeleton, str):
            return skeleton
        answer = []
        for index, (build_id, entries) in enumerate(skeleton):
            answer.append((build_id, [(q, runs[flags[q]][index][1][position][1] if q in flags else kinds)
                                      for position, (q, kinds) in enumerate(entries)]))
        return answer

    async def ask_server(self, build_ids, task_queues, kind):
        request = GetWorkerTaskReachabilityRequest(
            namespace=NAMESPACE, build_ids=build_ids, task_queues=task_queues,
            reachability=TaskReachability.Value(f"TASK_REACHABILITY_{kind}"))
        try:
            response = await deadline(self.client.workflow_service.get_worker_task_reachability(
                request, timeout=timedelta(seconds=STEP_TIMEOUT_S)), f"reachability {build_ids}")
        except RPCError as error:
            return f"{RPCStatusCode(error.status).name}: {error.message}"
        return [(r.build_id, [(t.task_queue, [TaskReachability.Name(k) for k in t.reachability])
                              for t in r.task_queue_reachability])
                for r in response.build_id_reachability]

    async def question(self, case, build_ids, task_queues, kind):
        """One live case: the server's answer and the model's at the server's time."""
        server = await self.ask_server(build_ids, task_queues, kind)
        model = self.ask_model(build_ids, task_queues, kind, self.server_ms())
        self.live += 1
        self.compare(case, model, server)
        return server

    def later(self, case, build_id, queue, kind, live, at, keeps_new):
        """A model-only case: the model at `at` (server ms) against the live answer with
        NEW_WORKFLOWS kept (`keeps_new`) or taken away, as the server's code would answer."""
        expected = [(b, [(q, [k for k in kinds if keeps_new or k != NEW]) for q, kinds in entries])
                    for b, entries in live]
        model = self.ask_model([build_id], [queue], kind, at)
        self.model_only += 1
        self.compare(case + " [model only]", model, expected)

    def became_default(self, queue, build_id=None):
        """The model's became-default time of `build_id`'s set, or the earliest set's (when the
        queue became versioned) without one."""
        stamps = [(int(s["becameDefaultTimestamp"]["wallClock"]), [r["id"] for r in s.get("buildIds", [])])
                  for s in self.stored(queue)]
        if build_id is None:
            return min(at for at, _ in stamps)
        return next(at for at, ids in stamps if build_id in ids)

    async def main(self):
        b = self.bid
        try:
            self.client = await self.connect()
        except Stuck as error:
            raise RuntimeError(str(error)) from None
        await self.build()
        await self.visible()
        self.replay()
        await self.check_states()

        q = self.queues
        asked = {  # build ID -> the queues it is asked on by name
            b("a"): [q["main"]], b("a2"): [q["main"]], b("b"): [q["main"], q["other"]],
            b("p"): [q["idle"]], b("q"): [q["idle"]], b("c"): [q["late"]], b("zz"): [q["main"]],
            b("x"): [q["merged"]], b("y"): [q["merged"]], b("w"): [q["wide-c"], q["wide-a"], q["wide-b"]],
            "": [q["main"], q["plain"], q["late"], q["idle"]],
        }
        live = {}
        for build_id, queues in asked.items():
            for kind in TYPES:
                name = self.short(build_id) or "(unversioned)"
                for queue in queues:
                    live[(build_id, queue, kind)] = await self.question(
                        f"{name} on {self.short(queue)}, {kind}", [build_id], [queue], kind)
                if build_id:
                    await self.question(f"{name}, namespace-wide, {kind}", [build_id], [], kind)
        await self.question("several build IDs in one request, both queues of b, OPEN_WORKFLOWS",
                            [b("q"), "", b("a2"), b("b")], [q["main"], q["other"], q["idle"]], "OPEN_WORKFLOWS")

        # The request errors, word for word.
        await self.question("no build ID", [], [q["main"]], "EXISTING_WORKFLOWS")
        await self.question("six build IDs (limit 5)", [b(str(i)) for i in range(6)], [q["main"]],
                            "EXISTING_WORKFLOWS")
        await self.question("unversioned without a task queue", [""], [], "EXISTING_WORKFLOWS")

        # The grace's other side, through the model only: a set that stopped being the queue
        # default keeps NEW_WORKFLOWS until 5 minutes after it became the default, then loses
        # it; the queue default keeps it; the unversioned worker loses it 5 minutes after the
        # queue became versioned.
        for build_id, queue, keeps in [(b("a2"), q["main"], False), (b("p"), q["idle"], False),
                                       (b("b"), q["main"], True), ("", q["late"], False)]:
            since = self.became_default(queue, build_id or None)
            name = self.short(build_id) or "(unversioned)"
            event = "its set became default" if build_id else "the queue became versioned"
            for kind in ("NEW_WORKFLOWS", "EXISTING_WORKFLOWS"):
                answer = live[(build_id, queue, kind)]
                self.later(f"{name} on {self.short(queue)}, {kind}, 5 min - 1 ms after {event}",
                           build_id, queue, kind, answer, since + GRACE_MS - 1, True)
                self.later(f"{name} on {self.short(queue)}, {kind}, 5 min after {event}", build_id, queue, kind,
                           answer, since + GRACE_MS, keeps)


def main():
    args = arguments("reachability", "the cases' deadline, server start (60 s at most) not included")
    if args is None:
        return 2
    scan = DEFAULT_SCAN if args.address else OWN_SCAN

    async def cases(address):
        book = await play(Reach(address, Model(args.version_sets), scan), args.deadline_s, "reachability")
        print(f"reachability: {book.live} live cases, {book.model_only} model only "
              "(the grace's far side, which the server's clock cannot reach)", flush=True)
        return book

    return serve("reachability", args, {"limit.reachabilityTaskQueueScan": OWN_SCAN}, cases)


if __name__ == "__main__":
    exit_with(main)
