"""The user guide (docs/user-guide): its screenshots come from the real program through
``make_screenshots.py`` and its PDFs from the markdown through ``build_pdf.py``; both scripts
are run here so they cannot rot unnoticed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "user-guide"
IMAGE_REF = re.compile(r"!\[[^\]]*\]\((images/[^)]+)\)")


def _script_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _assert_screen(path: Path) -> None:
    assert path.stat().st_size > 5_000, path
    with Image.open(path) as im:
        assert im.format == "PNG"
        assert im.size == (1366, 768), path
        colours = im.convert("RGB").resize((137, 77)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50, f"{path.name} is (nearly) one colour"


def test_every_picture_the_guides_show_exists_and_is_a_screen() -> None:
    for guide in ("zh-CN.md", "en.md"):
        refs = IMAGE_REF.findall((GUIDE / guide).read_text(encoding="utf-8"))
        assert len(refs) >= 15, guide
        for ref in refs:
            _assert_screen(GUIDE / ref)
    zh = IMAGE_REF.findall((GUIDE / "zh-CN.md").read_text(encoding="utf-8"))
    en = IMAGE_REF.findall((GUIDE / "en.md").read_text(encoding="utf-8"))
    assert [r.replace("images/en/", "images/") for r in en] == zh, (
        "both guides show the same screens in the same order (English ones from images/en/)"
    )


def test_every_screenshot_is_shown_in_its_guide() -> None:
    """No picture is left behind when a step is dropped, and the new screens are in."""
    for guide, folder in (("zh-CN.md", GUIDE / "images"), ("en.md", GUIDE / "images" / "en")):
        refs = set(IMAGE_REF.findall((GUIDE / guide).read_text(encoding="utf-8")))
        made = {f"{folder.relative_to(GUIDE).as_posix()}/{p.name}" for p in folder.glob("*.png")}
        assert made == refs, (guide, sorted(made ^ refs))
        names = {Path(r).stem for r in refs}
        assert {"first-run", "first-run-new", "settings", "exchange-menu", "conflicts"} <= names


def test_the_printable_guides_are_shipped() -> None:
    from relocation_desk.paths import user_guide

    for lang, name in (("zh_CN", "用户手册.pdf"), ("en", "user-guide.pdf")):
        path = user_guide(lang)
        assert path == GUIDE / name
        assert path.read_bytes()[:5] == b"%PDF-"
    spec = (ROOT / "packaging" / "relocation-desk.spec").read_text(encoding="utf-8")
    assert '"user-guide").glob("*.pdf")' in spec


@pytest.mark.slow
@pytest.mark.gui
def test_the_screenshot_script_takes_real_screens(tmp_path: Path) -> None:
    out = tmp_path / "images"
    result = subprocess.run(
        [sys.executable, str(GUIDE / "make_screenshots.py"), "--out", str(out),
         "--only", "first-run,sign-in,register,conflicts", "--households", "60"],
        capture_output=True, text=True, env=_script_env(), timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    made = sorted(p.name for p in out.glob("*.png"))
    assert made == [
        "conflicts.png", "first-run-new.png", "first-run.png", "register-filter.png",
        "register-find.png", "register.png", "sign-in.png",
    ]  # fmt: skip
    for p in out.glob("*.png"):
        _assert_screen(p)
    listed = subprocess.run(
        [sys.executable, str(GUIDE / "make_screenshots.py"), "--list"],
        capture_output=True, text=True, env=_script_env(), timeout=120, check=True,
    ).stdout.split()  # fmt: skip
    assert {"notice", "agreement", "dashboard", "resettlement", "audit"} <= set(listed)
    assert {"first-run", "settings", "exchange-menu", "conflicts"} <= set(listed)


@pytest.mark.slow
def test_the_pdf_script_builds_both_guides(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GUIDE / "build_pdf.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=True, cwd=tmp_path,
    )  # fmt: skip
    zh = subprocess.run(
        ["pdftotext", str(tmp_path / "用户手册.pdf"), "-"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    for heading in (
        "工作组成员的一天",
        "组长的一天",
        "指挥部的一天",
        "张榜公示",
        "冲突处理",
        "项目设置",
    ):
        assert heading in zh
    assert not re.search(r"^[，。；：）]", zh, re.MULTILINE), (
        "a line starts with closing punctuation"
    )
    en = subprocess.run(
        ["pdftotext", str(tmp_path / "user-guide.pdf"), "-"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert "A team leader's day" in en
    for pdf in tmp_path.glob("*.pdf"):
        assert pdf.stat().st_size < 5_000_000, f"{pdf.name} is too big to hand around"
