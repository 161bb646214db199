"""Reading tabs people keep: teachers' lists (header detection, column -> field) and staff template tabs."""
