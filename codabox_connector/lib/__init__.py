"""CodaBox API client and CODA feed logic, free of Odoo.

The client speaks CodaBox API v2 over HTTP with timeouts and typed errors; the Odoo
models build it in one place so that tests can point it at a local server.
"""
