"""The ``Rollup`` tab: the guide's aggregation and reporting tables."""
