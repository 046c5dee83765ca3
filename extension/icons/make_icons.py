#!/usr/bin/env python3
"""Draws the Policy Lens icons (a magnifying lens over a page) as PNGs, with the standard library only.

Run from anywhere: python3 extension/icons/make_icons.py (writes icon16/32/48/128.png next to it).
"""
import math, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def png(size, pixels):
    raw = b"".join(b"\0" + bytes(row) for row in pixels)
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def draw(size):
    s = size / 16.0
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            px, py = (x + 0.5) / s, (y + 0.5) / s  # in a 16x16 design grid
            r, g, b, a = 0, 0, 0, 0
            if 2 <= px <= 11 and 1 <= py <= 14:                      # page
                r, g, b, a = 245, 247, 250, 255
                if 3.5 <= px <= 9.5 and any(abs(py - l) < 0.45 for l in (4, 6, 8)):
                    r, g, b = 150, 160, 175                          # text lines
            d = math.hypot(px - 10, py - 9.5)
            if d <= 3.2:                                             # lens glass
                r, g, b, a = 120, 190, 255, 255
            if 3.2 < d <= 4.3:                                       # lens rim
                r, g, b, a = 20, 70, 160, 255
            t = (px - 12.6) - (py - 12.1)
            if abs(t) < 1.3 and 12.3 <= px <= 15.5 and 11.8 <= py <= 15.5:  # handle
                r, g, b, a = 20, 70, 160, 255
            row += [r, g, b, a]
        rows.append(row)
    return rows


for n in (16, 32, 48, 128):
    with open(os.path.join(HERE, f"icon{n}.png"), "wb") as f:
        f.write(png(n, draw(n)))
print("icons written to", HERE)
