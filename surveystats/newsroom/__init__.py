"""The newsroom layer: :func:`annotate` reads article text, asks the core for the statistics of
every poll figure and claim it finds, and words the answers.  No statistics live here."""

from .annotator import KINDS, PIPELINE, Annotation, Finding, annotate

__all__ = ["annotate", "Annotation", "Finding", "KINDS", "PIPELINE"]
