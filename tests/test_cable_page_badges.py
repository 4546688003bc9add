"""Badge colours: every text/background pair in the stylesheets passes WCAG AA (4.5:1)."""

import re

import pytest

from tests.conftest import PROJECT_DIR

SITE_CSS = PROJECT_DIR / "static" / "css" / "site.css"
CABLE_CSS = PROJECT_DIR / "static" / "css" / "cable.css"
PRINT_CSS = PROJECT_DIR / "static" / "css" / "print.css"
AA = 4.5

# The classes the badge partial produces: level|slugify for cable and paragraph levels.
BADGE_CLASSES = [
    "badge-unclassified", "badge-confidential", "badge-secret", "badge-top-secret",
    "badge-u", "badge-sbu", "badge-c", "badge-s", "badge-ts", "badge-none",
]  # fmt: skip


def relative_luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted(
        [relative_luminance(foreground), relative_luminance(background)], reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def badge_colours(css_path):
    """{class: (text colour, background colour)} from the .badge rules, cascading in order."""
    css = re.sub(r"/\*.*?\*/", "", css_path.read_text(), flags=re.S)
    base = {"color": None, "background": None}
    per_class = {name: {} for name in BADGE_CLASSES}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        names = [s.strip() for s in selectors.split(",")]
        declarations = {
            prop.strip(): value.strip().replace("!important", "").strip()
            for prop, value in (d.split(":", 1) for d in body.split(";") if ":" in d)
        }
        colours = {}
        for prop in ("color", "background", "background-color"):
            if prop in declarations:
                match = re.match(r"#[0-9a-fA-F]{3,6}\b", declarations[prop])
                if match:
                    colours["background" if prop.startswith("background") else prop] = match[0]
        if ".badge" in names:
            base.update(colours)
        for name in BADGE_CLASSES:
            if f".{name}" in names:
                per_class[name].update(colours)
    return {
        name: (
            per_class[name].get("color", base["color"]),
            per_class[name].get("background", base["background"]),
        )
        for name in BADGE_CLASSES
    }


SCREEN = badge_colours(SITE_CSS)
PRINT = badge_colours(PRINT_CSS)


def test_known_contrast_values():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#ffffff", "#777777"), 2) == 4.48  # just fails AA


@pytest.mark.parametrize("name", BADGE_CLASSES)
def test_screen_badge_passes_aa(name):
    text, background = SCREEN[name]
    assert text and background, f"{name} has no colours"
    assert contrast(text, background) >= AA, (name, text, background)


@pytest.mark.parametrize("name", BADGE_CLASSES)
def test_print_badge_is_black_on_white(name):
    text, background = PRINT[name]
    assert contrast(text, background) == pytest.approx(21.0)


def test_the_ratios_in_the_stylesheet_comment_are_the_real_ones():
    """site.css documents each ratio; keep the comment and the colours in step."""
    comment = SITE_CSS.read_text()
    for level, name in [("U", "badge-u"), ("SBU", "badge-sbu"), ("C", "badge-c"),
                        ("S", "badge-s"), ("TS", "badge-ts"), ("none", "badge-none")]:  # fmt: skip
        ratio = f"{contrast(*SCREEN[name]):.2f}"
        assert f"{level} {ratio}" in comment, (level, ratio)


def test_levels_have_distinct_colours():
    backgrounds = {SCREEN[name][1] for name in ["badge-u", "badge-sbu", "badge-c", "badge-s"]}
    assert len(backgrounds | {SCREEN["badge-ts"][1], SCREEN["badge-none"][1]}) == 6


def test_highlighted_paragraph_and_muted_text_pass_aa():
    css = CABLE_CSS.read_text()
    highlight = re.search(
        r"\.paragraph:target, \.paragraph\.is-highlighted \{[^}]*background: (#\w+)", css
    )[1]
    assert contrast("#1a1a1a", highlight) >= AA  # the ink
    assert contrast("#0b4f9c", highlight) >= AA  # links
    assert contrast("#555555", "#f5f5f2") >= AA  # muted text in the metadata panel
