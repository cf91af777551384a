"""One adapter per linkage tool; each turns the shared benchmark frame into clusters or pairs."""
