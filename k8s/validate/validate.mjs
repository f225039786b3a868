// Offline checks of the Kubernetes manifests and the GitHub workflows (run by k8s/validate.sh and .ci/run).
//
// 1. Renders every overlay in k8s/overlays (and every component no overlay uses, on top of production) with
//    `kubectl kustomize`; a render error fails.
// 2. Validates every rendered object against its schema: Kubernetes 1.32 (kubernetes-models), KEDA,
//    cert-manager and Prometheus Operator models. An object of a kind without a schema fails.
// 3. Asserts the deployment facts the product relies on (facts.mjs) on each rendered overlay.
// 4. Parses the workflows and checks their shape (pinned actions, rollback on failed rollout).
// 5. Checks that every alert links an existing runbook and the dashboard covers the SPEC section 8 metrics.
//
// `node validate.mjs --self-test` additionally breaks each fact on purpose and fails unless the checks notice.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { checkFacts, checkMonitoring, checkWorkflows } from "./facts.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const k8sDir = resolve(here, "..");
const repoDir = resolve(k8sDir, "..");

/** Schema modules by apiVersion: each exports one class per kind with a validate() method. */
const SCHEMA_MODULES = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "coordination.k8s.io/v1": "kubernetes-models/coordination.k8s.io/v1",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
  "cert-manager.io/v1": "@kubernetes-models/cert-manager/cert-manager.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

/** @return the `kubectl kustomize` output of dir, parsed into plain objects */
export function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return parseAllDocuments(out).map((doc) => doc.toJS()).filter((o) => o);
}

/** The renders to check: each overlay, and production plus each component that no overlay includes. */
function targets(scratch) {
  const overlays = readdirSync(join(k8sDir, "overlays")).sort().map((name) => ({
    name: `overlays/${name}`, dir: join(k8sDir, "overlays", name) }));
  const used = overlays.map((o) => readFileSync(join(o.dir, "kustomization.yaml"), "utf8")).join("\n");
  const extra = readdirSync(join(k8sDir, "components")).sort()
    .filter((c) => !used.includes(`components/${c}`))
    .map((c) => {
      const dir = join(scratch, `production-with-${c}`);
      execFileSync("mkdir", ["-p", dir]);
      writeFileSync(join(dir, "kustomization.yaml"), [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        `  - ${relative(dir, join(k8sDir, "overlays", "production"))}`,
        "components:",
        `  - ${relative(dir, join(k8sDir, "components", c))}`,
        "",
      ].join("\n"));
      return { name: `overlays/production + components/${c}`, dir, component: c };
    });
  return [...overlays, ...extra];
}

/** @return schema problems of the objects (unknown kinds included) */
export async function schemaProblems(name, objects) {
  const found = [];
  const fail = (where, message) => found.push(`${where}: ${message}`);
  for (const obj of objects) {
    const where = `${name} ${obj.kind}/${obj.metadata?.name}`;
    const moduleName = SCHEMA_MODULES[obj.apiVersion];
    if (!moduleName) {
      fail(where, `no schema known for apiVersion ${obj.apiVersion}`);
      continue;
    }
    const model = (await import(moduleName))[obj.kind];
    if (typeof model !== "function") {
      fail(where, `no schema for kind ${obj.kind} in ${obj.apiVersion}`);
      continue;
    }
    try {
      new model(obj).validate();
    } catch (e) {
      fail(where, `schema: ${e.message}`);
    }
  }
  return found;
}

function loadWorkflows() {
  const dir = join(repoDir, ".github", "workflows");
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => {
    const text = readFileSync(join(dir, f), "utf8");
    return { file: `.github/workflows/${f}`, text, doc: parseYaml(text) };
  });
}

async function main() {
  const selfTest = process.argv.includes("--self-test");
  const scratch = mkdtempSync(join(here, ".render-"));
  try {
    const renders = [];
    for (const t of targets(scratch)) {
      let objects;
      try {
        objects = render(t.dir);
      } catch (e) {
        fail(t.name, `kubectl kustomize failed: ${e.stderr || e.message}`);
        continue;
      }
      renders.push({ ...t, objects });
      problems.push(...await schemaProblems(t.name, objects));
      for (const p of checkFacts(objects, { repoDir, managedRedis: t.component === "managed-redis" })) {
        fail(t.name, p);
      }
      console.log(`rendered ${t.name}: ${objects.length} objects`);
    }
    const monitored = renders.find((r) => r.objects.some((o) => o.kind === "PrometheusRule"));
    if (!monitored) {
      fail("overlays", "no overlay renders the alert rules (components/monitoring)");
    } else {
      for (const p of checkMonitoring(monitored.objects, { repoDir })) fail(monitored.name, p);
    }
    const workflows = loadWorkflows();
    for (const p of checkWorkflows(workflows)) fail(".github/workflows", p);

    if (selfTest) {
      const { selfTest: run } = await import("./self-test.mjs");
      for (const p of await run(renders, workflows, { repoDir, schemaProblems })) fail("self-test", p);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log(`k8s manifests and workflows OK${selfTest ? " (self-test: every broken fact was caught)" : ""}`);
}

if (!existsSync(join(k8sDir, "overlays"))) {
  console.error(`no overlays under ${k8sDir}`);
  process.exit(1);
}
await main();
