"""Access rules for the timing floor that benchmarks compare pages with."""

from tests.access import READ_ALL

RULES = {
    "main.floor": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
}
