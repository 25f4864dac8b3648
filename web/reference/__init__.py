"""Reference lists the programme relies on: institutions and spoken languages."""
