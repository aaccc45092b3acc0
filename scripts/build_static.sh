#!/usr/bin/env bash
# Copies the self-hosted typeface (Source Sans 3, SIL Open Font License) from the pinned npm package
# @fontsource/source-sans-3 into build/static/, which STATICFILES_DIRS serves. build/ is git-ignored:
# font files are installed by the build, never committed. Latin subset, the two weights the CSS uses.
set -euo pipefail
cd "$(dirname "$0")/.."
package=node_modules/@fontsource/source-sans-3
dest=build/static/portal/fonts
if [ ! -d "$package/files" ]; then
  echo "ERROR: $package is missing: run npm ci first (make run / make test do)." >&2
  exit 1
fi
mkdir -p "$dest"
for weight in 400 700; do
  cp "$package/files/source-sans-3-latin-$weight-normal.woff2" "$dest/source-sans-3-latin-$weight.woff2"
done
cp "$package/LICENSE" "$dest/OFL.txt"
