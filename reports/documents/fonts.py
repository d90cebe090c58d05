"""The serif family every document is set in, found once per process and checked for Vietnamese.

Search order: an explicit folder (``DOCUMENT_FONT_DIR``), Liberation Serif 2 (Debian's ``fonts-liberation2``,
metric-compatible with Times New Roman), Times New Roman where installed, then the pip-installed Noto Serif
(``fontpkg-noto-serif``), a variable font from which static regular/bold/italic/bold-italic instances are made
once with fontTools and cached. Whatever is found must hold a glyph for every Vietnamese letter in all four
styles: a missing glyph raises ``FontCoverageError`` naming the letters, never a silent gap in a document.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

STYLES = ("regular", "bold", "italic", "bolditalic")

# Every Vietnamese letter: the twelve vowels with each of the six tones, upper and lower case, and đ/Đ.
_BASES = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _vietnamese_letters() -> str:
    letters: set[str] = {"đ", "Đ"}
    for base in _BASES:
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            assert len(letter) == 1, letter  # every combination has a precomposed code point
            letters.update((letter, letter.upper()))
    return "".join(sorted(letters))


VIETNAMESE_LETTERS = _vietnamese_letters()  # 12 vowels × 6 tones × 2 cases = 144, and đ/Đ
REQUIRED = VIETNAMESE_LETTERS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,;:!?%/()[]–-*\"'“”…"


class FontCoverageError(RuntimeError):
    """A font lacks glyphs the documents need (a Vietnamese letter would print as an empty box)."""


class FontNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFamily:
    name: str  # the family's name as registered with reportlab, e.g. "LiberationSerif"
    files: dict[str, Path]  # style → .ttf
    source: str  # where it came from, for the README and error messages

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        style = {(False, False): "regular", (True, False): "bold", (False, True): "italic"}.get(
            (bold, italic), "bolditalic"
        )
        return f"{self.name}-{style}"


_LIBERATION2 = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
_TIMES = {
    "regular": ("times.ttf", "Times_New_Roman.ttf", "Times New Roman.ttf"),
    "bold": ("timesbd.ttf", "Times_New_Roman_Bold.ttf", "Times New Roman Bold.ttf"),
    "italic": ("timesi.ttf", "Times_New_Roman_Italic.ttf", "Times New Roman Italic.ttf"),
    "bolditalic": ("timesbi.ttf", "Times_New_Roman_Bold_Italic.ttf", "Times New Roman Bold Italic.ttf"),
}
SYSTEM_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/msttcorefonts"),
    Path("/usr/share/fonts/truetype/times"),
    Path("/usr/local/share/fonts"),
    Path("C:/Windows/Fonts"),
)


def missing_glyphs(path: Path, letters: str = REQUIRED) -> str:
    """The letters of ``letters`` that the TrueType file at ``path`` has no glyph for."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    cmap = TTFontFile(str(path)).charToGlyph
    return "".join(letter for letter in letters if ord(letter) not in cmap)


def check_coverage(files: dict[str, Path]) -> None:
    problems = []
    for style, path in files.items():
        missing = missing_glyphs(path)
        if missing:
            problems.append(f"{path.name} ({style}) thiếu {len(missing)} ký tự: {missing}")
    if problems:
        raise FontCoverageError("Phông chữ không đủ chữ tiếng Việt — " + "; ".join(problems))


def _find_in(folder: Path, names: dict) -> dict[str, Path] | None:
    found = {}
    for style, candidates in names.items():
        for name in (candidates,) if isinstance(candidates, str) else candidates:
            if (folder / name).is_file():
                found[style] = folder / name
                break
        else:
            return None
    return found


def _pip_noto(cache_dir: Path) -> dict[str, Path] | None:
    """Static instances of the pip-installed variable Noto Serif, made once and kept in ``cache_dir``."""
    try:
        import fontpkg_noto_serif
    except ImportError:
        return None
    package = Path(fontpkg_noto_serif.__file__).parent / "files"
    sources = {"regular": ("NotoSerif[wdth,wght].ttf", 400), "bold": ("NotoSerif[wdth,wght].ttf", 700)}
    sources |= {
        "italic": ("NotoSerif-Italic[wdth,wght].ttf", 400),
        "bolditalic": ("NotoSerif-Italic[wdth,wght].ttf", 700),
    }
    files = {style: cache_dir / f"NotoSerif-{style}.ttf" for style in STYLES}
    missing = [style for style, path in files.items() if not path.is_file()]
    if missing:
        from fontTools.ttLib import TTFont
        from fontTools.varLib import instancer

        cache_dir.mkdir(parents=True, exist_ok=True)
        for style in missing:
            name, weight = sources[style]
            variable = TTFont(package / name)
            static = instancer.instantiateVariableFont(variable, {"wght": weight, "wdth": 100})
            partial = files[style].with_suffix(f".{os.getpid()}.tmp")
            static.save(partial)
            partial.replace(files[style])  # atomic: two processes building at once both end with a whole file
    return files


def find_family(*, font_dir: Path | None = None, cache_dir: Path | None = None) -> FontFamily:
    """The first family found, in the order of the module's docstring (not yet checked or registered)."""
    if font_dir is not None:
        files = _find_in(font_dir, _LIBERATION2) or _find_in(font_dir, _TIMES)
        if files is None:
            raise FontNotFound(f"Không thấy Liberation Serif hay Times New Roman trong {font_dir}.")
        return FontFamily(_family_name(files), files, str(font_dir))
    for folder in SYSTEM_DIRS:
        files = _find_in(folder, _LIBERATION2) or _find_in(folder, _TIMES)
        if files is not None:
            return FontFamily(_family_name(files), files, str(folder))
    files = _pip_noto(cache_dir or Path.home() / ".cache" / "kiemdiem-fonts")
    if files is not None:
        return FontFamily("NotoSerif", files, "fontpkg-noto-serif (pip)")
    raise FontNotFound(
        "Không tìm thấy phông chữ có chân cho văn bản: cài gói fonts-liberation2 (apt) hoặc fontpkg-noto-serif (pip)."
    )


def _family_name(files: dict[str, Path]) -> str:
    return "LiberationSerif" if files["regular"].name.startswith("Liberation") else "TimesNewRoman"


_lock = threading.Lock()
_registered: FontFamily | None = None
_config: dict[str, Path | None] = {"font_dir": None, "cache_dir": None}


def configure(*, font_dir: Path | str | None, cache_dir: Path | str | None) -> None:
    """Where to look (set once from Django settings by the app's ``ready``); takes effect before registration."""
    _config["font_dir"] = Path(font_dir) if font_dir else None
    _config["cache_dir"] = Path(cache_dir) if cache_dir else None


def register() -> FontFamily:
    """Find, check and register the family with reportlab: once per process; later calls return it."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            _registered = _register(find_family(**_config))
    return _registered


def _register(family: FontFamily) -> FontFamily:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    check_coverage(family.files)
    for style, path in family.files.items():
        pdfmetrics.registerFont(TTFont(f"{family.name}-{style}", str(path)))
    pdfmetrics.registerFontFamily(
        family.name,
        normal=family.face(),
        bold=family.face(bold=True),
        italic=family.face(italic=True),
        boldItalic=family.face(bold=True, italic=True),
    )
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(family.name, bold, italic, family.face(bold=bool(bold), italic=bool(italic)))
    return family


def registered() -> FontFamily | None:
    return _registered
