"""Vietnamese typed with the old 8-bit fonts, found inside Unicode text, and its conversion to Unicode.

Before Unicode, Vietnamese was typed with TCVN3 (ABC, the ".VnTime" fonts) or VNI ("VNI-Times") fonts: the
file stores the font's 8-bit codes, which a Unicode program reads as Latin-1 letters ("Lª V¨n Quý" for
"Lê Văn Quý" in TCVN3, "Leâ Vaên Quyù" in VNI). Pure Python, no Django.

- ``to_unicode(text, encoding)`` converts with the tables below (TCVN 5712:1993 VN3; VNI Windows);
- ``detect(text)`` says which encoding a text was typed in, or None: a conversion is proposed only when it turns
  words that are not Vietnamese syllables into words that are (``plausible``), so real Unicode text, which uses
  some of the same Latin-1 letters (á, à, ê, ô…), is left alone.
"""

from __future__ import annotations

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
LABELS = {TCVN3: "TCVN3 (ABC, phông .Vn…)", VNI: "VNI (phông VNI-…)"}

# TCVN3 (VN3): one code per letter; capitals with a tone do not exist (the ".VnTimeH" fonts draw the small ones).
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ ×ì Ýí Øỉ Üĩ Þị "
    "ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ ïù óú ñủ òũ ôụ \xadư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ "
    "¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)
TCVN3_MAP = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split(" ")}

# VNI: a base letter followed by a code for its mark(s); a few letters are one code (ơ ư đ and i's tones, ỵ).
_VNI_SINGLE = {"ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ",
               "ò": "ị", "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ"}  # fmt: skip
_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_TONES |= {k.upper(): v for k, v in _TONES.items()}
_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_CIRCUMFLEX |= {k.upper(): v for k, v in _CIRCUMFLEX.items()}
_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_BREVE |= {k.upper(): v for k, v in _BREVE.items()}
_VOWELS = set("aeiouyAEIOUY")


def tcvn3_to_unicode(text: str) -> str:
    return "".join(TCVN3_MAP.get(ch, ch) for ch in text)


def vni_to_unicode(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _VOWELS or ch in "ôÔöÖ":
            base = _VNI_SINGLE.get(ch, ch) if ch in "ôÔöÖ" else ch
            if base.lower() in "aeo" and nxt in _CIRCUMFLEX:
                out.append(unicodedata.normalize("NFC", base + "\u0302" + _CIRCUMFLEX[nxt]))
                i += 2
                continue
            if base.lower() == "a" and nxt in _BREVE:
                out.append(unicodedata.normalize("NFC", base + "\u0306" + _BREVE[nxt]))
                i += 2
                continue
            if nxt in _TONES:
                out.append(unicodedata.normalize("NFC", base + _TONES[nxt]))
                i += 2
                continue
            out.append(base)
        else:
            out.append(_VNI_SINGLE.get(ch, ch))
        i += 1
    return "".join(out)


def to_unicode(text: str, encoding: str) -> str:
    return tcvn3_to_unicode(text) if encoding == TCVN3 else vni_to_unicode(text)


_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEI = sorted(
    [
        "a",
        "ă",
        "â",
        "e",
        "ê",
        "i",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
        "y",
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iê",
        "iu",
        "oa",
        "oă",
        "oe",
        "oi",
        "oo",
        "ôi",
        "ơi",
        "ua",
        "uâ",
        "uê",
        "ui",
        "uô",
        "uơ",
        "uy",
        "ưa",
        "ưi",
        "ưu",
        "ươ",
        "yê",
        "iêu",
        "yêu",
        "oai",
        "oay",
        "oao",
        "oeo",
        "uây",
        "uôi",
        "uya",
        "uyê",
        "uyu",
        "ươi",
        "ươu",
    ],
    key=len,
    reverse=True,
)
_SYLLABLE = re.compile(rf"^(?:{_ONSETS})?(?:{'|'.join(_NUCLEI)})(?:ng|nh|ch|[cmnpt])?$")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def plausible(word: str) -> bool:
    """Whether ``word`` can be one Vietnamese syllable (any case, at most one tone), or holds no letter at all."""
    word = word.strip(".,;:()\"'-/")
    if not any(ch.isalpha() for ch in word):
        return True
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for ch in decomposed if ch in _TONE_MARKS) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return bool(_SYLLABLE.match(bare))


def _score(text: str) -> int:
    return sum(1 for word in text.split() if plausible(word))


def detect(text: str) -> str | None:
    """The legacy encoding ``text`` was typed in (TCVN3 or VNI), or None when it reads as it is."""
    if not isinstance(text, str) or text.isascii():
        return None
    words = text.split()
    here = _score(text)
    if here == len(words):
        return None
    best, best_score = None, here
    for encoding in (TCVN3, VNI):
        converted = to_unicode(text, encoding)
        if converted == text:
            continue
        pairs = zip(words, converted.split(), strict=False)
        score = _score(converted)
        if score > best_score and all(plausible(new) for old, new in pairs if old != new):
            best, best_score = encoding, score
    return best
