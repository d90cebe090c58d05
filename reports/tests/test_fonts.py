import unicodedata
from pathlib import Path

import pytest
import reportlab

from reports.documents import fonts

VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Bitstream Vera: Latin only, no Vietnamese


def test_the_letter_list_holds_every_vietnamese_letter():
    letters = fonts.VIETNAMESE_LETTERS
    assert len(letters) == 12 * 6 * 2 + 2
    for letter in "ễượặàạầỳỷỹỵẮẰẲẴẶỚỜỞỠỢỨỪỬỮỰĐđ":
        assert unicodedata.normalize("NFC", letter) in letters
    assert all(unicodedata.is_normalized("NFC", letter) and len(letter) == 1 for letter in letters)


def test_a_font_without_vietnamese_is_refused_loudly():
    with pytest.raises(fonts.FontCoverageError) as refused:
        fonts.check_coverage({"regular": VERA})
    message = str(refused.value)
    assert "Vera.ttf" in message and "ơ" in message and "ự" in message
    assert fonts.missing_glyphs(VERA, "ABCáà") == ""  # what Vera has is not reported


def test_the_registered_family_covers_every_letter_in_all_four_styles():
    family = fonts.register()
    assert set(family.files) == set(fonts.STYLES)
    for path in family.files.values():
        assert fonts.missing_glyphs(path) == ""
    assert fonts.register() is family  # once per process


def test_an_explicit_folder_without_the_family_is_an_error(tmp_path):
    with pytest.raises(fonts.FontNotFound):
        fonts.find_family(font_dir=tmp_path)


def test_an_explicit_folder_with_a_font_missing_letters_is_refused(tmp_path):
    for name in fonts._LIBERATION2.values():
        (tmp_path / name).write_bytes(VERA.read_bytes())
    family = fonts.find_family(font_dir=tmp_path)
    with pytest.raises(fonts.FontCoverageError):
        fonts._register(family)


def test_the_pip_fallback_makes_static_styles_with_full_coverage(tmp_path):
    """On a machine with only Python (no fonts-liberation2) the pip Noto Serif is instanced once and cached."""
    files = fonts._pip_noto(tmp_path)
    assert files is not None and set(files) == set(fonts.STYLES)
    for path in files.values():
        assert path.is_file() and fonts.missing_glyphs(path) == ""
    assert files["bold"].read_bytes() != files["regular"].read_bytes()
    again = fonts._pip_noto(tmp_path)
    assert {s: p.stat().st_mtime for s, p in again.items()} == {s: p.stat().st_mtime for s, p in files.items()}


# The signal is sent here without a worker: Celery's own Django receiver warns that it has no sender.
@pytest.mark.filterwarnings("ignore:DjangoFixup.on_worker_init called without a sender")
def test_a_worker_registers_the_fonts_and_freezes_the_collector_before_it_forks_its_pool(monkeypatch):
    """Its pool processes inherit the parsed fonts (none registers them again) and share its memory."""
    import gc

    from celery.signals import worker_init, worker_process_init

    done = []
    monkeypatch.setattr(fonts, "register", lambda: done.append("fonts"))
    monkeypatch.setattr(gc, "freeze", lambda: done.append("freeze"))
    worker_init.send(sender=None)
    assert done == ["fonts", "freeze"]
    worker_process_init.send(sender=None)  # a pool process that did not fork from it registers them itself
    assert done == ["fonts", "freeze", "fonts"]
