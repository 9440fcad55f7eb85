//! Every refusal leaves the state as it was (rule `ops.atomic`), and the two places where
//! the server keeps a side effect of a refused call are the only exceptions
//! (`ops.side-effects-stay`).

use worker_deployments::*;

const WF: TaskQueueType = TaskQueueType::Workflow;
const ACT: TaskQueueType = TaskQueueType::Activity;

const LIMITS: Limits = Limits {
    max_deployments: 3,
    max_versions_in_deployment: 3,
    max_task_queues_in_version: 2,
    max_versions_in_task_queue: 2,
    ..Limits::SHORT
};

fn v(d: &str, b: &str) -> VersionKey {
    VersionKey::new(d, b)
}

/// Three deployments at the namespace cap: D (b1 current and busy on TQ1, b2 ramping on
/// TQ2, b3 draining on TQ3, at its version cap, b2 and b3 with pollers), M (managed by
/// `mgr`, m1 on two task queues) and P (made by a poller on TQ1, which then holds three
/// versions).
fn world() -> (Deployments, Observed) {
    let mut ns = Deployments::new(LIMITS);
    let mut facts = Observed::default();
    let mut now = 1_000;
    let mut step = |ns: &mut Deployments| {
        now += 1_000;
        assert_eq!(ns.validate(), vec![]);
        now
    };
    for (d, b, tq, kind) in [
        ("D", "b1", "TQ1", WF),
        ("D", "b1", "TQ1", ACT),
        ("D", "b2", "TQ2", WF),
        ("D", "b3", "TQ3", WF),
        ("M", "m1", "TQX", WF),
        ("M", "m1", "TQY", WF),
        ("M", "m2", "TQ1", WF),
        ("P", "p1", "TQ1", WF),
    ] {
        let t = step(&mut ns);
        ns.register(&Poller::new(d, b, tq, kind), t, &facts)
            .unwrap();
    }
    for b in ["b3", "b1"] {
        let t = step(&mut ns);
        ns.set_current(&SetCurrent::new("D", b, "alice"), t, &facts)
            .unwrap();
    }
    let t = step(&mut ns);
    ns.set_ramping(&SetRamping::new("D", "b2", 10.0, "alice"), t, &facts)
        .unwrap();
    let t = step(&mut ns);
    let mgr = SetManager {
        deployment_name: "M".into(),
        self_manage: true,
        identity: "mgr".into(),
        ..SetManager::default()
    };
    ns.set_manager(&mgr, t).unwrap();
    step(&mut ns);
    facts
        .busy
        .insert((TaskQueueKey::new("TQ1", WF), v("D", "b1")));
    facts.pollers.insert(v("D", "b2"));
    facts.pollers.insert(v("D", "b3"));
    (ns, facts)
}

fn refused<T: std::fmt::Debug>(
    name: &str,
    op: impl FnOnce(&mut Deployments, &Observed) -> Result<T, Error>,
) -> String {
    let (mut ns, facts) = world();
    let before = ns.clone();
    let err = op(&mut ns, &facts).expect_err(name);
    assert_eq!(ns, before, "{name} ({err}) changed the state");
    err.to_string()
}

const T: u64 = 100_000;

#[test]
fn every_refused_set_current_leaves_the_state_alone() {
    // rule: ops.atomic
    let sc = |d: &str, b: &str, who: &str| SetCurrent::new(d, b, who);
    let cases: Vec<(&str, SetCurrent)> = vec![
        ("empty name", sc("", "b1", "x")),
        (
            "bad version",
            SetCurrent {
                version: "nodelim".into(),
                ..sc("D", "", "x")
            },
        ),
        (
            "mismatch",
            SetCurrent {
                version: "E.b1".into(),
                ..sc("D", "", "x")
            },
        ),
        ("name", sc("__D", "b1", "x")),
        ("missing", sc("Z", "b1", "x")),
        (
            "token",
            SetCurrent {
                conflict_token: b"bogus".to_vec(),
                ..sc("D", "b2", "x")
            },
        ),
        ("unknown", sc("D", "b9", "x")),
        ("manager", sc("M", "m1", "x")),
        ("missing task queue", sc("D", "b2", "x")),
        (
            "cap",
            SetCurrent {
                allow_no_pollers: true,
                ..sc("Z", "z1", "x")
            },
        ),
        (
            "build",
            SetCurrent {
                allow_no_pollers: true,
                ..sc("Z", "__z", "x")
            },
        ),
    ];
    for (name, req) in cases {
        refused(name, |ns, f| ns.set_current(&req, T, f));
    }
}

#[test]
fn every_refused_set_ramping_leaves_the_state_alone() {
    // rule: ops.atomic
    let sr = |d: &str, b: &str, p: f32| SetRamping::new(d, b, p, "x");
    let cases: Vec<(&str, SetRamping)> = vec![
        ("range", sr("D", "b3", 100.5)),
        ("empty name", sr("", "b3", 5.0)),
        ("missing", sr("Z", "b3", 5.0)),
        (
            "token",
            SetRamping {
                conflict_token: b"bogus".to_vec(),
                ..sr("D", "b3", 5.0)
            },
        ),
        ("already current", sr("D", "b1", 5.0)),
        ("unknown", sr("D", "b9", 5.0)),
        ("manager", sr("M", "m2", 5.0)),
        ("missing task queue", sr("D", "b3", 5.0)),
    ];
    for (name, req) in cases {
        refused(name, |ns, f| ns.set_ramping(&req, T, f));
    }
}

#[test]
fn every_refused_delete_leaves_the_state_alone() {
    // rule: ops.atomic
    let dv = |d: &str, b: &str, who: &str| DeleteVersion::new(d, b, who);
    let cases: Vec<(&str, DeleteVersion)> = vec![
        (
            "format",
            DeleteVersion {
                version: "nodelim".into(),
                ..DeleteVersion::default()
            },
        ),
        ("missing", dv("Z", "b1", "x")),
        ("current", dv("D", "b1", "x")),
        ("ramping", dv("D", "b2", "x")),
        ("manager", dv("M", "m2", "x")),
        ("draining", dv("D", "b3", "x")),
        (
            "pollers",
            DeleteVersion {
                skip_drainage: true,
                ..dv("D", "b3", "x")
            },
        ),
    ];
    for (name, req) in cases {
        refused(name, |ns, f| ns.delete_version(&req, T, f));
    }
    let dd = DeleteDeployment {
        deployment_name: "D".into(),
        identity: "x".into(),
    };
    refused("has versions", |ns, _| ns.delete_deployment(&dd));
}

#[test]
fn every_refused_manager_or_create_call_leaves_the_state_alone() {
    // rule: ops.atomic
    let sm = |d: &str, who: &str| SetManager {
        deployment_name: d.into(),
        self_manage: true,
        identity: who.into(),
        ..SetManager::default()
    };
    refused("identity", |ns, _| ns.set_manager(&sm("D", ""), T));
    refused("name", |ns, _| ns.set_manager(&sm("a.b", "x"), T));
    refused("missing", |ns, _| ns.set_manager(&sm("Z", "x"), T));
    let bogus = SetManager {
        conflict_token: b"bogus".to_vec(),
        ..sm("D", "x")
    };
    refused("token", |ns, _| ns.set_manager(&bogus, T));

    let cd = |d: &str| CreateDeployment {
        deployment_name: d.into(),
        identity: "x".into(),
        request_id: "r".into(),
    };
    refused("empty", |ns, _| ns.create_deployment(&cd(""), T));
    refused("exists", |ns, _| ns.create_deployment(&cd("D"), T));
    refused("cap", |ns, _| ns.create_deployment(&cd("Z"), T));

    let cv = |d: &str, b: &str| CreateVersion {
        deployment_name: d.into(),
        build_id: b.into(),
        identity: "x".into(),
        request_id: "r".into(),
    };
    refused("build", |ns, f| ns.create_version(&cv("D", "__b"), T, f));
    refused("missing", |ns, f| ns.create_version(&cv("Z", "b"), T, f));
    refused("exists", |ns, f| ns.create_version(&cv("D", "b1"), T, f));
    let full = refused("versions cap", |ns, f| {
        ns.create_version(&cv("D", "b4"), T, f)
    });
    assert_eq!(
        full,
        "cannot add version D.b4 since maximum number of versions (3) have been registered in the deployment"
    );
}

#[test]
fn every_refused_registration_leaves_the_state_alone() {
    // rule: ops.atomic
    let p = |d: &str, b: &str, tq: &str| Poller::new(d, b, tq, WF);
    for (name, poll) in [
        ("name", p("a:b", "b", "TQ9")),
        ("build", p("D", "", "TQ9")),
        ("task queue cap", p("D", "b9", "TQ1")),
        ("deployments cap", p("Z", "z1", "TQ9")),
        ("versions cap", p("D", "b9", "TQ9")),
        ("task queues per version", p("M", "m1", "TQZ")),
    ] {
        refused(name, |ns, f| ns.register(&poll, T, f));
    }
}

#[test]
fn a_version_made_by_allow_no_pollers_stays_when_the_missing_task_queue_check_refuses() {
    // rule: ops.side-effects-stay, state.one-record-per-version
    let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    let mut f = Observed::default();
    f.busy.insert((TaskQueueKey::new("TQ1", WF), v("D", "b1")));
    for (b, tq) in [("b1", "TQ1"), ("b2", "TQ2")] {
        ns.register(&Poller::new("D", b, tq, WF), 1_000, &f)
            .unwrap();
    }
    ns.set_current(&SetCurrent::new("D", "b1", "a"), 2_000, &f)
        .unwrap();
    let ghost = SetCurrent {
        allow_no_pollers: true,
        ..SetCurrent::new("D", "ghost", "b")
    };
    let err = ns.set_current(&ghost, 3_000, &f).unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    // The server added the version before the check refused; so does the model.
    assert_eq!(
        ns.version(&v("D", "ghost")).unwrap().status,
        VersionStatus::Created
    );
    assert_eq!(
        ns.deployment("D").unwrap().routing.current,
        Some(v("D", "b1"))
    );
    assert!(ns.validate().is_empty());
}
