"""The California API school samples shipped for examples (R survey's ``data(api)``).

``apistrat`` (stratified by school type), ``apiclus1`` (one-stage cluster sample of school
districts) and ``apiclus2`` (two stages: districts, then schools), with the columns the
examples use; exported by ``tests/reference/design/api_reference.R``.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["load_api", "API_SAMPLES"]

API_SAMPLES = ("apistrat", "apiclus1", "apiclus2")


def load_api(name="apistrat"):
    """One of R's API samples as a pandas DataFrame (``"apistrat"``, ``"apiclus1"``, ``"apiclus2"``).

    Examples
    --------
    >>> from surveystats.design import load_api
    >>> load_api("apistrat").shape
    (200, 15)
    """
    import pandas as pd

    from .._internal.validation import check_choice

    check_choice("name", name, API_SAMPLES)
    with resources.files("surveystats").joinpath(f"data/{name}.csv").open("rb") as handle:
        return pd.read_csv(handle)
