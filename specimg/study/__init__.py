"""Measuring what a picture cost: quality measures (:mod:`.metrics`), the study's tables
(:mod:`.summary`), plots (:mod:`.plots`) and the HTML report (:mod:`.report`).

:mod:`.summary` and :mod:`.plots` need the ``pipeline`` extra (pandas).
"""
