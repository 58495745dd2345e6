"""Pictures without specimg metadata: what is given about them (:mod:`.params`), what inverting
one uses, found from its pixels where not given (:mod:`.geometry`), and matplotlib figures with
axes read from their axes (:mod:`.figures`)."""

from .geometry import (
    CONSISTENCY_LIMIT_DB,
    MAX_SNAP_FRAMES,
    Geometry,
    consistency_checked,
    consistency_warning,
    invert_picture,
    picture_geometry,
    picture_n_iter,
)
from .params import (
    FOREIGN_DEFAULTS,
    NORMALISED_PEAK_DBFS,
    ForeignParams,
    fallback_meta,
    preset_fallback,
)

__all__ = ["CONSISTENCY_LIMIT_DB", "FOREIGN_DEFAULTS", "MAX_SNAP_FRAMES", "NORMALISED_PEAK_DBFS",
           "ForeignParams", "Geometry", "consistency_checked", "consistency_warning",
           "fallback_meta", "invert_picture", "picture_geometry", "picture_n_iter",
           "preset_fallback"]
