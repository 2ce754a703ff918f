"""Units of the Youth Union, stalls (tenants), domains, accounts and roles, provisioning."""
