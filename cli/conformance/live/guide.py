#!/usr/bin/env python3
"""The guide's own code, run on a real Temporal server and checked against the model.

The guide this project started from (Temporal's "How to use Worker Versioning in Python")
tells a user to run versioned workers (`Worker(..., build_id=..., use_worker_versioning=True)`),
to tell the task queue about build IDs with `update_worker_build_id_compatibility` and the
`BuildIdOp*` classes, and to steer activities, child workflows and continue-as-new with
`versioning_intent`. This script does exactly that with the Python SDK (temporalio 1.35.0)
on a live server (Temporal Server 1.32.0), records which build ID ran each task (every
worker's activity returns its build ID, every workflow returns the build ID of the worker
that ran its task), and compares that with what the model says for the same state:

    python guide.py --version-sets PATH_TO_BINARY [--address HOST:PORT]

The model's answers come from the `version-sets` subcommands run on the server's own
listing (`get_worker_build_id_compatibility`, saved as a GetWorkerBuildIdCompatibility
response): `resolve` for an activity, child workflow or continue-as-new (intent -> build
ID, or "rejected"), `add-task` for a workflow task (a new workflow's goes to the default
set, an existing workflow's to its build ID's set; the task runs on that set's default),
and `poll` for a poller (accepted, or refused with OUT_OF_RANGE and a message compared
word for word). Asking on the server's listing, rather than replaying the same updates to
`serve --stdio`, means every answer is about the very state the server routed on, and the
subcommands give what the protocol's answers leave out (the set default an `addTask` set ID
stands for, and the refusal's message).

Without `--address` it starts its own dev server (server.py, one partition per task queue,
so that no partition lags behind the root's data) and stops it on any exit. Every task
queue and build ID carries a fresh run prefix, so a shared server's state cannot interfere.
Every wait has a deadline; the whole run has one too (`--deadline-s`).

Exit 0 when every case agrees, 1 on a disagreement (the case, the model's answer and the
server's are printed), 2 when it cannot run (the server did not start, the binary is
missing). The last line is `guide: N cases, N agree, 0 disagree`.
"""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import warnings
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from temporalio import activity, workflow  # noqa: E402
from temporalio.api.common.v1 import WorkerVersionCapabilities  # noqa: E402
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause  # noqa: E402
from temporalio.api.taskqueue.v1 import TaskQueue  # noqa: E402
from temporalio.api.workflowservice.v1 import PollWorkflowTaskQueueRequest  # noqa: E402
from temporalio.client import (  # noqa: E402
    BuildIdOpAddNewCompatible,
    BuildIdOpAddNewDefault,
    BuildIdOpMergeSets,
    BuildIdOpPromoteBuildIdWithinSet,
    BuildIdOpPromoteSetByBuildId,
    Client,
)
from temporalio.service import RPCError, RPCStatusCode  # noqa: E402
from temporalio.worker import UnsandboxedWorkflowRunner, Worker  # noqa: E402
from temporalio.workflow import VersioningIntent  # noqa: E402

NAMESPACE = "default"
STEP_TIMEOUT_S = 20  # any one server round trip, task or poll
POLL_TIMEOUT_S = 2.5  # the frontend refuses long-poll deadlines under about 2 s
POLL_GRACE_S = 1.0  # a refusal arrives in milliseconds; still waiting after this: accepted
INTENTS = {None: None, "COMPATIBLE": VersioningIntent.COMPATIBLE, "DEFAULT": VersioningIntent.DEFAULT}
REJECTED_CAUSES = {
    "activity": "WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES",
    "child": "WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES",
    "continue": "WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES",
}

warnings.simplefilter("ignore", DeprecationWarning)  # version sets are deprecated in the SDK


def log(*parts):
    print("guide:", *parts, file=sys.stderr, flush=True)


# --- the workflow and activity every worker runs (the guide's code) -------------------------


def current_build_id():
    return workflow.info().get_current_build_id()


async def perform(step):
    """Runs one step of a case inside a workflow: `by` is the build ID of the worker whose
    workflow task issued it (the workflow's build ID, which the model's answer depends on),
    `ran` the build ID of the worker that ran what it started."""
    intent = INTENTS[step.get("intent")]
    queue = step.get("queue")
    kind = step["kind"]
    by = current_build_id()
    if kind == "self":
        return {"by": by, "ran": by}
    if kind == "activity":
        ran = await workflow.execute_activity(
            "which_build", task_queue=queue, versioning_intent=intent,
            schedule_to_close_timeout=timedelta(seconds=STEP_TIMEOUT_S))
        return {"by": by, "ran": ran}
    if kind == "child":
        child = await workflow.execute_child_workflow(
            "Guide", {"stage": "after", "by": by},
            id=f"{workflow.info().workflow_id}-child-{workflow.uuid4()}",
            task_queue=queue, versioning_intent=intent,
            execution_timeout=timedelta(seconds=STEP_TIMEOUT_S))
        return child
    if kind == "continue":
        workflow.continue_as_new({"stage": "after", "by": by}, task_queue=queue, versioning_intent=intent)
    raise ValueError(f"unknown step {kind!r}")


@workflow.defn(name="Guide")
class Guide:
    """`main`: waits, running each `step` update, until told to finish or to continue as new;
    `after`: a continued run or a child, returns the build ID that ran it; `probe`: performs
    one step in its first task (a step the server is expected to refuse)."""

    def __init__(self):
        self.finish = False
        self.continue_step = None

    @workflow.run
    async def run(self, arg: dict) -> dict:
        if arg["stage"] == "after":
            return {"by": arg["by"], "ran": current_build_id()}
        if arg["stage"] == "probe":
            return await perform(arg["step"])  # expected to fail its workflow task
        await workflow.wait_condition(lambda: self.finish or self.continue_step is not None)
        if self.continue_step is not None:
            await perform(self.continue_step)
        return {"by": current_build_id(), "ran": current_build_id()}

    @workflow.update
    async def step(self, step: dict) -> dict:
        return await perform(step)

    @workflow.signal
    def continue_as_new(self, step: dict) -> None:
        self.continue_step = step

    @workflow.signal
    def done(self) -> None:
        self.finish = True


def which_build(build_id):
    @activity.defn(name="which_build")
    async def run() -> str:
        return build_id
    return run


# --- the model ------------------------------------------------------------------------------


class Model:
    """The `version-sets` subcommands, asked about a listing the server gave."""

    def __init__(self, binary):
        self.binary = binary
        self.dir = tempfile.TemporaryDirectory(prefix="vs-guide-")
        self.count = 0

    def ask(self, listing, *args, ok=(0,)):
        self.count += 1
        path = os.path.join(self.dir.name, f"listing-{self.count}.json")
        with open(path, "w") as f:
            json.dump({"majorVersionSets": [{"buildIds": s} for s in listing]}, f)
        # The response leaves deleted build IDs out, and the command refuses to guess about a
        # build ID in none of its sets; the guide deletes none, so it says so.
        done = subprocess.run([self.binary, *args, "--assume-not-deleted", "-o", "json", path],
                              capture_output=True, text=True,
                              timeout=STEP_TIMEOUT_S, stdin=subprocess.DEVNULL)
        if done.returncode not in ok:
            raise RuntimeError(f"{' '.join(args)} on {listing}: exit {done.returncode}: {done.stderr.strip()}")
        return json.loads(done.stdout)

    def resolve(self, listing, intent, build_id, other_queue):
        args = ["resolve", "--intent", (intent or "unspecified").lower()]
        if build_id:
            args += ["--build-id", build_id]
        if other_queue:
            args.append("--other-task-queue")
        # `rejected` exits 1, as a refused poll does (the README's exit-status table).
        target = self.ask(listing, *args, ok=(0, 1))["target"]
        if isinstance(target, dict):
            (build,) = target.values()  # setDefault or exactBuildId: the build whose pollers get it
            return build
        return target  # "unversioned" or "rejected"

    def add_task(self, listing, build_id=None):
        args = ["add-task"] + (["--build-id", build_id] if build_id else [])
        answer = self.ask(listing, *args)
        if answer["answer"] == "unknownBuildId":
            return build_id  # its guessed set's queue, which only that build ID's workers poll
        if answer["set"] is None:
            return answer["answer"]  # "unversioned"
        return answer["set"]["defaultBuildId"]

    def poll(self, listing, build_id):
        answer = self.ask(listing, "poll", "--build-id", build_id, ok=(0, 1))
        error = answer.get("error")
        return f"{error['code']}: {error['message']}" if error else "accepted"


# --- the server -----------------------------------------------------------------------------


class Stuck(Exception):
    """A server wait that ran past its deadline (reported as the server's answer)."""


async def deadline(awaitable, what, seconds=STEP_TIMEOUT_S):
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:
        raise Stuck(f"{what}: no answer within {seconds} s") from None


class Guidebook:
    """The run: its queues, build IDs, workers, and the cases' results."""

    def __init__(self, address, model):
        self.address = address
        self.model = model
        self.run = secrets.token_hex(3)
        self.own = f"guide-{self.run}-own"
        self.other = f"guide-{self.run}-other"
        self.client = None
        self.workers = {}  # (queue, build ID) -> (worker, task)
        self.cases = 0
        self.disagreements = []
        self.aborted = None  # why the run stopped early: a failure, not a case
        self.workers_build = {}  # workflow ID -> the build ID that ran its last task

    def bid(self, name):
        return f"{self.run}-{name}"

    def short(self, text):
        return str(text).replace(f"{self.run}-", "").replace(f"guide-{self.run}-", "")

    async def connect(self):
        return await deadline(Client.connect(self.address, namespace=NAMESPACE), f"connecting to {self.address}")

    async def update(self, queue, op):
        log(f"{self.short(queue)}: {self.short(op)}")
        await deadline(self.client.update_worker_build_id_compatibility(queue, op), f"update {op}")
        await self.ensure_workers(queue)

    async def listing(self, queue):
        result = await deadline(self.client.get_worker_build_id_compatibility(queue), f"listing {queue}")
        return [list(s.build_ids) for s in result.version_sets]

    async def ensure_workers(self, queue):
        """A running worker (own client connection: the SDK refuses two workers on one task
        queue in one client) for every set default of the queue, so that wherever the server
        sends a task, a worker of that build ID takes it and says so.

        A worker whose build ID is no longer its set's default is stopped. The server checks a
        poller's build ID when its long poll starts, so a poll already waiting on the set's
        queue when another build ID became the set's default can still be given the set's next
        task (seen live: without this, 2 of 35 cases ran on the old default). That is timing,
        not routing; the refusal of a new poll is a case of its own (`poller`)."""
        listing = await self.listing(queue)
        defaults = {members[-1] for members in listing if members}
        for (worker_queue, build_id), (worker, task) in list(self.workers.items()):
            if worker_queue == queue and build_id not in defaults:
                log(f"{self.short(queue)}: stopping the worker of {self.short(build_id)}, no longer its set's default")
                del self.workers[(worker_queue, build_id)]
                await self.stop_worker(worker, task)
        for build_id in defaults:
            key = (queue, build_id)
            if key in self.workers and not self.workers[key][1].done():
                continue
            client = await self.connect()
            worker = Worker(client, task_queue=queue, build_id=build_id, use_worker_versioning=True,
                            workflows=[Guide], activities=[which_build(build_id)],
                            graceful_shutdown_timeout=timedelta(seconds=1),
                            # the guide's workflow lives in this script; the sandbox would re-import it
                            workflow_runner=UnsandboxedWorkflowRunner())
            self.workers[key] = (worker, asyncio.ensure_future(worker.run()))

    async def stop_worker(self, worker, task):
        if not task.done():
            try:
                await asyncio.wait_for(worker.shutdown(), 10)
            except Exception as error:  # noqa: BLE001 - stopping: report and go on
                log(f"a worker did not stop cleanly: {error!r}")
        if task.done() and not task.cancelled() and task.exception() is not None:
            log(f"a worker ended with {task.exception()!r}")

    async def stop_workers(self):
        for worker, task in self.workers.values():
            await self.stop_worker(worker, task)

    def compare(self, case, model_answer, server_answer, note=""):
        self.cases += 1
        model_answer, server_answer = self.short(model_answer), self.short(server_answer)
        if model_answer == server_answer:
            print(f"agree     {case}: {model_answer}{note}", flush=True)
        else:
            print(f"DISAGREE  {case}: model {model_answer!r}, server {server_answer!r}", flush=True)
            self.disagreements.append(case)

    # what the server did

    async def start(self, name, arg, queue=None):
        return await deadline(self.client.start_workflow(
            "Guide", arg, id=f"guide-{self.run}-{name}", task_queue=queue or self.own,
            execution_timeout=timedelta(seconds=120)), f"start {name}")

    async def ran(self, handle, step):
        """`{"by": ..., "ran": ...}` (see `perform`), or what went wrong, as a string."""
        try:
            return await deadline(handle.execute_update("step", step, rpc_timeout=timedelta(seconds=STEP_TIMEOUT_S)),
                                  f"{step} in {handle.id}")
        except Stuck as error:
            return str(error)
        except Exception as error:  # noqa: BLE001 - the server's answer, whatever it is
            return f"failed: {error}"

    async def continued(self, handle, step):
        await deadline(handle.signal("continue_as_new", step), "signal")
        try:
            return await deadline(handle.result(rpc_timeout=timedelta(seconds=STEP_TIMEOUT_S)),
                                  f"result of {handle.id}")
        except Stuck as error:
            return str(error)
        except Exception as error:  # noqa: BLE001
            return f"failed: {error}"

    def issued_by(self, handle, got):
        """The workflow's build ID when it issued the step: the one the server reported, else
        the one last seen (the step failed, so the case disagrees anyway)."""
        if isinstance(got, dict):
            self.workers_build[handle.id] = got["by"]
        return self.workers_build.get(handle.id)

    @staticmethod
    def ran_on(got):
        return got["ran"] if isinstance(got, dict) else got

    async def refusal(self, handle):
        """The first workflow task failure of a probe (its cause and message), waited for
        with history long polls; then the probe ends."""
        async def first_failure():
            async for event in handle.fetch_history_events(wait_new_event=True,
                                                           rpc_timeout=timedelta(seconds=STEP_TIMEOUT_S)):
                if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                    attrs = event.workflow_task_failed_event_attributes
                    return f"{WorkflowTaskFailedCause.Name(attrs.cause)} {attrs.failure.message}"
                if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
                    return f"completed: {self.ran_on(await handle.result())}"
            return "closed without a workflow task failure"
        try:
            return await deadline(first_failure(), f"the first workflow task of {handle.id}")
        except Stuck as error:
            return str(error)
        finally:
            try:
                await deadline(handle.terminate("probe done"), "terminate")
            except Exception:  # noqa: BLE001 - it may have completed
                pass

    async def poll(self, queue, build_id):
        request = PollWorkflowTaskQueueRequest(
            namespace=NAMESPACE, task_queue=TaskQueue(name=queue), identity="version-sets-guide",
            worker_version_capabilities=WorkerVersionCapabilities(build_id=build_id, use_versioning=True))
        call = asyncio.ensure_future(self.client.workflow_service.poll_workflow_task_queue(
            request, timeout=timedelta(seconds=POLL_TIMEOUT_S)))
        done, _ = await asyncio.wait({call}, timeout=POLL_GRACE_S)
        if not done:
            await asyncio.wait({call}, timeout=POLL_TIMEOUT_S + 1)  # let it end: no stray call
            return "accepted"
        try:
            call.result()
        except RPCError as error:
            return f"{RPCStatusCode(error.status).name}: {error.message}"
        return "accepted"

    # the cases: the model's answer for the server's state against what the server did

    async def new_workflow(self, case, name):
        """A new workflow's first task goes to the default set's default."""
        handle = await self.start(name, {"stage": "main"})
        expected = self.model.add_task(await self.listing(self.own))
        got = await self.ran(handle, {"kind": "self"})
        self.issued_by(handle, got)
        self.compare(case, expected, self.ran_on(got))
        return handle

    async def existing_workflow(self, case, handle):
        """An existing workflow's next task goes to its build ID's set's default."""
        listing = await self.listing(self.own)
        before = self.workers_build.get(handle.id)
        got = await self.ran(handle, {"kind": "self"})
        self.issued_by(handle, got)
        self.compare(case, self.model.add_task(listing, before), self.ran_on(got))

    async def command(self, case, handle, kind, intent, other=False):
        """An activity or child workflow started by a running workflow, with an intent. The
        model is asked after the step, with the build ID of the workflow task that issued it
        (the state it is asked about was listed before the step, and nothing changes it)."""
        queue = self.other if other else self.own
        listing = await self.listing(queue)
        step = {"kind": kind, "intent": intent, "queue": queue if other else None}
        expected = self.model.resolve(listing, intent, self.workers_build.get(handle.id), other)
        if expected == "rejected":
            probe = await self.start(f"probe-{self.cases}", {"stage": "probe", "step": step})
            got = await self.refusal(probe)
            # the model says only "rejected"; the server's cause and message are the ones
            # docs/semantics.md gives for rule resolve.rejected-cross-queue
            if got.startswith(REJECTED_CAUSES[kind] + " ") and got.endswith(
                    " with UseCompatibleVersion cannot run on different task queue."):
                self.compare(case, expected, "rejected", f" (the workflow task failed: {got})")
                return
            self.compare(case, expected, got)
            return
        got = await self.ran(handle, step)
        expected = self.model.resolve(listing, intent, self.issued_by(handle, got), other)
        self.compare(case, expected, self.ran_on(got))

    async def continue_as_new(self, case, handle, intent, other=False):
        queue = self.other if other else self.own
        listing = await self.listing(queue)
        if self.model.resolve(listing, intent, self.workers_build.get(handle.id), other) == "rejected":
            await self.command(case, handle, "continue", intent, other)
            return
        step = {"kind": "continue", "intent": intent, "queue": queue if other else None}
        got = await self.continued(handle, step)
        expected = self.model.resolve(listing, intent, self.issued_by(handle, got), other)
        self.compare(case, expected, self.ran_on(got))

    async def poller(self, case, build_id):
        """A raw poll with the build ID's capabilities: refused (OUT_OF_RANGE and the message,
        word for word) unless it is its set's default."""
        expected = self.model.poll(await self.listing(self.own), build_id)
        self.compare(case, expected, await self.poll(self.own, build_id))

    async def main(self):
        b = self.bid
        try:
            self.client = await self.connect()
        except Stuck as error:
            raise RuntimeError(str(error)) from None  # no server answering: cannot run

        # The guide: tell each task queue about a build ID, and start its versioned workers.
        await self.update(self.own, BuildIdOpAddNewDefault(b("a")))
        await self.update(self.other, BuildIdOpAddNewDefault(b("x")))

        w1 = await self.new_workflow("new workflow -> the queue default (a)", "w1")
        waiting = {}  # workflows that will continue as new once b is the default
        for label, intent, other in [("unset", None, False), ("COMPATIBLE", "COMPATIBLE", False),
                                     ("DEFAULT", "DEFAULT", False), ("unset, other queue", None, True),
                                     ("DEFAULT, other queue", "DEFAULT", True),
                                     ("COMPATIBLE, other queue", "COMPATIBLE", True)]:
            handle = await self.start(f"can-{len(waiting)}", {"stage": "main"})
            self.issued_by(handle, await self.ran(handle, {"kind": "self"}))
            waiting[label] = (handle, intent, other)

        # A new default set while w1 runs: its next activities go compatible, then default.
        await self.update(self.own, BuildIdOpAddNewDefault(b("b")))
        for label, intent in [("unset", None), ("COMPATIBLE", "COMPATIBLE"), ("DEFAULT", "DEFAULT")]:
            await self.command(f"activity of w1 (on a), intent {label}, after b became default", w1, "activity", intent)
        w2 = await self.new_workflow("new workflow -> the new default (b)", "w2")
        for label, intent in [("unset", None), ("COMPATIBLE", "COMPATIBLE"), ("DEFAULT", "DEFAULT")]:
            await self.command(f"child of w1 (on a), intent {label}", w1, "child", intent)
        for label, intent in [("unset", None), ("DEFAULT", "DEFAULT"), ("COMPATIBLE", "COMPATIBLE")]:
            await self.command(f"activity of w1 on another task queue, intent {label}", w1, "activity", intent, True)
            await self.command(f"child of w1 on another task queue, intent {label}", w1, "child", intent, True)
        for label, (handle, intent, other) in waiting.items():
            await self.continue_as_new(f"continue-as-new from a, intent {label}", handle, intent, other)

        # A compatible build ID, not made the set's default: a's workers are refused from now on.
        await self.update(self.own, BuildIdOpAddNewCompatible(b("a2"), b("a")))
        await self.poller("poller a, no longer its set's default", b("a"))
        await self.poller("poller a2, its set's default", b("a2"))
        await self.existing_workflow("w1's next task -> its set's new default (a2)", w1)
        await self.command("activity of w1 (now a2), intent unset", w1, "activity", None)

        # A compatible build ID whose set becomes the queue default.
        await self.update(self.own, BuildIdOpAddNewCompatible(b("a3"), b("a2"), promote_set=True))
        await self.new_workflow("new workflow after a3 was added with its set made default", "w3")
        await self.command("activity of w2 (on b), intent DEFAULT, after a3's set became default", w2,
                           "activity", "DEFAULT")
        await self.command("activity of w2 (on b), intent unset", w2, "activity", None)

        # Promote b's set back, then a2 within its set.
        await self.update(self.own, BuildIdOpPromoteSetByBuildId(b("b")))
        await self.new_workflow("new workflow after b's set was promoted", "w4")
        await self.update(self.own, BuildIdOpPromoteBuildIdWithinSet(b("a2")))
        await self.poller("poller a3, after a2 was promoted within the set", b("a3"))
        await self.existing_workflow("w1's next task after a2 was promoted within its set", w1)
        await self.command("activity of w1, intent COMPATIBLE, after a2 was promoted", w1, "activity", "COMPATIBLE")

        # Merge a's set into b's: b's default is the merged set's.
        await self.update(self.own, BuildIdOpMergeSets(primary_build_id=b("b"), secondary_build_id=b("a2")))
        await self.poller("poller a2, after its set was merged into b's", b("a2"))
        await self.existing_workflow("w1's next task after the merge", w1)
        await self.command("activity of w1, intent unset, after the merge", w1, "activity", None)
        await self.command("child of w1, intent COMPATIBLE, after the merge", w1, "child", "COMPATIBLE")

        for handle in [w1, w2] + [h for h, _, _ in waiting.values()]:
            try:
                await deadline(handle.signal("done"), "signal done")
            except RPCError:
                pass  # it continued as new and completed


async def play(book, total_s, name):
    """Runs a book's cases within `total_s`, stops its workers whatever happens, and says
    why it stopped early, if it did."""
    try:
        await asyncio.wait_for(book.main(), total_s)
    except asyncio.TimeoutError:
        book.aborted = f"the run did not end within {total_s} s"
    except Stuck as error:
        book.aborted = str(error)
    finally:
        await book.stop_workers()
    if book.aborted:
        print(f"{name}: stopped before the last case: {book.aborted}", flush=True)
    return book


def arguments(name, deadline_help):
    """The command line this script and reachability.py share; None when the binary
    cannot be run (said on standard output)."""
    parser = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__.split("\n")[0])
    parser.add_argument("--version-sets", required=True, metavar="PATH", help="the version-sets binary")
    parser.add_argument("--address", help="HOST:PORT of a running server with the version-set APIs on; "
                        "default: start one (server.py) and stop it on exit")
    parser.add_argument("--deadline-s", type=float, default=90, help=deadline_help)
    args = parser.parse_args()
    if not os.access(args.version_sets, os.X_OK):
        print(f"{name}: cannot run: {args.version_sets} is not an executable", flush=True)
        return None
    return args


def serve(name, args, dynamic_config, cases):
    """Runs `cases(address)` (which returns the finished book) against --address, or a dev
    server of its own with one partition per task queue and `dynamic_config`, stopped on
    any exit. Prints the summary line; returns the exit status: 0 all agree, 1 a
    disagreement or a run stopped early, 2 cannot run."""
    server = None
    address = args.address
    if address is None:
        from server import DevServer
        server = DevServer({"matching.numTaskqueueReadPartitions": 1,
                            "matching.numTaskqueueWritePartitions": 1, **dynamic_config})
        try:
            server.start()
        except Exception as error:  # noqa: BLE001 - say why, exit 2
            print(f"{name}: cannot run: the server did not start: {error}", flush=True)
            return 2
        address = server.address
        log(f"started a dev server at {address}")
    try:
        try:
            book = asyncio.run(cases(address))
        except RuntimeError as error:  # the model's binary failed, or the connection
            print(f"{name}: cannot run: {error}", flush=True)
            return 2
        failed = len(book.disagreements)
        print(f"{name}: {book.cases} cases, {book.cases - failed} agree, {failed} disagree", flush=True)
        return 1 if failed or book.aborted else 0
    finally:
        if server is not None:
            server.stop()


def exit_with(main):
    """Runs `main` and leaves with its status, without finalizing the interpreter."""
    status = 2
    try:
        status = main()
    except SystemExit as error:  # argparse's --help and usage errors
        status = error.code if isinstance(error.code, int) else 2
    except BaseException:  # noqa: B036 - report, then leave without finalizing
        import traceback
        traceback.print_exc()
        status = 2
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK's Rust runtime threads may still call into Python while the interpreter
    # finalizes; everything is flushed and stopped, so leave without finalizing.
    os._exit(status)


def main():
    args = arguments("guide", "the cases' deadline, server start (60 s at most) not included; a run takes 8-40 s")
    if args is None:
        return 2
    return serve("guide", args, {},
                 lambda address: play(Guidebook(address, Model(args.version_sets)), args.deadline_s, "guide"))


if __name__ == "__main__":
    exit_with(main)
