#!/usr/bin/env bash
# Packs Oml and Oml.Interactive into a local NuGet feed folder with a fresh version (NuGet's global cache would
# otherwise keep serving an older pack of the same version) and prints the two notebook lines that load it.
#   build/pack-local.sh [--feed DIR] [--version-file FILE] [--configuration Release|Debug]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
feed="$repo/artifacts/feed"
version_file=""
configuration="Release"
while [ $# -gt 0 ]; do
  case "$1" in
    --feed) feed="$2"; shift 2 ;;
    --version-file) version_file="$2"; shift 2 ;;
    --configuration) configuration="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"
version="0.1.0-dev.$(date -u +%Y%m%d%H%M%S).$$"
for project in Oml/Oml.csproj Oml.Interactive/Oml.Interactive.csproj; do
  dotnet pack "$repo/$project" -c "$configuration" -o "$feed" -p:Version="$version" -nologo -v quiet >&2
done
if [ -n "$version_file" ]; then
  mkdir -p "$(dirname "$version_file")"
  printf '%s\n' "$version" > "$version_file"
fi
echo "#i \"nuget: $feed\""
echo "#r \"nuget: Oml.Interactive, $version\""
