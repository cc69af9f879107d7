"""Plain-Python domain rules: no Flask, no SQLAlchemy."""
