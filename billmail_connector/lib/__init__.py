"""Accountant mailbox logic, free of Odoo: presets of the common targets, addresses per
document type, and when a document is due to be sent.
"""
