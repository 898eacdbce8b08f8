"""Constants shared by every training step: paths, sample rate, classes, GM note map."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
WORK = Path(os.environ.get("BEATSIGHT_WORK", ROOT / "work"))
MODELS_OUT = REPO / "public" / "models"

SR = 22050  # every model consumes mono float PCM at this rate

# Transcription classes, in output-channel order. The app maps them to chart lanes
# (see lib/models/manifest.ts); splash and china are folded into "crash".
CLASSES = ["kick", "snare", "hihat_closed", "hihat_open", "tom", "crash", "ride"]
N_CLASSES = len(CLASSES)
KICK, SNARE, HHC, HHO, TOM, CRASH, RIDE = (CLASSES.index(name) for name in CLASSES)  # indices by name

# General MIDI drum notes -> class index; notes not listed are unlabelled distractors.
GM_TO_CLASS = {
    35: 0, 36: 0,
    38: 1, 40: 1,
    42: 2, 44: 2,
    46: 3,
    41: 4, 43: 4, 45: 4, 47: 4, 48: 4, 50: 4,
    49: 5, 57: 5, 52: 5, 55: 5,
    51: 6, 59: 6, 53: 6,
}
GM_DISTRACTORS = [37, 39, 54, 56, 58, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 75, 76, 77]
DISTRACTOR = -1

# Held out of training (whole sources), used only for validation/evaluation.
HELDOUT_SOUNDFONT = "TimGM6mb"
HELDOUT_HYDROGEN_KITS = ["TR808EmulationKit", "ColomboAcousticDrumkit"]

SOUNDFONTS = {
    "FluidR3_GM": "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "MuseScore_General": "/usr/share/sounds/sf3/MuseScore_General.sf3",
    "TimGM6mb": "/usr/share/sounds/sf2/TimGM6mb.sf2",
}


def ensure(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p
