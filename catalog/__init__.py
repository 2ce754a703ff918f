"""Items, donations, the stock ledger, the storefront, orders and tracking."""
