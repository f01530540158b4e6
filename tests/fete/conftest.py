import base64
import io

import pytest

from partez.organisations.services import api_token_create
from tests.api.conftest import ApiClient
from tests.factories.fete import build_fete


def png_bytes() -> bytes:
    """A real (tiny) PNG, as a signature canvas would send (segno writes PNGs without Pillow)."""
    import segno

    out = io.BytesIO()
    segno.make("signature").save(out, kind="png", scale=2)
    return out.getvalue()


@pytest.fixture(scope="session")
def signature_b64():
    return base64.b64encode(png_bytes()).decode()


@pytest.fixture
def fete_setup(edition, commune, ccas, other_org):
    return build_fete(edition, commune, ccas, other_org.commune, other_org)


@pytest.fixture
def volunteer_api(fete_setup):
    return ApiClient(api_token_create(membership=fete_setup.volunteer, name="tablette")[1])
