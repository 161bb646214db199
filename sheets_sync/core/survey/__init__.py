"""The guide's pre-graduation survey (§3 #3): reading responses, the rollup table, open offers of help."""
