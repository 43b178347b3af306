"""Internals shared by the core modules: validation, result types, special functions, root
finding and small inference helpers.  Imports nothing from surveystats but ``exceptions``."""
