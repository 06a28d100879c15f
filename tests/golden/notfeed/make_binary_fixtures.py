#!/usr/bin/env python3
"""Writes the binary notfeed/ fixtures (what an image server or a confused
proxy returns where a feed was expected). Files land beside this script.

    gif-pixel.bin             a complete 1x1 GIF89a (43 bytes), served as image/gif
    png-header.bin            a complete 1x1 RGBA PNG, served as text/xml
    gzip-compressed-feed.bin  a gzip stream of a tiny RSS document, served
                              without Content-Encoding (double compression);
                              the parser gets the compressed bytes
"""
import gzip
import pathlib
import struct
import zlib

HERE = pathlib.Path(__file__).resolve().parent


def gif_pixel() -> bytes:
    return (b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x80\x00\x00"   # screen, global colour table
            + b"\x00\x00\x00\xff\xff\xff"                              # two colours
            + b"!\xf9\x04\x01\x00\x00\x00\x00"                         # graphic control (transparent)
            + b",\x00\x00\x00\x00\x01\x00\x01\x00\x00"                 # image descriptor
            + b"\x02\x02D\x01\x00;")                                   # LZW data, trailer


def png_pixel() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
            + chunk(b"IEND", b""))


def gzipped_feed() -> bytes:
    doc = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Zipped</title>'
           b'</channel></rss>\n')
    return gzip.compress(doc, mtime=0)


if __name__ == "__main__":
    for name, data in (("gif-pixel.bin", gif_pixel()), ("png-header.bin", png_pixel()),
                       ("gzip-compressed-feed.bin", gzipped_feed())):
        (HERE / name).write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)")
