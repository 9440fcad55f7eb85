#!/usr/bin/env python3
"""Play traces to the model and to the live adapter, and compare only what the server shows.

`version-sets conform` compares answers exactly, so against a real server it stops at the
first no-op (the server cannot say "noop"). This checker plays the same traces to
`version-sets serve --stdio` (the model) and to temporal_server.py (the server), step by
step, and compares each answer at the precision the server offers:

- `update`: the model's `"changed"` and `"noop"` both mean success (COARSE); errors are
  compared by code and message, except an invalid build ID's error (rule
  `update.invalid-build-id`), compared by code only, as the protocol does.
- `sets`, `view`: exact.
- `poll`: the model's `"unknownBuildId"` counts as `"accepted"` (COARSE).
- `limits`: answers are not compared (they observe nothing), but limits must hold on both
  sides. Without `--address` the adapter runs a server of its own and restarts it with each
  trace's limits, so traces play whole. With `--address` the server's limits are fixed at its
  start (`--max-sets`, `--max-build-ids` say which): with `--rewrite-limits` every trace
  starts with the server's limits and each of its `limits` steps is replaced by them
  (traces generated for the server's limits); without it, a trace starts with the server's
  limits when it has any, and is compared up to its first `limits` step that asks for
  other limits.
- any other step that only reads (`resolve`, `addTask`, `deltas`...) is played to the model
  only and counted as not observable; a trace is compared up to its first step that changes
  state without a public API (`removeBuildIds`, `clearTombstones`, `persistUnknownBuildId`,
  `mergeReplica`, `receiveReplica`), and skipped when it begins with `start`.

Each difference is either a documented divergence (named by its rule in
docs/semantics.md#divergences) or a DISAGREEMENT; each disagreement is shrunk (steps
dropped one at a time while it persists) and printed as a trace with the model's answers.
Exit 0 when there is no disagreement, 1 otherwise, 2 on bad input.

    python compare.py [--address 127.0.0.1:PORT [--max-sets N --max-build-ids M]]
        [--generate N --seed S --steps K --only KINDS] [--rewrite-limits] [TRACE...]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FORWARDED = {"update", "sets", "view", "poll", "limits"}
UNREACHABLE_CHANGES = {"start", "removeBuildIds", "clearTombstones", "persistUnknownBuildId",
                       "mergeReplica", "receiveReplica"}
MAX_BUILD_ID_BYTES = 255


def kind_of(step):
    (kind,) = [k for k in step if k not in ("expect", "now")]
    return kind


def invalid(build_id):
    return isinstance(build_id, str) and (build_id == "" or len(build_id.encode()) > MAX_BUILD_ID_BYTES)


def op_build_ids(op):
    ((name, body),) = op.items()
    if isinstance(body, str):
        return {name: body}
    return {k: v for k, v in body.items() if isinstance(v, str)}


class Child:
    def __init__(self, argv):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     encoding="utf-8", bufsize=1)

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.argv[0]} exited (status {self.proc.wait()}) at {request}")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(30)


def read_trace(path):
    steps = []
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            text = line.strip()
            if text and not text.startswith("#"):
                steps.append((number, json.loads(text)))
    return steps


def coarse(kind, answer):
    if kind == "update" and answer == "noop":
        return "changed"
    if kind == "poll" and answer == "unknownBuildId":
        return "accepted"
    return answer


def classify(step, model, server):
    """None when the answers agree at the server's precision, else a divergence rule or 'DISAGREEMENT'."""
    kind = kind_of(step)
    if kind not in ("update", "sets", "view", "poll"):
        return None
    m, s = coarse(kind, model), coarse(kind, server)
    if kind == "update" and isinstance(m, dict) and isinstance(s, dict):
        ids = op_build_ids(step["update"])
        if any(invalid(v) for v in ids.values()):
            if m.get("error") == s.get("error"):
                return None  # the frontend words these differently: code only
            if m.get("error") == "INVALID_ARGUMENT" and s.get("error") == "NOT_FOUND":
                return "update.invalid-build-id"  # documented divergence
    return None if m == s else "DISAGREEMENT"


class Comparer:
    def __init__(self, args):
        self.args = args
        self.model = Child([args.model, "serve", "--stdio"])
        adapter = [sys.executable, os.path.join(HERE, "temporal_server.py")]
        if args.address:
            adapter += ["--address", args.address,
                        "--max-sets", str(args.max_sets), "--max-build-ids", str(args.max_build_ids)]
        if args.check_polls:
            adapter.append("--check-polls")
        if args.partitions:
            adapter += ["--partitions", str(args.partitions)]
        if args.poll_grace_ms is not None:
            adapter += ["--poll-grace-ms", str(args.poll_grace_ms)]
        self.server = Child(adapter)
        self.server_limits = {"maxSets": args.max_sets, "maxBuildIds": args.max_build_ids}
        self.counts = {"traces": 0, "traces skipped": 0, "traces cut at a limits step": 0,
                       "traces cut at a step without a public API": 0,
                       "steps": 0, "agree exactly": 0, "agree coarsely": 0, "not observable": 0,
                       "limits": 0, "divergences": 0, "disagreements": 0}
        self.by_kind = {}
        self.findings = []

    def prepare(self, steps):
        """The steps to play, or a reason to skip the trace."""
        first = next((kind_of(s) for _, s in steps), None)
        if first in UNREACHABLE_CHANGES:
            return None, f"starts with {first!r}, which no public API can do"
        owned = not self.args.address  # the adapter restarts its own server to obey every limits step
        out = []
        if not owned and (self.args.rewrite_limits or any(self.server_limits.values())):
            out.append((0, {"limits": dict(self.server_limits)}))  # both sides under the server's limits
        for number, step in steps:
            step = {k: v for k, v in step.items() if k != "expect"}
            if kind_of(step) in UNREACHABLE_CHANGES:
                self.counts["traces cut at a step without a public API"] += 1
                print(f"cut at line {number}: {kind_of(step)!r} changes state without a public API",
                      file=sys.stderr)
                break
            if "limits" in step and not owned:
                asked = (step["limits"].get("maxSets", 0), step["limits"].get("maxBuildIds", 0))
                if self.args.rewrite_limits:
                    step = {"limits": dict(self.server_limits)}
                elif asked != (self.args.max_sets, self.args.max_build_ids):
                    self.counts["traces cut at a limits step"] += 1
                    print(f"cut at line {number}: limits {asked} asked, the server has "
                          f"{(self.args.max_sets, self.args.max_build_ids)}", file=sys.stderr)
                    break
            out.append((number, step))
        return out, None

    def play(self, steps):
        """Answers of both sides for each step."""
        self.model.ask({"reset": True})
        self.server.ask({"reset": True})
        results = []
        for number, step in steps:
            kind = kind_of(step)
            model = self.model.ask(step)
            server = self.server.ask(step) if kind in FORWARDED else None
            results.append((number, step, model, server))
        return results

    def run_trace(self, name, steps):
        prepared, skip = self.prepare(steps)
        if skip:
            self.counts["traces skipped"] += 1
            print(f"skip {name}: {skip}", file=sys.stderr)
            return
        self.counts["traces"] += 1
        for number, step, model, server in self.play(prepared):
            kind = kind_of(step)
            self.counts["steps"] += 1
            tally = self.by_kind.setdefault(kind, {})
            if kind == "limits":
                self.counts["limits"] += 1
                tally["played"] = tally.get("played", 0) + 1
                continue
            if kind not in FORWARDED:
                self.counts["not observable"] += 1
                tally["not observable"] = tally.get("not observable", 0) + 1
                continue
            verdict = classify(step, model, server)
            if verdict is None:
                key = "agree exactly" if model == server else "agree coarsely"
            elif verdict == "DISAGREEMENT":
                key = "disagreements"
                self.findings.append(self.finding(name, prepared, number, step, model, server))
            else:
                key = "divergences"
                print(f"divergence {verdict} in {name}:{number}: {json.dumps(step, ensure_ascii=False)}: "
                      f"model {json.dumps(model, ensure_ascii=False)}, server {json.dumps(server, ensure_ascii=False)}",
                      file=sys.stderr)
            self.counts[key] += 1
            tally[key] = tally.get(key, 0) + 1

    def disagrees_at_end(self, steps):
        number, step, model, server = self.play(steps)[-1]
        return classify(step, model, server) == "DISAGREEMENT"

    def finding(self, name, prepared, number, step, model, server):
        upto = [s for s in prepared if s[0] < number or s[1] is step]
        upto = upto[: upto.index(next(s for s in upto if s[1] is step)) + 1]
        if self.args.shrink:
            i = 0
            while i < len(upto) - 1:
                candidate = upto[:i] + upto[i + 1:]
                if self.disagrees_at_end(candidate):
                    upto = candidate
                else:
                    i += 1
        # the minimal trace, with the model's answers as expectations
        lines, last = [], None
        for _, s, m, srv in self.play(upto):
            kind = kind_of(s)
            if kind == "sets":
                lines.append({"sets": m})
            elif kind in ("limits", "mark", "start"):
                lines.append(s)
            else:
                lines.append({**s, "expect": m})
            last = (m, srv)
        reproduced = classify(upto[-1][1], *last) == "DISAGREEMENT"
        return {"trace": name, "line": number, "model": model, "server": server,
                "reproduced": reproduced, "replayed": {"model": last[0], "server": last[1]},
                "minimalTrace": [json.dumps(line, ensure_ascii=False) for line in lines]}

    def close(self):
        self.model.close()
        self.server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("traces", nargs="*")
    parser.add_argument("--address", help="a running server; without it the adapter starts its own and "
                        "obeys every limits step by restarting it")
    parser.add_argument("--max-sets", type=int, default=0)
    parser.add_argument("--max-build-ids", type=int, default=0)
    parser.add_argument("--model", default=os.environ.get("VERSION_SETS", "version-sets"))
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--only", default="update,limits,sets,view,poll")
    parser.add_argument("--rewrite-limits", action="store_true")
    parser.add_argument("--no-shrink", dest="shrink", action="store_false")
    parser.add_argument("--poll-grace-ms", type=float)
    parser.add_argument("--check-polls", action="store_true", help="passed to temporal_server.py")
    parser.add_argument("--partitions", type=int, help="passed to temporal_server.py (its own server only)")
    parser.add_argument("--json", help="write the counts and findings to this file")
    args = parser.parse_args()

    traces = [(path, read_trace(path)) for path in args.traces]
    if args.generate:
        outdir = tempfile.mkdtemp(prefix="vs-live-generated-")
        subprocess.run([args.model, "generate", outdir, "--seed", str(args.seed), "--count", str(args.generate),
                        "--steps", str(args.steps), "--only", args.only], check=True, stdout=subprocess.DEVNULL)
        for file in sorted(os.listdir(outdir)):
            traces.append((f"generated {file} (--seed {args.seed})", read_trace(os.path.join(outdir, file))))

    comparer = Comparer(args)
    try:
        for name, steps in traces:
            comparer.run_trace(name, steps)
    finally:
        comparer.close()
    for f in comparer.findings:
        print(f"# DISAGREEMENT {f['trace']}:{f['line']}: model {json.dumps(f['model'])}, "
              f"server {json.dumps(f['server'])}")
        if not f["reproduced"]:
            print(f"# NOT REPRODUCED when replayed (model {json.dumps(f['replayed']['model'])}, "
                  f"server {json.dumps(f['replayed']['server'])}): a timing effect, not a rule")
        print("# minimal trace (the model's expectations):")
        print("\n".join(f["minimalTrace"]))
    print(json.dumps({"counts": comparer.counts, "byKind": comparer.by_kind}, sort_keys=True))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"args": vars(args), "counts": comparer.counts, "byKind": comparer.by_kind,
                       "findings": comparer.findings}, out, indent=1, ensure_ascii=False)
    return 1 if comparer.findings else 0


if __name__ == "__main__":
    sys.exit(main())
