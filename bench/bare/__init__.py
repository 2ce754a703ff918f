"""A bare django-tenants project: the yardstick the storefront is measured against.

Two views only, with the least a tenant-aware Django needs (tenant routing, a template,
the ORM): a page of 24 items, and a "claim" that takes one unit of an item with one
conditional UPDATE and records it with one INSERT, in one transaction.
"""
