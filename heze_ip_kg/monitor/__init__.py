"""Observed indicator values as a Data Cube (``observations``) and each
indicator's progress towards its target (``assessment``)."""
