#!/usr/bin/env python3
"""The live adapter for Worker Deployments traces: each step realised on a real dev server.

It speaks the conformance protocol of docs/conformance.md for deployment traces: before each
trace `{"reset": true, "format": "deployments"}`, answered with the kinds it observes; then
each step as the trace writes it, without `expect`, answered in the form of that step's
`expect` (deployments/docs/trace-format.md), `{}` for a fact, `{"malformed": ...}` for a
line it cannot read.

    python deployments_server.py [--poller-ttl-s S]

Isolation: every trace gets a dev server of its own (server.py: free loopback ports, one
partition per task queue, in memory), started with the trace's limits as dynamic config when
its first step is played (a `limits` step, or the server's defaults), and stopped at the
next reset or when standard input closes (the server also gets SIGTERM if the adapter dies).
The next trace's server is started in the background while a trace runs (with the limits of
the trace before), so that a reset rarely waits for a start. Fresh servers, not fresh names:
`matching.maxDeployments` counts every running deployment of the namespace, and a deleted
deployment's versions keep their pollers for the poller history's TTL, so old traces would
count against new ones.

What each step does on the server, and what is declared (OBSERVES below, one comment a kind):
the operations are the gRPC calls of the same name (`Set...`, `Delete...`, `Create...`,
`Describe...`), a `poll` is a raw `PollWorkflowTaskQueue` / `PollActivityTaskQueue` /
`PollNexusTaskQueue` carrying `deployment_options` (VERSIONED), and `route` starts a workflow
and sees whose poll receives its first task. "changed" and "noop" are told apart by what the
server shows before and after the call: the deployment's conflict token for set-current,
set-ramping and set-manager (it moves on every one accepted that is not a no-op:
deployments/docs/semantics.md `token.strictly-newer`, `ops.no-op-first`), the version's task
queues (a poll), whether the version or deployment existed (delete and create calls).

Conflict tokens: the server's are opaque bytes. A step's `token` `{"line": N}` is the token
the server returned to the step on line N (empty when that step was refused); a string is sent
as its bytes, as the model does. The line of a step is counted from the reset: the header is
line 1, the first step sent line 2 and so on, as the generator
(`worker_deployments_trace::generate`) numbers its traces before they are written; a vector with comment lines between its steps numbers them otherwise, and its
`{"line": N}` tokens then name other steps unless the driver renumbers them to this count
(deployments_check.py, which reads the files, passes the true line).

The clock: `now` is the model's time and is not mapped onto real time. The server's drainage
timers are set to an hour, so that no version drains by itself during a trace (the model's
drainage moves only at `checkDrainage`, which is declared none: the trace stops there). The
model's "has pollers" is a fact (`pollers`); the server's is its poller history
(`matching.PollerHistoryTTL`, here --poller-ttl-s, default 2 s). `pollers` present keeps a
versioned poll running on one of the version's task queues; absent stops it. Every poll the
adapter makes (a `poll` step, a `route`'s probes) leaves the version in the history for the
TTL, where the model says "no pollers" unless told: before a step that reads the server's
pollers (a `deleteVersion`, and a registration that may collect a version at the deployment's
cap: `poll`, `createVersion`, `allowNoPollers`) the adapter waits until the TTL has passed
for each version of the deployment that the trace says has no pollers. The enhanced
describe cache behind specification.md section B.6.1's race
(`matching.TaskQueueInfoByBuildIdTTL`) is set to 1 ms, as the model has no such cache
(semantics.md `delete.pollers-input`).
"""

import argparse
import asyncio
import bisect
import concurrent.futures
import datetime
import json
import os
import struct
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from deployments import fingerprint32, threshold  # noqa: E402
from server import DevServer  # noqa: E402

from temporalio.api.common.v1 import WorkflowType  # noqa: E402
from temporalio.api.deployment.v1 import WorkerDeploymentOptions, WorkerDeploymentVersion  # noqa: E402
from temporalio.api.enums.v1 import (  # noqa: E402
    RoutingConfigUpdateState, TaskQueueType, VersionDrainageStatus, WorkerDeploymentVersionStatus,
    WorkerVersioningMode)
from temporalio.api.taskqueue.v1 import TaskQueue  # noqa: E402
from temporalio.api.workflowservice.v1 import (  # noqa: E402
    CreateWorkerDeploymentRequest, CreateWorkerDeploymentVersionRequest, DeleteWorkerDeploymentRequest,
    DeleteWorkerDeploymentVersionRequest, DescribeWorkerDeploymentRequest,
    DescribeWorkerDeploymentVersionRequest, PollActivityTaskQueueRequest, PollNexusTaskQueueRequest,
    PollWorkflowTaskQueueRequest, SetWorkerDeploymentCurrentVersionRequest,
    SetWorkerDeploymentManagerRequest, SetWorkerDeploymentRampingVersionRequest,
    StartWorkflowExecutionRequest, TerminateWorkflowExecutionRequest)
from temporalio.client import Client  # noqa: E402
from temporalio.service import RPCError, RPCStatusCode  # noqa: E402

NAMESPACE = "default"
UNVERSIONED = "__unversioned__"

# What the adapter observes, declared in its reset answer. A kind not named is compared
# exactly; "none" on a kind that changes state stops the trace there.
OBSERVES = {
    # The server's own limits, set at the server's start: every cap exactly; the drainage
    # timers are not the trace's (an hour: see the module's docstring on the clock).
    "limits": "exact",
    # A raw versioned poll; "noop" when the (task queue, type) was already the version's.
    "poll": "exact",
    "setCurrent": "exact",
    "setRamping": "exact",
    "deleteVersion": "exact",
    "deleteDeployment": "exact",
    "setManager": "exact",
    "createDeployment": "exact",
    "createVersion": "exact",
    # A running poll of the version (present) or none, and the poller history's TTL waited
    # out before a step that reads it.
    "pollers": "exact",
    # Traffic or backlog on a version's queue: the server measures its add rate and backlog;
    # the adapter makes no traffic to order (and `route` makes some the model does not count).
    "busy": "none",
    # Open workflows pinned to a version are read only by drainage checks, which the server
    # runs on its own timers (not the trace's).
    "openPinned": "none",
    # The server checks drainage on its own timers (here an hour), and no API asks for a
    # check or tells which versions one drained.
    "checkDrainage": "none",
    # The propagation-complete signal is internal: the server sends it itself, as soon as
    # the task queues have the routing config; it cannot be withheld or sent.
    "propagated": "none",
    # The reactivation signal is internal (sent by history for an override or a pinned
    # start on a drained version); no public call sends it alone.
    "reactivate": "none",
    # A new workflow started with the step's ID: the version whose poller receives its first
    # task. An empty ID (the model's random draw) is not a legal workflow ID: it is played
    # with an ID whose threshold stands for the draw (draw_id, below).
    "route": "exact",
    "describe": "exact",
    # Answered from the server all the same (a question changes nothing; deployments_check.py
    # reads it). Every field is the server's, but `updateState` cannot be made the model's: the model
    # confirms propagation only at a `propagated` step (semantics.md `propagation.event`),
    # the server by itself within milliseconds, so after every routing change the model
    # says IN_PROGRESS and the server COMPLETED. deployments_check.py compares the other
    # fields.
    "describeDeployment": "none",
    # A query to a workflow pinned to a drained version with or without root-partition
    # pollers: it needs a pinned workflow and a drained version, which a trace cannot make
    # here (drainage is not played).
    "query": "none",
    # An override's check answers whether the target is to be reactivated, which no public
    # answer shows.
    "override": "none",
}

# An ID whose threshold is 100 * 6592 / 2^32 = 0.000153 (checked at start): it goes to the
# ramping version at every percentage above that and to the current one at 0, as the model's
# empty ID with draw 0 does (threshold 0 <= P for every P > 0). Found by a search of
# `draw-zero-N`, N < 400000, for the smallest Fingerprint32.
ROUTE_DRAW_ZERO_ID = "draw-zero-121209"
ROUTE_DRAW_ZERO_FINGERPRINT = 6592

QUEUE_TYPES = {
    "workflow": TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    "activity": TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    "nexus": TaskQueueType.TASK_QUEUE_TYPE_NEXUS,
}

SHORT = {"maxDeployments": 3, "maxVersionsInDeployment": 3, "maxTaskQueuesInVersion": 2,
         "maxVersionsInTaskQueue": 4}
DEFAULT = {"maxDeployments": 100, "maxVersionsInDeployment": 100, "maxTaskQueuesInVersion": 100,
           "maxVersionsInTaskQueue": 200, "maxIdLength": 1000}
LIMIT_KEYS = {
    "maxDeployments": "matching.maxDeployments",
    "maxVersionsInDeployment": "matching.maxVersionsInDeployment",
    "maxTaskQueuesInVersion": "matching.maxTaskQueuesInDeploymentVersion",
    "maxVersionsInTaskQueue": "matching.maxVersionsInTaskQueue",
    "maxIdLength": "limit.maxIDLength",
}
# How long a raw poll waits on the server (the frontend refuses one with less than about
# 2 s left); a registration error comes back after the server's 5 s backoff.
POLL_S = 3.0
# A step refused by the server's throttle is played again, up to this many times in all,
# after 0.5 s, 1 s, ... (about 10 s in all).
THROTTLE_ATTEMPTS = 6
THROTTLED = "too many requests issued to Worker Deployment"
# How many polls a `poll` step makes at most before it gives up (each of 10 s).
POLL_ATTEMPTS = 3
# How long a route waits for its first task to reach a poller.
ROUTE_WAIT_S = 15.0


def log(text):
    print(f"deployments_server.py: {text}", file=sys.stderr, flush=True)


def limits_of(args):
    """The caps a `limits` step names (drainage fields are read and not used)."""
    caps = dict(DEFAULT)
    if args == "short":
        caps.update(SHORT)
    elif args == "default":
        pass
    elif isinstance(args, dict):
        for key, value in args.items():
            if key in LIMIT_KEYS:
                caps[key] = value
            elif key not in ("drainageGraceMs", "drainageRefreshMs"):
                raise ValueError(f"unknown limits field {key!r}")
    else:
        raise ValueError(f"limits must be \"default\", \"short\" or an object, got {json.dumps(args)}")
    return caps


def dynamic_config(caps, poller_ttl_s):
    dc = {LIMIT_KEYS[k]: v for k, v in caps.items()}
    dc.update({
        "matching.numTaskqueueReadPartitions": 1,
        "matching.numTaskqueueWritePartitions": 1,
        "matching.PollerHistoryTTL": f"{poller_ttl_s}s",
        "matching.TaskQueueInfoByBuildIdTTL": "1ms",
        "matching.wv.VersionDrainageStatusVisibilityGracePeriod": "1h",
        "matching.wv.VersionDrainageStatusRefreshInterval": "1h",
    })
    return dc


def f32_json(value):
    """A float32 as the model writes it: its shortest decimal that reads back as it, "NaN"."""
    if value != value:
        return "NaN"
    bits = struct.pack("<f", value)
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if struct.pack("<f", float(text)) == bits:
            number = float(text)
            return int(number) if number.is_integer() else number
    return value


def error_json(error):
    return {"error": error.status.name, "message": error.message}


def enum_name(enum, value):
    return enum.Name(value)


class Servers:
    """The dev server of the current trace, and a spare started in the background."""

    def __init__(self, poller_ttl_s):
        self.poller_ttl_s = poller_ttl_s
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        self.spare = None  # (caps, future of a started DevServer)
        self.current = None
        self.started = 0

    def _start(self, caps):
        """A started server; a start that fails is tried again, twice (two servers start at
        once here, and a free port found for one may be taken by the other's)."""
        for attempt in range(3):
            try:
                return DevServer(dynamic_config(caps, self.poller_ttl_s)).start()
            except RuntimeError as error:
                if attempt == 2:
                    raise
                log(f"a server did not start, starting another: {str(error)[-600:]}")
        raise AssertionError("unreachable")

    def take(self, caps):
        """A fresh server with these caps (the spare if it has them), and a new spare."""
        server = None
        if self.spare is not None:
            spare_caps, future = self.spare
            self.spare = None
            if spare_caps == caps:
                try:
                    server = future.result()
                except RuntimeError as error:
                    log(f"the spare server did not start: {str(error)[-600:]}")
            else:
                self.pool.submit(lambda f=future: f.result().stop())
        if server is None:
            server = self._start(caps)
        self.started += 1
        self.current = server
        self.spare = (caps, self.pool.submit(self._start, caps))
        return server

    def release(self):
        if self.current is not None:
            old, self.current = self.current, None
            self.pool.submit(old.stop)

    def close(self):
        self.release()
        if self.spare is not None:
            try:
                self.spare[1].result().stop()
            except Exception:  # a spare that did not start has nothing to stop
                pass
        self.pool.shutdown(wait=True)


class Trace:
    """One trace's server, client and bookkeeping."""

    def __init__(self, client, caps, ttl_s):
        self.client = client
        self.service = client.workflow_service
        self.caps = caps
        self.ttl_s = ttl_s
        self.tokens = {}  # line -> the server's token returned there (b"" when refused)
        self.last_poll = {}  # (deployment, build) -> monotonic time the last poll by it ended
        self.polling = {}  # (deployment, build) -> how many of its polls are on the server now
        self.wanted_pollers = set()  # versions the trace says have pollers
        self.poll_loops = {}  # version -> task of its keep-polling loop
        self.received = {}  # workflow ID -> version string whose poll received its task
        self.arrived = asyncio.Event()
        self.background = []  # polls left running past their step


class Adapter:
    def __init__(self, servers, ttl_s):
        self.servers = servers
        self.ttl_s = ttl_s
        self.trace = None
        self.line = 1
        self.traces = 0
        self.counts = {}
        self.not_played = 0
        self.previous_corrected = 0
        self.throttled = 0  # steps played again after the server's throttle

    async def reset(self):
        await self.end_trace()
        self.line = 1
        self.traces += 1
        return {"observes": dict(OBSERVES)}

    async def end_trace(self):
        t = self.trace
        self.trace = None
        if t is None:
            return
        pending = list(t.poll_loops.values()) + t.background
        for task in pending:
            task.cancel()
        # Their ends (cancelled, or the transport closing) are of no interest.
        await asyncio.gather(*pending, return_exceptions=True)
        self.servers.release()

    async def begin(self, caps):
        loop = asyncio.get_running_loop()
        server = await loop.run_in_executor(None, self.servers.take, caps)
        client = await Client.connect(server.address, namespace=NAMESPACE)
        self.trace = Trace(client, caps, self.ttl_s)

    async def answer(self, step, line=None):
        self.line += 1
        line = self.line if line is None else line
        if not isinstance(step, dict):
            return {"malformed": "a step is a JSON object"}
        kinds = [k for k in step if k not in ("now", "expect")]
        if len(kinds) != 1 or kinds[0] not in OBSERVES:
            return {"malformed": f"a step has exactly one action key of {sorted(OBSERVES)}, got {kinds}"}
        kind = kinds[0]
        args = step[kind]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if kind == "limits":
            try:
                caps = limits_of(args)
            except ValueError as error:
                return {"malformed": str(error)}
            if self.trace is not None:
                return {"malformed": "limits is the first step of a trace only"}
            await self.begin(caps)
            return {}
        if self.trace is None:
            await self.begin(dict(DEFAULT))
        if OBSERVES[kind] == "none" and kind != "describeDeployment":
            self.not_played += 1
            return {}
        # A deployment busy with earlier calls may refuse one for a while (RESOURCE_EXHAUSTED
        # "too many requests issued to Worker Deployment"): a throttle the server lifts by
        # itself, which made no change (a refused update is not applied), so the step is
        # played again after a pause; the model has no such answer.
        for attempt in range(THROTTLE_ATTEMPTS):
            try:
                result = await getattr(self, "do_" + kind)(args, line)
            except RPCError as error:
                result = error_json(error)
            except (ValueError, KeyError, TypeError, AttributeError) as error:  # arguments of the wrong shape
                return {"malformed": f"{kind}: {error!r}"}
            throttled = (isinstance(result, dict) and result.get("error") == "RESOURCE_EXHAUSTED"
                         and str(result.get("message", "")).startswith(THROTTLED))
            if not throttled or attempt == THROTTLE_ATTEMPTS - 1:
                return result
            self.throttled += 1
            await asyncio.sleep(0.5 * (attempt + 1))
        return result

    # ---- reading the server ----

    async def deployment(self, name):
        """The deployment's info and token, or None when the server has none by that name."""
        try:
            r = await self.trace.service.describe_worker_deployment(
                DescribeWorkerDeploymentRequest(namespace=NAMESPACE, deployment_name=name))
            return r
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return None
            raise

    async def version(self, deployment, build):
        try:
            r = await self.trace.service.describe_worker_deployment_version(
                DescribeWorkerDeploymentVersionRequest(
                    namespace=NAMESPACE,
                    deployment_version=WorkerDeploymentVersion(deployment_name=deployment, build_id=build)))
            return r.worker_deployment_version_info
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return None
            raise

    @staticmethod
    def pairs(info):
        return [(q.name, q.type) for q in info.task_queue_infos] if info is not None else []

    async def token_of(self, deployment):
        d = await self.deployment(deployment)
        return None if d is None else d.conflict_token

    def token_arg(self, arg):
        if arg is None:
            return b""
        if isinstance(arg, str):
            return arg.encode("utf-8")
        if isinstance(arg, dict) and set(arg) == {"line"}:
            return self.trace.tokens.get(arg["line"], b"")
        raise ValueError(f"a token is a string or {{\"line\": N}}, got {json.dumps(arg)}")

    # ---- pollers ----

    async def wait_pollers_gone(self, versions):
        """Waits until the poller history has forgotten each of these versions that the trace
        says has no pollers: none of its polls is on the server, and the last ended at least
        the TTL ago, and half a second (a poll counts while it waits, then for the TTL)."""
        t = self.trace
        quiet = [v for v in versions if v not in t.wanted_pollers]
        while any(t.polling.get(v, 0) for v in quiet):
            await asyncio.sleep(0.05)
        due = max((t.last_poll[v] + t.ttl_s + 0.5 for v in quiet if v in t.last_poll), default=0)
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def versions_of(self, deployment):
        d = await self.deployment(deployment)
        if d is None:
            return []
        return [(deployment, s.deployment_version.build_id) for s in d.worker_deployment_info.version_summaries]

    async def at_cap(self, deployment, build):
        """The versions of the deployment when adding `build` would meet its cap (GC reads
        their pollers), else []."""
        versions = await self.versions_of(deployment)
        if (deployment, build) in versions or len(versions) < self.trace.caps["maxVersionsInDeployment"]:
            return []
        return versions

    async def raw_poll(self, version, queue, kind, timeout=POLL_S):
        """One versioned poll; a workflow task it receives is recorded as routed to it."""
        t = self.trace
        options = WorkerDeploymentOptions(
            deployment_name=version[0], build_id=version[1],
            worker_versioning_mode=WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED) if version else None
        tq = TaskQueue(name=queue)
        timeout_td = datetime.timedelta(seconds=timeout)
        if version:
            t.polling[version] = t.polling.get(version, 0) + 1
        try:
            if kind == "workflow":
                r = await t.service.poll_workflow_task_queue(PollWorkflowTaskQueueRequest(
                    namespace=NAMESPACE, task_queue=tq, identity="deployments-live", deployment_options=options),
                    timeout=timeout_td)
                if r.task_token:
                    t.received[r.workflow_execution.workflow_id] = (
                        f"{version[0]}.{version[1]}" if version else UNVERSIONED)
                    t.arrived.set()
            elif kind == "activity":
                await t.service.poll_activity_task_queue(PollActivityTaskQueueRequest(
                    namespace=NAMESPACE, task_queue=tq, identity="deployments-live", deployment_options=options),
                    timeout=timeout_td)
            else:
                await t.service.poll_nexus_task_queue(PollNexusTaskQueueRequest(
                    namespace=NAMESPACE, task_queue=tq, identity="deployments-live", deployment_options=options),
                    timeout=timeout_td)
        finally:
            # A cancelled call is cancelled on the server too (seen: a version whose poll was
            # cancelled could be deleted the TTL after, not after the poll's deadline).
            if version:
                t.polling[version] -= 1
                t.last_poll[version] = time.monotonic()

    async def keep_polling(self, version):
        """Polls as the version on one of its task queues until cancelled (`pollers` present)."""
        while True:
            info = await self.version(*version)
            pairs = self.pairs(info)
            if not pairs:
                await asyncio.sleep(0.2)
                continue
            name, kind = pairs[0]
            kind = {v: k for k, v in QUEUE_TYPES.items()}[kind]
            try:
                await self.raw_poll(version, name, kind)
            except RPCError:
                await asyncio.sleep(0.2)

    # ---- the steps ----

    async def do_poll(self, a, line):
        version = (a["deployment"], a["build"])
        kind = a.get("type", "workflow")
        before = await self.version(*version)
        member = (a["taskQueue"], QUEUE_TYPES[kind]) in self.pairs(before)
        if not member:
            await self.wait_pollers_gone(await self.at_cap(*version))
        # Long enough for a registration error, which comes after the server's 5 s backoff;
        # the poll is cancelled once the version lists the queue. A poll that ends with
        # neither is made again, as a worker would, up to POLL_ATTEMPTS times: right after a
        # delete the queue may still hold the version (its removal reaches the queue
        # asynchronously), and a poll then waits without registering it (seen once in the
        # revival of deployments/vectors/registration.jsonl, line 23).
        attempts = 1
        poll = asyncio.ensure_future(self.raw_poll(version, a["taskQueue"], kind, timeout=10.0))
        self.trace.background.append(poll)
        try:
            while True:
                ended = poll.done()  # before the look, so that a registration it saw is seen
                info = await self.version(*version)
                if (a["taskQueue"], QUEUE_TYPES[kind]) in self.pairs(info):
                    return "noop" if member else "changed"
                if ended:
                    error = poll.exception()
                    if isinstance(error, RPCError) and error.status != RPCStatusCode.DEADLINE_EXCEEDED:
                        return error_json(error)
                    if error is not None and not isinstance(error, RPCError):
                        raise error
                    if attempts == POLL_ATTEMPTS:
                        return (f"none: {POLL_ATTEMPTS} polls ended and the version does not list the queue "
                                f"(last: {error!r})")
                    attempts += 1
                    poll = asyncio.ensure_future(self.raw_poll(version, a["taskQueue"], kind, timeout=10.0))
                    self.trace.background.append(poll)
                await asyncio.sleep(0.1)
        finally:
            poll.cancel()
            await asyncio.gather(poll, return_exceptions=True)

    def version_fields(self, a):
        return {"deployment_name": a["deployment"], "version": a.get("version", ""),
                "build_id": a.get("build", ""), "identity": a.get("identity", "")}

    async def do_setCurrent(self, a, line):
        if a.get("allowNoPollers"):
            await self.wait_pollers_gone(await self.at_cap(a["deployment"], a.get("build", "")))
        d = await self.deployment(a["deployment"])
        before = None if d is None else d.conflict_token
        current_before = UNVERSIONED if d is None else (
            d.worker_deployment_info.routing_config.current_version or UNVERSIONED)
        try:
            r = await self.trace.service.set_worker_deployment_current_version(SetWorkerDeploymentCurrentVersionRequest(
                namespace=NAMESPACE, conflict_token=self.token_arg(a.get("token")),
                ignore_missing_task_queues=a.get("ignoreMissingTaskQueues", False),
                allow_no_pollers=a.get("allowNoPollers", False), **self.version_fields(a)))
        except RPCError as error:
            self.trace.tokens[line] = b""
            return error_json(error)
        self.trace.tokens[line] = r.conflict_token
        changed = r.conflict_token != before
        previous = r.previous_version
        requested = a.get("version") or (f"{a['deployment']}.{a['build']}" if a.get("build") else UNVERSIONED)
        if changed and previous == requested and current_before != requested:
            # The server changed the current version yet answered as a no-op does (previous
            # := the requested version): seen on a set-current to a version with no task
            # queue (made by allowNoPollers or createVersion), about one call in three, never
            # to a version with one (findings/deployments-2026-12-08.md, finding 2). The
            # previous current is the one the adapter read just before the call (nothing
            # else changes the deployment); each such answer is counted on the closing line.
            self.previous_corrected += 1
            log(f"setCurrent: the server answered previous {previous!r} for a change from {current_before!r}")
            previous = current_before
        return {"outcome": "changed" if changed else "noop", "previous": previous}

    async def do_setRamping(self, a, line):
        if a.get("allowNoPollers"):
            await self.wait_pollers_gone(await self.at_cap(a["deployment"], a.get("build", "")))
        p = a["percentage"]
        percentage = float("nan") if p == "NaN" else float(p)
        d = await self.deployment(a["deployment"])
        before = None if d is None else d.conflict_token
        rc = None if d is None else d.worker_deployment_info.routing_config
        ramp_before = ("", 0.0) if rc is None else (rc.ramping_version, rc.ramping_version_percentage)
        try:
            r = await self.trace.service.set_worker_deployment_ramping_version(SetWorkerDeploymentRampingVersionRequest(
                namespace=NAMESPACE, conflict_token=self.token_arg(a.get("token")), percentage=percentage,
                ignore_missing_task_queues=a.get("ignoreMissingTaskQueues", False),
                allow_no_pollers=a.get("allowNoPollers", False), **self.version_fields(a)))
        except RPCError as error:
            self.trace.tokens[line] = b""
            return error_json(error)
        self.trace.tokens[line] = r.conflict_token
        changed = r.conflict_token != before
        previous = (r.previous_version, r.previous_percentage)
        requested = (a.get("version") or (f"{a['deployment']}.{a['build']}" if a.get("build") else UNVERSIONED),
                     percentage)
        if changed and previous == requested and ramp_before != requested:
            # Finding 2 again, on set-ramping: a change answered as a no-op answers (the
            # requested ramp as the previous one), seen after a set-current to a version with
            # no task queue; the previous ramp is the one read just before the call.
            self.previous_corrected += 1
            log(f"setRamping: the server answered previous {previous!r} for a change from {ramp_before!r}")
            previous = ramp_before
        return {"outcome": "changed" if changed else "noop",
                "previous": previous[0], "previousPercentage": f32_json(previous[1])}

    async def do_setManager(self, a, line):
        before = await self.token_of(a["deployment"])
        request = SetWorkerDeploymentManagerRequest(
            namespace=NAMESPACE, deployment_name=a["deployment"], manager_identity=a.get("manager", ""),
            conflict_token=self.token_arg(a.get("token")), identity=a.get("identity", ""))
        if a.get("self"):
            setattr(request, "self", True)  # a field named like Python's first parameter
        try:
            r = await self.trace.service.set_worker_deployment_manager(request)
        except RPCError as error:
            self.trace.tokens[line] = b""
            return error_json(error)
        self.trace.tokens[line] = r.conflict_token
        return {"outcome": "noop" if r.conflict_token == before else "changed",
                "previousManager": r.previous_manager_identity}

    async def do_deleteVersion(self, a, line):
        version = (a.get("deployment", ""), a.get("build", ""))
        if a.get("version"):
            name, _, build = a["version"].partition(".")
            version = (name, build)
        await self.wait_pollers_gone([version])
        existed = await self.version(*version) is not None
        request = DeleteWorkerDeploymentVersionRequest(
            namespace=NAMESPACE, skip_drainage=a.get("skipDrainage", False), identity=a.get("identity", ""))
        if a.get("version"):
            request.version = a["version"]
        elif a.get("deployment") or a.get("build"):
            request.deployment_version.CopyFrom(
                WorkerDeploymentVersion(deployment_name=a.get("deployment", ""), build_id=a.get("build", "")))
        await self.trace.service.delete_worker_deployment_version(request)
        return "changed" if existed else "noop"

    async def do_deleteDeployment(self, a, line):
        existed = await self.deployment(a["deployment"]) is not None
        await self.trace.service.delete_worker_deployment(DeleteWorkerDeploymentRequest(
            namespace=NAMESPACE, deployment_name=a["deployment"], identity=a.get("identity", "")))
        return "changed" if existed else "noop"

    async def do_createDeployment(self, a, line):
        existed = await self.deployment(a["deployment"]) is not None
        await self.trace.service.create_worker_deployment(CreateWorkerDeploymentRequest(
            namespace=NAMESPACE, deployment_name=a["deployment"], identity=a.get("identity", ""),
            request_id=a.get("requestId", "")))
        return "noop" if existed else "changed"

    async def do_createVersion(self, a, line):
        version = (a["deployment"], a.get("build") or "")
        existed = await self.version(*version) is not None
        if not existed:
            await self.wait_pollers_gone(await self.at_cap(*version))
        await self.trace.service.create_worker_deployment_version(CreateWorkerDeploymentVersionRequest(
            namespace=NAMESPACE, deployment_version=WorkerDeploymentVersion(
                deployment_name=version[0], build_id=version[1]),
            identity=a.get("identity", ""), request_id=a.get("requestId", "")))
        return "noop" if existed else "changed"

    async def do_pollers(self, a, line):
        t = self.trace
        version = (a["deployment"], a["build"])
        if a["present"]:
            t.wanted_pollers.add(version)
            if version not in t.poll_loops:
                t.poll_loops[version] = asyncio.ensure_future(self.keep_polling(version))
        else:
            t.wanted_pollers.discard(version)
            task = t.poll_loops.pop(version, None)
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        return {}

    async def do_describe(self, a, line):
        request = DescribeWorkerDeploymentVersionRequest(namespace=NAMESPACE)
        if a.get("version"):
            request.version = a["version"]
        elif a.get("deployment") or a.get("build"):
            request.deployment_version.CopyFrom(
                WorkerDeploymentVersion(deployment_name=a.get("deployment", ""), build_id=a.get("build", "")))
        r = await self.trace.service.describe_worker_deployment_version(request)
        v = r.worker_deployment_version_info
        drainage = None
        if v.HasField("drainage_info") and v.drainage_info.status:
            drainage = enum_name(VersionDrainageStatus, v.drainage_info.status)
        return {"status": enum_name(WorkerDeploymentVersionStatus, v.status), "drainage": drainage,
                # The server lists them in Go map order, which varies from call to call: they are
                # sorted by name and type number, the model's order, so as to compare the set.
                "taskQueues": [[q.name, enum_name(TaskQueueType, q.type)]
                               for q in sorted(v.task_queue_infos, key=lambda q: (q.name.encode(), q.type))]}

    async def do_describeDeployment(self, a, line):
        r = await self.trace.service.describe_worker_deployment(
            DescribeWorkerDeploymentRequest(namespace=NAMESPACE, deployment_name=a["deployment"]))
        d = r.worker_deployment_info
        rc = d.routing_config
        return {
            "current": rc.current_version or UNVERSIONED,
            "ramping": rc.ramping_version,
            "percentage": f32_json(rc.ramping_version_percentage),
            "revision": rc.revision_number,
            "updateState": enum_name(RoutingConfigUpdateState, d.routing_config_update_state),
            "manager": d.manager_identity,
            "lastModifier": d.last_modifier_identity,
            "versions": [s.version for s in d.version_summaries],
        }

    async def do_route(self, a, line):
        t = self.trace
        workflow_id = a["workflowId"]
        if workflow_id == "":
            workflow_id = draw_id(a.get("draw") or 0.0)
        queue = a["taskQueue"]
        # Fresh runs for an ID a trace routes twice: the first is terminated once routed.
        started = await t.service.start_workflow_execution(StartWorkflowExecutionRequest(
            namespace=NAMESPACE, workflow_id=workflow_id, workflow_type=WorkflowType(name="route-probe"),
            task_queue=TaskQueue(name=queue), identity="deployments-live", request_id=str(uuid.uuid4()),
            workflow_run_timeout=datetime.timedelta(seconds=60)))
        t.received.pop(workflow_id, None)
        # Probes: every version whose workflow queue this is, and an unversioned poller.
        probes = []
        for deployment in sorted({v[0] for v in list(t.last_poll) + list(t.wanted_pollers)}):
            for attempt in range(3):
                # A deployment busy with an update may refuse a describe for a while
                # (RESOURCE_EXHAUSTED "too many requests issued to Worker Deployment").
                try:
                    found = [v for v in await self.versions_of(deployment)
                             if (queue, QUEUE_TYPES["workflow"]) in self.pairs(await self.version(*v))]
                    break
                except RPCError as error:
                    if attempt == 2:
                        log(f"route: the versions of {deployment!r} could not be read: {error.message}")
                        found = []
                    await asyncio.sleep(0.5)
            probes.extend(found)
        deadline = time.monotonic() + ROUTE_WAIT_S
        answer = None
        while answer is None and time.monotonic() < deadline:
            polls = [asyncio.ensure_future(self.raw_poll(v, queue, "workflow")) for v in probes + [None]]
            while workflow_id not in t.received and not all(p.done() for p in polls):
                t.arrived.clear()
                waiter = asyncio.ensure_future(t.arrived.wait())
                await asyncio.wait(polls + [waiter], return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
            answer = t.received.get(workflow_id)
            for p in polls:
                p.cancel()
            for p, end in zip(polls, await asyncio.gather(*polls, return_exceptions=True)):
                if isinstance(end, BaseException) and not isinstance(end, asyncio.CancelledError):
                    log(f"a route probe failed: {end!r}")
        try:
            await t.service.terminate_workflow_execution(TerminateWorkflowExecutionRequest(
                namespace=NAMESPACE, workflow_execution={"workflow_id": workflow_id, "run_id": started.run_id},
                reason="routed"))
        except RPCError:
            pass
        return answer if answer is not None else f"none: no poller received the task within {ROUTE_WAIT_S:.0f} s"


DRAW_POOL = 200_000
_draw_table = []


def draw_id(draw):
    """A workflow ID whose threshold stands for the model's draw of an empty ID: for 0,
    ROUTE_DRAW_ZERO_ID; otherwise the ID of `draw-N` (N < DRAW_POOL) whose threshold is the
    nearest to the draw (the pool's thresholds are about 0.0005 apart, so the two route
    alike unless the percentage lies between them)."""
    if draw == 0:
        return ROUTE_DRAW_ZERO_ID
    if not _draw_table:
        _draw_table.extend(sorted((threshold(f"draw-{n}"), f"draw-{n}") for n in range(DRAW_POOL)))
    at = bisect.bisect_left(_draw_table, (draw, ""))
    near = [_draw_table[i] for i in (at - 1, at) if 0 <= i < len(_draw_table)]
    return min(near, key=lambda pair: abs(pair[0] - draw))[1]


def check_draw_zero():
    if fingerprint32(ROUTE_DRAW_ZERO_ID.encode()) != ROUTE_DRAW_ZERO_FINGERPRINT:
        raise SystemExit(f"{ROUTE_DRAW_ZERO_ID}: Fingerprint32 is not {ROUTE_DRAW_ZERO_FINGERPRINT}")
    return threshold(ROUTE_DRAW_ZERO_ID)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--poller-ttl-s", type=float, default=2.0,
                        help="the server's matching.PollerHistoryTTL (how long a poll counts as a poller)")
    args = parser.parse_args()
    check_draw_zero()
    servers = Servers(args.poller_ttl_s)
    loop = asyncio.new_event_loop()
    adapter = Adapter(servers, args.poller_ttl_s)
    began = time.monotonic()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as error:
                reply = {"malformed": f"not JSON: {error}"}
            else:
                if isinstance(request, dict) and request.get("reset") is True:
                    reply = loop.run_until_complete(adapter.reset())
                else:
                    reply = loop.run_until_complete(adapter.answer(request))
            print(json.dumps(reply, ensure_ascii=False), flush=True)
        loop.run_until_complete(adapter.end_trace())
        log(f"{adapter.traces} traces, {servers.started} servers, {time.monotonic() - began:.0f} s; "
            f"steps {json.dumps(adapter.counts, sort_keys=True)}; not played: {adapter.not_played}; "
            f"setCurrent and setRamping answers whose previous was the requested one: {adapter.previous_corrected}; "
            f"steps played again after the server's throttle: {adapter.throttled}")
    finally:
        servers.close()
        loop.close()


if __name__ == "__main__":
    status = 0
    try:
        main()
    except SystemExit as error:
        status = error.code if isinstance(error.code, int) else 2
    except BaseException:  # noqa: B036 - report, then leave without finalizing
        import traceback
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK's Rust runtime threads may still call into Python while the interpreter
    # finalizes: everything is flushed and stopped, so leave without finalizing.
    os._exit(status)
