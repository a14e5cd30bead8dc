"""Finds bundled resource files, in a source checkout and inside a PyInstaller build."""
import os
import sys


def resource_path(*parts):
    base = getattr(sys, "_MEIPASS", None)
    root = os.path.join(base, "resources") if base else os.path.dirname(os.path.abspath(__file__))
    return os.path.join(root, *parts)
