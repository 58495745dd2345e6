"""Spectrogram images, gathered from the modules that now hold them.

:mod:`specimg.metadata` (:class:`ImageMeta`), :mod:`specimg.codec` (PNG/JPEG encoding and
decoding), :mod:`specimg.drawing` (specshow pictures) and :mod:`specimg.raster` (pixels to
cells). Import from those; this module keeps older imports working.
"""

from .codec import (
    MAX_PIXELS,
    check_pixels,
    decode_image,
    encode_levels,
    image_suffix,
    open_image,
    parse_encoding,
)
from .drawing import render_specshow, specshow_figure, specshow_pixel_cells
from .metadata import METADATA_KEY, ImageMeta, jpeg_comment, read_meta

__all__ = ["MAX_PIXELS", "METADATA_KEY", "ImageMeta", "check_pixels", "decode_image",
           "encode_levels", "image_suffix", "jpeg_comment", "open_image", "parse_encoding",
           "read_meta", "render_specshow", "specshow_figure", "specshow_pixel_cells"]
