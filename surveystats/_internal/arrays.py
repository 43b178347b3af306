"""Small numpy array helpers shared by the core modules."""

from __future__ import annotations

import numpy as np


def writable_out(a):
    """``a`` itself when it is an array that can be overwritten, else None (new output)."""
    return a if isinstance(a, np.ndarray) and a.ndim and a.flags.writeable else None
