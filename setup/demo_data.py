"""Demo data of ./setup/run (and of the test database): called with an Odoo environment.

A Belgian company (the main one) and a Dutch company, each with its country's chart of
accounts, a bank account, customers in Belgium, the Netherlands, another EU country and
outside the EU, two products and a few posted invoices. All identifiers are fictitious
but pass their official checks (VAT mod-97 / mod-11, IBAN mod-97).
"""

from datetime import date, timedelta

BE_COMPANY = {
    "name": "Atelier Lambrecht BV",
    "street": "Kunstlaan 12",
    "zip": "1000",
    "city": "Brussel",
    "country": "be",
    "vat": "BE0712345630",
    "company_registry": "0712.345.630",
    "email": "facturen@atelier-lambrecht.example",
    "phone": "+32 2 555 01 23",
    "iban": "BE46063000000136",
    "chart": "be_comp",
}
NL_COMPANY = {
    "name": "Fietsenmakerij De Vries B.V.",
    "street": "Damrak 1",
    "zip": "1012 LG",
    "city": "Amsterdam",
    "country": "nl",
    "vat": "NL100000009B01",
    "company_registry": "12345678",  # KvK number
    "email": "administratie@devries-fietsen.example",
    "phone": "+31 20 555 0123",
    "iban": "NL91ABNA0417164300",
    "chart": "nl",
}
CUSTOMERS = [
    # name, street, zip, city, country, vat, e-mail
    (
        "Bakkerij Janssens BV",
        "Meir 50",
        "2000",
        "Antwerpen",
        "be",
        "BE0555444368",
        "boekhouding@bakkerij-janssens.example",
    ),
    (
        "Brasserie du Parc SRL",
        "Rue de Namur 3",
        "5000",
        "Namur",
        "be",
        "BE0876543270",
        "comptabilite@brasserie-du-parc.example",
    ),
    (
        "Groenteboer Bakker B.V.",
        "Coolsingel 40",
        "3011 AD",
        "Rotterdam",
        "nl",
        "NL200000007B01",
        "facturen@groenteboer-bakker.example",
    ),
    (
        "Müller Werkzeuge GmbH",
        "Königsallee 10",
        "40212",
        "Düsseldorf",
        "de",
        "DE123456704",
        "rechnungen@mueller-werkzeuge.example",
    ),
    (
        "Harbor Supplies Inc.",
        "500 Pine Street",
        "98101",
        "Seattle",
        "us",
        False,
        "ap@harbor-supplies.example",
    ),
]
PRODUCTS = [
    # name, type, price
    ("Workshop hour", "service", 85.0),
    ("Oak side table", "consu", 640.0),
]


def _country(env, code):
    return env.ref(f"base.{code}")


def _setup_company(env, company, data):
    company.write(
        {
            "name": data["name"],
            "street": data["street"],
            "zip": data["zip"],
            "city": data["city"],
            "country_id": _country(env, data["country"]).id,
            "vat": data["vat"],
            "company_registry": data["company_registry"],
            "email": data["email"],
            "phone": data["phone"],
            "currency_id": env.ref("base.EUR").id,
        }
    )
    env["account.chart.template"].try_loading(
        data["chart"], company=company, install_demo=False
    )
    bank_journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    bank_account = env["res.partner.bank"].create(
        {
            "acc_number": data["iban"],
            "partner_id": company.partner_id.id,
            "company_id": company.id,
        }
    )
    bank_journal.bank_account_id = bank_account
    return company


def _invoice(env, company, partner, lines, invoice_date, move_type="out_invoice"):
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "quantity": qty,
                            "price_unit": price,
                        },
                    )
                    for product, qty, price in lines
                ],
            }
        )
    )
    return move


def build(env):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    be_company = _setup_company(env, env.ref("base.main_company"), BE_COMPANY)
    nl_company = _setup_company(
        env, env["res.company"].create({"name": NL_COMPANY["name"]}), NL_COMPANY
    )
    admin = env.ref("base.user_admin")
    admin.write(
        {
            "company_ids": [(4, be_company.id), (4, nl_company.id)],
            "company_id": be_company.id,
        }
    )
    # Odoo's demo-less install leaves the admin without a usable e-mail: needed to send.
    admin.partner_id.email = admin.partner_id.email or "admin@atelier-lambrecht.example"

    customers = env["res.partner"]
    for name, street, zip_code, city, country, vat, email in CUSTOMERS:
        customers |= env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "street": street,
                "zip": zip_code,
                "city": city,
                "country_id": _country(env, country).id,
                "vat": vat,
                "email": email,
            }
        )
    products = env["product.product"]
    for name, kind, price in PRODUCTS:
        products |= env["product.product"].create(
            {"name": name, "type": kind, "list_price": price}
        )
    hour, table = products
    janssens, parc, bakker, mueller, harbor = customers

    today = date.today()
    posted = [
        (
            be_company,
            janssens,
            [(hour, 6, 85.0), (table, 1, 640.0)],
            today - timedelta(days=40),
        ),
        (be_company, parc, [(table, 2, 640.0)], today - timedelta(days=20)),
        (
            be_company,
            bakker,
            [(hour, 10, 85.0)],
            today - timedelta(days=10),
        ),  # intra-EU
        (
            be_company,
            mueller,
            [(table, 4, 610.0)],
            today - timedelta(days=5),
        ),  # intra-EU
        (be_company, harbor, [(hour, 3, 85.0)], today - timedelta(days=2)),  # export
        (nl_company, bakker, [(hour, 4, 75.0)], today - timedelta(days=7)),
        (
            nl_company,
            janssens,
            [(table, 1, 640.0)],
            today - timedelta(days=3),
        ),  # intra-EU
    ]
    moves = env["account.move"]
    for company, partner, lines, invoice_date in posted:
        moves |= _invoice(env, company, partner, lines, invoice_date)
    moves.action_post()
    # One draft per company: work still to do on the dashboard.
    _invoice(env, be_company, janssens, [(hour, 2, 85.0)], today)
    _invoice(env, nl_company, bakker, [(table, 1, 640.0)], today)
    return be_company, nl_company
