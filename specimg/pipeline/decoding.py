"""The decoded image of a clip, for the stages that score and show it (evaluate, report)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from specimg.image.codec import image_suffix
from specimg.inversion import image_to_magnitude


def decoded_magnitude(images_dir: Path, encoding: str, clip_id: str, params: dict) -> np.ndarray:
    """A clip's image of one encoding, decoded to STFT magnitudes as the invert stage does."""
    image = images_dir / encoding / f"{clip_id}{image_suffix(encoding)}"
    S, _ = image_to_magnitude(image.read_bytes(), image,
                              floor_silence=bool(params["invert"]["floor_silence"]))
    return S
