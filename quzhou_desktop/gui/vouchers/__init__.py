"""村务监督 section: vouchers under 先审后签, the monthly review meeting and the 监督台账."""
