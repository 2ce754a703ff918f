"""Logistics tests use the suite's real-process fixtures (worker_factory, throwaway_redis)."""
