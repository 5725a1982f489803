"""The photos a report shows: read, checked and made ready for a workbook or a web page.

A photo file named in 取組 is read behind limits (file size, pixels), turned
upright (a phone's EXIF orientation), scaled down to what a printed page
needs, and written again as PNG (drawings, screenshots) or JPEG (photos):
that also drops the EXIF data, GPS position included, which has no place in a
published report. A file that is missing or not an image is a warning, never
a failure of the run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sorachi_etl.kpi.report_initiatives import Photo
from sorachi_etl.model.findings import Finding

MAX_FILE_BYTES = 30 * 1024 * 1024  # a camera's JPEG is a few MB
MAX_PIXELS = 80_000_000  # past this a picture is more likely a decompression bomb
MAX_SIDE = 900  # px: sharp at the printed size (about 5 cm), light in the HTML


@dataclass(frozen=True)
class PhotoData:
    """A photo ready to embed: its bytes, their type and its size in pixels."""

    data: bytes
    mime: str  # image/png or image/jpeg
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.mime == "image/png" else "jpeg"


def fit(width: int, height: int, box_w: float, box_h: float) -> tuple[int, int]:
    """The size of a `width` × `height` picture scaled to fit a box, its aspect kept."""
    scale = min(box_w / width, box_h / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def load_photos(photos: list[Photo], folder: Path) -> tuple[dict[str, PhotoData], list[Finding]]:
    """Read every photo (its path relative to `folder`, the master's), once per file.

    Returns the photos read, by the path as typed, and a warning per photo that
    could not be used.
    """
    loaded: dict[str, PhotoData] = {}
    failed: dict[str, tuple[str, str]] = {}
    warnings: list[Finding] = []
    for photo in photos:
        if photo.path not in loaded and photo.path not in failed:
            try:
                loaded[photo.path] = read_photo(_resolve(folder, photo.path))
            except FileNotFoundError:
                failed[photo.path] = ("photo_missing", "")
            except (OSError, ValueError) as exc:
                failed[photo.path] = ("photo_unreadable", _reason(exc))
        if photo.path in failed:
            code, detail = failed[photo.path]
            warnings.append(photo.finding(code, detail=detail))
    return loaded, warnings


def _resolve(folder: Path, typed: str) -> Path:
    # typed on Windows with backslashes ("写真\\看板.jpg"), read anywhere
    path = Path(typed.replace("\\", "/"))
    return path if path.is_absolute() else Path(folder) / path


def _reason(exc: Exception) -> str:
    if isinstance(exc, IsADirectoryError):
        return "フォルダです"
    if isinstance(exc, PermissionError):
        return "読み取る権限がありません"
    if isinstance(exc, ValueError) and exc.args:
        return str(exc.args[0])
    return "画像ファイルではないか、壊れています"


def read_photo(path: Path) -> PhotoData:
    """One photo file as `PhotoData`; raises FileNotFoundError, or OSError/ValueError
    (with a Japanese reason) for what is not a usable picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not path.is_file():
        if path.is_dir():
            raise IsADirectoryError(str(path))
        raise FileNotFoundError(str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{MAX_FILE_BYTES // 1024 // 1024}MBを超えています")
    raw = path.read_bytes()
    try:
        with Image.open(io.BytesIO(raw)) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValueError("画素数が多すぎます")
            img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a smaller size
            graphic = img.format in ("PNG", "GIF", "BMP")
            picture = ImageOps.exif_transpose(img)
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            return _encoded(picture, graphic)
    except UnidentifiedImageError:
        raise ValueError("画像ファイルではありません") from None
    except Image.DecompressionBombError:
        raise ValueError("画素数が多すぎます") from None
    except (SyntaxError, EOFError, OSError) as exc:  # Pillow's ways of saying "broken"
        raise ValueError("画像が壊れています") from exc


def _encoded(picture, graphic: bool) -> PhotoData:
    out = io.BytesIO()
    if graphic:
        if picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            picture = picture.convert("RGBA")
        picture.save(out, format="PNG", optimize=True)
        mime = "image/png"
    else:
        if picture.mode != "RGB":
            picture = picture.convert("RGB")
        picture.save(out, format="JPEG", quality=85, optimize=True)
        mime = "image/jpeg"
    return PhotoData(out.getvalue(), mime, picture.width, picture.height)
