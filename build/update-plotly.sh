#!/usr/bin/env bash
# Replaces the vendored plotly.js bundle with another version from npm, checked against npm's dist.integrity.
#   build/update-plotly.sh 4.1.2
# Then rebuild and run the Plotly tests (they check the embedded tarball's hash and render in headless Chromium).
set -euo pipefail
version="${1:?usage: build/update-plotly.sh <plotly.js-basic-dist-min version>}"
name="plotly.js-basic-dist-min"
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="$repo/third_party/$name"
bundle_cs="$repo/Oml.Interactive/Plotly/PlotlyBundle.cs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

expected="$(npm view "$name@$version" dist.integrity)"
(cd "$work" && npm pack "$name@$version" --silent >/dev/null)
tgz="$work/$name-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$actual" != "$expected" ]; then
  echo "integrity mismatch for $name@$version: npm says $expected, the tarball is $actual" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$work" package/LICENSE package/plotly-basic.min.js

rm -f "$dir"/"$name"-*.tgz
cp "$tgz" "$dir/"
cp "$work/package/LICENSE" "$dir/LICENSE"
sed -i -E "s|(public const string Version = \")[^\"]*(\";)|\1$version\2|; s|(public const string Integrity = \")[^\"]*(\";)|\1$expected\2|" "$bundle_cs"
sed -i -E "s|$name@[0-9][0-9A-Za-z.-]*|$name@$version|g; s|$name-[0-9][0-9A-Za-z.-]*\.tgz|$name-$version.tgz|g; s|sha512-[A-Za-z0-9+/=]+|$expected|g" "$dir/README.md"

raw=$(wc -c < "$work/package/plotly-basic.min.js")
gz=$(gzip -9 -n -c "$work/package/plotly-basic.min.js" | wc -c)
echo "$name@$version: plotly-basic.min.js $raw bytes, $gz gzipped; $expected"
