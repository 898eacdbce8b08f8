"""build-bank: collect labelled drum one-shots from Debian packages into one bank file.

Sources: hydrogen-drumkits (every kit, every layer), sonic-pi-samples, lmms-common drum
samples, and the GM drum presets of the General MIDI soundfonts rendered note by note with
fluidsynth. Each one-shot keeps its `kit` so whole kits can be held out for validation.

A second bank (`bank_more.npz`, session 14) holds kits the first never read, all for training:
the OPL3 FM soundfont's kit, freepats' GUS drum patches and eXaDrums' default kit. It is a file
of its own so that `bank.npz`, and every set rendered from it, stay as they were. Csound's GM
soundfont (csound-soundfont) is left out on purpose: its drum samples are TimGM6mb's, the
held-out soundfont (254 of its 372 one-shots have a magnitude spectrum within cosine 0.97 of a
held-out one-shot, median 1.00; OPL3, freepats and eXaDrums: none, median 0.60-0.62), and
`build_more_bank` refuses any source with such a twin (`heldout_twins`).
"""
from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from glob import glob
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from common import (COMPONENTS, DISTRACTOR, GM_DISTRACTORS, GM_TO_CLASS, GM_TO_COMPONENT,
                    HELDOUT_HYDROGEN_KITS, HELDOUT_SOUNDFONT, SOUNDFONTS, SR, TOM, UNKNOWN_COMPONENT, WORK,
                    ensure)
from midi import Song, render

MAX_LEN_S = 3.0

# Order matters: distractors first ("Cowbell" contains "bell", "Stick" is sticks clicked).
# Names are lower-cased and "_" is a word character, hence `(?<![a-z])` where `\b` would miss
# "drum_tom_hi" and "custom" must not read as a tom. Bank v2 (session 6) fixed labels that v1
# got wrong: "Open HH", "Hat Op Dirty" and "Hat 1 Op" were closed hi-hats, the Forzee kit's
# "Ride (Custom, ...)" was a tom, the djembe ensemble's bells were rides.
NAME_RULES: list[tuple[str, int | None]] = [
    (r"^elec_(beep|bell|blip|blup|bong|chime|flip|ping|plip|pop|tick|triangle|twang|twip|wood)|^perc_|^tabla_"
     r"|^glitch_perc|^wood|^zap|^clav|djembe|sangban|dununba|kenkeni|cajon|waterglass", DISTRACTOR),
    (r"cow ?bell|clap|shaker|tamb|conga|bongo|clave|block|triangle|agogo|guiro|cabasa|maraca"
     r"|whistle|vibra|timbal|stick|sidestick|side ?stick|rim ?click|click|metronome|cuica"
     r"|snap|scratch|noise|fx|blip|ping|bleep|beep|zap|laser|roll", DISTRACTOR),
    (r"cymbal_(open)|hat.*open|open.*(hat|hh)|(hat|hh).*\bop\b|hh.*op|hihat_?opened|ohh|\boh\b|semi ?open", 3),
    (r"cymbal_(closed|pedal)|hi.?hat|\bhh|_hh_|hat|chh|pedal", 2),
    (r"kick|bass ?drum|drum_bass|\bbd|^bd_|_bd_|kik|bassdrum", 0),
    (r"snare|\bsn\b|^sn_|_sn_|\bsd\b|rimshot|^snr_", 1),
    (r"(?<![a-z])tom|floor", 4),
    (r"ride|bell", 6),
    (r"crash|splash|china|cymbal|\bcym|^cra_", 5),
]

# GM drum notes whose meaning a preset changes: in the GS Orchestra kit (program 48) notes 41-53
# are timpani, not toms, hi-hats and cymbals (measured: FluidR3's and MuseScore's notes 41-53 are
# pitched 87-177 Hz drums), and note 59 is a concert cymbal. They are left out of the bank, not
# relabelled, because each soundfont fills them differently (TimGM6mb keeps its standard kit
# there). The SFX kit (program 56) is not rendered at all: MuseScore's has sound effects on
# the drum notes, and FluidR3 and TimGM6mb have no such preset (fluidsynth falls back to the
# standard kit, already in the bank).
PRESET_NOTES_SKIPPED = {48: set(range(41, 54)) | {59}}
DRUM_PROGRAMS = [0, 8, 16, 24, 25, 32, 40, 48]  # GM drum kits: standard, room, power, electronic, TR-808, jazz, brush, orchestra


MORE_SOUNDFONTS = {  # bank_more: (path, drum programs); the OPL3 soundfont has one drum kit
    "OPL3_FM": ("/usr/share/sounds/sf2/OPL-3_FM_128M.sf2", [0]),
}
FREEPATS_DRUMS = "/usr/share/midi/freepats/Drum_000"
EXADRUMS_KIT = "/usr/share/exadrums"


def classify(name: str) -> int | None:
    n = name.lower().replace("-", " ")
    for pattern, cls in NAME_RULES:
        if re.search(pattern, n):
            return cls
    return None


def load_audio(path: str) -> np.ndarray | None:
    try:
        audio, sr = sf.read(path, dtype="float32", always_2d=True)
    except Exception:  # noqa: BLE001 - unreadable files are skipped, counted below
        return None
    return to_model_rate(audio.mean(axis=1), int(sr))


def to_model_rate(mono: np.ndarray, sr: int) -> np.ndarray:
    if sr == SR:
        return mono
    g = np.gcd(sr, SR)
    return resample_poly(mono, SR // g, sr // g).astype(np.float32)


def trim(x: np.ndarray) -> np.ndarray | None:
    """Start at the attack (labels are taken at the sample start), cap the length, fade out."""
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    if peak < 1e-4:
        return None
    start = int(np.argmax(np.abs(x) > 0.05 * peak))
    start = max(0, start - 32)
    x = x[start:start + int(MAX_LEN_S * SR)]
    env = np.abs(x)
    above = np.nonzero(env > 0.001 * peak)[0]
    x = x[: max(256, int(above[-1]) + 1)]
    fade = min(len(x) // 4, int(0.05 * SR))
    if fade > 0:
        x[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return (x / peak).astype(np.float32)


class Bank:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.audio: list[np.ndarray] = []
        self.hashes: set[str] = set()

    def add(self, x: np.ndarray | None, cls: int, kit: str, vel: float, src: str) -> bool:
        if x is None:
            return False
        t = trim(x)
        if t is None:
            return False
        h = hashlib.sha1(np.round(t[:4096] * 1000).astype(np.int16).tobytes()).hexdigest()
        if h in self.hashes:
            return False
        self.hashes.add(h)
        self.items.append({"cls": cls, "kit": kit, "vel": float(vel), "src": src})
        self.audio.append(t.astype(np.float16))
        return True

    def save(self, path: Path) -> None:
        offsets = np.cumsum([0] + [len(a) for a in self.audio]).astype(np.int64)
        np.savez(path, audio=np.concatenate(self.audio), offsets=offsets,
                 meta=np.array(json.dumps(self.items)))


def add_hydrogen(bank: Bank) -> None:
    for xml in sorted(glob("/usr/share/hydrogen/data/drumkits/*/drumkit.xml")):
        kit_dir = Path(xml).parent
        kit = "hydrogen:" + kit_dir.name
        try:
            root = ET.parse(xml).getroot()
        except ET.ParseError:
            continue
        for inst in root.iter():
            if not inst.tag.endswith("instrument"):
                continue
            name_el = next((c for c in inst if c.tag.endswith("name")), None)
            if name_el is None or not name_el.text:
                continue
            cls = classify(name_el.text)
            if cls is None:
                continue
            layers = [el for el in inst.iter() if el.tag.endswith("layer")]
            files = []
            for layer in layers:
                fn = next((c.text for c in layer if c.tag.endswith("filename")), None)
                vmax = next((c.text for c in layer if c.tag.endswith("max")), "1")
                if fn:
                    files.append((fn, float(vmax or 1)))
            if not files:  # old format: <filename> directly under <instrument>
                fn = next((c.text for c in inst if c.tag.endswith("filename")), None)
                if fn:
                    files.append((fn, 1.0))
            for fn, vmax in files:
                bank.add(load_audio(str(kit_dir / fn)), cls, kit, vmax, f"{kit}/{fn}")


def add_files(bank: Bank, pattern: str, kit_of) -> None:
    for path in sorted(glob(pattern, recursive=True)):
        stem = Path(path).stem
        cls = classify(stem)
        if cls is None:
            continue
        vel = 0.5 if "soft" in stem else 1.0 if "hard" in stem else 0.8
        bank.add(load_audio(path), cls, kit_of(stem), vel, path)


def read_gus_patch(path: str) -> np.ndarray | None:
    """The first sample of a Gravis UltraSound patch (.pat, the format of freepats), as mono float
    at SR. Header layout as in TiMidity's instrum.c: 129-byte file header, 63-byte instrument,
    47-byte layer, then a 96-byte header before each sample's data."""
    data = Path(path).read_bytes()
    if not data.startswith(b"GF1PATCH1") or len(data) < 239 + 96:
        return None
    h = 239
    size = int.from_bytes(data[h + 8:h + 12], "little")
    rate = int.from_bytes(data[h + 20:h + 22], "little")
    modes = data[h + 55]
    raw = data[h + 96:h + 96 + size]
    if modes & 1:  # 16-bit
        x = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<u2" if modes & 2 else "<i2").astype(np.float32)
        x = x - 32768 if modes & 2 else x
        x /= 32768
    else:
        x = np.frombuffer(raw, dtype=np.uint8 if modes & 2 else np.int8).astype(np.float32)
        x = x - 128 if modes & 2 else x
        x /= 128
    if rate <= 0 or len(x) < 64:
        return None
    return to_model_rate(x, rate)


def add_gus_drums(bank: Bank, folder: str, kit: str) -> None:
    """GUS drum patches named by their GM note (`035_Kick_1.pat`): classes from GM_TO_CLASS, other
    GM percussion as distractors, the rest (metronome clicks, sound effects) left out."""
    for path in sorted(glob(f"{folder}/*.pat")):
        note = int(Path(path).name[:3])
        cls = GM_TO_CLASS.get(note, DISTRACTOR if note in GM_DISTRACTORS else None)
        if cls is not None:
            bank.add(read_gus_patch(path), cls, kit, 0.8, path)


def add_soundfont(bank: Bank, sf_name: str, sf_path: str, programs: list[int], bank_no: int | None,
                  channel: int = 9) -> None:
    """Every GM drum note at several velocities, for each drum preset, in one render per soundfont
    (loading a soundfont can take 30 s). Channel 9 selects GM drum presets (bank 128); kits stored
    as bank-0 presets need channel 0."""
    notes = sorted(GM_TO_CLASS) + GM_DISTRACTORS
    vels = [50, 90, 127] if channel == 9 else [30, 55, 80, 105, 127]
    spacing = 2.0
    song = Song()
    t = 0.5
    slots = []
    for prog in programs:
        song.program(channel, prog, bank=bank_no, t=t - 0.25)
        for note in notes:
            if channel == 9 and note in PRESET_NOTES_SKIPPED.get(prog, ()):
                continue
            for v in vels:
                song.note(channel, note, v, t, 0.3)
                slots.append((prog, note, v, t))
                t += spacing
    try:
        audio = render(song, sf_path, t + 1.0, SR, timeout=900)
    except Exception as e:  # noqa: BLE001
        print(f"  render failed {sf_name}: {e}")
        return
    n_new: dict[int, int] = {}
    for prog, note, v, t0 in slots:
        seg = audio[int(t0 * SR) - 64: int((t0 + spacing) * SR) - 64].copy()
        cls = GM_TO_CLASS.get(note, DISTRACTOR)
        added = bank.add(seg, cls, f"sf:{sf_name}:p{prog}", v / 127, f"{sf_name}/p{prog}/n{note}")
        n_new[prog] = n_new.get(prog, 0) + int(added)
    print(f"  {sf_name}: new one-shots per program {n_new}")


# Components (issue 33): what each one-shot of bank.npz is, by articulation. Worked out from the
# one-shot's source when a set is rendered, never stored in bank.npz, so the bank and every set
# rendered from it stay byte for byte what 1.8.0 was trained on. Names are read with the same
# lower-casing as NAME_RULES; the first matching rule of a class wins.
COMPONENT_NAME_RULES: dict[int, list[tuple[str, str | None]]] = {
    0: [(r".", "kick")],
    1: [(r"rim ?shot", "snare_rimshot"), (r"swirl|ocean", None), (r".", "snare")],
    2: [(r"swish|choke|swirl", None), (r"pedal|(?<![a-z])pd(?![a-z])|foot", "hihat_pedal"), (r".", "hihat_closed")],
    3: [(r"choke|swish", None), (r".", "hihat_open")],
    # toms by their place in the kit: "Tom 1" is the rack tom nearest the drummer, the highest
    TOM: [(r"mid|middle|tom ?2(?![0-9])", "tom_mid"),
          (r"(?<![a-z])(lo|low|floor)(?![a-z])", "tom_floor"),
          (r"(?<![a-z])(hi|high)(?![a-z])|tom ?1(?![0-9])", "tom_high")],
    5: [(r"choke", None), (r"splash", "splash"), (r"china", "china"), (r".", "crash")],
    6: [(r"choke", None), (r"bell|cup", "ride_bell"), (r".", "ride")],
}
# Distractors that are a snare articulation: the side stick (cross-stick). Hydrogen kits laid out
# in GM order name it just "Stick" in the second slot (GM 37); elsewhere "Stick" is sticks clicked.
CROSS_STICK_NAME = r"side ?stick|cross ?stick|rim ?click|rim ?tap"
# The AVL kits (avldrums.lv2) are not laid out in GM order past note 46 (sample names read from
# the sf2): 40 is the snare's edge (a head hit, not a rimshot), 43 and 47 tom edges, 46 a
# semi-open hat, 48 a hi-hat swirl, 50/52/58 cymbal chokes, 60 an unnamed 22" cymbal. bank.npz
# labels them by GM (toms for 48 and 50, crash for 52); the component map leaves the misfits out.
AVL_TO_COMPONENT = {36: "kick", 37: "snare_cross_stick", 38: "snare", 40: "snare", 41: "tom_floor",
                    42: "hihat_closed", 43: "tom_floor", 44: "hihat_pedal", 45: "tom_high", 46: "hihat_open",
                    47: "tom_high", 49: "crash", 51: "ride", 53: "ride_bell", 55: "splash", 57: "crash", 59: "ride"}
# Soundfont notes whose sample is not the GM instrument (names read from each sf2): the brush kits'
# 40 is a brush swirl (FluidR3, MuseScore) or an "Ocean Wave" (TimGM6mb); TimGM6mb's 55 is a
# "Med Crash Cymbal", not a splash.
SOUNDFONT_COMPONENT_FIXES = {("*", 40, 40): None, ("TimGM6mb", "*", 55): "crash"}


def component_from_name(name: str, cls: int, slot: int) -> int:
    """COMPONENTS index of a named one-shot of class `cls` (DISTRACTOR: a cross-stick or not);
    `slot` is its place in a Hydrogen kit (-1 elsewhere). UNKNOWN_COMPONENT where the name does
    not say (a plain "Tom" in a two-tom kit, swishes, chokes)."""
    n = name.lower().replace("-", " ")
    if cls == DISTRACTOR:
        cross = re.search(CROSS_STICK_NAME, n) or (slot == 1 and re.match(r"stick", n))
        return COMPONENTS.index("snare_cross_stick") if cross else UNKNOWN_COMPONENT
    for pattern, comp in COMPONENT_NAME_RULES.get(cls, []):
        if re.search(pattern, n):
            return COMPONENTS.index(comp) if comp else UNKNOWN_COMPONENT
    return UNKNOWN_COMPONENT


def hydrogen_names() -> dict[str, tuple[str, int]]:
    """`src` of each Hydrogen one-shot (as add_hydrogen writes it) -> (instrument name, slot)."""
    names = {}
    for xml in sorted(glob("/usr/share/hydrogen/data/drumkits/*/drumkit.xml")):
        kit_dir = Path(xml).parent
        try:
            root = ET.parse(xml).getroot()
        except ET.ParseError:
            continue
        slot = 0
        for inst in root.iter():
            if not inst.tag.endswith("instrument"):
                continue
            name_el = next((c for c in inst if c.tag.endswith("name")), None)
            if name_el is None or not name_el.text:
                continue
            for el in inst.iter():
                if el.tag.endswith("filename") and el.text:
                    names.setdefault(f"hydrogen:{kit_dir.name}/{el.text}", (name_el.text, slot))
            slot += 1
    return names


def soundfont_component(src: str) -> int:
    """`src` "<soundfont>/p<program>/n<note>" -> COMPONENTS index (UNKNOWN_COMPONENT if none)."""
    sf_name, prog, note = src.split("/")
    prog_no, note_no = int(prog[1:]), int(note[1:])
    for (name, p, n), comp in SOUNDFONT_COMPONENT_FIXES.items():
        if name in ("*", sf_name) and p in ("*", prog_no) and n == note_no:
            return COMPONENTS.index(comp) if comp else UNKNOWN_COMPONENT
    table = AVL_TO_COMPONENT if sf_name.startswith("avl_") else GM_TO_COMPONENT
    comp = table.get(note_no)
    return COMPONENTS.index(comp) if comp else UNKNOWN_COMPONENT


def bank_components(items: list[dict]) -> list[int]:
    """Component of every one-shot of bank.npz (load_bank's items), UNKNOWN_COMPONENT where the
    source does not say which articulation it is."""
    h2 = hydrogen_names()
    out = []
    for it in items:
        src, cls = it["src"], it["cls"]
        if src.startswith("hydrogen:"):
            name, slot = h2.get(src, ("", -1))
            out.append(component_from_name(name, cls, slot))
        elif src.startswith("/"):  # sonic-pi and lmms files are named by what they are
            out.append(component_from_name(Path(src).stem.replace("_", " "), cls, -1))
        else:
            out.append(soundfont_component(src))
    return out


def component_counts(items: list[dict], comps: list[int]) -> dict[str, dict[str, int]]:
    """One-shots per component and kit ("val:" marks the held-out kits)."""
    counts: dict[str, dict[str, int]] = {}
    for it, comp in zip(items, comps):
        if comp == UNKNOWN_COMPONENT:
            continue
        kit = ("val:" if is_heldout(it["kit"]) else "") + it["kit"]
        per = counts.setdefault(COMPONENTS[comp], {})
        per[kit] = per.get(kit, 0) + 1
    return counts


def build_bank() -> None:
    out = ensure(WORK)
    bank = Bank()
    add_hydrogen(bank)
    print(f"hydrogen: {len(bank.items)}")
    for prefix in ("drum_", "bd_", "sn_", "elec_", "perc_", "tabla_", "glitch_perc"):
        add_files(bank, f"/usr/share/sonic-pi/samples/{prefix}*.flac",
                  lambda s: "sonicpi:" + s.split("_")[0])
    print(f"+sonic-pi: {len(bank.items)}")
    add_files(bank, "/usr/share/lmms/samples/drums/**/*.*", lambda s: "lmms:drums")
    print(f"+lmms: {len(bank.items)}")
    for sf_name, sf_path in SOUNDFONTS.items():
        if Path(sf_path).exists():
            add_soundfont(bank, sf_name, sf_path, DRUM_PROGRAMS, None)
    for sf_path in sorted(glob("/usr/lib/lv2/avldrums.lv2/*.sf2")):
        add_soundfont(bank, "avl_" + Path(sf_path).stem, sf_path, [0], 0, channel=0)
    print(f"+soundfonts: {len(bank.items)}")
    bank.save(out / "bank.npz")
    counts: dict[str, int] = {}
    for it in bank.items:
        held = it["kit"].split(":")[1] in HELDOUT_HYDROGEN_KITS or HELDOUT_SOUNDFONT in it["kit"]
        key = f"{'val' if held else 'train'}:{it['cls']}"
        counts[key] = counts.get(key, 0) + 1
    print(json.dumps(dict(sorted(counts.items())), indent=1))
    comp_counts = component_counts(bank.items, bank_components(bank.items))
    print("one-shots per component: " + json.dumps({c: sum(k.values()) for c, k in comp_counts.items()}))


def heldout_twins(clips: list[np.ndarray], cosine: float = 0.97) -> list[int]:
    """Indices of one-shots whose magnitude spectrum (first 8,192 samples, Hann) lies within
    `cosine` of a held-out one-shot of bank.npz: the same sample under another soundfont's name,
    as Csound's GM soundfont has TimGM6mb's. Unrelated kits stay below 0.9 (FluidR3 against the
    held-out kits: median 0.67). A sample shared at another pitch would pass; that is why whole
    suspect sources are left out rather than filtered."""
    items, held_clips = load_bank()

    def spectrum(x: np.ndarray) -> np.ndarray:
        x = np.pad(x[:8192], (0, max(0, 8192 - len(x)))).astype(np.float32)
        mag = np.abs(np.fft.rfft(x * np.hanning(8192)))
        return mag / (np.linalg.norm(mag) + 1e-9)

    held = np.stack([spectrum(c) for it, c in zip(items, held_clips) if is_heldout(it["kit"])])
    return [i for i, c in enumerate(clips) if float(np.max(held @ spectrum(c))) > cosine]


def build_more_bank() -> None:
    """bank_more.npz: the kits of MORE_SOUNDFONTS, freepats and eXaDrums (training only)."""
    bank = Bank()
    for sf_name, (sf_path, programs) in MORE_SOUNDFONTS.items():
        if Path(sf_path).exists():
            add_soundfont(bank, sf_name, sf_path, programs, None)
    add_gus_drums(bank, FREEPATS_DRUMS, "freepats:Drum_000")
    add_files(bank, f"{EXADRUMS_KIT}/*.wav", lambda s: "exadrums:default")
    twins = heldout_twins(bank.audio)
    if twins:
        raise SystemExit(f"bank_more: {len(twins)} one-shots sound like held-out ones (first: "
                         f"{bank.items[twins[0]]['src']}); a source that shares samples with the held-out kits stays out")
    print(f"bank_more: {len(bank.items)} one-shots")
    counts: dict[str, int] = {}
    for it in bank.items:
        counts[f"{it['kit']}:{it['cls']}"] = counts.get(f"{it['kit']}:{it['cls']}", 0) + 1
    print(json.dumps(counts))
    bank.save(ensure(WORK) / "bank_more.npz")


def load_bank(path: Path | None = None) -> tuple[list[dict], list[np.ndarray]]:
    d = np.load(path or WORK / "bank.npz")
    items = json.loads(str(d["meta"]))
    audio, off = d["audio"], d["offsets"]
    clips = [audio[off[i]:off[i + 1]].astype(np.float32) for i in range(len(items))]
    return items, clips


def is_heldout(kit: str) -> bool:
    parts = kit.split(":")
    return (parts[0] == "hydrogen" and parts[1] in HELDOUT_HYDROGEN_KITS) or (
        parts[0] == "sf" and parts[1] == HELDOUT_SOUNDFONT)
