#!/usr/bin/env python3
"""Issue 17's reproductions, tried on a live Temporal server (each on a dev server of its own).

    python reproductions.py [--model version-sets] [namespace-limit] [namespace-reachability]
        [namespace-removal] [merge-after-scavenge] [poll-after-update]

- `namespace-limit`: one build ID added as the new default on 20 task queues of a
  namespace, then on a 21st. The server refuses the 21st with
  `FAILED_PRECONDITION: Exceeded max task queues allowed to be mapped to a single build ID: 20`
  (`limit.taskQueuesPerBuildId`, 20 by default), only where an update *adds* the build ID:
  a no-op repeat on a queue that holds it passes, and a poll with it on the 21st queue is not
  limited. The same is played on a server started with `limit.taskQueuesPerBuildId=2`.
  Every step goes to the model too (`version-sets serve --stdio`, each step naming its
  queue with `taskQueue`, and `{"limits": {"taskQueuesPerBuildId": 2}}` for the second
  server); each line says whether the two agree as far as the server can show (an update
  succeeds or fails; a poll not refused waits), and a disagreement exits 1.
- `namespace-reachability`: `GetWorkerTaskReachability` with no task queue, for a build
  ID added to 21 queues made out of name order (on a server with
  `limit.taskQueuesPerBuildId=25`): the server lists the queues in name order
  (its mapping table's key order), examines the first 20 and reports the 21st
  `TASK_REACHABILITY_UNSPECIFIED`; and its refusals (the unversioned build ID without a task
  queue, 6 build IDs, a reserved queue name). The model is asked the same with each queue's
  listing as its data (`version-sets reachability --queue NAME=FILE ...`); a disagreement
  exits 1.
- `namespace-removal`: the scavenger's removal of a build ID from one queue frees its place
  in the namespace's mapping (`limit.taskQueuesPerBuildId=2`; the scavenger run by hand as
  for `merge-after-scavenge`); a disagreement exits 1.
- `merge-after-scavenge`: the first rule the model lacks (merge-sets re-merges the whole data),
  driven through public APIs only. The scavenger's removal, which no public update can do, is
  run by starting the server's own `build-id-scavenger` workflow in the `temporal-system`
  namespace (with `IgnoreRetentionTime`), on a server started with
  `worker.buildIdScavengerEnabled=true` and `worker.removableBuildIdDurationSinceDefault=15s`.
  On a namespace that is not replicated the server clears the tombstones at once
  (`UpdateWorkerBuildIdCompatibility`, `RemoveBuildIds` case), so the issue's
  `removeBuildIds` + `clearTombstones` pair is one server step. The scavenger removes a set's
  default with its last other live member unless it became default within the
  since-default window, so the order differs from the issue's trace: `1` and `2` are added,
  the window passes, `merge(1, 2)` stamps `1`, `0` becomes the queue default; the scavenger
  then removes only `2`. The same steps are played to the model (`version-sets serve
  --stdio`, with `removeBuildIds` and `clearTombstones` where the scavenger ran) and both
  listings and polls are printed side by side. Before the last merge the server is restarted
  on its database with `limit.versionCompatibleSetLimitPerQueue=2` (the model gets
  `{"limits": {"maxSets": 2}}`), which shows the limit check on the merged result.

- `poll-after-update` (not a rule the model lacks): a poll by `a` right after `b` was added as `a`'s
  compatible default, many times, on a dev server whose task queues have 4 partitions (the
  default) and on one with 1. A non-root partition receives the root's new data
  asynchronously, so a poll that reaches it first may be answered from the data before the
  update (`"accepted"` instead of `{"newerBuildExists": "b"}`); with 1 partition it cannot.

Two more known differences are not reachable here: out-of-order timestamps
need two replicating clusters with skewed clocks (a failover), and appended set IDs need
stored data written by servers 1.22-1.23 (`PersistUnknownBuildId` is only reachable through
the internal matching API) and are invisible anyway: no public API shows set IDs or the
physical queue a task is routed to.
"""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from server import DevServer  # noqa: E402
from temporalio.api.common.v1 import WorkerVersionCapabilities  # noqa: E402
from temporalio.api.errordetails.v1 import NewerBuildExistsFailure  # noqa: E402
from temporalio.api.taskqueue.v1 import TaskQueue  # noqa: E402
from temporalio.api.workflowservice.v1 import (  # noqa: E402
    GetWorkerBuildIdCompatibilityRequest,
    PollWorkflowTaskQueueRequest,
)
from temporalio.client import (  # noqa: E402
    BuildIdOpAddNewCompatible,
    BuildIdOpAddNewDefault,
    BuildIdOpMergeSets,
    Client,
)
from temporalio.service import RPCError, RPCStatusCode  # noqa: E402


def show(label, value):
    print(f"{label}: {json.dumps(value, ensure_ascii=False)}", flush=True)


async def update(client, queue, op):
    try:
        await client.update_worker_build_id_compatibility(queue, op)
        return "ok"
    except RPCError as err:
        return {"error": RPCStatusCode(err.status).name, "message": err.message}


async def listing(client, queue, strip=""):
    sets = (await client.get_worker_build_id_compatibility(queue)).version_sets
    return [[b.removeprefix(strip) for b in s.build_ids] for s in sets]


async def poll(client, queue, build_id, strip=""):
    request = PollWorkflowTaskQueueRequest(
        namespace="default", task_queue=TaskQueue(name=queue), identity="version-sets-reproductions",
        worker_version_capabilities=WorkerVersionCapabilities(build_id=build_id, use_versioning=True))
    # wait for the poll to end: a refusal is not always fast (see poll-after-update)
    call = asyncio.ensure_future(client.workflow_service.poll_workflow_task_queue(request, timeout=timedelta(seconds=2.5)))
    await asyncio.wait({call})
    try:
        call.result()
        return "accepted"
    except RPCError as err:
        for detail in (err.grpc_status.details if err.grpc_status else []):
            failure = NewerBuildExistsFailure()
            if detail.Unpack(failure):
                return {"newerBuildExists": failure.default_build_id.removeprefix(strip)}
        return {"error": RPCStatusCode(err.status).name, "message": err.message}


class Model:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "serve", "--stdio"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def coarse(answer):
    """An answer as the live server can show it: an update only succeeds or fails, and a poll
    that is not refused waits, whether the build ID is known there or not."""
    if answer in ("changed", "noop"):
        return "ok"
    if answer in ("accepted", "unknownBuildId"):
        return "waits"
    return answer


async def namespace_limit_case(model_binary, limit, config):
    """One build ID added as the new default on `limit` queues, then on one more, with a
    no-op repeat, an add-compatible on another queue and a poll; played to the server and,
    step for step with each queue named (`taskQueue`), to the model."""
    with DevServer(config) as server:
        client = await Client.connect(server.address)
        run = secrets.token_hex(3)
        build_id = f"ns-limit-{run}"
        names = [f"q{i:02}" for i in range(1, limit + 3)]
        queue = {name: f"ns-limit-{run}-{name}" for name in names}
        extra, other = names[limit], names[limit + 1]
        steps = [(f"add-new-default on {name}", name, "update", BuildIdOpAddNewDefault(build_id),
                  {"addNewBuildIdInNewDefaultSet": build_id}) for name in names[:limit]]
        steps += [
            (f"add-new-default on {extra} (one past the limit)", extra, "update",
             BuildIdOpAddNewDefault(build_id), {"addNewBuildIdInNewDefaultSet": build_id}),
            (f"listing of {extra}", extra, "sets", None, []),
            (f"no-op repeat on {names[0]}", names[0], "update", BuildIdOpAddNewDefault(build_id),
             {"addNewBuildIdInNewDefaultSet": build_id}),
            (f"add-new-default other on {other}", other, "update", BuildIdOpAddNewDefault("other"),
             {"addNewBuildIdInNewDefaultSet": "other"}),
            (f"add-new-compatible of it to {other}'s set", other, "update",
             BuildIdOpAddNewCompatible(build_id, "other"),
             {"addNewCompatibleBuildId": {"newBuildId": build_id, "existingCompatibleBuildId": "other"}}),
            (f"poll with it on {extra}", extra, "poll", None, build_id),
        ]
        model = Model(model_binary)
        model.ask({"reset": True})
        if limit != 20:
            model.ask({"limits": {"taskQueuesPerBuildId": limit}})
        disagreements = 0
        for label, name, kind, op, body in steps:
            if kind == "update":
                live = await update(client, queue[name], op)
            elif kind == "sets":
                live = await listing(client, queue[name])
            else:
                live = await poll(client, queue[name], build_id)
            modelled = model.ask({kind: body, "taskQueue": name})
            agree = coarse(live) == coarse(modelled)
            disagreements += not agree
            show(f"{'agree' if agree else 'DISAGREE'}: {label}: server {json.dumps(live)}, model", modelled)
        model.close()
        show(f"limit.taskQueuesPerBuildId={limit}: disagreements", disagreements)
        return disagreements


async def namespace_limit(model_binary):
    disagreements = await namespace_limit_case(model_binary, 20, {})
    disagreements += await namespace_limit_case(model_binary, 2, {"limit.taskQueuesPerBuildId": 2})
    if disagreements:
        raise SystemExit(1)


async def namespace_reachability(model_binary):
    """GetWorkerTaskReachability asked of the namespace (no task queues): the queues a build
    ID is mapped to, in the server's order, the first 20 examined; and the frontend's
    refusals. The same asked of the model with each queue's listing as its data
    (`version-sets reachability --queue NAME=FILE ...`)."""
    from google.protobuf import json_format
    from temporalio.api.enums.v1 import TaskReachability
    from temporalio.api.workflowservice.v1 import GetWorkerTaskReachabilityRequest

    # 21 queues need a limit above the default 20 task queues per build ID.
    with DevServer(dynamic_config={"limit.taskQueuesPerBuildId": 25}) as server:
        client = await Client.connect(server.address)
        run = secrets.token_hex(3)
        build_id = f"nsr-{run}"
        # 21 queues, made in an order that is not their names' order.
        names = [f"nsr-{run}-{(i * 8) % 21:02}" for i in range(21)]
        for name in names:
            answer = await update(client, name, BuildIdOpAddNewDefault(build_id))
            if answer != "ok":
                raise RuntimeError(f"update on {name}: {answer}")

        async def ask(build_ids, task_queues=(), kind=TaskReachability.TASK_REACHABILITY_NEW_WORKFLOWS):
            request = GetWorkerTaskReachabilityRequest(namespace="default", build_ids=build_ids,
                                                       task_queues=list(task_queues), reachability=kind)
            try:
                response = await client.workflow_service.get_worker_task_reachability(request)
            except RPCError as err:
                return {"error": RPCStatusCode(err.status).name, "message": err.message}
            return [[(q.task_queue, [TaskReachability.Name(r) for r in q.reachability])
                     for q in b.task_queue_reachability] for b in response.build_id_reachability]

        live = await ask([build_id])
        show("server, in its order", live)
        examined = [q for q, r in live[0] if r != ["TASK_REACHABILITY_UNSPECIFIED"]]
        show("server: examined, unexamined", [len(examined), len(live[0]) - len(examined)])
        show("server: in name order", [q for q, _ in live[0]] == sorted(names))
        errors = {
            "unversioned, no task queue": await ask([""]),
            "6 build IDs": await ask([build_id + str(i) for i in range(6)]),
            "reserved task queue": await ask([build_id], ["/_sys/x"]),
        }
        for label, answer in errors.items():
            show(f"server: {label}", answer)

        with tempfile.TemporaryDirectory(prefix="vs-live-nsr-") as tmp:
            flags = []
            for name in names:
                response = await client.workflow_service.get_worker_build_id_compatibility(
                    GetWorkerBuildIdCompatibilityRequest(namespace="default", task_queue=name))
                path = os.path.join(tmp, name + ".json")
                with open(path, "w") as file:
                    file.write(json_format.MessageToJson(response))
                flags += ["--queue", f"{name}={path}"]
            now = str(int(time.time() * 1000))
            out = subprocess.run([model_binary, "reachability", *flags, build_id, "--now", now,
                                  "--type", "new", "-o", "json"], capture_output=True, text=True)
            doc = json.loads(out.stdout)
            model = [[(q["taskQueue"], q["reachability"]) for q in b["taskQueueReachability"]]
                     for b in doc["buildIdReachability"]]
            show("model", model)
            model_errors = {}
            for label, extra in {"unversioned, no task queue": [""],
                                 "6 build IDs": [build_id + str(i) for i in range(6)],
                                 "reserved task queue": [build_id, "--task-queue", "/_sys/x"]}.items():
                out = subprocess.run([model_binary, "reachability", *flags, *extra, "--now", now],
                                     capture_output=True, text=True)
                code, _, message = out.stderr.strip().partition(": ")
                model_errors[label] = {"error": code, "message": message}
                show(f"model: {label}", model_errors[label])
        disagreements = int(model != live) + sum(model_errors[k] != errors[k] for k in errors)
        show("disagreements", disagreements)
        if disagreements:
            raise SystemExit(1)


async def namespace_removal(model_binary):
    """The scavenger's removal takes a build ID out of the namespace's mapping: on a server
    with `limit.taskQueuesPerBuildId=2`, `b` is in queues `qa` and `qb`, so `qc` is refused;
    once the scavenger has removed `b` from `qa` (where `c` took over), `qc` can take it.
    Every step is played to the model too (the scavenger's removal as `removeBuildIds` and
    `clearTombstones` on `qa`: the namespace is not replicated)."""
    config = {"limit.taskQueuesPerBuildId": 2,
              "worker.buildIdScavengerEnabled": True,
              "worker.removableBuildIdDurationSinceDefault": "15s",
              "worker.buildIdScavengerVisibilityRPS": 100.0}
    with DevServer(dynamic_config=config) as server:
        client = await Client.connect(server.address)
        system = await Client.connect(server.address, namespace="temporal-system")
        run = secrets.token_hex(3)
        p = f"nsrm-{run}-"
        model = Model(model_binary)
        model.ask({"reset": True})
        model.ask({"limits": {"taskQueuesPerBuildId": 2}})
        disagreements = 0

        async def step(name, build_id):
            nonlocal disagreements
            live = await update(client, p + name, BuildIdOpAddNewDefault(p + build_id))
            modelled = model.ask({"update": {"addNewBuildIdInNewDefaultSet": build_id}, "taskQueue": name})
            if isinstance(live, dict):
                live = {**live, "message": live["message"].replace(p, "")}
            agree = coarse(live) == coarse(modelled)
            disagreements += not agree
            show(f"{'agree' if agree else 'DISAGREE'}: add-new-default {build_id} on {name}: server "
                 f"{json.dumps(live)}, model", modelled)

        await step("qa", "b")
        await step("qb", "b")
        await step("qa", "c")
        await step("qc", "b")
        print("waiting 16 s: the since-default window of b passes", flush=True)
        time.sleep(16)
        handle = await system.start_workflow("build-id-scavenger", {"IgnoreRetentionTime": True},
                                             id=f"vs-live-scavenge-{run}",
                                             task_queue="temporal-sys-build-id-scavenger-taskqueue-0")
        await handle.result()
        model.ask({"removeBuildIds": ["b"], "taskQueue": "qa"})
        model.ask({"clearTombstones": {}, "taskQueue": "qa"})
        for name in ["qa", "qb"]:
            live, modelled = await listing(client, p + name, p), model.ask({"sets": [], "taskQueue": name})
            agree = live == modelled
            disagreements += not agree
            show(f"{'agree' if agree else 'DISAGREE'}: listing of {name} after the scavenger: server "
                 f"{json.dumps(live)}, model", modelled)
        await step("qc", "b")
        model.close()
        show("disagreements", disagreements)
        if disagreements:
            raise SystemExit(1)


async def merge_after_scavenge(model_binary):
    config = {"worker.buildIdScavengerEnabled": True,
              "worker.removableBuildIdDurationSinceDefault": "15s",
              "worker.buildIdScavengerVisibilityRPS": 100.0}
    with tempfile.TemporaryDirectory(prefix="vs-live-repro-") as db_dir:
        db = os.path.join(db_dir, "temporal.sqlite")
        server = DevServer(config, db_filename=db)
        try:
            await _merge_after_scavenge(model_binary, server, config, db)
        finally:
            server.stop()


async def _merge_after_scavenge(model_binary, server, config, db):
    if True:
        server.start()
        client = await Client.connect(server.address)
        system = await Client.connect(server.address, namespace="temporal-system")
        run = secrets.token_hex(3)
        queue, p = f"merge-after-scavenge-{run}", f"{run}-"
        model = Model(model_binary)
        model.ask({"reset": True})
        trace = []

        async def step(op, body, server_op):
            request = {"update": {op: body}}
            got, expected = await update(client, queue, server_op), model.ask(request)
            trace.append(request)
            show(f"{json.dumps(request)}: server, model", [got, expected])

        await step("addNewBuildIdInNewDefaultSet", "1", BuildIdOpAddNewDefault(p + "1"))
        await step("addNewBuildIdInNewDefaultSet", "2", BuildIdOpAddNewDefault(p + "2"))
        print("waiting 16 s: the since-default window of 2 (and 1) passes", flush=True)
        time.sleep(16)
        await step("mergeSets", {"primarySetBuildId": "1", "secondarySetBuildId": "2"},
                   BuildIdOpMergeSets(primary_build_id=p + "1", secondary_build_id=p + "2"))
        await step("addNewBuildIdInNewDefaultSet", "0", BuildIdOpAddNewDefault(p + "0"))
        show("listing before the scavenger: server, model", [await listing(client, queue, p), model.ask({"sets": []})])
        handle = await system.start_workflow("build-id-scavenger", {"IgnoreRetentionTime": True},
                                             id=f"vs-live-scavenge-{run}",
                                             task_queue="temporal-sys-build-id-scavenger-taskqueue-0")
        await handle.result()
        model.ask({"removeBuildIds": ["2"]})
        model.ask({"clearTombstones": {}})
        trace += [{"removeBuildIds": ["2"]}, {"clearTombstones": {}}]
        show("listing after the scavenger: server, model", [await listing(client, queue, p), model.ask({"sets": []})])
        await step("addNewBuildIdInNewDefaultSet", "2", BuildIdOpAddNewDefault(p + "2"))
        await step("addNewBuildIdInNewDefaultSet", "3", BuildIdOpAddNewDefault(p + "3"))
        show("listing before the last merge: server, model", [await listing(client, queue, p), model.ask({"sets": []})])
        # The limit check on the merge's result: restart on the same database with 2 sets at most.
        server.stop()
        server.dynamic_config["limit.versionCompatibleSetLimitPerQueue"] = 2
        server.start()
        client = await Client.connect(server.address)
        model.ask({"limits": {"maxSets": 2}})
        trace.append({"limits": {"maxSets": 2}})
        print("restarted the server on its database with limit.versionCompatibleSetLimitPerQueue=2", flush=True)
        await step("mergeSets", {"primarySetBuildId": "3", "secondarySetBuildId": "0"},
                   BuildIdOpMergeSets(primary_build_id=p + "3", secondary_build_id=p + "0"))
        final = [await listing(client, queue, p), model.ask({"sets": []})]
        show("listing after merge(3, 0): server, model", final)
        for b in ["1", "2", "0", "3"]:
            show(f"poll {b}: server, model", [await poll(client, queue, p + b, p), model.ask({"poll": b})])
        model.close()
        print("the trace played to the model:")
        for line in trace:
            print(json.dumps(line))


async def poll_after_update(model_binary, iterations=100):
    """A poll right after an update, on a queue of 4 partitions (the default) and of 1."""
    for partitions in (4, 1):
        config = {"matching.numTaskqueueReadPartitions": partitions,
                  "matching.numTaskqueueWritePartitions": partitions}
        with DevServer(config) as server:
            client = await Client.connect(server.address)
            run, answers = secrets.token_hex(3), {}
            for i in range(iterations):
                # fresh build IDs each time: limit.taskQueuesPerBuildId would refuse the 21st queue
                queue, p = f"poll-after-update-{run}-{i}", f"{run}.{i}-"
                results = [await update(client, queue, BuildIdOpAddNewDefault(p + "a"))]
                await poll(client, queue, p + "a")  # the queue's partitions have seen `a` as the default
                results.append(await update(client, queue, BuildIdOpAddNewCompatible(p + "b", p + "a")))
                if results != ["ok", "ok"]:
                    raise RuntimeError(f"an update failed: {results}")
                answer = json.dumps(await poll(client, queue, p + "a", p))
                answers[answer] = answers.get(answer, 0) + 1
            show(f"{partitions} partition(s), {iterations} times: add a; poll a; add b compatible with a; "
                 f"poll a (the model: {{\"newerBuildExists\": \"b\"}})", answers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="*", default=["namespace-limit", "merge-after-scavenge"],
                        choices=["namespace-limit", "namespace-reachability", "namespace-removal",
                                 "merge-after-scavenge",
                                 "poll-after-update"])
    parser.add_argument("--model", default=os.environ.get("VERSION_SETS", "version-sets"))
    args = parser.parse_args()
    for which in args.which:
        print(f"== {which}", flush=True)
        coroutine = {"namespace-limit": namespace_limit, "namespace-reachability": namespace_reachability,
                     "namespace-removal": namespace_removal,
                     "merge-after-scavenge": merge_after_scavenge,
                     "poll-after-update": poll_after_update}[which]
        asyncio.run(coroutine(args.model))


if __name__ == "__main__":
    status = 0
    try:
        main()
    except SystemExit as error:
        status = error.code if isinstance(error.code, int) else 2
    except BaseException:  # noqa: B036 - report, then leave without finalizing (see temporal_server.py)
        import traceback
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
