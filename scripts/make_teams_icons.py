"""Draw the Teams app icons: ``teams/color.png`` (192x192) and ``teams/outline.png`` (32x32).

Teams wants a full-colour icon and a white-on-transparent outline icon. The design is ours and
abstract (three rising steps in a rounded square: growth, one step at a time); no NHS logo or
colours are copied. Run once after changing the design: ``python scripts/make_teams_icons.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

TEAMS = Path(__file__).resolve().parent.parent / "teams"
BACKGROUND = (38, 70, 83, 255)  # slate teal
STEPS = (233, 196, 106, 255)  # warm yellow
WHITE = (255, 255, 255, 255)


def _steps(draw: ImageDraw.ImageDraw, size: int, fill: tuple, margin: float) -> None:
    """Three bars of rising height, bottom-aligned, inside ``margin`` of the square."""
    left, bottom, width = size * margin, size * (1 - margin), size * (1 - 2 * margin)
    bar, gap = width * 0.26, width * 0.11
    for i, height in enumerate((0.30, 0.55, 0.80)):
        x = left + i * (bar + gap)
        draw.rounded_rectangle([x, bottom - width * height, x + bar, bottom], radius=max(1, size // 48), fill=fill)


def color(size: int = 192) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 6, fill=BACKGROUND)
    _steps(draw, size, STEPS, 0.22)
    return image


def outline(size: int = 32) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    _steps(ImageDraw.Draw(image), size, WHITE, 0.12)
    return image


def main() -> None:
    TEAMS.mkdir(exist_ok=True)
    color().save(TEAMS / "color.png")
    outline().save(TEAMS / "outline.png")
    print(TEAMS / "color.png", TEAMS / "outline.png")


if __name__ == "__main__":
    main()
