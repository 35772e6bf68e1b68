"""The suite's database as a user and an integrator reach it: the login page over HTTP,
and the demo data over XML-RPC (the server pytest starts for the browser tests)."""

import urllib.request
import xmlrpc.client

import pytest

import odoo


@pytest.fixture(scope="module")
def base_url():
    return f"http://127.0.0.1:{odoo.tools.config['http_port']}"


def test_login_page_answers_200(base_url):
    with urllib.request.urlopen(f"{base_url}/web/login", timeout=60) as response:
        assert response.status == 200
        assert b'name="login"' in response.read()


def test_demo_invoices_are_readable_over_xmlrpc(base_url):
    db = odoo.tools.config["db_name"]
    common = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    assert uid
    models = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/object")
    companies = models.execute_kw(
        db,
        uid,
        "admin",
        "res.company",
        "search_read",
        [[]],
        {"fields": ["name", "einvoice_ubl_profile"]},
    )
    assert {c["name"] for c in companies} >= {
        "Atelier Lambrecht BV",
        "Fietsenmakerij De Vries B.V.",
    }
    assert {c["einvoice_ubl_profile"] for c in companies} == {"peppol_bis3"}
    posted = models.execute_kw(
        db,
        uid,
        "admin",
        "account.move",
        "search_count",
        [[("move_type", "=", "out_invoice"), ("state", "=", "posted")]],
        {"context": {"allowed_company_ids": [c["id"] for c in companies]}},
    )
    assert posted == 7


def test_an_invoices_ubl_and_its_check_over_xmlrpc(base_url):
    db = odoo.tools.config["db_name"]
    common = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    [company] = call("res.company", "search", [("name", "=", "Atelier Lambrecht BV")])
    context = {"allowed_company_ids": [company]}
    [invoice] = call(
        "account.move",
        "search",
        [
            ("company_id", "=", company),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("partner_id.name", "=", "Bakkerij Janssens BV"),
        ],
        limit=1,
        context=context,
    )
    xml = call("account.move", "einvoice_ubl", [invoice], "ublbe", context=context)
    assert "urn:UBL.BE" in xml and "EmbeddedDocumentBinaryObject" in xml
    xml = call(
        "account.move", "einvoice_ubl", [invoice], None, "peppol", context=context
    )
    assert "urn:fdc:peppol.eu:2017:poacc:billing:3.0" in xml
    [result] = call(
        "account.move", "einvoice_check", [invoice], channel="peppol", context=context
    )
    assert result["profile"] == "peppol_bis3"
    assert result["valid"], result["problems"]
