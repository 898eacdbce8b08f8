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

# Issue 33 (transcriber 1.9.0): components, the format's articulations (docs/FORMAT.md "Lanes and
# components"), in the order of the session-18 contract. The seven CLASSES above stay the onset
# classes every drum set up to 1.8.0 was labelled with (and N_CLASSES their count, which those
# sets' renderers draw random numbers by, so they still reproduce); the 1.9.0 transcriber adds an
# eighth onset output for the cross-stick, a distractor until then.
COMPONENTS = ["kick", "snare", "snare_rimshot", "snare_cross_stick", "hihat_closed", "hihat_pedal", "hihat_open",
              "tom_high", "tom_mid", "tom_floor", "crash", "splash", "china", "ride", "ride_bell"]
UNKNOWN_COMPONENT = -1
CROSS_STICK = N_CLASSES  # onset channel 7
OUTPUT_CLASSES = CLASSES + ["snare_cross_stick"]
N_OUTPUT = len(OUTPUT_CLASSES)
COMPONENT_CLASS = [KICK, SNARE, SNARE, CROSS_STICK, HHC, HHC, HHO, TOM, TOM, TOM, CRASH, CRASH, CRASH, RIDE, RIDE]
# The articulation output: a softmax over each group's components, read at the class's onset peak.
ARTICULATION_GROUPS = [
    ("snare", ["snare", "snare_rimshot"]),
    ("hihat_closed", ["hihat_closed", "hihat_pedal"]),
    ("tom", ["tom_high", "tom_mid", "tom_floor"]),
    ("crash", ["crash", "splash", "china"]),
    ("ride", ["ride", "ride_bell"]),
]
N_ARTICULATIONS = sum(len(parts) for _, parts in ARTICULATION_GROUPS)  # 12 channels
# GM drum notes -> component. 40 is GM's "electric snare": every soundfont here names it a second
# snare head sample ("Std Snr 2", "Power Snare 2", "Snare 2"), none a rimshot, so it stays "snare";
# GM has no rimshot note. 37 is the side stick ("Rim Tap" in FluidR3 and MuseScore).
GM_TO_COMPONENT = {
    35: "kick", 36: "kick", 37: "snare_cross_stick", 38: "snare", 40: "snare",
    42: "hihat_closed", 44: "hihat_pedal", 46: "hihat_open",
    41: "tom_floor", 43: "tom_floor", 45: "tom_mid", 47: "tom_mid", 48: "tom_high", 50: "tom_high",
    49: "crash", 57: "crash", 52: "china", 55: "splash", 51: "ride", 59: "ride", 53: "ride_bell",
}

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
