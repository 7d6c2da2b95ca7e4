"""Reading QR codes back as a banking app does, with the zxing-cpp decoder (no system library).

``decoded_svg`` draws an SVG made by ``hostledger.ledger.epc_qr.epc_qr_svg`` as pixels and
decodes them; ``decoded_png`` decodes a screenshot.
"""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image


def svg_matrix(svg: str) -> list[list[bool]]:
    """The modules an SVG made by epc_qr_svg draws: its path is one run of dark modules per
    ``M{x} {y}h{n}v1h-{n}z``."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    matrix = [[False] * size for _ in range(size)]
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg):
        for column in range(int(x), int(x) + int(length)):
            matrix[int(y)][column] = True
    return matrix


def decoded_svg(svg: str, scale: int = 6):
    """The one QR code a decoder reads from the SVG drawn at ``scale`` pixels per module."""
    matrix = svg_matrix(svg)
    image = Image.new("L", (len(matrix) * scale,) * 2, 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    (result,) = zxingcpp.read_barcodes(image)
    return result


def decoded_png(png: bytes) -> list:
    """Every QR code a decoder reads from a PNG image, such as a page's screenshot."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return list(zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
