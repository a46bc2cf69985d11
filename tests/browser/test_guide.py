"""The user guide's screenshots can all be taken, and the guide shows each of them."""

import re

from tests.browser.guide import GUIDE, GUIDE_DIR, SHOTS, VIEWPORT, load_guide_demo, shot_urls, take_screenshots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_every_guide_screenshot_is_taken_over_the_demo_plan(app, browser, live_server, db, tmp_path):
    urls = shot_urls(app, load_guide_demo())
    written = take_screenshots(browser, live_server, urls, tmp_path)
    assert sorted(path.stem for path in written) == sorted(shot.name for shot in SHOTS)
    for path in written:
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), f"{path.name} is not a PNG"
        width = int.from_bytes(data[16:20], "big")
        assert width == VIEWPORT["width"], f"{path.name} is {width} pixels wide"


def test_the_guide_shows_every_screenshot_and_only_those(app):
    names = {shot.name for shot in SHOTS}
    shown = set(re.findall(r"\]\(guide/([\w-]+)\.png\)", GUIDE.read_text()))
    assert shown == names, f"in SHOTS but not the guide: {names - shown}; in the guide only: {shown - names}"
    kept = {path.stem for path in GUIDE_DIR.glob("*.png")}
    assert kept == names, f"run `make guide`: missing {names - kept}, stale {kept - names}"
