"""The clinical tools on the web (/tools/): thin forms and views over besponsa.clinical."""
