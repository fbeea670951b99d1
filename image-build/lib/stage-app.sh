#!/usr/bin/env bash
# Stages the application for the image: the committed tree (git archive HEAD), the built UI, production
# dependencies, and the native addons built for this Node ABI (the build host runs the same Debian and Node.js
# version as the image, so its compiled addons are reused instead of compiling them again).
# Usage: stage-app.sh <repo-root> <dest> [<installed-dir>]
#   <installed-dir>: where the staged tree is installed on the appliance (default /opt/api-radar); the bundle's file
#   URLs point there. STAGE_DEPS_FROM=<node_modules dir>: the tests' quick stage - node_modules is a link to that
#   directory (no npm ci, no pruning) and the UI is copied from ui/dist when it was built, not built.
set -euo pipefail
ROOT="$1"
DEST="$2"
INSTALLED="${3:-/opt/api-radar}"
DEPS_FROM="${STAGE_DEPS_FROM:-}"
rm -rf "$DEST"
mkdir -p "$DEST"
(cd "$ROOT" && git archive --format=tar HEAD) | tar -x -C "$DEST"
rm -rf "$DEST/tests" "$DEST/.ci" "$DEST/image-build"
[ -n "$DEPS_FROM" ] || (cd "$ROOT" && npm run --silent build:ui >/dev/null)
rm -rf "$DEST/ui/dist"
[ ! -d "$ROOT/ui/dist" ] || cp -r "$ROOT/ui/dist" "$DEST/ui/dist"
# the service as one ES module (boot without tsx transforming and resolving each TypeScript file): dist/main.mjs
node "$(dirname "$0")/bundle-service.mjs" "$DEST" "$INSTALLED" "$DEST/dist/main.mjs"
if [ -n "$DEPS_FROM" ]; then
  ln -s "$DEPS_FROM" "$DEST/node_modules"
  exit 0
fi
(cd "$DEST" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
for m in cap better-sqlite3; do
  [ -d "$ROOT/node_modules/$m/build/Release" ] || { echo "stage-app: $m is not built in $ROOT/node_modules (run npm ci first)" >&2; exit 1; }
  rm -rf "$DEST/node_modules/$m/build"
  mkdir -p "$DEST/node_modules/$m/build"
  cp -r "$ROOT/node_modules/$m/build/Release" "$DEST/node_modules/$m/build/Release"
  # keep only the addons, not the objects of the build
  find "$DEST/node_modules/$m/build/Release" -mindepth 1 -maxdepth 1 ! -name '*.node' -exec rm -rf {} +
done

# Only what the service runs: the UI's chart library is bundled into ui/dist by Vite; native addon sources, type
# declarations, source maps and package docs are not loaded; debug symbols of the native libraries are stripped;
# Playwright's trace viewer and recorder pages are not used to print reports.
source "$(dirname "$0")/../image.config.sh"
for m in "${APP_BUILD_ONLY_PATHS[@]}"; do rm -rf "${DEST:?}/$m"; done
find "$DEST/node_modules" -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' \
  -o -name '*.d.cts' -o -name '*.tsbuildinfo' \) -delete
find "$DEST/node_modules" -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' \) -exec strip --strip-unneeded {} +
du -sh "$DEST" >&2
