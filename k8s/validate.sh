#!/usr/bin/env bash
# Offline checks of k8s/ and .github/workflows: every overlay renders with `kubectl kustomize`, every object
# validates against the Kubernetes 1.32 / KEDA / cert-manager / Prometheus Operator schemas, the deployment facts
# hold (k8s/validate/facts.mjs), and the self-test proves each fact check can fail.
# Needs kubectl and Node >= 20 (npm installs the pinned validator packages from k8s/validate/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/validate"
for tool in kubectl node npm; do
  command -v "$tool" > /dev/null || { echo "k8s/validate.sh: $tool is required but not installed" >&2; exit 1; }
done
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node validate.mjs --self-test
