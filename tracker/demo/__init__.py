"""The deterministic demo plan: departments, users, actions, updates, requests and assessments."""
