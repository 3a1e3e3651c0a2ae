"""How well the *expected* code fits a missed photo's bar profiles, against the fit engine's best.

Round 9 (issue 22): before changing the fit engine's acceptance (a looser RMS limit, a
parity or check-digit repair of the best fit), ask whether the true code would win at all.
For every bar profile the decoder hands the fit engine on a photo (the chain's ``fit``
passes and the defocus step's, caught as they are read), and every candidate block of it,
this prints the engine's best refined fit (digits or ``INVALID`` parity, RMS, margin, σ)
next to the expected code's RMS at the best placement near that block (start and end
±2 modules, bend ±0.06 around the engine's, σ 1.1–2.0 modules). A repair can only help
where the expected code fits about as well as the best fit and clearly better than the other
codes; where wrong codes fit better, a repair picks a wrong code.

    .venv/bin/python bench/fit_truth.py upca-6_07 upca-6_12
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from plugins.scanner_camera import decoder  # noqa: E402
from plugins.scanner_camera import ean_fit as fit  # noqa: E402

SHIFTS = np.arange(-2.0, 2.01, 0.25)  # start/end offsets tried, in modules
BEND_STEPS = (-0.06, 0.0, 0.06)  # around the engine's bend
SIGMAS = (1.1, 1.4, 1.7, 2.0)  # blur widths tried, in modules


def symbols(code: str) -> list[str]:
    """The 12 drawn digits' module patterns of a 13-digit EAN (UPC-A: a leading 0)."""
    parity = fit.PARITY[int(code[0])]
    left = [(fit.L_CODES if parity[i] == "L" else fit.G_CODES)[int(code[1 + i])] for i in range(6)]
    return left + [fit.R_CODES[int(c)] for c in code[7:]]


def code_error(placed: fit.Placement, code: str) -> float:
    """RMS difference between ``code`` rendered and the ink, at the best placement and blur
    near ``placed`` (the engine's own measure, :func:`.ean_fit._errors`)."""
    bits = fit._bits(symbols(code))
    start, end, bend, _ = placed.geometry
    module = (end - start) / fit.MODULES
    best = np.inf
    for ds in SHIFTS * module:
        for de in SHIFTS * module:
            for db in BEND_STEPS:
                at = (np.array([start + ds]), np.array([end + de]), np.array([bend + db]))
                seen = fit._centred(fit._sampled(placed.ink, *at, fit._CODE_IDX)[0])
                for sigma in SIGMAS:
                    best = min(best, float(fit._errors(fit._blur_matrix(sigma) @ bits, seen)))
    return float(np.sqrt(best))


@dataclass(frozen=True)
class Row:
    band: int
    reversed: bool
    block: tuple[int, int]
    best: fit.Fit
    expected: float  # RMS of the expected code near the same block


def band_rows(profiles: list[np.ndarray], code: str) -> list[Row]:
    """Per band and candidate block: the engine's best refined fit and the expected code's RMS."""
    rows = []
    for band, profile in enumerate(profiles):
        for rev, p in ((False, profile), (True, profile[::-1])):
            for start, end in fit._candidates(p):
                placed = fit.place(p, start, end)
                if placed is None:
                    continue
                best = fit._refined(placed)
                rows.append(
                    Row(band, rev, (round(start), round(end)), best, code_error(placed, code))
                )
    return rows


def caught_profiles(image: np.ndarray) -> list[tuple[float | None, list[np.ndarray]]]:
    """The bar profiles every fit pass of :func:`.decoder.decode` read on ``image``, with the
    pass's ``max_sigma`` (set: the defocus step's passes)."""
    caught: list[tuple[float | None, list[np.ndarray]]] = []
    original = decoder.read_profiles

    def spy(profiles: list[np.ndarray], *args: object, **kwargs: object) -> str | None:
        caught.append((kwargs.get("max_sigma"), list(profiles)))  # type: ignore[arg-type]
        return original(profiles, *args, **kwargs)  # type: ignore[arg-type]

    decoder.read_profiles = spy  # type: ignore[assignment]
    try:
        decoder.decode(image)
    finally:
        decoder.read_profiles = original
    return caught


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos", nargs="+", help="manifest names, e.g. upca-6_07")
    parser.add_argument("--base", type=Path, default=Path("/work/shared/bench/barcodes"))
    args = parser.parse_args(argv)
    manifest = {}
    for line in (args.base / "MANIFEST.tsv").read_text().splitlines()[1:]:
        cells = line.split("\t")
        manifest[Path(cells[1]).stem.removeprefix("zx_")] = (cells[1], cells[5])
    for name in args.photos:
        if name not in manifest:
            print(f"{name}: not in the manifest", file=sys.stderr)
            return 2
        path, code = manifest[name]
        image = cv2.imread(str(args.base / path))
        for n, (max_sigma, profiles) in enumerate(caught_profiles(image)):
            for r in band_rows(profiles, code):
                print(
                    f"{name} pass {n} (max_sigma {max_sigma}) band {r.band} "
                    f"{'rev' if r.reversed else 'fwd'} block {r.block}: best "
                    f"{r.best.digits or 'INVALID'} rms {r.best.error:.3f} margin "
                    f"{r.best.margin:.4f} sigma {r.best.sigma:.2f}; expected {code} rms "
                    f"{r.expected:.3f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
