"""A folder's format card: what pictures without metadata need to become audio.

``specimg encode`` writes :data:`CARD_NAME` at the root of its output folder. A picture an image
model generates after training on that folder carries no metadata; the card gives every
:class:`.metadata.ImageMeta` field but those the picture itself gives (its frames are its
width on a grid) and its loudness, which a generated picture does not have. Schema (JSON
object, version :data:`CARD_VERSION`)::

    {"specimg_card": 1,
     "sr", "n_fft", "hop_length", "window", "center",           the STFT
     "top_db", "encoding", "cmap", "y_axis", "n_mels", "fmin", "fmax", "layout", "low_row",
     ["n_rows_kept"],                                            only when set
     "width", "height",          every picture's size (px), or null when each differs
     "n_frames", "length"}       frames and samples of every picture, or null likewise
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace

from ..util.errors import InputError
from .formats import PictureFormat
from .metadata import ImageMeta

__all__ = ["CARD_NAME", "CARD_VERSION", "Card", "card_json", "read_card"]

CARD_NAME = "specimg-card.json"
CARD_VERSION = 1
_PER_PICTURE = ("width", "height", "n_frames", "length")


def card_json(fmt: PictureFormat) -> dict:
    """The card of pictures of ``fmt``, as a JSON-ready mapping (schema above)."""
    fixed = fmt.clip_length is not None
    fields = fmt.meta(fmt.clip_length if fixed else fmt.stft.hop_length).as_dict()
    del fields["peak_db"]
    width, height = fmt.picture_size() or (None, None)
    return {"specimg_card": CARD_VERSION, **fields, "width": width, "height": height,
            "n_frames": fields["n_frames"] if fixed else None,
            "length": fields["length"] if fixed else None}


@dataclass(frozen=True)
class Card:
    """A card read from its file.

    Attributes
    ----------
    path : str
        The card file, named in messages.
    template : ImageMeta
        Its fields (``peak_db`` 0: unknown; ``n_frames`` and ``length`` placeholders where the
        card leaves them to each picture).
    size : (int, int) or None
        Every picture's size (px), if the card gives one.
    fixed : bool
        Whether the card gives every picture's frames and length.
    """

    path: str
    template: ImageMeta
    size: tuple[int, int] | None
    fixed: bool

    def meta_for(self, size: tuple[int, int], image: str | os.PathLike) -> ImageMeta:
        """The parameters of the picture ``image`` of ``size`` (px): the card's, with its frames
        (the card's, or the picture's width) and length (``(frames - 1) * hop``).

        :class:`InputError` naming ``image`` if its size is not the card's, or if its frames
        cannot be known (a specshow card of no fixed length).
        """
        if self.size is not None and tuple(size) != self.size:
            raise InputError(image, f"is {size[0]} x {size[1]} px, but the card {self.path} "
                             f"describes {self.size[0]} x {self.size[1]} pictures")
        if self.fixed:
            return self.template
        if self.template.drawn:
            raise InputError(image, f"is a specshow picture and the card {self.path} gives no "
                             "frame count; give --frames or --duration instead of --card")
        length = (size[0] - 1) * self.template.stft.hop_length
        return replace(self.template, n_frames=size[0], length=length)


def read_card(path: str | os.PathLike) -> Card:
    """Read a card written by :func:`card_json`; :class:`InputError` naming the card and the
    first problem if it is unreadable or malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except OSError as exc:
        raise InputError(path, f"cannot be read as a card ({exc.strerror or exc})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(path, f"is not a specimg card: not JSON ({exc})") from None
    if not isinstance(raw, dict) or raw.get("specimg_card") != CARD_VERSION:
        raise InputError(path, f"is not a specimg card (no \"specimg_card\": {CARD_VERSION}); "
                         "give the specimg-card.json that specimg encode wrote")
    fields = {key: value for key, value in raw.items() if key != "specimg_card"}
    missing = [key for key in _PER_PICTURE if key not in fields]
    if missing:
        raise InputError(path, f"is a malformed card: no {', '.join(missing)}")
    size, frames, length = (fields.pop("width"), fields.pop("height")), fields.pop("n_frames"), \
        fields.pop("length")
    fixed = frames is not None or length is not None
    if size != (None, None) and not all(type(v) is int and v > 0 for v in size):
        raise InputError(path, f"is a malformed card: width and height {size} must be "
                         "positive integers or both null")
    placeholder = {"n_frames": 1, "length": 0} if not fixed else {"n_frames": frames,
                                                                  "length": length}
    text = json.dumps({**fields, **placeholder, "peak_db": 0.0})
    try:
        template = ImageMeta.from_json(text, path)
    except InputError as exc:
        raise InputError(path, "is a malformed card: "
                         + exc.problem.replace("specimg metadata", "fields")) from None
    unknown = sorted(set(fields) - set(template.as_dict()) - {"n_rows_kept"})
    if unknown:
        raise InputError(path, f"is a malformed card: unknown fields {unknown}")
    return Card(str(path), template, None if size == (None, None) else size, fixed)
