"""Libraries of the ``pipeline`` extra (pandas, pesq, pystoi, dask): where one is imported,
:func:`missing_extra` turns its absence into one line saying what to install."""

from __future__ import annotations

__all__ = ["PIPELINE_INSTALL", "missing_extra"]

#: How to install the extra.
PIPELINE_INSTALL = "pip install 'specimg[pipeline]'"


def missing_extra(exc: ModuleNotFoundError, needed_by: str) -> ImportError:
    """The ``ImportError`` to raise (``from None``) for ``exc``, naming what needs the module.

    ``"specimg.study.plots needs pandas, which the pipeline extra installs: pip install
    'specimg[pipeline]'"``::

        try:
            import pandas as pd
        except ModuleNotFoundError as exc:
            raise missing_extra(exc, __name__) from None
    """
    return ImportError(f"{needed_by} needs {exc.name}, which the pipeline extra installs: "
                       f"{PIPELINE_INSTALL}", name=exc.name)
