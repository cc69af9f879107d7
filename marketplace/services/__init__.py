"""Services: load rows, apply domain rules, write rows. They flush; the caller commits."""
