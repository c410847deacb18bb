#!/usr/bin/env bash
# Fetches large real-world OpenAPI documents for the api_contract
# benchmarks (contract/bench_test.go) into contract/testdata/large/, which
# is gitignored: GitHub's description is ~10 MB and is not committed.
#
#   scripts/fetch-openapi-specs.sh            # fetch (skips what is there)
#   go test ./contract -run '^$' -bench . -benchtime 2s
#
# Source: the npm package @octokit/openapi (MIT, GitHub's REST API
# description as published by GitHub). Needs npm (for the tarball URL) or
# OCTOKIT_OPENAPI_TARBALL set, curl and tar.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/contract/testdata/large"
mkdir -p "$dest"

if [[ -s "$dest/api.github.com.json" ]]; then
	echo "already there: $dest/api.github.com.json"
	exit 0
fi

tarball=${OCTOKIT_OPENAPI_TARBALL:-$(npm view @octokit/openapi dist.tarball)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching $tarball"
curl -fsSL "$tarball" -o "$tmp/openapi.tgz"
tar -xzf "$tmp/openapi.tgz" -C "$tmp"
# The package ships the description in several forms; the dereferenced one
# is not needed (the loader resolves $refs itself).
src="$tmp/package/generated/api.github.com.json"
if [[ ! -f "$src" ]]; then
	echo "api.github.com.json not found in the package; contents:" >&2
	find "$tmp/package" -maxdepth 2 >&2
	exit 1
fi
cp "$src" "$dest/api.github.com.json"
cp "$tmp/package/LICENSE"* "$dest/" 2>/dev/null || true
ls -l "$dest"
