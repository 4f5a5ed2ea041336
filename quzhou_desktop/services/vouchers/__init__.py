"""村务监督: 支出凭证 entry, the 先审后签 flow, queues, the 监督台账, the monthly review and month lock."""
