"""The font documents are drawn in, DejaVu Sans (shipped with matplotlib): where it is, its styles, what the
base keeps of it, and the characters every document's fonts hold from the start (`COMMON`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _matplotlib_data() -> Path:
    """matplotlib's data folder (what `matplotlib.get_data_path()` answers), found without importing
    matplotlib: that import is about a second, and documents need only its fonts."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("matplotlib is not installed: it ships the DejaVu fonts PDFs are drawn with")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data"


_FONT_DIR = _matplotlib_data() / "fonts" / "ttf"
FAMILY = "DejaVu"
STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


#: What the base keeps: Latin with its Western and Central European letters, punctuation, currency,
#: arrows, comparison and multiplication signs, bullets and ticks (what reports and names use), and
#: the rest of Windows-1252 (ƒ ˆ ˜).
BASE_RANGES = (
    (0x0020, 0x017F), (0x0192, 0x0192), (0x02C6, 0x02C6), (0x02DC, 0x02DC), (0x2010, 0x2044), (0x20A0, 0x20BF),
    (0x2190, 0x2199), (0x2212, 0x2212), (0x221E, 0x221E), (0x2248, 0x2248), (0x2260, 0x2265), (0x25A0, 0x25CF),
    (0x2713, 0x2718), (0x2122, 0x2122),
)  # fmt: skip


#: The tables fpdf2 leaves out of an embedded subset (fpdf/output.py); the base leaves them out too.
DROPPED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC",
           "SVG ", "CPAL", "COLR")  # fmt: skip


#: The characters every document's fonts hold from the start, in this order (see common_cut's docstring):
#: Windows-1252's (Western European letters, punctuation, € and ™), then the signs reports print.
#: DEL is a control character and fpdf2 reads the soft hyphen as a place to break a word: neither is drawn.
COMMON = "".join(sorted(set(bytes(range(0x20, 0x100)).decode("cp1252", errors="ignore")) - {"\x7f", "\xad"}))
COMMON += "←→≈≠≤≥−×●■▲▼✓✗∞"


#: Characters of the Latin script or common to all: a line of them alone is one piece of text to fpdf2.
ONE_SCRIPT_CHARS = frozenset(COMMON)
SAMPLE = "Aa Zz 0123456789 ÀÉÎÕÜß ąčęłńśźż – — “quoted” ‘single’ • … € £ → ← ≤ ≥ − × ● ✓ ✗ ™"


def font_dir() -> Path:
    """Where the DejaVu fonts (shipped with matplotlib) are."""
    return _FONT_DIR
