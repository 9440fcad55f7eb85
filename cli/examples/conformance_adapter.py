#!/usr/bin/env python3
"""A toy implementation of Temporal's version sets behind the conformance protocol.

Standard library only. It shows how another implementation is checked against the crate:

    version-sets conform --generate 200 --only update,limits,sets,resolve,poll \\
        -- python3 cli/examples/conformance_adapter.py

It speaks docs/conformance.md: one JSON request per line on standard input, one JSON answer
per line on standard output. It implements the five update operations, limits, the public
listing, poll and resolve; any other step is answered {} (so check it with --only).

With --bug it gets one rule deliberately wrong (promoting a build ID within its set answers
"changed" but does not move it), for the driver to find and shrink.
"""

import copy
import json
import sys

MAX_BUILD_ID_BYTES = 255


class Error(Exception):
    """An update's failure: a gRPC status code name and Temporal's message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Queue:
    """One task queue's versioning data: sets oldest first, build IDs oldest first.

    Each set is {"ts": int, "ids": [[build_id, ts], ...]}; the timestamps are a counter
    that every update moves on, which is all the ordering rules need.
    """

    def __init__(self, bug=False):
        self.sets = []
        self.clock = 0
        self.max_sets = 0
        self.max_build_ids = 0
        self.bug = bug

    def find(self, build_id):
        for set_index, s in enumerate(self.sets):
            for member_index, (other, _) in enumerate(s["ids"]):
                if other == build_id:
                    return set_index, member_index
        return None

    def update(self, op):
        self.clock += 1
        saved = copy.deepcopy(self.sets)
        try:
            outcome = self.apply(op, self.clock)
            self.check_limits()
            return outcome
        except Error:
            self.sets = saved
            raise

    def apply(self, op, t):
        (name, body), = op.items()
        ids = [body] if isinstance(body, str) else [v for v in body.values() if isinstance(v, str)]
        for build_id in ids:
            if build_id == "" or len(build_id.encode()) > MAX_BUILD_ID_BYTES:
                raise Error("INVALID_ARGUMENT", "invalid build ID")
        if name == "addNewBuildIdInNewDefaultSet":
            if self.sets and [i for i, _ in self.sets[-1]["ids"]] == [body]:
                return "noop"
            if self.find(body):
                raise Error("INVALID_ARGUMENT", f"version {body} already exists")
            self.sets.append({"ts": t, "ids": [[body, t]]})
            return "changed"
        if name == "addNewCompatibleBuildId":
            new, existing = body["newBuildId"], body["existingCompatibleBuildId"]
            make_default = body.get("makeSetDefault", False)
            at = self.find(existing)
            if at is None:
                raise Error("NOT_FOUND", f"targeted compatible_version {existing} not found")
            found = self.find(new)
            if found and found[0] == at[0]:
                if make_default and at[0] != len(self.sets) - 1:
                    raise Error("INVALID_ARGUMENT",
                                f"version {new} already exists and is not default for queue")
                if found[1] != len(self.sets[at[0]]["ids"]) - 1:
                    raise Error("INVALID_ARGUMENT",
                                f"version {new} already exists and is not default in set")
                return "noop"
            if found:
                raise Error("INVALID_ARGUMENT",
                            f"{new} requested to be made compatible with {existing} "
                            "but both versions exist and are incompatible")
            target = self.sets[at[0]]
            target["ids"].append([new, t])
            if make_default:
                target["ts"] = t
                self.sets.remove(target)
                self.sets.append(target)
            return "changed"
        if name in ("promoteSetByBuildId", "promoteBuildIdWithinSet"):
            at = self.find(body)
            if at is None:
                raise Error("NOT_FOUND", f"targeted version {body} not found")
            if name == "promoteSetByBuildId":
                if at[0] == len(self.sets) - 1:
                    return "noop"
                target = self.sets.pop(at[0])
                target["ts"] = t
                self.sets.append(target)
                return "changed"
            members = self.sets[at[0]]["ids"]
            if at[1] == len(members) - 1:
                return "noop"
            if not self.bug:  # the injected bug: the build ID stays where it is
                member = members.pop(at[1])
                member[1] = t
                members.append(member)
            return "changed"
        if name == "mergeSets":
            primary, secondary = body["primarySetBuildId"], body["secondarySetBuildId"]
            p, s = self.find(primary), self.find(secondary)
            if p is None:
                raise Error("NOT_FOUND", f"targeted primary version {primary} not found")
            if s is None:
                raise Error("NOT_FOUND", f"targeted secondary version {secondary} not found")
            if p[0] == s[0]:
                return "noop"
            first, second = self.sets[p[0]], self.sets[s[0]]
            first["ids"][-1][1] = t
            merged = {
                "ts": max(first["ts"], second["ts"]),
                "ids": sorted(first["ids"] + second["ids"], key=lambda member: member[1]),
            }
            self.sets = [x for x in self.sets if x is not first and x is not second]
            self.sets.append(merged)
            self.sets.sort(key=lambda x: x["ts"])
            return "changed"
        raise ValueError(f"unknown operation {name}")

    def check_limits(self):
        sets = len(self.sets)
        build_ids = sum(len(s["ids"]) for s in self.sets)
        if self.max_sets > 0 and sets > self.max_sets:
            raise Error("FAILED_PRECONDITION",
                        "update would exceed number of compatible version sets permitted "
                        f"in namespace dynamic config ({sets}/{self.max_sets})")
        if self.max_build_ids > 0 and build_ids > self.max_build_ids:
            raise Error("FAILED_PRECONDITION",
                        "update would exceed number of build IDs permitted "
                        f"in namespace dynamic config ({build_ids}/{self.max_build_ids})")

    def set_default(self, build_id):
        at = self.find(build_id)
        return None if at is None else self.sets[at[0]]["ids"][-1][0]

    def poll(self, build_id):
        default = self.set_default(build_id)
        if default is None:
            return "unknownBuildId"
        if default == build_id:
            return "accepted"
        return {"newerBuildExists": default}

    def resolve(self, body):
        intent = body["intent"].removeprefix("VERSIONING_INTENT_")
        same = body.get("sameTaskQueue", True)
        caller = body.get("buildId")
        compatible = {"COMPATIBLE": True, "DEFAULT": False}.get(intent, same)
        if compatible and not same:
            return "rejected"
        if compatible:
            if caller is None:
                return "unversioned"
            default = self.set_default(caller)
            return {"exactBuildId": caller} if default is None else {"setDefault": default}
        if not self.sets:
            return "unversioned"
        return {"setDefault": self.sets[-1]["ids"][-1][0]}


def answer(queue, request):
    if "update" in request:
        try:
            return queue.update(request["update"])
        except Error as error:
            return {"error": error.code, "message": error.message}
    if "limits" in request:
        queue.max_sets = request["limits"].get("maxSets", 0)
        queue.max_build_ids = request["limits"].get("maxBuildIds", 0)
        return {}
    if "sets" in request:
        return [[build_id for build_id, _ in s["ids"]] for s in queue.sets]
    if "poll" in request:
        return queue.poll(request["poll"])
    if "resolve" in request:
        return queue.resolve(request["resolve"])
    return {}


def main():
    bug = "--bug" in sys.argv[1:]
    queue = Queue(bug)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("reset") is True:
            queue = Queue(bug)
            reply = {}
        else:
            reply = answer(queue, request)
        print(json.dumps(reply, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
