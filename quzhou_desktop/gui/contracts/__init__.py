"""合同与资产 section: the contract register with schedules and payments, and the asset and resource register."""
