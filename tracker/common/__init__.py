"""Small pieces shared by every feature: time, quarters, permissions, pagination."""
