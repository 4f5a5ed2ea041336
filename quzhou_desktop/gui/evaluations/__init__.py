"""民主评议 section: a village's yearly reviews with votes and verdicts, and the township overview."""
