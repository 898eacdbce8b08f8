#!/usr/bin/env bash
# The Debian packages the app's tests and tools need. One place, called by .ci/run and by
# developers at the start of a session. Idempotent: apt skips what is already installed.
set -euo pipefail

packages=(
  chromium               # Playwright e2e runs Debian's Chromium (/usr/bin/chromium)
  libchromaprint-tools   # fpcalc: the fingerprint reference our port is compared with
  ffmpeg                 # decoding / encoding test audio, Node-side decoding
  sox                    # generating and measuring test audio
  caddy                  # validating deploy/Caddyfile (scripts/deploy-files.test.ts)
  yamllint               # linting compose.yaml; brings python3-yaml, which reads it in the same test
  postgresql             # an external PostgreSQL server for CI and e2e/cluster.spec.ts (scripts/external-postgres.sh)
  libxml2-utils          # xmllint: validating MusicXML exports against the MusicXML 4.0 XSD (issue 32)
)

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present (${packages[*]})"
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
