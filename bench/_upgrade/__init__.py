"""A tenant app used only by bench.migrations: one release's worth of schema change per stall."""
