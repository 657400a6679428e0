#!/usr/bin/env bash
# Sets up the notebook environment; idempotent, and runs as-is on a Debian 12 machine (root or a sudo user):
#   1. Jupyter from Debian packages (nbconvert, nbclient, jupyter-client, ipykernel, jupyter-core)
#   2. the .NET Interactive tool Microsoft.dotnet-interactive 1.0.712001 (global tool, ~/.dotnet/tools)
#   3. its Jupyter kernels (.net-csharp, ...) with --http-local-only, started by absolute path (no PATH needed)
#   4. the local packages: notebooks/use-local-build.sh (build/pack-local.sh + notebooks/oml-local.dib)
# Needs the .NET 10 SDK on PATH (the devcontainer's dotnet feature; on a plain machine: Microsoft's packages).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool_version=1.0.712001
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step() { echo "== $* ($(date +%T))"; }

command -v dotnet >/dev/null || { echo "post-create: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
dotnet --version | grep -q '^10\.' || echo "post-create: warning: dotnet $(dotnet --version) is not a .NET 10 SDK" >&2

step "1/4 Jupyter (Debian packages)"
apt_packages=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-core)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "already installed: ${apt_packages[*]}"
fi

step "2/4 Microsoft.dotnet-interactive $tool_version"
tools="$HOME/.dotnet/tools"
if dotnet tool list -g | grep -qiE "^microsoft\.dotnet-interactive +$tool_version( |$)"; then
  echo "already installed"
elif dotnet tool list -g | grep -qi '^microsoft\.dotnet-interactive '; then
  dotnet tool update -g Microsoft.dotnet-interactive --version "$tool_version"
else
  dotnet tool install -g Microsoft.dotnet-interactive --version "$tool_version"
fi
case ":$PATH:" in *":$tools:"*) ;; *) export PATH="$PATH:$tools" ;; esac
if [ -f "$HOME/.bashrc" ] && ! grep -q 'dotnet/tools' "$HOME/.bashrc"; then
  echo 'export PATH="$PATH:$HOME/.dotnet/tools"' >> "$HOME/.bashrc"
fi

step "3/4 Jupyter kernels (.net-csharp) with --http-local-only"
kernel_json="$(/usr/bin/python3 -c 'import jupyter_core.paths as p, os; print(os.path.join(p.jupyter_data_dir(), "kernels", ".net-csharp", "kernel.json"))')"
[ -f "$kernel_json" ] || dotnet interactive jupyter install
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
# the kernelspec runs `dotnet interactive ...`, which fails with "Kernel died" when ~/.dotnet/tools is not on the
# PATH Jupyter was started with: start the tool by absolute path instead, bind its HTTP endpoint to loopback only
/usr/bin/python3 - "$kernel_json" "$tools/dotnet-interactive" "$dotnet_root" <<'PY'
import json, os, sys, glob
first, tool, dotnet_root = sys.argv[1:]
for path in glob.glob(os.path.join(os.path.dirname(os.path.dirname(first)), ".net-*", "kernel.json")):
    k = json.load(open(path))
    argv = k["argv"]
    if argv[:2] == ["dotnet", "interactive"]:
        argv = [tool] + argv[2:]
    if "--http-local-only" not in argv:
        argv.append("--http-local-only")
    k["argv"] = argv
    k.setdefault("env", {})["DOTNET_ROOT"] = dotnet_root
    k["env"]["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1"
    json.dump(k, open(path, "w"), indent=2)
    print(path, " ".join(argv))
PY

step "4/4 local packages (build/pack-local.sh -> notebooks/oml-local.dib)"
if [ -n "${OML_SKIP_PACK:-}" ] && [ -f "$repo/notebooks/oml-local.dib" ]; then
  echo "skipped (OML_SKIP_PACK): $(grep 'nuget: Oml' "$repo/notebooks/oml-local.dib")"
else
  "$repo/notebooks/use-local-build.sh"
fi
step "done"
