#!/usr/bin/env bash
# Browser checks of every generated page: Nu HTML Checker, axe-core (WCAG 2.1
# A/AA) in headless Chromium, 320 px reflow, keyboard skip link, SVG
# well-formedness, an A4 print of a program page, and screenshots.
#
# Run from anywhere; safe to run again. Installs what it needs: Debian
# packages through apt-get (when missing), npm packages from the committed
# package-lock.json. No step downloads a browser: Playwright drives the
# system Chromium.
#
#   tests/browser/run.sh            # check both sites, write report.json and screenshots
#   SKIP_INSTALL=1 tests/browser/run.sh   # when the tools are already installed
#   MIERU=path/to/mieru tests/browser/run.sh   # check the sites a given binary builds
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE=$ROOT/tests/browser
WORK=$ROOT/target/browser

# Debian bookworm versions the checks were made with. The security archive
# replaces chromium regularly, so a pinned version that is no longer
# published falls back to the current one (and the report records which ran).
APT_PINNED=(
  "chromium=${CHROMIUM_VERSION:-156.0.8078.108-1~deb12u1}"
  "default-jre-headless=2:1.17-74"
  "poppler-utils=22.12.0-2+deb12u3"
  "fonts-ipaexfont-gothic=00401-5"
)

need_apt=()
for spec in "${APT_PINNED[@]}"; do
  dpkg -s "${spec%%=*}" >/dev/null 2>&1 || need_apt+=("$spec")
done
command -v node >/dev/null 2>&1 || need_apt+=("nodejs")
command -v npm >/dev/null 2>&1 || need_apt+=("npm")

if [ "${SKIP_INSTALL:-0}" != 1 ] && [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  if ! $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"; then
    echo "pinned versions not all available; installing the current ones" >&2
    $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]%%=*}"
  fi
fi

CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
  echo "chromium not found" >&2
  exit 2
fi

if [ "${SKIP_INSTALL:-0}" != 1 ] || [ ! -d "$HERE/node_modules" ]; then
  # --ignore-scripts: vnu-jar's install script would fetch a Java runtime;
  # the one from apt is used instead, and its jar ships in the package.
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund)
fi

if [ -z "${MIERU:-}" ]; then
  cargo build --release --locked --quiet
  MIERU=$ROOT/target/release/mieru
fi

# The example site builds from the repository root; the full test site gets a
# root of its own with a copy of the default theme.
rm -rf "$WORK"
mkdir -p "$WORK/full/themes" "$WORK/out"
cp -R "$ROOT/tests/sites/full/content" "$WORK/full/content"
cp -R "$ROOT/themes/default" "$WORK/full/themes/default"
"$MIERU" build --root "$ROOT" --output "$WORK/out/example" --quiet
# The test site publishes its accessibility results from the last report.
if [ -f "$HERE/report.json" ]; then
  cp "$HERE/report.json" "$WORK/full/report.json"
  "$MIERU" check --root "$WORK/full" --deny-warnings
else
  "$MIERU" check --root "$WORK/full"
fi
"$MIERU" build --root "$WORK/full" --output "$WORK/out/full" --quiet
# The test sites of the bundled sheet forms: pages laid out from a declared form.
FORM_SITES=()
for form in form-jimu-jigyo form-shisaku; do
  mkdir -p "$WORK/$form"
  cp -R "$ROOT/tests/sites/$form/content" "$WORK/$form/content"
  "$MIERU" check --root "$WORK/$form" --deny-warnings
  "$MIERU" build --root "$WORK/$form" --output "$WORK/out/$form" --quiet
  FORM_SITES+=(--site "$form=$WORK/out/$form")
done

# A program page with a sheet of several PDCA sections; on A4 it takes a few
# pages, never one (everything squeezed) nor more than six (tables broken apart).
node "$HERE/check.mjs" \
  --chromium "$CHROMIUM" \
  --site "example=$WORK/out/example" \
  --site "full=$WORK/out/full" \
  "${FORM_SITES[@]}" \
  --print "example:programs/teiju-jiritsuken/index.html:${PRINT_MIN_PAGES:-2}:${PRINT_MAX_PAGES:-6}" \
  --report "$HERE/report.json" \
  --screenshots "$ROOT/docs/screenshots"

# Search: typing Japanese queries with the keyboard finds the right program.
node "$HERE/search_test.mjs" --site "$WORK/out/example" --chromium "$CHROMIUM"
