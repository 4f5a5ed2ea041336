"""五议两公开 register screens."""
