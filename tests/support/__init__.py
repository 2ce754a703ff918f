"""Helpers the whole suite shares: races, polling, real worker and server processes."""
