"""Services do the work behind the views: they add and flush, the caller commits."""
