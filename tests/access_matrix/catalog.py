"""Routes of the catalog area: products and grades, for the market office only."""
ADMIN = {"admin"}

# endpoint -> (method, url template, who may use it); {product} is the safflower seed product.
# Grades are addressed by rank within their product, so the seed's first grade is /grades/1.
ROUTES = {
    "catalog.list_products": ("GET", "/admin/products/", ADMIN),
    "catalog.new_product": ("GET", "/admin/products/new", ADMIN),
    "catalog.edit_product": ("GET", "/admin/products/{product}/edit", ADMIN),
    "catalog.add_grade": ("POST", "/admin/products/{product}/grades", ADMIN),
    "catalog.edit_grade": ("GET", "/admin/products/{product}/grades/1", ADMIN),
}
