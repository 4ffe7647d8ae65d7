"""Wires the CV Katas harness into pytest; everything else lives in the `cvkatas` package."""

pytest_plugins = ("cvkatas.plugin",)
