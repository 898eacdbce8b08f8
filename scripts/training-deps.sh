#!/usr/bin/env bash
# Debian packages needed to synthesise data, train, export and evaluate the models
# in training/. CI never trains, so this is separate from scripts/system-deps.sh.
set -euo pipefail
PKGS=(
  python3-torch python3-onnx python3-numpy python3-scipy python3-mir-eval python3-soundfile
  python3-yaml  # MedleyDB stem metadata (evaluate-real)
  fluidsynth fluid-soundfont-gm musescore-general-soundfont timgm6mb-soundfont
  hydrogen-drumkits hydrogen-data avldrums.lv2 lmms-common sonic-pi-samples drumkv1 freepats
  opl3-soundfont exadrums  # bank_more's kits (training/bank.py build_more_bank)
  festival festvox-kallpc16k festvox-kdlpc16k festvox-italp16k festvox-itapc16k  # sung vocals (training/vocals.py)
  ffmpeg libjemalloc2  # jemalloc: torch on this VM spends most time in page faults with glibc malloc
)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${PKGS[@]}"
