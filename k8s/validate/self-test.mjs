// Proves the fact checks can fail: each mutation breaks one fact in a copy of a rendered overlay (or workflow) and
// the matching check must report a problem. Returns the mutations that went unnoticed.
import { checkFacts, checkMonitoring, checkWorkflows } from "./facts.mjs";

const byKind = (objects, kind, component) => objects.find((o) => o.kind === kind
  && (!component || o.metadata.labels?.["app.kubernetes.io/component"] === component));
const gatewayContainer = (o) => byKind(o, "Deployment", "gateway").spec.template.spec.containers[0];

const FACT_MUTATIONS = {
  "PDB minAvailable 0": (o) => { byKind(o, "PodDisruptionBudget", "gateway").spec.minAvailable = 0; },
  "rolling update maxUnavailable 1": (o) => { byKind(o, "Deployment", "gateway").spec.strategy.rollingUpdate.maxUnavailable = 1; },
  "readiness delay 10": (o) => { gatewayContainer(o).readinessProbe.initialDelaySeconds = 10; },
  "liveness on /health": (o) => { gatewayContainer(o).livenessProbe.httpGet.path = "/health"; },
  "no preStop": (o) => { delete gatewayContainer(o).lifecycle; },
  "grace below drain": (o) => { byKind(o, "Deployment", "gateway").spec.template.spec.terminationGracePeriodSeconds = 30; },
  "no media port": (o) => { gatewayContainer(o).ports.pop(); },
  "root filesystem writable": (o) => { gatewayContainer(o).securityContext.readOnlyRootFilesystem = false; },
  "HPA without memory": (o) => { const h = byKind(o, "HorizontalPodAutoscaler"); h.spec.metrics = h.spec.metrics.slice(0, 1); },
  "AOF fsync always": (o) => {
    const cm = o.find((x) => x.kind === "ConfigMap" && x.data?.["redis.conf"]);
    cm.data["redis.conf"] = cm.data["redis.conf"].replace("appendfsync everysec", "appendfsync always");
  },
  "Redis PVC 1Gi": (o) => { byKind(o, "StatefulSet", "redis").spec.volumeClaimTemplates[0].spec.resources.requests.storage = "1Gi"; },
  "Redis HTTP probe": (o) => {
    const c = byKind(o, "StatefulSet", "redis").spec.template.spec.containers[0];
    c.readinessProbe = { httpGet: { path: "/", port: 6379 } };
  },
  "Redis open to every namespace": (o) => {
    const p = o.find((x) => x.kind === "NetworkPolicy" && x.metadata.name === "apex-redis-ingress");
    p.spec.ingress[0].from = [{ namespaceSelector: {} }];
  },
  "gateway open to all": (o) => {
    const p = o.find((x) => x.kind === "NetworkPolicy" && x.metadata.name === "apex-gateway-ingress");
    p.spec.ingress.push({ from: [{ podSelector: {} }], ports: [{ port: 8080 }] });
  },
  "no default deny": (o) => { o.splice(o.findIndex((x) => x.metadata.name === "default-deny-ingress"), 1); },
  "cluster-wide role": (o) => { o.push({ kind: "ClusterRole", metadata: { name: "x" }, rules: [] }); },
  "secrets readable": (o) => { byKind(o, "Role").rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }); },
  "media routed to 8080": (o) => {
    const path = byKind(o, "Ingress").spec.rules[0].http.paths.find((p) => p.path === "/twilio/media");
    path.backend.service.port = { name: "http" };
  },
  "short WebSocket timeout": (o) => { byKind(o, "Ingress").metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] = "60"; },
  "dispatcher without ROLES": (o) => { byKind(o, "Deployment", "dispatcher").spec.template.spec.containers[0].env.shift(); },
  "KEDA on another namespace": (o) => { byKind(o, "ScaledObject").spec.triggers[0].metadata.query = "sum(apex_campaign_queue_depth)"; },
};

const MONITORING_MUTATIONS = {
  "runbook missing": (o) => { byKind(o, "PrometheusRule").spec.groups[0].rules[0].annotations.runbook_url = "https://x/docs/runbooks/nope.md"; },
  "no queue age alert": (o) => {
    const rule = byKind(o, "PrometheusRule");
    rule.spec.groups = rule.spec.groups.filter((g) => !g.rules.some((r) => /oldest/.test(r.expr)));
  },
  "dashboard metric renamed": (o) => {
    const cm = o.find((x) => x.metadata.labels?.grafana_dashboard === "1");
    const [k] = Object.keys(cm.data);
    cm.data[k] = cm.data[k].replaceAll("apex_turn_latency_seconds", "apex_turn_latency_ms");
  },
};

const WORKFLOW_MUTATIONS = {
  "action on a tag": (w) => { w.find((x) => x.file.endsWith("deploy.yml")).text += "\n      - uses: actions/checkout@v4\n"; },
  "no rollback": (w) => {
    const d = w.find((x) => x.file.endsWith("deploy.yml"));
    for (const job of Object.values(d.doc.jobs)) job.steps = job.steps.filter((s) => !/rollout undo/.test(s.run ?? ""));
  },
};

const SCHEMA_MUTATIONS = {
  "port as text": (o) => { gatewayContainer(o).ports[0].containerPort = "eight-thousand"; },
  "ScaledObject without target": (o) => { delete byKind(o, "ScaledObject").spec.scaleTargetRef; },
  "ClusterIssuer ACME without server": (o) => { delete byKind(o, "ClusterIssuer").spec.acme.server; },
  "kind without schema": (o) => { o.push({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }); },
};

export async function selfTest(renders, workflows, { repoDir, schemaProblems }) {
  const unnoticed = [];
  const production = renders.find((r) => r.name === "overlays/production");
  const copy = (x) => structuredClone(x);
  for (const [name, mutate] of Object.entries(FACT_MUTATIONS)) {
    const objects = copy(production.objects);
    mutate(objects);
    if (checkFacts(objects, { repoDir }).length === 0) unnoticed.push(`fact check missed: ${name}`);
  }
  for (const [name, mutate] of Object.entries(MONITORING_MUTATIONS)) {
    const objects = copy(production.objects);
    mutate(objects);
    if (checkMonitoring(objects, { repoDir }).length === 0) unnoticed.push(`monitoring check missed: ${name}`);
  }
  for (const [name, mutate] of Object.entries(SCHEMA_MUTATIONS)) {
    const objects = copy(production.objects);
    mutate(objects);
    if ((await schemaProblems("self-test", objects)).length === 0) unnoticed.push(`schema check missed: ${name}`);
  }
  for (const [name, mutate] of Object.entries(WORKFLOW_MUTATIONS)) {
    const w = copy(workflows);
    mutate(w);
    if (checkWorkflows(w).length === 0) unnoticed.push(`workflow check missed: ${name}`);
  }
  console.log(`self-test: ${[FACT_MUTATIONS, MONITORING_MUTATIONS, SCHEMA_MUTATIONS, WORKFLOW_MUTATIONS]
    .reduce((n, m) => n + Object.keys(m).length, 0)} broken copies checked`);
  return unnoticed;
}
