#!/usr/bin/env bash
# Executes every notebook in notebooks/ under real Jupyter (nbconvert + the .net-csharp kernel of
# dotnet-interactive), as a user would: the packed local build, loaded by each notebook's first cell.
#   notebooks/run-all.sh [--no-setup] [--no-pack] [notebook.ipynb ...]
# Without --no-setup it first runs .devcontainer/post-create.sh (idempotent: apt Jupyter packages, the
# dotnet-interactive tool, the kernel registration with --http-local-only, build/pack-local.sh -> oml-local.dib).
# Writes notebooks/out/<name>.ipynb (executed) and notebooks/out/train.html; exit code 1 if any cell failed or an
# expected rich output (inline SVG chart, base64 PNG) is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
setup=1; pack=1; selected=()
for a in "$@"; do
  case "$a" in
    --no-setup) setup=0 ;;
    --no-pack) pack=0 ;;
    *.ipynb) selected+=("$(basename "$a")") ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export PATH="$PATH:$HOME/.dotnet/tools"
t0=$SECONDS
if [ "$setup" = 1 ]; then
  if [ "$pack" = 1 ]; then "$repo/.devcontainer/post-create.sh"; else OML_SKIP_PACK=1 "$repo/.devcontainer/post-create.sh"; fi
elif [ "$pack" = 1 ]; then
  "$here/use-local-build.sh"
fi
[ -f "$here/oml-local.dib" ] || { echo "notebooks/oml-local.dib is missing: run notebooks/use-local-build.sh" >&2; exit 1; }
echo "setup: $((SECONDS - t0)) s"

# Debian's jupyter (the pyenv python3 on PATH may have no nbconvert)
jupyter=/usr/bin/jupyter
[ -x "$jupyter" ] || jupyter="$(command -v jupyter)"
out="$here/out"
mkdir -p "$out"
if [ "${#selected[@]}" -eq 0 ]; then
  mapfile -t selected < <(cd "$here" && ls -1 *.ipynb | sort)
fi

status=0
for nb in "${selected[@]}"; do
  name="${nb%.ipynb}"
  s=$SECONDS
  # --allow-errors: the executed notebook is always written; failed cells are found below with their message.
  # The kernel's working directory is the notebook's folder (relative paths in the notebooks).
  (cd "$here" && "$jupyter" nbconvert --to notebook --execute --allow-errors \
      --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.startup_timeout=120 \
      --output-dir "$out" --output "$name.ipynb" "$nb") > "$out/$name.log" 2>&1 || {
    echo "FAIL $nb: nbconvert exit code $? (log: notebooks/out/$name.log)"; tail -n 20 "$out/$name.log"; status=1; continue; }
  if ! /usr/bin/python3 - "$out/$name.ipynb" "$name" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
nb = json.load(open(path))
errors, html, svg, png = [], 0, 0, 0
for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            errors.append(f"cell {i + 1}: {o.get('ename')}: {o.get('evalue')}\n" + "".join(cell["source"])[:300])
        if o.get("output_type") == "stream" and o.get("name") == "stderr" and "error CS" in "".join(o.get("text", "")):
            errors.append(f"cell {i + 1}: {''.join(o['text'])[:500]}")
        h = o.get("data", {}).get("text/html")
        if h:
            h = "".join(h) if isinstance(h, list) else h
            html += 1; svg += "<svg" in h; png += "data:image/png;base64" in h
expected = {"train": (1, 1), "validate": (0, 0), "visualization": (1, 1), "custom_components": (1, 0)}.get(name, (0, 0))
problems = list(errors)
if html == 0: problems.append("no text/html output at all")
if svg < expected[0]: problems.append(f"expected an inline <svg> chart, found {svg}")
if png < expected[1]: problems.append(f"expected a data:image/png;base64 image, found {png}")
print(f"  {name}: {html} text/html outputs, {svg} with <svg>, {png} with base64 PNG, {len(errors)} error(s)")
for p in problems: print("  PROBLEM " + p)
sys.exit(1 if problems else 0)
PY
  then
    echo "FAIL $nb ($((SECONDS - s)) s)"; status=1
  else
    echo "ok   $nb ($((SECONDS - s)) s)"
  fi
done

if [ -f "$out/train.ipynb" ]; then
  "$jupyter" nbconvert --to html "$out/train.ipynb" --output-dir "$out" --output train.html > "$out/html-export.log" 2>&1 \
    && echo "exported notebooks/out/train.html ($(du -k "$out/train.html" | cut -f1) KiB)" \
    || { echo "FAIL html export (notebooks/out/html-export.log)"; status=1; }
fi
echo "notebooks: $([ $status = 0 ] && echo passed || echo FAILED) in $((SECONDS - t0)) s"
exit $status
