"""The permission gate: modes and rules, how they apply to each call, project trust."""
