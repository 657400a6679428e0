#!/usr/bin/env bash
# Packs Oml + Oml.Interactive into the local feed (build/pack-local.sh: a fresh version every time, so NuGet's
# global cache never serves an old pack) and writes notebooks/oml-local.dib, the two lines every notebook's first
# cell imports with `#!import oml-local.dib`:
#     #i "nuget: /abs/path/artifacts/feed"
#     #r "nuget: Oml.Interactive, 0.1.0-dev.<timestamp>.<pid>"
# Run it again after changing Oml or Oml.Interactive, then restart the notebook's kernel.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
lines="$("$repo/build/pack-local.sh" --version-file "$here/.oml-version" "$@")"
{
  echo '#!meta'
  echo
  echo '{"kernelInfo":{"defaultKernelName":"csharp","items":[{"name":"csharp"}]}}'
  echo
  echo '#!csharp'
  echo
  echo "$lines"
} > "$here/oml-local.dib.tmp"
mv "$here/oml-local.dib.tmp" "$here/oml-local.dib"
echo "wrote $here/oml-local.dib:"
echo "$lines"
