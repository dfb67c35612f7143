"""Import WeasyPrint without the library search it does not need on Linux and macOS.

WeasyPrint 70 (weasyprint/text/ffi.py) opens Pango, HarfBuzz, fontconfig and GObject
trying several names each. Its first names ("libpango-1.0-0", "pango-1.0") make cffi
call ctypes.util.find_library, which on Linux runs ldconfig, gcc and ld: about ninety
processes and a third of a second for each import (Kozea/WeasyPrint#1125, #2073). Every
list also holds the library's file name ("libpango-1.0.so.0", "libpango-1.0.dylib"),
which the system's loader opens at once: the same file the search finds. So the search
is switched off while WeasyPrint is imported; should that import fail (a system whose
libraries have other names), WeasyPrint is imported again, searching as it always does.

render.pdf imports WeasyPrint where it uses it; calling ``import_weasyprint`` first makes
that import the fast one.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys


def import_weasyprint():
    """The weasyprint module, imported without ctypes' library search when that works, with
    render.footnotes' change made (a note stays on its call's page)."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    weasyprint = _import()
    from .footnotes import keep_notes_with_calls

    keep_notes_with_calls()
    return weasyprint


def _import():
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints why a library failed
            import weasyprint
        return weasyprint
    except Exception:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint

    return weasyprint
