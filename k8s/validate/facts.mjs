// The deployment facts Apex Voice Gateway relies on, asserted on rendered manifests. Each check returns a list of
// problems (empty when all hold). Used by validate.mjs on every overlay and by self-test.mjs on broken copies.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const GATEWAY = { "app.kubernetes.io/name": "apex-voice-gateway", "app.kubernetes.io/component": "gateway" };
const DISPATCHER = { "app.kubernetes.io/name": "apex-voice-gateway", "app.kubernetes.io/component": "dispatcher" };
const REDIS = { "app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "redis" };
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterIssuer", "ClusterRole", "ClusterRoleBinding"]);
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** SPEC section 8 metrics the dashboard must chart (Prometheus names, without histogram suffixes). */
export const DASHBOARD_METRICS = [
  "apex_stt_final_latency_seconds", "apex_llm_first_token_seconds", "apex_tts_first_byte_seconds",
  "apex_turn_latency_seconds", "apex_bargein_clear_latency_seconds", "apex_tts_cache_total", "apex_llm_aimd_limit",
  "apex_campaign_queue_depth", "apex_calls_active", "apex_intake_webhooks_total", "apex_turn_fallbacks_total",
  "camel_exchanges_total",
];

/**
 * Metrics the dispatcher of issue 6 exports (not yet in this branch's code); dashboards and alerts may use them.
 * Once the dispatcher is merged, the code scan below finds them too.
 */
const PENDING_METRICS = ["apex_campaign_queue_depth", "apex_campaign_queue_oldest_seconds"];

const matches = (selector, labels) =>
  !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const find = (objects, kind, labels) =>
  objects.filter((o) => o.kind === kind && matches(labels, o.metadata?.labels));
const seconds = (duration) => {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(String(duration).trim());
  if (!m) return NaN;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? "s"];
};
const envOf = (container) => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));

/** Facts of one rendered overlay. */
export function checkFacts(objects, { repoDir, managedRedis = false }) {
  const problems = [];
  const expect = (ok, message) => { if (!ok) problems.push(message); };

  // namespace per environment: exactly one Namespace, every namespaced object in it
  const namespaces = objects.filter((o) => o.kind === "Namespace");
  expect(namespaces.length === 1, `expected one Namespace, found ${namespaces.length}`);
  const ns = namespaces[0]?.metadata?.name;
  for (const o of objects.filter((x) => !CLUSTER_SCOPED.has(x.kind))) {
    expect(o.metadata?.namespace === ns, `${o.kind}/${o.metadata?.name} is not in namespace ${ns}`);
  }
  expect(!objects.some((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding"),
    "cluster-wide RBAC (ClusterRole/ClusterRoleBinding) is not allowed");

  // ---- gateway Deployment
  const [gateway] = find(objects, "Deployment", GATEWAY);
  expect(!!gateway, "no gateway Deployment");
  const configMap = (name) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
  if (gateway) {
    const spec = gateway.spec;
    const pod = spec.template.spec;
    const c = pod.containers[0];
    const ru = spec.strategy?.rollingUpdate;
    expect(spec.strategy?.type === "RollingUpdate", "gateway: strategy must be RollingUpdate");
    expect(ru && [0, "0", "0%"].includes(ru.maxUnavailable), "gateway: rollingUpdate.maxUnavailable must be 0");
    expect(spec.replicas === undefined, "gateway: replicas must be left to the HPA");
    const ports = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(ports.http === 8080, "gateway: container port http must be 8080");
    expect(ports.media === 8081, "gateway: container port media must be 8081");
    const probe = (p, path, delay, label) => {
      expect(p?.httpGet?.path === path, `gateway: ${label} probe must GET ${path}`);
      expect([8080, "http"].includes(p?.httpGet?.port), `gateway: ${label} probe must use port 8080`);
      expect(p?.initialDelaySeconds === delay, `gateway: ${label} probe initialDelaySeconds must be ${delay}`);
    };
    probe(c.readinessProbe, "/health", 30, "readiness");
    probe(c.livenessProbe, "/health/live", 60, "liveness");
    expect(!!(c.lifecycle?.preStop?.exec || c.lifecycle?.preStop?.httpGet || c.lifecycle?.preStop?.sleep),
      "gateway: a preStop hook must turn readiness false before SIGTERM");
    // drain (README "Graceful shutdown"): terminationGracePeriodSeconds covers the call drain (DRAIN_PERIOD), the
    // goodbye step (at most 2 x 10 s), the web server's graceful stop (SHUTDOWN_GRACE), Camel's shutdown timeout
    // (45 s), the admit grace before the drain (ADMIT_GRACE, optional) and the preStop sleep, all read from env or
    // the ConfigMap
    const cmNames = (c.envFrom ?? []).filter((e) => e.configMapRef).map((e) => e.configMapRef.name);
    expect(cmNames.length > 0 && cmNames.every((n) => configMap(n)), "gateway: config must come from a ConfigMap");
    expect((c.envFrom ?? []).some((e) => e.secretRef), "gateway: secrets must come from a Secret (envFrom)");
    const setting = (name) => envOf(c)[name] ?? cmNames.map((n) => configMap(n)?.data?.[name]).find((v) => v);
    const drain = setting("DRAIN_PERIOD");
    const grace = setting("SHUTDOWN_GRACE");
    expect(drain !== undefined, "gateway: DRAIN_PERIOD (call drain period) is not set");
    expect(grace !== undefined, "gateway: SHUTDOWN_GRACE (web server stop per phase) is not set");
    const preStopSleep = Number(/sleep (\d+)/.exec((c.lifecycle?.preStop?.exec?.command ?? []).join(" "))?.[1] ?? 0);
    const admitGrace = setting("ADMIT_GRACE") ?? "0s";
    const needed = seconds(admitGrace) + seconds(drain ?? "0s") + 2 * 10 + seconds(grace ?? "0s") + 45 + preStopSleep;
    expect(pod.terminationGracePeriodSeconds >= needed,
      `gateway: terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} < admit ${admitGrace} + drain ${drain} + goodbye 20s + ${grace} + camel 45s + preStop`);
    expect(envOf(c).ROLES === "gateway", "gateway: ROLES must be gateway");
    // resources
    expect(!!(c.resources?.requests?.cpu && c.resources?.requests?.memory), "gateway: cpu and memory requests");
    expect(!!c.resources?.limits?.memory, "gateway: memory limit");
    checkHardened("gateway", pod, c, expect);

    // PDB, HPA, Service
    const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget"
      && matches(o.spec.selector?.matchLabels, spec.template.metadata.labels));
    expect(pdbs.length === 1 && pdbs[0].spec.minAvailable === 1, "gateway: PodDisruptionBudget minAvailable 1");
    const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler"
      && o.spec.scaleTargetRef.kind === "Deployment" && o.spec.scaleTargetRef.name === gateway.metadata.name);
    expect(!!hpa, "gateway: no HPA");
    if (hpa) {
      const resources = (hpa.spec.metrics ?? []).filter((m) => m.type === "Resource").map((m) => m.resource.name);
      expect(resources.includes("cpu") && resources.includes("memory"), "gateway: HPA must scale on cpu and memory");
      expect(hpa.spec.minReplicas >= 2, "gateway: HPA minReplicas >= 2 (one pod plus the PDB blocks node drains)");
    }
    const service = objects.find((o) => o.kind === "Service" && matches(o.spec.selector, spec.template.metadata.labels));
    const svcPorts = Object.fromEntries((service?.spec.ports ?? []).map((p) => [p.port, p.targetPort]));
    expect(svcPorts[8080] !== undefined && svcPorts[8081] !== undefined, "gateway: Service must expose 8080 and 8081");

    // Ingress: nginx, TLS via a cert-manager ClusterIssuer (ACME HTTP-01), WebSocket timeouts, /twilio/media -> 8081
    const ingresses = objects.filter((o) => o.kind === "Ingress");
    expect(ingresses.length === 1, "expected one Ingress");
    for (const ing of ingresses) {
      const a = ing.metadata.annotations ?? {};
      expect(ing.spec.ingressClassName === "nginx", "ingress: ingressClassName nginx");
      const issuer = objects.find((o) => o.kind === "ClusterIssuer" && o.metadata.name === a["cert-manager.io/cluster-issuer"]);
      expect(!!issuer, "ingress: cert-manager.io/cluster-issuer must name a ClusterIssuer of this render");
      expect(/letsencrypt\.org/.test(issuer?.spec?.acme?.server ?? "")
        && issuer.spec.acme.solvers?.some((s) => s.http01?.ingress), "ingress: issuer must be Let's Encrypt ACME HTTP-01");
      const host = ing.spec.rules?.[0]?.host;
      expect(!!host && host !== "voice.example.com", "ingress: overlay must set a real host");
      expect(ing.spec.tls?.some((t) => t.hosts?.includes(host) && t.secretName), "ingress: TLS for the host");
      for (const k of ["proxy-read-timeout", "proxy-send-timeout"]) {
        expect(Number(a[`nginx.ingress.kubernetes.io/${k}`]) >= 3600, `ingress: ${k} >= 3600 s (a call's WebSocket)`);
      }
      const paths = ing.spec.rules.flatMap((r) => r.http.paths);
      const media = paths.find((p) => p.path === "/twilio/media");
      expect(media?.backend?.service?.name === service?.metadata?.name
        && ["media", 8081].includes(media?.backend?.service?.port?.name ?? media?.backend?.service?.port?.number),
      "ingress: /twilio/media must go to the gateway media port 8081");
      expect(!paths.some((p) => p.path === "/" || p.path.startsWith("/actuator")), "ingress: /actuator must not be public");
      const dns = a["external-dns.alpha.kubernetes.io/hostname"];
      expect(dns === undefined || dns === host, `ingress: external-dns hostname ${dns} differs from host ${host}`);
    }
  }

  // ---- dispatcher: same image, ROLES=dispatcher, leader election on, scaled by KEDA
  const [dispatcher] = find(objects, "Deployment", DISPATCHER);
  expect(!!dispatcher, "no dispatcher Deployment");
  if (dispatcher && gateway) {
    const pod = dispatcher.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image === gateway.spec.template.spec.containers[0].image, "dispatcher: must run the gateway image");
    expect(envOf(c).ROLES === "dispatcher", "dispatcher: ROLES must be dispatcher");
    expect(envOf(c).APEX_CLUSTER_MODE === "kubernetes", "dispatcher: APEX_CLUSTER_MODE must be kubernetes");
    checkHardened("dispatcher", pod, c, expect);
    const so = objects.find((o) => o.kind === "ScaledObject" && o.spec.scaleTargetRef.name === dispatcher.metadata.name);
    expect(!!so, "dispatcher: no KEDA ScaledObject");
    if (so) {
      expect(so.spec.minReplicaCount >= 1, "dispatcher: minReplicaCount >= 1 (the leader and the depth gauge)");
      const onDepth = so.spec.triggers.some((t) =>
        (t.type === "prometheus" && t.metadata.query.includes("apex_campaign_queue_depth")
          && t.metadata.query.includes(`namespace="${ns}"`))
        || (t.type === "redis" && String(t.metadata.listName).startsWith("queue:campaigns:")));
      expect(onDepth, `dispatcher: KEDA must scale on the campaign queue depth of namespace ${ns}`);
    }
  }

  // ---- RBAC: a ServiceAccount per workload, least privilege
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  const accounts = workloads.map((w) => w.spec.template.spec.serviceAccountName);
  expect(accounts.every((a) => a && objects.some((o) => o.kind === "ServiceAccount" && o.metadata.name === a)),
    "every workload needs its own existing ServiceAccount");
  expect(new Set(accounts).size === accounts.length, "workloads must not share a ServiceAccount");
  const allowed = { "coordination.k8s.io/leases": ["get", "list", "watch", "create", "update", "patch"],
    "/pods": ["get", "list", "watch"] };
  for (const role of objects.filter((o) => o.kind === "Role")) {
    for (const rule of role.rules) {
      for (const g of rule.apiGroups) {
        for (const r of rule.resources) {
          const ok = allowed[`${g}/${r}`];
          expect(!!ok && rule.verbs.every((v) => ok.includes(v)),
            `Role ${role.metadata.name}: ${rule.verbs} on ${g}/${r} is more than leader election needs`);
        }
      }
    }
  }
  for (const w of workloads) {
    const sa = w.spec.template.spec.serviceAccountName;
    const bound = objects.some((o) => o.kind === "RoleBinding" && o.subjects.some((s) => s.name === sa));
    const mounts = w.spec.template.spec.automountServiceAccountToken !== false;
    expect(bound || !mounts, `${w.kind}/${w.metadata.name}: mounts an API token it has no use for`);
    expect(bound === (w === dispatcher), `${w.kind}/${w.metadata.name}: only the dispatcher may hold a Role`);
  }

  // ---- Redis StatefulSet (unless the managed-redis component removed it)
  const [redis] = find(objects, "StatefulSet", REDIS);
  if (managedRedis) {
    expect(!redis, "managed-redis: the Redis StatefulSet must be gone");
    expect(!objects.some((o) => o.kind === "ConfigMap" && o.data?.REDIS_URL), "managed-redis: REDIS_URL must come from the Secret");
  } else {
    expect(!!redis, "no Redis StatefulSet");
  }
  if (redis) {
    expect(redis.spec.replicas === 1, "redis: one replica");
    const claim = redis.spec.volumeClaimTemplates?.[0];
    expect(claim?.spec?.resources?.requests?.storage === "10Gi", "redis: 10Gi PersistentVolumeClaim");
    const pod = redis.spec.template.spec;
    const c = pod.containers.find((x) => x.name === "redis");
    expect((c?.volumeMounts ?? []).some((m) => m.name === claim?.metadata?.name && m.mountPath === "/data"),
      "redis: the claim must be mounted at /data");
    for (const [p, label] of [[c?.readinessProbe, "readiness"], [c?.livenessProbe, "liveness"]]) {
      expect([6379, "redis"].includes(p?.tcpSocket?.port), `redis: ${label} probe must be TCP 6379`);
    }
    expect((c?.ports ?? []).some((p) => p.containerPort === 6379), "redis: container port 6379");
    const configVolume = pod.volumes.find((v) => v.configMap);
    const conf = configMap(configVolume?.configMap?.name)?.data?.["redis.conf"] ?? "";
    for (const line of ["appendonly yes", "appendfsync everysec", "maxmemory 256mb", "maxmemory-policy volatile-lru"]) {
      expect(conf.split("\n").some((l) => l.trim() === line), `redis: redis.conf must contain "${line}"`);
    }
    expect(conf === readFileSync(join(repoDir, "config", "redis.conf"), "utf8"),
      "redis: the ConfigMap's redis.conf must equal config/redis.conf");
    expect((c?.command ?? []).concat(c?.args ?? []).some((a) => a.endsWith("redis.conf")),
      "redis: redis-server must start with the mounted redis.conf");
    checkHardened("redis", pod, c, expect);
  }

  // ---- NetworkPolicy
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  expect(policies.some((p) => Object.keys(p.spec.podSelector ?? {}).every((k) => !Object.keys(p.spec.podSelector[k] ?? {}).length)
    && p.spec.policyTypes?.includes("Ingress") && !(p.spec.ingress ?? []).length), "NetworkPolicy: no default deny of ingress");
  const podLabels = workloads.map((w) => ({ w, labels: w.spec.template.metadata.labels }));
  const policiesOf = (labels) => policies.filter((p) => matches(p.spec.podSelector.matchLabels ?? {}, labels)
    && (p.spec.ingress ?? []).length);
  const isController = (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "ingress-nginx";
  const isPrometheus = (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring";
  const rulesFor = (labels) => policiesOf(labels).flatMap((p) => p.spec.ingress);
  if (gateway) {
    const rules = rulesFor(gateway.spec.template.metadata.labels);
    expect(rules.length > 0, "NetworkPolicy: gateway has no ingress policy");
    for (const r of rules) {
      const ports = (r.ports ?? []).map((p) => p.port);
      expect((r.from ?? []).length > 0 && ports.length > 0, "NetworkPolicy: gateway rule open to every peer or port");
      for (const peer of r.from ?? []) {
        expect(isController(peer) || (isPrometheus(peer) && ports.every((p) => p === 8080)),
          "NetworkPolicy: gateway accepts only the ingress controller and Prometheus (8080)");
      }
    }
    expect(rules.some((r) => r.from.some(isController) && [8080, 8081].every((p) => r.ports.some((x) => x.port === p))),
      "NetworkPolicy: the ingress controller must reach 8080 and 8081");
  }
  if (redis) {
    const rules = rulesFor(redis.spec.template.metadata.labels);
    const redisRules = rules.filter((r) => (r.ports ?? []).some((p) => p.port === 6379) || !(r.ports ?? []).length);
    expect(redisRules.length > 0, "NetworkPolicy: Redis has no policy for 6379");
    for (const r of redisRules) {
      for (const peer of r.from ?? [{}]) {
        expect(!peer.namespaceSelector && !peer.ipBlock && peer.podSelector,
          "NetworkPolicy: Redis 6379 must be reachable from this namespace's gateway pods only");
        const clients = podLabels.filter(({ labels }) => matches(peer.podSelector?.matchLabels ?? {}, labels));
        expect(clients.every(({ w }) => w === gateway || w === dispatcher) && clients.some(({ w }) => w === gateway),
          `NetworkPolicy: Redis reachable from ${clients.map(({ w }) => w.metadata.name)}: only gateway and dispatcher`);
      }
    }
  }

  // ---- Prometheus scraping of gateway and dispatcher
  for (const w of [gateway, dispatcher].filter(Boolean)) {
    const a = w.spec.template.metadata.annotations ?? {};
    const svc = objects.find((o) => o.kind === "Service" && matches(o.spec.selector, w.spec.template.metadata.labels));
    const monitored = objects.some((o) => o.kind === "ServiceMonitor" && svc
      && matches(o.spec.selector.matchLabels, svc.metadata.labels)
      && o.spec.endpoints.some((e) => e.path === "/actuator/prometheus"));
    expect(monitored || (a["prometheus.io/scrape"] === "true" && a["prometheus.io/path"] === "/actuator/prometheus"),
      `${w.metadata.name}: not scraped by Prometheus`);
  }
  return problems;
}

/** Non-root, no privilege escalation, read-only root FS with a writable /tmp (except Redis: /data), caps dropped. */
function checkHardened(name, pod, c, expect) {
  if (!c) return;
  const sc = { ...(pod.securityContext ?? {}), ...(c.securityContext ?? {}) };
  expect(sc.runAsNonRoot === true || (pod.securityContext?.runAsUser ?? 0) > 0, `${name}: must run as non-root`);
  expect(c.securityContext?.readOnlyRootFilesystem === true, `${name}: read-only root filesystem`);
  expect(c.securityContext?.allowPrivilegeEscalation === false, `${name}: allowPrivilegeEscalation false`);
  expect((c.securityContext?.capabilities?.drop ?? []).includes("ALL"), `${name}: capabilities drop ALL`);
  if (name !== "redis") {
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    expect(!!tmp && pod.volumes.some((v) => v.name === tmp.name && v.emptyDir), `${name}: writable emptyDir at /tmp`);
  }
}

/** Prometheus names of the meters the code registers (Counter -> _total, Timer -> _seconds, Gauge as is). */
export function codeMetrics(repoDir) {
  const names = new Set(PENDING_METRICS);
  const walk = (dir) => readdirSync(dir).forEach((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return walk(p);
    if (!p.endsWith(".java")) return;
    for (const m of readFileSync(p, "utf8").matchAll(/(Counter|Timer|Gauge|DistributionSummary)\.builder\(\s*"([a-z0-9.]+)"/g)) {
      const base = m[2].replaceAll(".", "_");
      names.add({ Counter: `${base}_total`, Timer: `${base}_seconds`, Gauge: base, DistributionSummary: base }[m[1]]);
    }
  });
  walk(join(repoDir, "src", "main", "java"));
  return names;
}

/** apex_* metric names in a PromQL expression, histogram suffixes folded into the meter name. */
const apexMetricsIn = (expr) => [...expr.matchAll(/\b(apex_[a-z0-9_]+)/g)]
  .map((m) => m[1].replace(/_(bucket|count|sum|max)$/, ""));

/** Alert rules (runbooks, required alerts, known metrics) and the Grafana dashboard. */
export function checkMonitoring(objects, { repoDir }) {
  const problems = [];
  const expect = (ok, message) => { if (!ok) problems.push(message); };
  const known = codeMetrics(repoDir);
  const rules = objects.filter((o) => o.kind === "PrometheusRule")
    .flatMap((o) => o.spec.groups.flatMap((g) => g.rules)).filter((r) => r.alert);
  const required = {
    "error rate": /camel_exchanges_failed_total/, "turn latency p95": /0\.95[\s\S]*apex_turn_latency_seconds_bucket/,
    "fallback rate": /apex_turn_fallbacks_total/, "queue age": /apex_campaign_queue_oldest_seconds/,
    "Redis memory": /redis_memory_used_bytes/,
  };
  for (const [what, re] of Object.entries(required)) {
    expect(rules.some((r) => re.test(r.expr)), `alerts: no ${what} alert`);
  }
  for (const r of rules) {
    for (const m of apexMetricsIn(r.expr)) expect(known.has(m), `alert ${r.alert}: metric ${m} is not exported by the code`);
    const url = r.annotations?.runbook_url ?? "";
    const file = /\/(docs\/runbooks\/[a-z0-9-]+\.md)$/.exec(url)?.[1];
    expect(!!file, `alert ${r.alert}: runbook_url must point into docs/runbooks/`);
    if (file) {
      const path = join(repoDir, file);
      expect(existsSync(path), `alert ${r.alert}: runbook ${file} does not exist`);
      if (existsSync(path)) {
        const text = readFileSync(path, "utf8");
        for (const section of ["What it means", "How to confirm", "How to mitigate", "How to roll back"]) {
          expect(text.includes(`## ${section}`), `runbook ${file}: missing section "## ${section}"`);
        }
        expect(text.includes(r.alert), `runbook ${file}: does not name alert ${r.alert}`);
      }
    }
    expect(!!r.labels?.severity, `alert ${r.alert}: no severity label`);
  }
  const dashboards = objects.filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1");
  expect(dashboards.length === 1, "monitoring: one Grafana dashboard ConfigMap (label grafana_dashboard=1)");
  for (const cm of dashboards) {
    for (const [file, json] of Object.entries(cm.data)) {
      let dash;
      try { dash = JSON.parse(json); } catch (e) { problems.push(`dashboard ${file}: ${e.message}`); continue; }
      const exprs = (dash.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
      const all = exprs.join("\n");
      for (const m of DASHBOARD_METRICS) expect(all.includes(m), `dashboard ${file}: no panel charts ${m}`);
      for (const e of exprs) for (const m of apexMetricsIn(e)) expect(known.has(m), `dashboard ${file}: unknown metric ${m}`);
    }
  }
  return problems;
}

/** Workflow shape: pinned actions, CI on push and PR, deploy with rollout status and automatic undo. */
export function checkWorkflows(workflows) {
  const problems = [];
  const expect = (ok, message) => { if (!ok) problems.push(message); };
  const byName = Object.fromEntries(workflows.map((w) => [w.file.replace(/^.*\//, "").replace(/\.ya?ml$/, ""), w]));
  for (const w of workflows) {
    expect(w.doc && typeof w.doc.jobs === "object", `${w.file}: no jobs`);
    for (const line of w.text.split("\n")) {
      const m = /^\s*(?:-\s*)?uses:\s*([^\s#]+)\s*(#.*)?$/.exec(line);
      if (!m || m[1].startsWith("./")) continue;
      expect(/@[0-9a-f]{40}$/.test(m[1]), `${w.file}: action ${m[1]} must be pinned to a full commit SHA`);
      expect(/#\s*v\d/.test(m[2] ?? ""), `${w.file}: action ${m[1]} needs a "# vX.Y.Z" comment`);
    }
    // secrets only from the repository's secret store: no literal values for credential-like inputs
    for (const m of w.text.matchAll(/^\s*([A-Za-z_-]*(?:password|secret|token|creds|client-id|tenant-id|subscription-id)[A-Za-z_-]*):\s*(\S.*)$/gim)) {
      expect(/\$\{\{\s*(secrets|vars)\./.test(m[2]) || /^(write|read|none)$/.test(m[2].trim()),
        `${w.file}: ${m[1]} must come from secrets.* or vars.*`);
    }
  }
  const ci = byName.ci?.doc;
  expect(!!ci, "ci.yml is missing");
  if (ci) {
    expect(ci.on?.push !== undefined && ci.on?.pull_request !== undefined, "ci.yml: must run on push and pull_request");
    expect(ci.concurrency?.["cancel-in-progress"] === true, "ci.yml: concurrency with cancel-in-progress");
    const text = byName.ci.text;
    expect(/\.ci\/run/.test(text), "ci.yml: must run .ci/run (build, tests, k8s validation)");
    expect(/cache:\s*maven/.test(text), "ci.yml: Maven cache");
  }
  const deploy = byName.deploy;
  expect(!!deploy, "deploy.yml is missing");
  if (deploy) {
    const on = deploy.doc.on;
    expect(on?.push?.branches?.includes("main"), "deploy.yml: must run on push to main");
    const steps = Object.values(deploy.doc.jobs).flatMap((j) => j.steps ?? []);
    const run = (re) => steps.find((s) => re.test(s.run ?? ""));
    expect(!!run(/jib:build/), "deploy.yml: image must be built with Jib (no Docker daemon)");
    expect(!!run(/kustomize edit set image/), "deploy.yml: kustomize edit set image");
    expect(!!run(/kubectl apply/), "deploy.yml: kubectl apply");
    expect(!!run(/kubectl[^\n]*rollout status/), "deploy.yml: kubectl rollout status");
    const undo = run(/kubectl[^\n]*rollout undo/);
    expect(!!undo && /failure\(\)/.test(String(undo.if)), "deploy.yml: kubectl rollout undo when the rollout fails");
    expect(/github\.sha|GITHUB_SHA/.test(deploy.text), "deploy.yml: image tagged with the commit SHA");
  }
  return problems;
}
