"""Spectrogram pictures: what they carry, how they are written, drawn and read back.

:mod:`.metadata` (:class:`ImageMeta`), :mod:`.containers` (PNG chunks and JPEG segments:
other programs' metadata dropped, EXIF found), :mod:`.codec` (PNG/JPEG encoding and decoding),
:mod:`.drawing` (specshow pictures), :mod:`.raster` (pixels to cells), :mod:`.colormap`
(colour maps read by lightness), :mod:`.geometry` (frames counted from a picture),
:mod:`.figure` and :mod:`.figure_fit` (matplotlib figures with axes: the plot area, colour bar
and ticks found, the cells placed to a fraction of a pixel), :mod:`.figure_text` (what the
axes' labels say), :mod:`.formats` (pictures an image model takes: what fills W x H px),
:mod:`.card` (a folder's format, for pictures that carry none), :mod:`.presets` (Riffusion's
and audio-diffusion's parameters: EXIF tags, presets) and :mod:`.preset_pictures` (pictures
drawn as those formats draw them). The everyday names are re-exported here.
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
