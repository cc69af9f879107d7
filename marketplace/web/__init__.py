"""Web layer: one blueprint package per area."""
