"""Every page renders in every locale, is small, and needs no script."""
import gzip

import pytest

from marketplace.i18n import LOCALES

PUBLIC_PAGES = ["/", "/languages", "/account/signup", "/account/signup/farmer", "/account/signup/processor",
                "/account/signup/cooperative", "/account/login", "/account/password/forgot",
                "/account/signup/received", "/no-such-page"]


@pytest.fixture
def people(db, create_farmer, create_coop, create_processor, create_admin, add_member):
    manager = create_coop()
    farmer = create_farmer(phone="+8613991004000")
    membership = add_member(manager, farmer)
    return {"farmer": (farmer.phone, ["/dashboard"]),
            "coop_manager": (manager.email, ["/dashboard", "/cooperative/members", "/cooperative/members/new",
                                             f"/cooperative/members/{membership.id}"]),
            "processor": (create_processor().email, ["/dashboard"]),
            "admin": (create_admin().email, ["/dashboard", "/admin/approvals"])}


def check_page(resp, url, code):
    html = resp.get_data()
    assert len(gzip.compress(html)) < 30 * 1024, url
    text = html.decode()
    assert "<script" not in text
    direction = "rtl" if code in ("ug", "kk_Arab") else "ltr"
    assert f'dir="{direction}">' in text.split("<head>")[0], (url, code)


@pytest.mark.parametrize("code", LOCALES)
def test_public_pages_in_every_locale(client, code):
    for url in PUBLIC_PAGES:
        resp = client.get(f"{url}?lang={code}")
        assert resp.status_code in (200, 404), (url, code)
        check_page(resp, url, code)


@pytest.mark.parametrize("code", LOCALES)
def test_role_pages_in_every_locale(client, auth, people, code):
    for role, (login, urls) in people.items():
        auth.login(login)
        for url in urls:
            resp = client.get(f"{url}?lang={code}")
            assert resp.status_code == 200, (role, url, code)
            check_page(resp, url, code)
        auth.logout()
