"""Local stand-ins for outside services (Zalo, SMS gateways): tests and the demo talk to them."""
