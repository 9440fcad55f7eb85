#!/usr/bin/env python3
"""Worker Deployments routing on a real Temporal server: which version each new workflow goes to.

The rule it checks, as the server's code states it: a deployment's routing config names a
current version and a ramping version with a percentage P, a float32. A new workflow goes to the ramping version when
`100 * Fingerprint32(workflow_id) / 2^32 <= P` (the float32 widened to float64; go-farm's
Fingerprint32), except that P <= 0 always goes to current and P == 100 always to ramping.

This script asks the server, with nothing assumed:

    python deployments.py [--out FILE]     # observe the default plan, write the vector
    python deployments.py --check FILE     # observe FILE's plan again, compare line by line

It starts a dev server of its own (server.py: free loopback ports, one partition per task
queue, so the queue's routing view is the root partition's), runs two versioned SDK workers
of one Worker Deployment on one task queue (build IDs `current` and `ramping`, each with
AUTO_UPGRADE as the default behavior), waits until both versions are registered, makes
`current` the current version, and then, for each ramp percentage of the plan:
1. sets `ramping` ramping at that percentage (SetWorkerDeploymentRampingVersion);
2. waits until the change has reached the task queue: the deployment reports the stored
   percentage with `routingConfigUpdateState` COMPLETED, and the queue's own versioning info
   (DescribeTaskQueue) shows the same ramping version and percentage (no fixed sleep);
3. starts all the plan's workflows at that percentage at once and waits for their results.

The observation is the workflow's own result: it returns the build ID of the worker that ran
its first workflow task (`workflow.info().get_current_deployment_version()`), and it
completes in that task, so no other task of it exists. It is exact: matching chooses the
version for a new workflow's first task from the task queue's routing view and the
workflow ID alone (sync match to the target's queue, or spooled and the target
re-resolved at dispatch, with the same view, since the percentage changes only after every
workflow of the previous one has completed; a retried task is routed the same way); only
that version's poller can receive it. One workflow task per workflow, one start and one
result call: cheaper than a DescribeWorkflowExecution per workflow, which reports the same
version after the fact.

The default plan (`--out`): 10 percentages, 0, 5, 25, 33.3 (stored as the float32
33.29999923706055), 75, 100, and two float32 values that equal a workflow ID's threshold
exactly (`edge-wf-809` at 8.232688903808594 and `edge-wf-18534` at 50.55198669433594:
thresholds of fingerprints that are multiples of 8192 are float32 values) with, for each,
the float32 one ulp below it. At each percentage: both edge IDs, the 16 IDs of the pool
`route-wf-N` (N < 30000) whose thresholds are nearest below or at it and the 16 nearest
above it, and 26 more of the pool in order, each pool ID used once: 600 observations of 582
distinct IDs.

Each output line: `{"workflowId", "rampPercentage" (the float32 the server reports having
stored, written as the shortest decimal that reads back as that value), "rampPercentageBits"
(its IEEE-754 bits), "fingerprint32", "threshold" (float64, computed as the server does),
"formula" (what the rule above gives), "routedTo" ("current" or "ramping")}`. The file's
first line is a `#` comment saying where it came from.

Exit 0 when every observation matches (with `--check`, FILE; without, the formula), 1 naming
the first difference, 2 when it cannot run (the hash fails its vectors, the server does not
start or does not take the routing change before its deadline).
"""

import argparse
import asyncio
import datetime
import json
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from server import DevServer, temporal_binary  # noqa: E402

from temporalio import workflow  # noqa: E402
from temporalio.api.enums.v1 import RoutingConfigUpdateState, TaskQueueType  # noqa: E402
from temporalio.api.taskqueue.v1 import TaskQueue  # noqa: E402
from temporalio.api.workflowservice.v1 import (  # noqa: E402
    DescribeTaskQueueRequest,
    DescribeWorkerDeploymentRequest,
    SetWorkerDeploymentCurrentVersionRequest,
    SetWorkerDeploymentRampingVersionRequest,
)
from temporalio.client import Client  # noqa: E402
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion  # noqa: E402
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkerDeploymentConfig  # noqa: E402

NAMESPACE = "default"
DEPLOYMENT = "routing"
TASK_QUEUE = "routing-tq"
CURRENT, RAMPING = "current", "ramping"
IDENTITY = "deployments.py"
DEADLINE_S = 60.0  # for registration and for each routing change to reach the queue

# ---------------------------------------------------------------------------------------------
# go-farm Fingerprint32 (FarmHash "mk" Hash32), self-contained; checked against VECTORS before
# every run.

_C1, _C2, _M = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF


def _rotr(v, s):
    return ((v >> s) | (v << (32 - s))) & _M


def _fmix(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _M
    return h ^ (h >> 16)


def _mur(a, h):
    a = (a * _C1) & _M
    a = (_rotr(a, 17) * _C2) & _M
    h = _rotr(h ^ a, 19)
    return (h * 5 + 0xE6546B64) & _M


def _fetch(s, i):
    return int.from_bytes(s[i:i + 4], "little")


def fingerprint32(data: bytes) -> int:
    n = len(data)
    if n <= 4:
        b, c = 0, 9
        for byte in data:
            v = byte - 256 if byte >= 128 else byte  # int8, as go-farm reads it
            b = (b * _C1 + v) & _M
            c ^= b
        return _fmix(_mur(b, _mur(n, c)))
    if n <= 12:
        a, b, c = n, n * 5, 9
        d = b
        a = (a + _fetch(data, 0)) & _M
        b = (b + _fetch(data, n - 4)) & _M
        c = (c + _fetch(data, (n >> 1) & 4)) & _M
        return _fmix(_mur(c, _mur(b, _mur(a, d))))
    if n <= 24:
        a = _fetch(data, (n >> 1) - 4)
        b = _fetch(data, 4)
        c = _fetch(data, n - 8)
        d = _fetch(data, n >> 1)
        e = _fetch(data, 0)
        f = _fetch(data, n - 4)
        h = (d * _C1 + n) & _M
        a = (_rotr(a, 12) + f) & _M
        h = (_mur(c, h) + a) & _M
        a = (_rotr(a, 3) + c) & _M
        h = (_mur(e, h) + a) & _M
        a = (_rotr((a + f) & _M, 12) + d) & _M
        h = (_mur(b, h) + a) & _M
        return _fmix(h)

    def mix(i):
        return (_rotr((_fetch(data, n - i) * _C1) & _M, 17) * _C2) & _M

    h, g = n, (_C1 * n) & _M
    f = g
    h = (_rotr(h ^ mix(4), 19) * 5 + 0xE6546B64) & _M
    h = (_rotr(h ^ mix(16), 19) * 5 + 0xE6546B64) & _M
    g = (_rotr(g ^ mix(8), 19) * 5 + 0xE6546B64) & _M
    g = (_rotr(g ^ mix(12), 19) * 5 + 0xE6546B64) & _M
    f = (_rotr((f + mix(20)) & _M, 19) + 113) & _M
    for at in range(0, (n - 1) // 20 * 20, 20):
        a, b, c, d, e = (_fetch(data, at + k) for k in (0, 4, 8, 12, 16))
        h = (h + a) & _M
        g = (g + b) & _M
        f = (f + c) & _M
        h = (_mur(d, h) + e) & _M
        g = (_mur(c, g) + a) & _M
        f = (_mur((b + e * _C1) & _M, f) + d) & _M
        f = (f + g) & _M
        g = (g + f) & _M
    g = (_rotr(g, 11) * _C1) & _M
    g = (_rotr(g, 17) * _C1) & _M
    f = (_rotr(f, 11) * _C1) & _M
    f = (_rotr(f, 17) * _C1) & _M
    h = (_rotr((h + g) & _M, 19) * 5 + 0xE6546B64) & _M
    h = (_rotr(h, 17) * _C1) & _M
    h = (_rotr((h + f) & _M, 19) * 5 + 0xE6546B64) & _M
    return (_rotr(h, 17) * _C1) & _M


# Input, Fingerprint32, threshold: computed with go-farm's own source, and the `farmhash` crate
# 1.1.5 `fingerprint32` agrees (`hello world` -> 430397466 is also in that crate's docs).
VECTORS = [
    ("", 3696677242, 86.06997416354716),
    ("a", 1016544589, 23.668273095972836),
    ("ab", 1098068221, 25.566393067128956),
    ("abc", 795041479, 18.511001928709447),
    ("abcd", 2562006677, 59.65136636514217),
    ("hello", 2039911270, 47.49538539908826),
    ("éèê", 2907281085, 67.69041263032705),
    ("temporal", 3170421053, 73.81711744237691),
    ("workflow-1", 1758892097, 40.95239790622145),
    ("hello world", 430397466, 10.020971903577447),
    ("wf-123456789", 3620311431, 84.29194407071918),
    ("Hello, World!", 2869626656, 66.81370213627815),
    ("my-workflow-id-1", 3951624026, 92.00591654516757),
    ("order-processing-2024-01", 1556168312, 36.23236697167158),
    ("wDr16EpLLJIVGHz4FxFEtKyPi", 221667519, 5.1610991125926375),
    ("0123456789abcdefghijklmnopqrstuvwxyz", 3364957422, 78.34652024321258),
    ("6c7f3a4e-2b1d-4f8e-9a0b-1c2d3e4f5a6b", 1611326550, 37.516619777306914),
    ("x", 215327468, 5.013483297079802),
    ("edge-wf-809", 353591296, 8.232688903808594),
    ("edge-wf-18534", 2171191296, 50.55198669433594),
    ("ramp-wf-0", 4070997680, 94.785301014781),
    ("ramp-wf-1", 785201685, 18.2819013716653),
]


def threshold(workflow_id: str) -> float:
    """`calcRampThreshold` for a non-empty ID: float64 arithmetic as the server's Go code
    does it (the division by 2^32 is exact, the multiplication rounds once)."""
    return 100.0 * (float(fingerprint32(workflow_id.encode("utf-8"))) / 4294967296.0)


def formula(workflow_id: str, percentage: float) -> str:
    if percentage <= 0:
        return CURRENT
    if percentage == 100:
        return RAMPING
    return RAMPING if threshold(workflow_id) <= percentage else CURRENT


def check_hash():
    bad = [(text, want, fingerprint32(text.encode("utf-8"))) for text, want, _ in VECTORS
           if fingerprint32(text.encode("utf-8")) != want]
    bad += [(text, want, threshold(text)) for text, _, want in VECTORS if text and threshold(text) != want]
    if bad:
        raise SystemExit(f"deployments: Fingerprint32 fails its vectors: {bad[:3]}")


# ---------------------------------------------------------------------------------------------
# float32


def f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_bits(x: float) -> str:
    return "0x%08x" % struct.unpack("<I", struct.pack("<f", x))[0]


def f32_below(x: float) -> float:
    """The float32 one ulp below a positive float32."""
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    return struct.unpack("<f", struct.pack("<I", bits - 1))[0]


# ---------------------------------------------------------------------------------------------
# The plan: [(percentage, [workflow ids])], in order.

EDGE_IDS = ["edge-wf-809", "edge-wf-18534"]
POOL = 30000
NEAR = 16
SPREAD = 26


def default_plan():
    edges = [threshold(i) for i in EDGE_IDS]
    for e in edges:
        assert f32(e) == e, "an edge ID's threshold is a float32"
    percentages = [0.0, 5.0, f32_below(edges[0]), edges[0], 25.0, f32(33.3),
                   f32_below(edges[1]), edges[1], 75.0, 100.0]
    pool = [(f"route-wf-{n}", threshold(f"route-wf-{n}")) for n in range(POOL)]
    used = set()
    plan = []
    for p in percentages:
        free = [(i, t) for i, t in pool if i not in used]
        below = sorted((x for x in free if x[1] <= p), key=lambda x: -x[1])
        above = sorted((x for x in free if x[1] > p), key=lambda x: x[1])
        # 2 * NEAR nearest, NEAR on each side where there are (at 0 and 100 all on one side).
        above = above[:2 * NEAR - min(NEAR, len(below))]
        below = below[:2 * NEAR - len(above)]
        chosen = {i for i, _ in below + above}
        spread = [i for i, _ in free if i not in chosen][:SPREAD]
        ids = [i for i, _ in below + above] + spread
        used.update(ids)
        plan.append((p, EDGE_IDS + ids))
    return plan


def read_file(path):
    """The plan and the expected lines of a vector file: [(percentage, [ids])], [lines]."""
    plan, lines = [], []
    with open(path) as f:
        for number, text in enumerate(f, 1):
            if not text.strip() or text.startswith("#"):
                continue
            line = json.loads(text)
            line["_line"] = number
            lines.append(line)
            p = float(line["rampPercentage"])
            if f32(p) != p:
                raise SystemExit(f"deployments: {path}:{number}: rampPercentage {p!r} is not a float32")
            if not plan or plan[-1][0] != p:
                plan.append((p, []))
            plan[-1][1].append(line["workflowId"])
    return plan, lines


# ---------------------------------------------------------------------------------------------
# The server side.


@workflow.defn(name="RouteProbe")
class RouteProbe:
    @workflow.run
    async def run(self) -> str:
        version = workflow.info().get_current_deployment_version()
        return version.build_id if version else ""


async def wait_for(what, probe):
    deadline = time.monotonic() + DEADLINE_S
    last = None
    while time.monotonic() < deadline:
        try:
            last = await probe()
            if last is True:
                return
        except Exception as error:  # not there yet (NOT_FOUND before registration)
            last = error
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{what} not seen within {DEADLINE_S:.0f} s (last: {last!r})")


async def describe_deployment(service):
    return (await service.describe_worker_deployment(
        DescribeWorkerDeploymentRequest(namespace=NAMESPACE, deployment_name=DEPLOYMENT))).worker_deployment_info


async def observe(address, plan, log):
    client = await Client.connect(address, namespace=NAMESPACE)
    service = client.workflow_service

    def worker(build_id):
        return Worker(client, task_queue=TASK_QUEUE, workflows=[RouteProbe],
                      workflow_runner=UnsandboxedWorkflowRunner(),
                      # Every task is a new workflow's first, on the normal queue: no sticky
                      # cache (its polls would take the normal queue's share), more pollers.
                      max_cached_workflows=0, max_concurrent_workflow_task_polls=10,
                      deployment_config=WorkerDeploymentConfig(
                          version=WorkerDeploymentVersion(DEPLOYMENT, build_id),
                          use_worker_versioning=True,
                          default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE))

    observed = []
    async with worker(CURRENT), worker(RAMPING):
        async def registered():
            info = await describe_deployment(service)
            return {s.deployment_version.build_id for s in info.version_summaries} >= {CURRENT, RAMPING} or info
        started = time.monotonic()
        await wait_for("both versions registered", registered)
        await service.set_worker_deployment_current_version(SetWorkerDeploymentCurrentVersionRequest(
            namespace=NAMESPACE, deployment_name=DEPLOYMENT, build_id=CURRENT, identity=IDENTITY))
        log(f"versions registered and current set in {time.monotonic() - started:.1f} s")
        for percentage, ids in plan:
            started = time.monotonic()
            await service.set_worker_deployment_ramping_version(SetWorkerDeploymentRampingVersionRequest(
                namespace=NAMESPACE, deployment_name=DEPLOYMENT, build_id=RAMPING,
                percentage=percentage, identity=IDENTITY))

            async def routed():
                info = await describe_deployment(service)
                rc = info.routing_config
                tq = (await service.describe_task_queue(DescribeTaskQueueRequest(
                    namespace=NAMESPACE, task_queue=TaskQueue(name=TASK_QUEUE),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))).versioning_info
                return (rc.ramping_deployment_version.build_id == RAMPING
                        and rc.ramping_version_percentage == percentage
                        and rc.current_deployment_version.build_id == CURRENT
                        and info.routing_config_update_state == RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_COMPLETED
                        and tq.ramping_deployment_version.build_id == RAMPING
                        and tq.ramping_version_percentage == percentage
                        and tq.current_deployment_version.build_id == CURRENT) or (rc, info.routing_config_update_state, tq)
            await wait_for(f"ramp {percentage!r} on the task queue", routed)
            stored = (await describe_deployment(service)).routing_config.ramping_version_percentage
            ramped = time.monotonic()
            results = await asyncio.gather(*(
                client.execute_workflow(RouteProbe.run, id=wid, task_queue=TASK_QUEUE,
                                        run_timeout=datetime.timedelta(seconds=60))
                for wid in ids))
            for wid, build_id in zip(ids, results):
                if build_id not in (CURRENT, RAMPING):
                    raise RuntimeError(f"{wid} at {percentage!r} ran on build ID {build_id!r}, neither version")
                observed.append({
                    "workflowId": wid, "rampPercentage": stored, "rampPercentageBits": f32_bits(stored),
                    "fingerprint32": fingerprint32(wid.encode("utf-8")), "threshold": threshold(wid),
                    "formula": formula(wid, stored), "routedTo": build_id,
                })
            log(f"ramp {stored!r}: {len(ids)} workflows, {sum(r == RAMPING for r in results)} to ramping; "
                f"ramp took {ramped - started:.1f} s, workflows {time.monotonic() - ramped:.1f} s")
    return observed


def server_version():
    out = subprocess.run([temporal_binary(), "--version"], capture_output=True, text=True)
    return out.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--out", metavar="FILE", help="write the observed vector here (default: standard output)")
    mode.add_argument("--check", metavar="FILE", help="observe FILE's plan again and compare with FILE")
    args = parser.parse_args()

    def log(text):
        print(f"deployments: {text}", file=sys.stderr, flush=True)

    check_hash()
    began = time.monotonic()
    plan, expected = read_file(args.check) if args.check else (default_plan(), None)
    count = sum(len(ids) for _, ids in plan)
    log(f"{count} observations of {len({i for _, ids in plan for i in ids})} workflow IDs at "
        f"{len(plan)} ramp percentages")
    try:
        with DevServer({"matching.numTaskqueueReadPartitions": 1,
                        "matching.numTaskqueueWritePartitions": 1}) as server:
            log(f"server at {server.address} ready in {time.monotonic() - began:.1f} s")
            observed = asyncio.run(observe(server.address, plan, log))
    except Exception as error:  # a server that does not start or answer, a stuck workflow
        log(f"cannot run: {error!r}")
        return 2
    off_formula = [o for o in observed if o["routedTo"] != o["formula"]]
    log(f"the formula agrees on {len(observed) - len(off_formula)} of {len(observed)}")
    status = 0
    if expected is not None:
        for want, got in zip(expected, observed):
            for key in ("workflowId", "rampPercentage", "fingerprint32", "threshold", "formula", "routedTo"):
                if key in want and want[key] != got[key]:
                    log(f"{args.check}:{want['_line']}: {want['workflowId']} at rampPercentage "
                        f"{want['rampPercentage']!r}: {key} is {want[key]!r} in the file, {got[key]!r} now")
                    status = 1
                    break
            if status:
                break
        if status == 0:
            log(f"{len(observed)} of {len(expected)} observations agree with {args.check}")
    else:
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        header = (f"# routing-live: observed on `{server_version()}` with temporalio "
                  f"(Python SDK) {version_of_sdk()}, {today}, by "
                  f"`python cli/conformance/live/deployments.py --out deployments/vectors/routing-live.jsonl`; "
                  f"checked every CI run by `deployments.py --check` (cli/conformance/live/run)\n")
        text = header + "".join(json.dumps(o) + "\n" for o in observed)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
        if off_formula:
            o = off_formula[0]
            log(f"{o['workflowId']} at {o['rampPercentage']!r} went to {o['routedTo']}, the formula says {o['formula']}")
            status = 1
    log(f"done in {time.monotonic() - began:.1f} s")
    return status


def version_of_sdk():
    import temporalio
    return temporalio.__version__


if __name__ == "__main__":
    sys.exit(main())
