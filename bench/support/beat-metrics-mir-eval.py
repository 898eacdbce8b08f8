# Reference values for bench/support/beat-metrics.test.ts, computed by mir_eval (Debian's
# python3-mir-eval, `bash scripts/eval-deps.sh`):  /usr/bin/python3 bench/support/beat-metrics-mir-eval.py
# The sequences are the test's own: keep the two in step.
import math

import mir_eval
import numpy as np

ref = np.arange(0, 61) * 0.5  # 120 BPM for 30 s
cases = {
    "exact": ref.copy(),
    "shift30ms": ref + 0.03,
    "shift100ms": ref + 0.1,
    "double": np.arange(0, 121) * 0.25,
    "half": ref[::2].copy(),
    "offbeat": ref[:-1] + 0.25,
    "jitter": ref + np.array([0.06 * math.sin(1.7 * i) for i in range(len(ref))]),
    "drift": np.arange(0, 58) * 0.52,
    "inserted": np.sort(np.append(ref, 15.2)),
    "slip": np.concatenate([ref[ref < 15], ref[ref >= 15] + 0.2]),
}
print("mir_eval", mir_eval.__version__)
for name, est in cases.items():
    r = mir_eval.beat.trim_beats(ref)
    e = mir_eval.beat.trim_beats(est)
    f = mir_eval.beat.f_measure(r, e)
    cmlc, cmlt, amlc, amlt = mir_eval.beat.continuity(r, e)
    print(f"{name}: f={f!r} cmlc={cmlc!r} cmlt={cmlt!r} amlc={amlc!r} amlt={amlt!r}")
