#!/usr/bin/env bash
# Debian packages the beat-grid evaluation needs (scripts/render-grid-set.ts, scripts/evaluate-grid.ts,
# bench/support/beat-metrics-mir-eval.py). Neither CI nor the app needs them.
#   fluidsynth            renders the MIDI sets
#   timgm6mb-soundfont    the held-out soundfont (never in training: training/common.py HELDOUT_SOUNDFONT)
#   fluid-soundfont-gm    FluidR3_GM, the training soundfont, for half of the songs
#   openttd-openmsx       OpenMSX: original MIDI songs (GPL-2.0) whose files state tempo and metre
#   sox                   cuts the renders
#   python3-mir-eval      the reference values in bench/support/beat-metrics.test.ts
set -euo pipefail
PKGS=(fluidsynth timgm6mb-soundfont fluid-soundfont-gm openttd-openmsx sox python3-mir-eval)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${PKGS[@]}"
