"""The offline backend's reasoning: grades, follow-ups and probes from the exemplars and rubric notes.

No network and no model: everything is derived from the bank, deterministically, and
every result is labelled an estimate. ``backends/offline.py`` puts it behind the model seam.
"""
