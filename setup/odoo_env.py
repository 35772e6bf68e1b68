"""Odoo configuration and databases for ./setup/run and ./setup/test (runs in .venv).

Databases are built in layers so that repeated runs are fast:

* ``einvoice_base_<hash>``: Odoo's own modules the suite needs (and the Belgian and
  Dutch charts); rebuilt only when the Odoo source tree or that module list changes;
* ``einvoice_tpl_<hash>``: a copy of the base with our three addons installed and the
  demo data loaded; rebuilt when a file of the addons or of the demo data changes;
* ``einvoice_test`` (a copy of the template, for one test run) and ``einvoice_demo``
  (the browsable demo, kept between runs, upgraded in place when the addons change);
* for Odoo's own tests that must stay green with our addons (tests/odoo_suite):
  ``einvoice_odoostock_<hash>``, the base with the modules of those tests (stock Odoo),
  and ``einvoice_odooours_<hash>``, a copy of it with our addons installed and no demo
  data (Odoo's tests make their own companies); each test run uses a copy of either.

The copies made for one test run are left alone by autovacuum (``_without_autovacuum``).

A database is built under a temporary name and renamed when complete, so an interrupted
build never leaves a half-made template behind. Attachments are kept in the database
(``ir_attachment.location = db``), so a copy made by PostgreSQL is complete by itself
and every checkout on the machine can use the templates of the same PostgreSQL server.

    python setup/odoo_env.py config
    python setup/odoo_env.py test-db [--name einvoice_test]
    python setup/odoo_env.py demo [--reset]
    python setup/odoo_env.py odoo-suite-db --name NAME [--stock]
"""

import argparse
import ast
import getpass
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

REPO = Path(__file__).resolve().parent.parent
LOCAL = Path(os.environ.get("EINVOICE_LOCAL", REPO / ".local"))
CONF = LOCAL / "odoo.conf"
DATA_DIR = LOCAL / "data"
LOG_DIR = LOCAL / "logs"
# The suite's addons: every folder of the repository with an Odoo manifest.
OUR_ADDONS = tuple(sorted(p.parent.name for p in REPO.glob("*/__manifest__.py")))
# Installed beside the addons' own dependencies: the Belgian and Dutch charts the demo
# companies (and the tests) use, and account_peppol, which Odoo installs by itself as
# soon as a company is Belgian or Dutch (installing it up front keeps that out of the
# demo load), and sale, whose down payments and final invoices the e-invoice tests
# export.
# The addons themselves do not depend on them.
FIXTURE_MODULES = ("l10n_be", "l10n_nl", "account_peppol", "sale")
# Odoo's own tests run with our addons installed (tests/odoo_suite) need, beside the
# base, the module that holds Odoo's UBL/CII export tests; it brings the French, German
# and Australian charts those tests use.
ODOO_SUITE_MODULES = ("l10n_account_edi_ubl_cii_tests",)
TEST_DB = "einvoice_test"
DEMO_DB = "einvoice_demo"
KEEP_TEMPLATES = int(os.environ.get("EINVOICE_KEEP_TEMPLATES", "2"))


def log(message):
    print(f"\033[1m[einvoice]\033[0m {message}", file=sys.stderr, flush=True)


# -- configuration --------------------------------------------------------------------


def odoo_src():
    import odoo

    return Path(odoo.__file__).resolve().parent.parent


def write_config():
    src = odoo_src()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    rules = os.environ.get("EINVOICE_RULES_DIR", str(LOCAL / "rules"))
    lines = [
        "[options]",
        f"addons_path = {src / 'odoo' / 'addons'},{REPO}",
        f"data_dir = {DATA_DIR}",
        f"db_host = {os.environ.get('PGHOST', '127.0.0.1')}",
        f"db_port = {os.environ.get('PGPORT', '5432')}",
        f"db_user = {os.environ.get('PGUSER', getpass.getuser())}",
        "db_password = False",
        f"http_port = {os.environ.get('ODOO_HTTP_PORT', '8069')}",
        "http_interface = 127.0.0.1",
        "list_db = False",
        "without_demo = all",
        "max_cron_threads = 1",
        "limit_time_real = 600",
        f"einvoice_rules_dir = {rules}",
        "",
    ]
    text = "\n".join(lines)
    if not CONF.exists() or CONF.read_text() != text:
        CONF.write_text(text)
    return CONF


# -- hashing what a database is built from --------------------------------------------


def _manifest(addon):
    return ast.literal_eval((REPO / addon / "__manifest__.py").read_text())


def base_modules():
    """Odoo modules our addons depend on (not ours), plus those the demo uses."""
    deps = set(FIXTURE_MODULES)
    for addon in OUR_ADDONS:
        deps.update(
            d for d in _manifest(addon).get("depends", []) if d not in OUR_ADDONS
        )
    return sorted(deps)


def _hash_files(digest, root, skip=()):
    for path in sorted(root.rglob("*")):
        if path.relative_to(root).parts[0] in skip:
            continue
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())


def base_hash():
    digest = hashlib.sha1()
    src = odoo_src()
    digest.update(str(src).encode())
    digest.update((src / "odoo" / "release.py").read_bytes())
    digest.update(",".join(base_modules()).encode())
    return digest.hexdigest()[:12]


def addons_hash():
    digest = hashlib.sha1(base_hash().encode())
    for addon in OUR_ADDONS:
        _hash_files(digest, REPO / addon)
    for name in ("demo_data.py", "odoo_env.py"):
        digest.update((REPO / "setup" / name).read_bytes())
    return digest.hexdigest()[:12]


def odoo_suite_stock_hash():
    digest = hashlib.sha1(base_hash().encode())
    digest.update(",".join(ODOO_SUITE_MODULES).encode())
    return digest.hexdigest()[:12]


def odoo_suite_hash():
    """What the database of Odoo's own tests with our addons is built from: the addons
    as installed (their own tests and readme change nothing in it)."""
    digest = hashlib.sha1(odoo_suite_stock_hash().encode())
    for addon in OUR_ADDONS:
        _hash_files(digest, REPO / addon, skip=("tests", "readme"))
    digest.update((REPO / "setup" / "odoo_env.py").read_bytes())
    return digest.hexdigest()[:12]


# -- PostgreSQL -----------------------------------------------------------------------


def _connect(dbname="postgres"):
    conn = psycopg2.connect(
        dbname=dbname,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", getpass.getuser()),
    )
    conn.autocommit = True
    return conn


def db_list(prefix=""):
    with _connect() as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname",
            (prefix.replace("_", r"\_") + "%",),
        )
        return [row[0] for row in cr.fetchall()]


def db_exists(name):
    return name in db_list(name)


def _filestore(name):
    return DATA_DIR / "filestore" / name


def db_drop(name):
    conn = _connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s",
                (name,),
            )
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
            )
    finally:
        conn.close()
    shutil.rmtree(_filestore(name), ignore_errors=True)


def db_copy(source, target):
    db_drop(target)
    conn = _connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE DATABASE {} WITH TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(source)
                )
            )
    finally:
        conn.close()


def db_rename(source, target):
    db_drop(target)
    conn = _connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(source), sql.Identifier(target)
                )
            )
    finally:
        conn.close()


def _in_use(name):
    conn = _connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s", (name,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def _prune(prefix, keep_name):
    """Drop older layers of the same kind (each a full database) and failed builds;
    a build another checkout is still making (connected to) is left alone."""
    old = [name for name in db_list(prefix) if name != keep_name]
    for name in [n for n in old if n.endswith("_building")]:
        old.remove(name)
        if not _in_use(name):
            db_drop(name)
    for name in old[: max(0, len(old) - (KEEP_TEMPLATES - 1))]:
        db_drop(name)


# -- Odoo -----------------------------------------------------------------------------


def run_odoo(db, *args, what):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    logfile = LOG_DIR / f"{db}.log"
    logfile.unlink(missing_ok=True)  # Odoo appends; judge this run only
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(CONF),
        "-d",
        db,
        "--no-http",
        "--stop-after-init",
        f"--logfile={logfile}",
        "--log-level=warn",
        *args,
    ]
    started = time.monotonic()
    result = subprocess.run(cmd, check=False)
    if result.returncode:
        tail = (
            logfile.read_text(errors="replace").splitlines()[-30:]
            if logfile.exists()
            else []
        )
        sys.exit(f"[einvoice] {what} failed (log: {logfile}):\n" + "\n".join(tail))
    text = logfile.read_text(errors="replace") if logfile.exists() else ""
    if " ERROR " in text or " CRITICAL " in text:
        errors = [
            line
            for line in text.splitlines()
            if " ERROR " in line or " CRITICAL " in line
        ]
        sys.exit(
            f"[einvoice] {what} logged errors (log: {logfile}):\n"
            + "\n".join(errors[:20])
        )
    log(f"{what}: {time.monotonic() - started:.0f} s")


def _in_odoo(db, function):
    """Run `function(env)` as superuser in `db`, in this process, and commit."""
    import odoo

    odoo.tools.config.parse_config(["-c", str(CONF), "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        function(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))


def store_attachments_in_db(env):
    env["ir.config_parameter"].set_param("ir_attachment.location", "db")
    env["ir.attachment"].force_storage()


def load_demo_data(env):
    """Create the demo companies, customers, products and invoices."""
    sys.path.insert(0, str(REPO / "setup"))
    from demo_data import build

    build(env)
    env["ir.config_parameter"].set_param("einvoice.demo_addons_hash", addons_hash())


STEPS = {"attachments-in-db": store_attachments_in_db, "load-demo": load_demo_data}


def run_step(db, step, what):
    """Run one of STEPS in a fresh process (a registry is loaded once per process)."""
    result = subprocess.run([sys.executable, __file__, "step", step, db], check=False)
    if result.returncode:
        sys.exit(f"[einvoice] {what} failed: see above")


def ensure_base():
    name = f"einvoice_base_{base_hash()}"
    if db_exists(name):
        return name
    tmp = name + "_building"
    db_drop(tmp)
    modules = base_modules()
    log(
        f"building the Odoo base database {name} ({', '.join(modules)});"
        " a few minutes, once"
    )
    try:
        run_odoo(tmp, "-i", ",".join(modules), what=f"install of {', '.join(modules)}")
        run_step(tmp, "attachments-in-db", "moving attachments into the database")
    except SystemExit:
        db_drop(tmp)
        raise
    db_rename(tmp, name)
    _prune("einvoice_base_", name)
    return name


def ensure_template():
    name = f"einvoice_tpl_{addons_hash()}"
    if db_exists(name):
        return name
    base = ensure_base()
    tmp = name + "_building"
    log(f"building the test template {name} (our addons + demo data)")
    db_copy(base, tmp)
    try:
        run_odoo(tmp, "-i", ",".join(OUR_ADDONS), what="install of our addons")
        run_step(tmp, "load-demo", "loading the demo data (setup/demo_data.py)")
    except SystemExit:
        db_drop(tmp)
        raise
    db_rename(tmp, name)
    _prune("einvoice_tpl_", name)
    return name


def _build(name, source, modules, what):
    """`name` as a copy of `source` with `modules` installed, unless it exists."""
    if db_exists(name):
        return name
    tmp = name + "_building"
    log(f"building {name} ({what})")
    db_copy(source, tmp)
    try:
        run_odoo(tmp, "-i", ",".join(modules), what=f"install of {', '.join(modules)}")
    except SystemExit:
        db_drop(tmp)
        raise
    db_rename(tmp, name)
    return name


def ensure_odoo_suite(stock=False):
    """The database Odoo's own tests run on: stock Odoo with the modules of those
    tests, or the same with our addons installed (without demo data)."""
    stock_name = f"einvoice_odoostock_{odoo_suite_stock_hash()}"
    if not db_exists(stock_name):
        _build(
            stock_name,
            ensure_base(),
            ODOO_SUITE_MODULES,
            "stock Odoo for its own tests",
        )
        _prune("einvoice_odoostock_", stock_name)
    if stock:
        return stock_name
    name = f"einvoice_odooours_{odoo_suite_hash()}"
    if not db_exists(name):
        _build(name, stock_name, OUR_ADDONS, "Odoo for its own tests, our addons in")
        _prune("einvoice_odooours_", name)
    return name


def _without_autovacuum(name):
    """A database copied for one test run is not vacuumed behind the tests' back.
    Autovacuum, run while a test's transaction holds thousands of rows it has not
    committed yet (Odoo's own tests set up a company and its chart of accounts per
    test class), records each table with the few committed rows it sees; the planner
    then takes that transaction's thousands of accounts for a handful and picks
    plans that take minutes per query."""
    conn = _connect(name)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT format('ALTER TABLE %s SET (autovacuum_enabled = off)', "
                "c.oid::regclass) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                "AND n.nspname = 'public'"
            )
            cr.execute(";".join(row[0] for row in cr.fetchall()))
    finally:
        conn.close()


def make_odoo_suite_db(name, stock=False):
    db_copy(ensure_odoo_suite(stock=stock), name)
    _without_autovacuum(name)
    return name


def make_test_db(name):
    template = ensure_template()
    db_copy(template, name)
    _without_autovacuum(name)
    return name


def make_stock_db(name, install=()):
    """Stock Odoo (the base database, without our addons) with the demo data and
    the modules of an anchor (e.g. OCA's): what the benchmarks compare with."""
    db_drop(name)
    db_copy(ensure_base(), name)
    if install:
        run_odoo(name, "-i", ",".join(install), what=f"install of {', '.join(install)}")
    run_step(name, "load-demo", "loading the demo data into stock Odoo")
    return name


def ensure_demo(reset=False):
    if reset:
        db_drop(DEMO_DB)
    if not db_exists(DEMO_DB):
        db_copy(ensure_template(), DEMO_DB)
        return DEMO_DB
    # An existing demo keeps its data; bring the addons' code and views up to date.
    key, current = "einvoice.demo_addons_hash", addons_hash()
    conn = _connect(DEMO_DB)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (key,))
            row = cr.fetchone()
            if not row or row[0] != current:
                run_odoo(
                    DEMO_DB,
                    "-u",
                    ",".join(OUR_ADDONS),
                    what="upgrade of our addons in the demo",
                )
                cr.execute(
                    "UPDATE ir_config_parameter SET value = %s WHERE key = %s",
                    (current, key),
                )
    finally:
        conn.close()
    return DEMO_DB


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Odoo config and databases of the suite"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("config")
    test_db = sub.add_parser("test-db")
    test_db.add_argument("--name", default=TEST_DB)
    stock_db = sub.add_parser("stock-db")
    stock_db.add_argument("--name", required=True)
    stock_db.add_argument("--install", nargs="*", default=())
    odoo_suite_db = sub.add_parser("odoo-suite-db")
    odoo_suite_db.add_argument("--name", required=True)
    odoo_suite_db.add_argument("--stock", action="store_true")
    demo = sub.add_parser("demo")
    demo.add_argument("--reset", action="store_true")
    step = sub.add_parser("step")
    step.add_argument("step", choices=sorted(STEPS))
    step.add_argument("db")
    args = parser.parse_args(argv)
    write_config()
    if args.command == "config":
        print(CONF)
    elif args.command == "test-db":
        print(make_test_db(args.name))
    elif args.command == "stock-db":
        print(make_stock_db(args.name, args.install))
    elif args.command == "odoo-suite-db":
        print(make_odoo_suite_db(args.name, stock=args.stock))
    elif args.command == "demo":
        print(ensure_demo(reset=args.reset))
    elif args.command == "step":
        _in_odoo(args.db, STEPS[args.step])


if __name__ == "__main__":
    main()
